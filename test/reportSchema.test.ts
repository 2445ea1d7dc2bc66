/**
 * docs/report.schema.json describes report.json: a real report, written by `safetag eval` with
 * every optional section, validates against it (with ajv, a kept validator); a report missing a
 * required field, or with a field of the wrong type, does not. The schema allows fields it does
 * not list (a later safetag may add some), so a second check validates the same report with every
 * listed object closed: a field the report has and the schema does not document fails there.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import type { LabeledAbstract } from "../src/domain.js";
import { crossValidate } from "../src/evaluation/crossValidate.js";
import { buildEvaluationReport } from "../src/evaluation/report.js";
import type { Trainer } from "../src/models/contract.js";
import { cli, fixture } from "./cliHarness.js";

const schema = JSON.parse(readFileSync(join(__dirname, "..", "docs", "report.schema.json"), "utf8")) as Record<string, unknown>;

/** The schema with `additionalProperties: false` on every object that lists its properties (and no rule of its own for others). */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (node === null || typeof node !== "object") return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closed(v)]));
  if ("properties" in out && !("additionalProperties" in out)) out.additionalProperties = false;
  return out;
}

const compile = (s: unknown): ValidateFunction => new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(s as object);
const validate = compile(schema);
const validateClosed = compile(closed(schema));

/** The errors, as `path keyword` strings, for a readable failure. */
const errorsOf = (v: ValidateFunction, report: unknown): string[] =>
  (v(report) ? [] : (v.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.keyword} ${e.message ?? ""}`.trim()));

type Report = Record<string, any>; // a parsed report, changed field by field below
let report: Report;
const copy = (): Report => structuredClone(report);

const OPTIONAL_SECTIONS =
  ["calibration", "review", "learningCurve", "labelErrors", "indicativeTerms", "outOfScope", "comparison", "taxonomy", "notEvaluated", "fresh"];

/**
 * A small eval through the CLI that writes every optional section: a renamed and a retired
 * category (taxonomy), a category without rows (notEvaluated), fresh abstracts, out-of-scope
 * abstracts, a second model kind (comparison) and the learning curve.
 */
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "safetag-schema-"));
  const [header, ...rows] = readFileSync(fixture("tiny-labeled.csv"), "utf8").trimEnd().split("\n");
  rows[0] = rows[0]!.replace(",Feedback,", ",Human feedback,");
  rows.push("Acme,Old idea,9-Jan-24,https://a/98,Old,An old topic nobody labels any more about safety cases.");
  writeFileSync(join(dir, "labeled.csv"), `${[header, ...rows].join("\n")}\n`);
  const categories =
    [{ name: "Feedback", renamedFrom: ["Human feedback"] }, { name: "Interpretability" }, { name: "Robustness" },
      { name: "Unlearning" }, { name: "Old", retired: true }];
  writeFileSync(join(dir, "taxonomy.json"), JSON.stringify({ format: "safetag-taxonomy", version: 1, categories }));
  writeFileSync(
    join(dir, "fresh.csv"),
    `${header}\nAcme,F1,1-Feb-24,https://f/1,Robustness,Adversarial examples and jailbreak attacks against robust image ` +
      `classifiers.\nAcme,F2,1-Feb-24,https://f/2,Interpretability,We probe attention heads to explain circuits in a transformer.\n`,
  );
  writeFileSync(join(dir, "out-of-scope.txt"), "Abstract: We bake sourdough bread with rye flour and water.\nAbstract: Tax law reform in medieval cities.\n");
  const e = await cli([
    "eval", "--data", join(dir, "labeled.csv"), "--taxonomy", join(dir, "taxonomy.json"), "--report-dir", join(dir, "eval"), "--folds", "3", "--repeats", "2",
    "--compare", "multinomial-nb", "--fresh", join(dir, "fresh.csv"), "--out-of-scope", join(dir, "out-of-scope.txt"), "--quiet",
  ]);
  expect(e.code).toBe(0);
  report = JSON.parse(readFileSync(join(dir, "eval", "report.json"), "utf8"));
});

describe("docs/report.schema.json", () => {
  it("validates a report written by `safetag eval`, every optional section included", () => {
    for (const section of OPTIONAL_SECTIONS) expect(report, section).toHaveProperty(section);
    expect(errorsOf(validate, report)).toEqual([]);
  });

  it("documents every field that report has: it validates with every listed object closed too", () => {
    expect(errorsOf(validateClosed, report)).toEqual([]);
    const extra = copy();
    extra.settings.surprise = 1;
    expect(errorsOf(validate, extra)).toEqual([]); // a later field is allowed ...
    expect(errorsOf(validateClosed, extra))
      .toEqual(["/settings additionalProperties must NOT have additional properties"]); // ... and caught here until it is documented
  });

  it("validates a report without its optional sections", () => {
    const bare = copy();
    for (const section of OPTIONAL_SECTIONS) delete bare[section];
    delete bare.settings.parameters;
    delete bare.settings.dataSha256;
    expect(errorsOf(validate, bare)).toEqual([]);
  });

  it("refuses a report missing a required field", () => {
    const noCategories = copy();
    delete noCategories.settings.categories;
    expect(errorsOf(validate, noCategories)).toEqual(["/settings required must have required property 'categories'"]);
    const noPredictions = copy();
    delete noPredictions.predictions;
    expect(errorsOf(validate, noPredictions)).toEqual(["/ required must have required property 'predictions'"]);
    const noProbabilities = copy();
    delete noProbabilities.predictions[3].probabilities;
    expect(errorsOf(validate, noProbabilities)).toEqual(["/predictions/3 required must have required property 'probabilities'"]);
  });

  it("refuses a field of the wrong type, or a probability outside [0, 1]", () => {
    const textRows = copy();
    textRows.settings.rows = String(textRows.settings.rows);
    expect(errorsOf(validate, textRows)).toEqual(["/settings/rows type must be integer"]);
    const textProbability = copy();
    textProbability.predictions[0].probabilities[1] = "0.5";
    expect(errorsOf(validate, textProbability)).toEqual(["/predictions/0/probabilities/1 type must be number"]);
    const above = copy();
    above.predictions[0].probabilities[0] = 1.5;
    expect(errorsOf(validate, above)).toEqual(["/predictions/0/probabilities/0 maximum must be <= 1"]);
    const otherFormat = copy();
    otherFormat.format = "safetag-model";
    expect(errorsOf(validate, otherFormat)).toEqual(["/format const must be equal to constant"]);
  });

  it("allows the paper counts a later report carries (papersPerCategory, bootstrap.minPapers, tooFewPapers), and checks their types", () => {
    const later = copy();
    later.settings.papersPerCategory = later.settings.rowsPerCategory;
    later.settings.bootstrap.minPapers = 5;
    for (const c of later.intervals.perCategory) c.tooFewPapers = false;
    expect(errorsOf(validate, later)).toEqual([]);
    expect(errorsOf(validateClosed, later)).toEqual([]);
    later.settings.bootstrap.minPapers = "5";
    later.intervals.perCategory[0].tooFewPapers = "no";
    expect(errorsOf(validate, later))
      .toEqual(["/settings/bootstrap/minPapers type must be integer", "/intervals/perCategory/0/tooFewPapers type must be boolean"]);
  });
});

describe("report.json's out-of-fold predictions carry every category's probability", () => {
  it("in settings.categories order, rounded to 4 decimals, the predicted category the most probable", () => {
    const categories: string[] = report.settings.categories;
    expect(report.predictions.length).toBe(report.settings.rows * report.settings.repeats);
    for (const p of report.predictions as { predicted: string; confidence: number; runnerUp: string; runnerUpConfidence: number; probabilities: number[] }[]) {
      expect(p.probabilities).toHaveLength(categories.length);
      for (const x of p.probabilities) expect(Math.abs(x * 1e4 - Math.round(x * 1e4))).toBeLessThan(1e-6);
      expect(Math.abs(p.probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(0.5e-4 * categories.length);
      expect(p.probabilities[categories.indexOf(p.predicted)]).toBe(Math.round(p.confidence * 1e4) / 1e4);
      expect(p.probabilities[categories.indexOf(p.runnerUp)]).toBe(Math.round(p.runnerUpConfidence * 1e4) / 1e4);
      expect(Math.max(...p.probabilities)).toBe(p.probabilities[categories.indexOf(p.predicted)]);
    }
  });
});

describe("the report's probabilities, worked by hand", () => {
  const row = (id: string, category: string): LabeledAbstract =>
    ({ id, company: "", title: id, date: "", url: "", category, abstract: id, duplicate: false, abstractMissing: false });
  // every fold model answers 0.123456 for "a" and 0.876544 for "b", whatever the abstract
  const trainer: Trainer = { train: () => ({ categories: ["a", "b"], predictProba: () => Float64Array.from([0.123456, 0.876544]) }) };
  const rows = [row("r1", "a"), row("r2", "a"), row("r3", "b"), row("r4", "b")];
  const built =
    buildEvaluationReport(crossValidate(rows, trainer, { folds: 2, repeats: 1, seed: 1 }), { model: "fixed", dataPath: "x.csv", bootstrap: { resamples: 10 } });

  it("rounds each to 4 decimals (0.123456 -> 0.1235, 0.876544 -> 0.8765) and leaves confidence as it was", () => {
    expect(built.predictions.map((p) => p.probabilities)).toEqual([
      [0.1235, 0.8765],
      [0.1235, 0.8765],
      [0.1235, 0.8765],
      [0.1235, 0.8765],
    ]);
    expect(built.predictions.map((p) => [p.predicted, p.confidence])).toEqual([
      ["b", 0.876544],
      ["b", 0.876544],
      ["b", 0.876544],
      ["b", 0.876544],
    ]);
  });

  it("validates against the schema (a report built without the CLI's sections)", () => {
    expect(errorsOf(validate, built)).toEqual([]);
    expect(errorsOf(validateClosed, built)).toEqual([]);
  });
});
