import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LabeledAbstract, Taxonomy } from "../src/domain.js";
import { SafetagError } from "../src/errors.js";
import { parseTaxonomy, TAXONOMY_FORMAT } from "../src/taxonomy/file.js";
import { activeTaxonomy } from "../src/taxonomy/active.js";
import { applyTaxonomy, readingTaxonomy, resolveCategory } from "../src/taxonomy/changes.js";
import { cli, fixture, parseCsv } from "./cliHarness.js";

const dir = mkdtempSync(join(tmpdir(), "safetag-changes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const taxonomyFile = (categories: object[]) => JSON.stringify({ format: TAXONOMY_FORMAT, version: 1, categories }, null, 2);

const row = (id: string, category: string): LabeledAbstract => ({
  id, company: "", title: "", date: "", url: "", category, abstract: `abstract of ${id}`, duplicate: false, abstractMissing: false,
});

describe("applyTaxonomy: category changes without editing the labeled data", () => {
  const taxonomy: Taxonomy = {
    categories: [
      { name: "Human feedback", renamedFrom: ["Feedback"] },
      { name: "Interpretability", mergedInto: "Robustness" },
      { name: "Robustness" },
      { name: "Power seeking", retired: true },
      { name: "Evaluations", splitInto: ["Dangerous capabilities", "Honest AI"] },
      { name: "Dangerous capabilities", description: "evaluations of dangerous capabilities" },
      { name: "Honest AI", description: "honesty and deception" },
    ],
  };
  const rows =
    [row("r1", "Feedback"), row("r2", "Interpretability"), row("r3", "Robustness"), row("r4", "Power seeking"),
      row("r5", "Evaluations"), row("r6", "Robustnes")];

  it("renames, merges, retires, splits and reports labels it lacks, leaving the input rows as they were", () => {
    const before = structuredClone(rows);
    const app = applyTaxonomy(rows, taxonomy);
    expect(rows).toEqual(before);
    expect(app.rows.map((r) => [r.id, r.category])).toEqual([["r1", "Human feedback"], ["r2", "Robustness"], ["r3", "Robustness"]]);
    expect(app.relabeled.map((r) => [r.row.id, r.from, r.change])).toEqual([["r1", "Feedback", "renamed"], ["r2", "Interpretability", "merged"]]);
    expect(app.setAside.map((s) => [s.row.id, s.kind])).toEqual([["r4", "retired"], ["r5", "split"], ["r6", "unknown"]]);
    expect(app.setAside[1]!.reason).toBe('"Evaluations" was split into "Dangerous capabilities", "Honest AI": the row needs a new label');
    expect(app.setAside[2]!.reason).toContain('did you mean "Robustness"?');
    // an added category with no rows is known from its description, and said so
    expect(app.warnings.join("\n")).toMatch(/"Dangerous capabilities" has no labeled rows yet/);
  });

  it("the active categories are the ones a model learns; the readers also know the old names", () => {
    expect(activeTaxonomy(taxonomy).categories.map((c) => c.name)).toEqual(["Human feedback", "Robustness", "Dangerous capabilities", "Honest AI"]);
    expect(readingTaxonomy(taxonomy).categories.map((c) => c.name)).toContain("Feedback");
    expect(resolveCategory("  feedback", taxonomy)).toEqual({ status: "active", category: "Human feedback", change: "renamed" });
    expect(resolveCategory("human  FEEDBACK", taxonomy)).toEqual({ status: "active", category: "Human feedback" });
  });

  it("follows a merge into a renamed category to today's name", () => {
    const t = parseTaxonomy(taxonomyFile([{ name: "A", mergedInto: "B" }, { name: "C", renamedFrom: ["B"] }]), "t.json");
    expect(resolveCategory("A", t)).toEqual({ status: "active", category: "C", change: "merged" });
  });

  it("leaves a taxonomy that names none of the data's categories out, with a warning", () => {
    const app = applyTaxonomy([row("x", "Something else")], taxonomy);
    expect(app.applied).toBe(false);
    expect(app.rows.map((r) => r.category)).toEqual(["Something else"]);
    expect(app.warnings[0]).toMatch(/names none of the data's categories/);
  });
});

describe("taxonomy history fields are checked", () => {
  const problems = (categories: object[]) => {
    try {
      parseTaxonomy(taxonomyFile(categories), "t.json");
    } catch (e) {
      if (e instanceof SafetagError) return e.problems.map((p) => [p.code, p.column, p.hint ?? ""]);
      throw e;
    }
    return [];
  };

  it("E_TAXONOMY_CHANGE: a merge or split into a category the file lacks, with the nearest name", () => {
    expect(problems([{ name: "A", mergedInto: "Robustnes" }, { name: "Robustness" }])).toEqual([
      ["E_TAXONOMY_CHANGE", "categories[0].mergedInto", 'did you mean "Robustness"?'],
    ]);
    expect(problems([{ name: "A", splitInto: ["B", "Z"] }, { name: "B" }])[0]?.slice(0, 2)).toEqual(["E_TAXONOMY_CHANGE", "categories[0].splitInto"]);
  });

  it("E_TAXONOMY_CHANGE: merges in a circle, or a category both retired and merged", () => {
    expect(problems([{ name: "A", mergedInto: "B" }, { name: "B", mergedInto: "A" }])[0]?.[0]).toBe("E_TAXONOMY_CHANGE");
    expect(problems([{ name: "A", mergedInto: "B", retired: true }, { name: "B" }])[0]?.[0]).toBe("E_TAXONOMY_CHANGE");
  });

  it("E_TAXONOMY_DUPLICATE: an old name that is still a category of its own", () => {
    expect(problems([{ name: "Human feedback", renamedFrom: ["Feedback"] }, { name: "feedback" }])).toEqual([
      ["E_TAXONOMY_DUPLICATE", "categories[0].renamedFrom", "a renamed category's old entry must go: remove it, or its rows stay there"],
    ]);
  });

  it("E_TAXONOMY_ENTRY: wrong types, and a split into fewer than two", () => {
    expect(problems([{ name: "A", retired: "yes" }, { name: "B", splitInto: ["A"] }]).map((p) => p.slice(0, 2))).toEqual([
      ["E_TAXONOMY_ENTRY", "categories[0].retired"],
      ["E_TAXONOMY_ENTRY", "categories[1].splitInto"],
    ]);
  });
});

describe("end to end: rename one category and merge two others, then retrain", () => {
  const labeled = join(dir, "labeled.csv");
  const taxonomy = join(dir, "taxonomy.json");
  const model = join(dir, "models", "model.json");
  copyFileSync(fixture("tiny-labeled.csv"), labeled);
  const original = readFileSync(labeled);

  it("the model's categories, the eval report and the predictions use the new names; the labeled file is unchanged", async () => {
    writeFileSync(taxonomy, taxonomyFile([
      { name: "Human feedback", renamedFrom: ["Feedback"], description: "reward models and RLHF from human preferences" },
      { name: "Interpretability", mergedInto: "Robustness" },
      { name: "Robustness" },
    ]));
    const t = await cli(["train", "--data", labeled, "--out", model, "--taxonomy", taxonomy]);
    expect(t.code).toBe(0);
    expect(t.stderr).toContain('taxonomy: renamed "Feedback" -> "Human feedback": 6 rows');
    expect(t.stderr).toContain('taxonomy: merged "Interpretability" -> "Robustness": 6 rows');
    expect(JSON.parse(readFileSync(model, "utf8")).categories).toEqual(["Human feedback", "Robustness"]);

    const reports = join(dir, "eval");
    const e = await cli(["eval", "--data", labeled, "--taxonomy", taxonomy, "--report-dir", reports, "--folds", "3", "--repeats", "1", "--no-learning-curve"]);
    expect(e.code).toBe(0);
    const report = JSON.parse(readFileSync(join(reports, "report.json"), "utf8"));
    expect(report.settings.categories).toEqual(["Human feedback", "Robustness"]);
    expect(report.settings.rowsPerCategory).toEqual([6, 12]);
    expect(report.taxonomy.relabeled).toEqual([
      { from: "Feedback", to: "Human feedback", change: "renamed", rows: 6 },
      { from: "Interpretability", to: "Robustness", change: "merged", rows: 6 },
    ]);
    expect(readFileSync(join(reports, "report.md"), "utf8")).toContain("6 rows renamed: Feedback → Human feedback");

    const out = join(dir, "pred.csv");
    const p = await cli(["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", out]);
    expect(p.code).toBe(0);
    expect(parseCsv(readFileSync(out, "utf8")).map((r) => r.category)).toEqual(["Robustness", "Human feedback", "", "Robustness"]);
    // an abstract of a labeled Interpretability row is known under its merged name
    const known = await cli(["predict", "--model", model, "--input", "-", "--format", "jsonl"],
      'id,abstract\na,"We reverse engineer circuits of attention heads and neurons inside a small transformer language model."\n');
    expect(JSON.parse(known.stdout.trim())).toMatchObject({ category: "Robustness", label_source: "known" });

    expect(readFileSync(labeled).equals(original)).toBe(true);
  });

  it("a label the taxonomy lacks is reported by train with the closest name and set aside; a case variant is the same category", async () => {
    const variant = join(dir, "variant.csv");
    const text = readFileSync(fixture("tiny-labeled.csv"), "utf8")
      .replace(",Robustness,Adversarial examples", ",robustness ,Adversarial examples").replace(",Robustness,Certified", ",Robustnes,Certified");
    writeFileSync(variant, text);
    writeFileSync(taxonomy, readFileSync(fixture("tiny-taxonomy.json")));
    const t = await cli(["train", "--data", variant, "--out", join(dir, "variant-model.json"), "--taxonomy", taxonomy]);
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(/\[E_UNKNOWN_CATEGORY\] category not in the taxonomy .*"Robustnes".*did you mean "Robustness"\?/);
    expect(t.stderr).toMatch(/1 row set aside, "Robustnes" is not in the taxonomy \(did you mean "Robustness"\?\): r\d+/);
    expect(t.stderr).toMatch(/in all: 18 rows read = 17 used for training \+ 1 set aside by the taxonomy\n/);
    expect(JSON.parse(readFileSync(join(dir, "variant-model.json"), "utf8")).categories).toEqual(["Feedback", "Interpretability", "Robustness"]);
  });
});

describe("a label unlike every taxonomy name", () => {
  it("is kept as a new category, with a warning that asks for a description", () => {
    const t = parseTaxonomy(JSON.stringify({ format: "safetag-taxonomy", version: 1, categories: [{ name: "Robustness" }, { name: "Unlearning" }] }), "t.json");
    const base = { company: "", title: "", date: "", url: "", abstract: "text", duplicate: false, abstractMissing: false };
    const app = applyTaxonomy([{ ...base, id: "a", category: "Robustness" }, { ...base, id: "b", category: "Cooperative AI" }], t);
    expect(app.rows.map((r) => [r.id, r.category])).toEqual([["a", "Robustness"], ["b", "Cooperative AI"]]);
    expect(app.setAside).toEqual([]);
    expect(app.warnings.join("\n")).toMatch(/"Cooperative AI" \(1 row: b\) is not in the taxonomy; it is learned as a new category/);
  });
});
