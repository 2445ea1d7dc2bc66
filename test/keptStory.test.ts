/**
 * Issue 15, item 7: kept models that tell their story. Through the built CLI (`dist/`, made by
 * `npm run build`, which `npm test` runs first), in a folder of its own as a user's project:
 * `models` says what changed from one model to the next (rows added, relabeled, categories
 * renamed, the fresh-set macro-F1), `compare` scores both models on the fresh set per category
 * with the papers whose label changed, and `predict` labels a repeated abstract as its first
 * occurrence and names it in `duplicate_of`. The figures are worked out by hand in the comments.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { readAbstractBatches } from "../src/ingest/abstracts.js";
import { textHash } from "../src/modelfile/knownAbstracts.js";
import { parseModel, serializeModel, type LoadedModel } from "../src/modelfile/modelFile.js";
import { predictSources } from "../src/predict/run.js";
import { repeatKey, SeenAbstracts } from "../src/predict/repeats.js";
import { abstractKey } from "../src/text/normalize.js";
import { DEFAULT_TOKENIZER, makeTokenizer } from "../src/text/tokenize.js";
import { trainModel } from "../src/training/train.js";
import type { LabeledAbstract } from "../src/domain.js";
import { fixture, parseCsv } from "./cliHarness.js";
import { thrown } from "./thrown.js";

const CLI = join(__dirname, "..", "dist", "src", "cli", "main.js");
const project = mkdtempSync(join(tmpdir(), "safetag-kept-"));
const at = (...p: string[]) => join(project, ...p);

/** The built CLI as its own process, run from the project folder. */
function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: project, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[]): string {
  const r = run(args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

const REVIEWED_HEADER = "id,company,title,date,url,category,abstract,reviewer,reviewed_at,source";
/** Two reviewed rows about a word the sheet never uses ("sycophancy"), labeled Feedback. */
const SYCOPHANCY = [
  "rev-000000000001,,Sycophancy,,,Feedback,Chat assistants show sycophancy: they agree with the stated views of the user; we measure sycophancy across tasks.,ana,2026-01-02,dump.txt:3",
  "rev-000000000002,,Less sycophancy,,,Feedback,Training on synthetic disagreement reduces sycophancy of assistants towards their users.,ben,2026-01-02,dump.txt:5",
];
/** A reviewer relabels the sheet's debate paper (row 3, id r3: the sheet has no id column) as Interpretability. */
const RELABEL = "rev-000000000003,,Debate for oversight,,,Interpretability,Scalable oversight lets humans supervise strong models; we study debate and critiques written by models to help human evaluators.,ana,2026-01-03,dump.txt:7";

/**
 * The fresh set. Gold: Interpretability, Robustness, Feedback, Feedback, Feedback (f5 is an
 * interpretability abstract labeled Feedback, so that no model is perfect on it). A model trained
 * on the sheet alone reads f3 ("transformer language models") as Interpretability; one that also
 * learned the sycophancy rows reads it as Feedback.
 */
const FRESH = `id,title,abstract,category
f1,Probing for lies,Linear probes on activations find deception directions inside the language model.,Interpretability
f2,Jailbreaks,Adversarial jailbreak prompts attack chat models and we test defenses.,Robustness
f3,Sycophancy grows,Sycophancy of transformer language models: sycophancy grows with scale.,Feedback
f4,Reward hacking,Policies trained with human feedback exploit the reward model learned from preferences.,Feedback
f5,Circuits,Attention heads form circuits that we reverse engineer in transformers.,Feedback
`;

const RENAMED_TAXONOMY = JSON.stringify({ format: "safetag-taxonomy", version: 1, categories: [{ name: "Feedback" }, { name: "Interpretability" }, { name: "Adversarial robustness", renamedFrom: ["Robustness"] }] });

const registry = () => JSON.parse(readFileSync(at("models", "registry.json"), "utf8")) as { current: string; models: { id: string }[] };
/** The lines of the block of `id` in `safetag models`' output. */
function block(listing: string, id: string): string {
  const lines = listing.split("\n");
  const start = lines.findIndex((l) => l.slice(2).startsWith(id));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith("    "));
  return lines.slice(start, end).join("\n");
}

let ids: string[] = [];

beforeAll(() => {
  expect(existsSync(CLI), "run `npm run build` first: these tests run dist/src/cli/main.js").toBe(true);
  // a project as `safetag run` expects it: the sheet, its taxonomy, a dump, the fresh set
  mkdirSync(at("data", "raw"), { recursive: true });
  mkdirSync(at("data", "eval"), { recursive: true });
  copyFileSync(fixture("tiny-labeled.csv"), at("data", "raw", "sheet.csv"));
  copyFileSync(fixture("tiny-taxonomy.json"), at("data", "taxonomy.json"));
  copyFileSync(fixture("tiny-dump.txt"), at("data", "raw", "dump.txt"));
  writeFileSync(at("data", "eval", "fresh.csv"), FRESH);
  writeFileSync(at("renamed.json"), RENAMED_TAXONOMY);
  // 1: `run` on the sheet (cross-validated, and scored on the fresh set)
  ok(["--quiet", "run", "--sheet", "data/raw/sheet.csv"]);
  // 2: a review round adds the two sycophancy rows; `train` (not evaluated)
  writeFileSync(at("data", "reviewed.csv"), [REVIEWED_HEADER, ...SYCOPHANCY, ""].join("\n"));
  ok(["--quiet", "train", "--data", "data/labeled.csv", "--out", "models/model.json"]);
  // 3: a reviewer relabels a sheet row, and the taxonomy renames Robustness
  writeFileSync(at("data", "reviewed.csv"), [REVIEWED_HEADER, ...SYCOPHANCY, RELABEL, ""].join("\n"));
  ok(["--quiet", "train", "--data", "data/labeled.csv", "--out", "models/model.json", "--taxonomy", "renamed.json"]);
  ids = registry().models.map((m) => m.id);
  expect(ids).toHaveLength(3);
}, 60_000);

describe("safetag models: what changed from one model to the next", () => {
  it("one block per model, oldest first: the rows added, the row relabeled, the category renamed, the fresh-set macro-F1", () => {
    const listing = ok(["models", "--taxonomy", "renamed.json"]);
    const [first, second, third] = ids.map((id) => block(listing, id));
    expect(listing.indexOf(ids[0]!)).toBeLessThan(listing.indexOf(ids[1]!));
    expect(listing.indexOf(ids[1]!)).toBeLessThan(listing.indexOf(ids[2]!));
    // `run` scored model 1 on the fresh set. It labels f1..f5 Interpretability, Robustness,
    // Interpretability, Feedback, Interpretability (gold I, R, F, F, F): Interpretability 1 right of
    // 3 predicted, its 1 row found: F1 2(1/3)(1)/(1/3 + 1) = 0.5; Robustness 1; Feedback 1 right
    // of 1 predicted, 1 of its 3 rows found: F1 2(1)(1/3)/(1 + 1/3) = 0.5; macro (0.5 + 1 + 0.5)/3 = 0.667
    expect(first).toMatch(/^  \S+  complement-nb  18 rows  3 categories  written to models\/model\.json$/m);
    expect(first).toContain("macro-F1: inner 1.000 (5-fold), cross-validated ");
    expect(first).toContain("fresh set 0.667 on 5 abstracts (data/eval/fresh.csv)");
    expect(first).toContain("the first model kept here");
    expect(second).toContain("with 2 reviewed rows from data/reviewed.csv");
    expect(second).toContain("fresh set: not evaluated");
    expect(second).toContain(`since ${ids[0]}: rows 2 added (rev-000000000001, rev-000000000002), none removed, none relabeled; categories unchanged`);
    // the six Robustness rows are now "Adversarial robustness" rows: renamed, not relabeled; the relabeled row is a sheet row, not a new one
    expect(third).toMatch(/^\* \S+  complement-nb  20 rows  3 categories/m);
    expect(third).toContain(`since ${ids[1]}: rows none added, none removed, 1 relabeled (r3 "Feedback" -> "Interpretability"); categories renamed "Robustness" -> "Adversarial robustness"`);
    expect(listing).toContain("fresh set = papers in no training file");
  });

  it("without the taxonomy that records the rename, the renamed category is one removed and one added, and its rows relabeled", () => {
    const listing = ok(["models", "--taxonomy", "data/taxonomy.json"]);
    expect(block(listing, ids[2]!)).toContain('rows none added, none removed, 7 relabeled (r3 "Feedback" -> "Interpretability", r14 "Robustness" -> "Adversarial robustness", r15 "Robustness" -> "Adversarial robustness" and 4 more); categories removed "Robustness"; added "Adversarial robustness"');
  });

  it("a kept copy that is damaged is said in its block, and the rest of the story is still told", () => {
    const copy = at("models", "registry", `${ids[1]}.json`);
    const text = readFileSync(copy, "utf8");
    writeFileSync(copy, "{ not json");
    try {
      const r = run(["models", "--taxonomy", "renamed.json"]);
      expect(r.code).toBe(0);
      const second = block(r.stdout, ids[1]!);
      expect(second).toContain(`kept copy registry/${ids[1]}.json unreadable: models/registry/${ids[1]}.json: not a JSON model file`);
      expect(second).toContain("rows not compared (a kept copy is unreadable)");
      expect(block(r.stdout, ids[2]!)).toContain('rows not compared (a kept copy is unreadable); categories renamed "Robustness" -> "Adversarial robustness"');
    } finally {
      writeFileSync(copy, text);
    }
  });
});

describe("safetag compare: both models on the fresh set", () => {
  it("per-category precision, recall and F1 of each and the difference, and the papers whose label changed", () => {
    const out = ok(["compare", ids[0]!, ids[1]!]);
    expect(out).toContain("training rows: 18 -> 20 (+2), different data: 2 added (rev-000000000001, rev-000000000002), none removed, none relabeled");
    expect(out).toContain("fresh set data/eval/fresh.csv: 5 abstracts in no training file");
    // A labels I, R, I, F, I (figures above); B labels f3 Feedback: I, R, F, F, I.
    // B: Interpretability 1 right of 2 predicted: P 0.5, R 1, F1 0.667; Feedback 2 right of 2
    // predicted, 2 of its 3 rows: P 1, R 0.667, F1 0.8; A's Feedback: P 1, R 0.333, F1 0.5
    expect(out).toContain("  Feedback             3   1.000  1.000       0   0.333  0.667  +0.333   0.500  0.800  +0.300");
    expect(out).toContain("  Interpretability     1   0.333  0.500  +0.167   1.000  1.000       0   0.500  0.667  +0.167");
    expect(out).toContain("  Robustness           1   1.000  1.000       0   1.000  1.000       0   1.000  1.000       0");
    // macro: P (1/3 + 1 + 1)/3 = 0.778 and (0.5 + 1 + 1)/3 = 0.833; R (1 + 1 + 1/3)/3 = 0.778 and
    // (1 + 1 + 2/3)/3 = 0.889; F1 (0.5 + 1 + 0.5)/3 = 0.667 and (2/3 + 1 + 0.8)/3 = 0.822
    expect(out).toContain("  macro average            0.778  0.833  +0.056   0.778  0.889  +0.111   0.667  0.822  +0.156");
    expect(out).toContain("  accuracy: A 0.600, B 0.800 (B − A +0.200)");
    expect(out).toContain("papers whose label changed: 1 of 5");
    // both are sure of their answer, and a model's probability is never shown as 1
    expect(out).toContain('\n  f3  "Sycophancy grows": "Interpretability" (>0.999) -> "Feedback" (>0.999), gold "Feedback": B right\n');
  });

  it("--data on two models of the same settings says what changed in their training data, not a table of zeros", () => {
    const out = ok(["compare", ids[0]!, ids[1]!, "--data", "data/labeled.csv", "--no-fresh"]);
    expect(out).toContain("--data: not cross-validated: both models have the same settings (complement-nb), so on the same 20 rows and folds they would score the same.");
    expect(out).toContain("What changed is their training data: 2 added (rev-000000000001, rev-000000000002), none removed, none relabeled; give --fresh <file> to see what that did.");
    expect(out).not.toContain("cross-validated on the same");
    expect(out).not.toContain("fresh set");
  });

  it("a category renamed between the two models is one category, by B's name (the fresh set's old label too); --fresh names another fresh file", () => {
    writeFileSync(at("fresh2.csv"), FRESH.split("\n").slice(0, 3).join("\n") + "\n");
    const out = ok(["compare", ids[1]!, ids[2]!, "--taxonomy", "renamed.json", "--fresh", "fresh2.csv"]);
    expect(out).toContain('categories (A -> B): renamed "Robustness" -> "Adversarial robustness"');
    expect(out).toContain('training rows: 20 -> 20 (+0), different data: none added, none removed, 1 relabeled (r3 "Feedback" -> "Interpretability")');
    expect(out).toContain("fresh set fresh2.csv: 2 abstracts");
    // f2, gold "Robustness", is labeled "Robustness" by A and "Adversarial robustness" by B: right by both
    expect(out).toMatch(/^ {2}Adversarial robustness {5}1 {3}1\.000 {2}1\.000 {7}0 {3}1\.000 {2}1\.000 {7}0 {3}1\.000 {2}1\.000 {7}0$/m);
    expect(out).not.toMatch(/^ {2}Robustness /m);
    expect(out).toContain("papers whose label changed: 0 of 2");
  });
});

/** 600 distinct abstracts, with repeats: exact (line 2 of line 1), in another case and spacing across batches (line 400 of line 3), and two empty ones. */
function dumpWithRepeats(): string {
  const topics = ["reward models from human feedback", "attention heads and circuits", "adversarial attacks on classifiers", "sparse features in neurons"];
  const abstracts = Array.from({ length: 600 }, (_, i) => `Paper ${i} studies ${topics[i % 4]} with method ${i * 7}.`);
  abstracts[1] = abstracts[0]!;
  abstracts[399] = `  ${abstracts[2]!.toUpperCase().replace(/ /g, "   ")}`;
  abstracts[598] = abstracts[299]!;
  abstracts[10] = "";
  abstracts[11] = "";
  return abstracts.map((a) => `Abstract:${a}\n`).join("");
}

describe("predict: a repeated abstract is labeled once and marked duplicate_of", () => {
  beforeAll(() => writeFileSync(at("dump.txt"), dumpWithRepeats()));

  it("CSV and JSONL, one row per input row in input order, the same with 1 and 2 threads", () => {
    const csv1 = ok(["--quiet", "predict", "--model", "models/model.json", "--input", "dump.txt", "--workers", "1"]);
    const csv2 = ok(["--quiet", "predict", "--model", "models/model.json", "--input", "dump.txt", "--workers", "2"]);
    expect(csv2).toBe(csv1);
    const rows = parseCsv(csv1);
    expect(rows).toHaveLength(600);
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: 600 }, (_, i) => String(i + 1)));
    const marked = rows.filter((r) => r.duplicate_of !== "").map((r) => [r.id, r.duplicate_of]);
    expect(marked).toEqual([["dump.txt:2", "dump.txt:1"], ["dump.txt:400", "dump.txt:3"], ["dump.txt:599", "dump.txt:300"]]);
    for (const [repeat, first] of [[1, 0], [399, 2], [598, 299]] as const) {
      expect([rows[repeat]!.category, rows[repeat]!.confidence]).toEqual([rows[first]!.category, rows[first]!.confidence]);
    }
    expect([rows[10]!.label_source, rows[11]!.duplicate_of]).toEqual(["none", ""]); // two empty abstracts are no repeats
    const header = csv1.split("\n")[0]!;
    expect(header).toBe("id,category,confidence,runner_up,runner_up_confidence,needs_review,reason,scope,out_of_scope,terms,label_source,matched_id,duplicate_of,file,line");

    const jsonl = ok(["--quiet", "predict", "--model", "models/model.json", "--input", "dump.txt", "--format", "jsonl", "--workers", "2"]);
    const records = jsonl.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.duplicate_of)).toEqual(rows.map((r) => r.duplicate_of));
    expect(records[399]).toMatchObject({ id: "dump.txt:400", duplicate_of: "dump.txt:3", category: rows[2]!.category });
  });

  it("the summary says how many rows repeat an earlier abstract", () => {
    const r = run(["predict", "--model", "models/model.json", "--input", "dump.txt", "--output", "out.csv"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("3 of them repeat an abstract read before: labeled as that row, which duplicate_of names");
  });

  it("a repeat across two inputs names the row of the first input", () => {
    writeFileSync(at("a.txt"), "Abstract:Sparse autoencoders find features in neurons.\n");
    writeFileSync(at("b.txt"), "Abstract:Adversarial attacks on classifiers.\nAbstract:SPARSE autoencoders find features in neurons.\n");
    const rows = parseCsv(ok(["--quiet", "predict", "--model", "models/model.json", "--input", "a.txt", "b.txt"]));
    expect(rows.map((r) => [r.id, r.duplicate_of])).toEqual([["a.txt:1", ""], ["b.txt:1", ""], ["b.txt:2", "a.txt:1"]]);
    expect(rows[2]!.category).toBe(rows[0]!.category);
  });
  it("abstracts with the same terms that are not the same text are no repeats (punctuation, a stop word, word order, a number)", () => {
    // each pair has one set of terms for the model (its fingerprint, see knownAbstracts.ts), and two normalised texts
    const pairs = [["Reward models, again.", "reward models again"], ["The reward model of humans.", "Reward model of humans."],
      ["Models reward humans.", "Humans reward models."], ["Reward models in 2024.", "Reward models in 2025."]];
    const tokenize = makeTokenizer(parseModel(readFileSync(at("models", "model.json"), "utf8"), "model.json").tokenizer);
    const terms = (t: string) => [...new Set(tokenize(t))].sort().join(" ");
    for (const [a, b] of pairs) expect(terms(a!)).toBe(terms(b!));
    writeFileSync(at("same-terms.txt"), pairs.flat().map((a) => `Abstract:${a}\n`).join("") + "Abstract:REWARD MODELS,  AGAIN.\n");
    const rows = parseCsv(ok(["--quiet", "predict", "--model", "models/model.json", "--input", "same-terms.txt"]));
    expect(rows.map((r) => r.duplicate_of)).toEqual(["", "", "", "", "", "", "", "", "same-terms.txt:1"]);
  });
});

describe("a repeat the model would label otherwise gets its first occurrence's label", () => {
  // A model that keeps case (no lower-casing, no stemming) reads "circuits AND reward" and
  // "CIRCUITS and REWARD" differently; the two are the same abstract (the same normalised text).
  const row = (id: string, abstract: string, category: string): LabeledAbstract => ({ id, abstract, category, company: "", title: "", date: "", url: "", duplicate: false, abstractMissing: false });
  let model: LoadedModel;
  beforeAll(() => {
    const rows = [row("i1", "Sparse circuits AND heads", "Interp"), row("i2", "Neurons AND circuits", "Interp"), row("i3", "attention AND features", "Interp"), row("f1", "reward and feedback", "Feed"), row("f2", "human and preference", "Feed"), row("f3", "feedback and reward models", "Feed")];
    const trained = trainModel(rows, { tokenizer: { ...DEFAULT_TOKENIZER, lowercase: false, stopWords: "none", stem: "none" } });
    const path = at("case.json");
    writeFileSync(path, serializeModel(trained));
    model = parseModel(readFileSync(path, "utf8"), path);
  });

  async function predicted(lines: string[], workers: number): Promise<Record<string, string>[]> {
    const out = new PassThrough();
    let written = "";
    out.on("data", (d) => (written += d));
    const input = Readable.from([lines.map((l) => `Abstract:${l}\n`).join("")]);
    await predictSources(model, [{ file: "d.txt", batches: readAbstractBatches(input, "d.txt", "dump") }], out, "csv", undefined, { workers, batchSize: 2 });
    return parseCsv(written);
  }

  it("its category, confidence and review mark, with 1 thread and with 2 (batches of 2, so the first is labeled in another batch)", async () => {
    const alone = await predicted(["CIRCUITS and REWARD"], 1);
    const first = await predicted(["circuits AND reward"], 1);
    expect(alone[0]!.category).not.toBe(first[0]!.category); // the model does read them differently
    for (const workers of [1, 2]) {
      const rows = await predicted(["circuits AND reward", "human and preference", "attention AND features", "CIRCUITS and REWARD"], workers);
      expect(rows[3]).toMatchObject({ category: first[0]!.category, confidence: first[0]!.confidence, needs_review: first[0]!.needs_review, duplicate_of: "d.txt:1", line: "4" });
      expect(rows.slice(0, 3).map((r) => r.duplicate_of)).toEqual(["", "", ""]);
    }
  });
});

describe("the key of a repeat", () => {
  it("is the hash of the abstract's normalised text (abstractKey), fast path or not; blank text has none", () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom("a", "B", " ", "  ", "\t", "\n", "\r", "é", "ﬁ", "\u00a0", "x") }));
    fc.assert(fc.property(text, (a) => repeatKey(a) === (abstractKey(a) === "" ? "" : textHash(abstractKey(a)))));
    expect(repeatKey(" Reward  Models\t")).toBe(repeatKey("reward models"));
    expect(repeatKey(" \t\n")).toBe("");
  });

  it("the run's index finds every repeat among many abstracts (its table and its ids grow) and keeps the first row's id", () => {
    const seen = new SeenAbstracts(["A", "B"]);
    const n = 5000;
    // every other row has an id of its own (kept as bytes), the others `<source>:<line>` (kept as a source and a line)
    const row = (i: number) => (i % 2 === 0 ? { id: `row-${i}-${"é".repeat(i % 7)}` } : { id: `dump${i % 3}.txt:${i}`, source: `dump${i % 3}.txt`, line: i });
    for (let i = 0; i < n; i++) expect(seen.see(`abstract number ${i}`, row(i))!.repeat).toBe(false);
    for (let i = 0; i < n; i += 499) {
      const { entry, repeat } = seen.see(`ABSTRACT number ${i}`, { id: "later" })!;
      expect([repeat, seen.firstId(entry)]).toEqual([true, row(i).id]);
    }
    expect(seen.size).toBe(n);
  });

  it("blank abstracts have no entry; texts that differ by more than case and white space have their own", () => {
    const seen = new SeenAbstracts(["A"]);
    expect([seen.see("", { id: "a" }), seen.see(" \t\n", { id: "b" })]).toEqual([undefined, undefined]);
    const texts = ["Reward models, again.", "reward models again", "Reward models again.", "reward models — again.", "reward models – again."];
    expect(texts.map((t, i) => seen.see(t, { id: `r${i}` })!.repeat)).toEqual([false, false, false, false, false]);
    expect(seen.see("  REWARD   models,\tagain. ", { id: "later" })).toEqual({ entry: 0, repeat: true });
    expect(seen.see("Reward models \u2014 again.", { id: "later" })).toEqual({ entry: 3, repeat: true });
    expect(seen.size).toBe(5);
  });
});

describe("E_MODEL_FORMAT: the fresh-set figures of a model file are checked", () => {
  it("a fresh macro-F1 that is not a share is refused", () => {
    const text = readFileSync(at("models", "model.json"), "utf8");
    const file = JSON.parse(readFileSync(at("models", "registry", `${ids[0]}.json`), "utf8")) as { evaluation: { fresh: { macroF1: unknown } } };
    expect(file.evaluation.fresh).toEqual({ path: "data/eval/fresh.csv", rows: 5, accuracy: 0.6, macroF1: expect.closeTo(2 / 3, 12) });
    file.evaluation.fresh.macroF1 = "high";
    const error = thrown(() => parseModel(JSON.stringify(file), "m.json"));
    expect([error.code, error.message]).toEqual(["E_MODEL_FORMAT", expect.stringContaining("evaluation.fresh.macroF1")]);
    expect(parseModel(text, "model.json").categories).toHaveLength(3);
  });
});
