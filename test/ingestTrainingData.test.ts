import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sha256 } from "../src/io/hash.js";
import { readTrainingData } from "../src/ingest/trainingData.js";
import { loadTaxonomy, TAXONOMY_FORMAT } from "../src/taxonomy/file.js";

const dir = mkdtempSync(join(tmpdir(), "safetag-training-data-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

const labeled = write(
  "labeled.csv",
  [
    "id,abstract,category,duplicate",
    "a1,Reward models learned from human preference comparisons.,Feedback,0",
    "a2,Debate between models helps human judges supervise them.,Feedback,0",
    "a3,Sparse autoencoders find features in activations.,Interpretability,0",
    "a4,Circuits explain how a small transformer adds numbers.,Interpretability,0",
    "a5,Circuits explain how a small transformer adds numbers.,Interpretability,1",
    "a6,A retired idea about boxing an agent.,Boxing,0",
    "",
  ].join("\n"),
);
// reviewed.csv beside it: one review relabels a2, one is a new abstract
write(
  "reviewed.csv",
  [
    "id,abstract,category,reviewer",
    "rev-1,Debate between models helps human judges supervise them.,Interpretability,ana",
    "rev-2,Probing classifiers read truthfulness from hidden states.,Interpretability,ana",
    "",
  ].join("\n"),
);
write(
  "background.csv",
  [
    "id,abstract,category",
    "b1,A convolutional network segments cells in microscope images.,Not safety research",
    "b2,Sparse autoencoders find features in activations.,Not safety research",
    "b3,Red-teaming language models with other language models.,Robustness",
    "",
  ].join("\n"),
);
const taxonomyFile = write(
  "taxonomy.json",
  JSON.stringify({
    format: TAXONOMY_FORMAT,
    version: 1,
    categories: [
      { name: "Feedback", description: "learning from human feedback" },
      { name: "Interpretability", description: "understanding model internals" },
      { name: "Boxing", retired: true },
      { name: "Not safety research", scope: "outside", background: "background.csv" },
    ],
  }),
);

describe("readTrainingData: the labeled file, its reviews, the taxonomy and the background set, joined", () => {
  it("returns what it found as data, and tells each part as it is read", () => {
    const told: string[] = [];
    const data = readTrainingData(labeled, loadTaxonomy(taxonomyFile), { labeled: () => told.push("labeled"), background: () => told.push("background") });
    expect(told).toEqual(["labeled", "background"]);
    // a1, a2 (relabeled), a3, a4, rev-2; a5 is a duplicate, a6's category is retired
    expect(data.rows.map((r) => [r.id, r.category])).toEqual([
      ["a1", "Feedback"], ["a2", "Interpretability"], ["a3", "Interpretability"], ["a4", "Interpretability"], ["rev-2", "Interpretability"],
    ]);
    const r = data.reading;
    expect(r.summary).toMatchObject({ rowsRead: 6, duplicates: 1, missingAbstracts: 0 });
    expect(r.reviewed?.path).toBe(join(dir, "reviewed.csv"));
    expect(r.prepared.merge?.overridden.map((o) => [o.row.id, o.from, o.row.category, o.row.reviewer]))
      .toEqual([["a2", "Feedback", "Interpretability", "ana"]]);
    expect(r.prepared.changes?.setAside.map((s) => [s.row.id, s.kind])).toEqual([["a6", "retired"]]);
    // 6 labeled + 2 reviewed = 5 used + 1 duplicate + 1 set aside by the taxonomy + 1 review merged into its row
    expect(r.account).toEqual({
      read: 8,
      kept: 5,
      setAside: [
        { what: "duplicates", rows: 1 },
        { what: "without abstract", rows: 0 },
        { what: "set aside by the taxonomy", rows: 1 },
        { what: "left out while reading (see the problems)", rows: 0 },
        { what: "reviews merged into their labeled row", rows: 1 },
      ],
    });
    expect(data.sha256).toBe(sha256(readFileSync(labeled, "utf8") + readFileSync(join(dir, "reviewed.csv"), "utf8")));
    expect(data.reviewed).toEqual({ path: join(dir, "reviewed.csv"), sha256: sha256(readFileSync(join(dir, "reviewed.csv"), "utf8")), rows: 2 });
    // the background set, found beside the taxonomy; b2 is a labeled row's abstract: the user's label wins
    const b = data.background!;
    expect(b.path).toBe(join(dir, "background.csv"));
    expect(b.rows.map((x) => x.id)).toEqual(["b1"]);
    expect(b.safety.map((x) => x.id)).toEqual(["b3"]);
    expect(b.setAside.map((x) => [x.row.id, x.reason])).toEqual([["b2", "the same abstract is a labeled row"]]);
    expect(data.taxonomy?.categories.map((c) => c.name)).toEqual(["Feedback", "Interpretability", "Not safety research"]);
  });

  it("tells what it read before it fails: no usable rows is E_NO_ROWS, after the labeled file was told", () => {
    mkdirSync(join(dir, "alone")); // no reviewed.csv beside it
    const none = write("alone/none.csv", "id,abstract,category,duplicate\nn1,Only a duplicate.,Feedback,1\n");
    const told: number[] = [];
    expect(() => readTrainingData(none, undefined, { labeled: (r) => told.push(r.summary.rowsRead) })).toThrow(expect.objectContaining({ code: "E_NO_ROWS" }));
    expect(told).toEqual([1]);
  });

  it("names a background file that is not there (E_BACKGROUND_READ), after the labeled file was told", () => {
    const elsewhere = write(
      "taxonomy-missing-background.json",
      JSON.stringify(
        { format: TAXONOMY_FORMAT, version: 1,
          categories: [{ name: "Feedback" }, { name: "Interpretability" }, { name: "Not safety research", scope: "outside", background: "nowhere.csv" }] }),
    );
    const told: string[] = [];
    expect(() =>
      readTrainingData(labeled, loadTaxonomy(elsewhere), { labeled: () => told.push("labeled"), background: () => told.push("background") })).toThrow(
      expect.objectContaining({ code: "E_BACKGROUND_READ" }),
    );
    expect(told).toEqual(["labeled"]);
  });
});
