/**
 * Quality floors, so that a change that makes labels worse (a speed trick, a tokenizer tweak)
 * fails CI: accuracy and macro-F1 on the fresh abstracts (data/eval/fresh.csv, in no training
 * file), and on the first repeat of the fixed reference folds (scored as
 * ../shared/tools/crossval.mjs scores). The floors sit a little under today's figures (README,
 * "How good it is"), most of them at the targets, so a change that loses a target fails.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LabeledAbstract } from "../src/domain.js";
import { freshSection } from "../src/evaluation/fresh.js";
import { classificationReport } from "../src/metrics/metrics.js";
import { backgroundRows } from "../src/ingest/background.js";
import { readLabeled, usableForTraining } from "../src/ingest/labeled.js";
import { loadTaxonomy } from "../src/taxonomy/file.js";
import { activeTaxonomy } from "../src/taxonomy/active.js";
import { applyTaxonomy, readingTaxonomy } from "../src/taxonomy/changes.js";
import { trainModel, type TrainOptions } from "../src/training/train.js";
import { makeLabeler } from "../src/predict/label.js";

const root = join(__dirname, "..");
const taxonomy = loadTaxonomy(join(root, "data", "taxonomy.json"));
const active = activeTaxonomy(taxonomy);
const reading = readingTaxonomy(taxonomy);
const read = (path: string): LabeledAbstract[] => applyTaxonomy(usableForTraining(readLabeled(path, { taxonomy: reading }).rows), taxonomy).rows;
const sheet = read(join(root, "data", "labeled.csv"));
const backgroundFile = join(root, "data", "background", "background.csv");
const options = (rows: readonly LabeledAbstract[]): TrainOptions => {
  const bg = backgroundRows(readLabeled(backgroundFile, { taxonomy: reading }), { path: backgroundFile, sha256: "" }, active, rows);
  return { taxonomy: active, background: { rows: bg.rows, safety: bg.safety } };
};

describe("quality floors", () => {
  it("fresh abstracts: accuracy, macro-F1, the safety papers, automatic precision and false safety tags", () => {
    const fresh = read(join(root, "data", "eval", "fresh.csv"));
    expect(fresh.length).toBeGreaterThanOrEqual(150);
    const model = trainModel(sheet, options(sheet));
    const label = makeLabeler(model);
    const f = freshSection("fresh.csv", fresh.map((r) => {
      const p = label({ id: r.id, abstract: r.abstract });
      return { id: r.id, gold: r.category, predicted: p.category, confidence: p.confidence, needsReview: p.needsReview };
    }), model.outside);
    expect(f.report.accuracy).toBeGreaterThanOrEqual(0.78);
    expect(f.report.macro.f1).toBeGreaterThanOrEqual(0.72);
    expect(f.safety.accuracy).toBeGreaterThanOrEqual(0.79);
    expect(f.safety.macroF1).toBeGreaterThanOrEqual(0.78);
    expect(f.automatic.precision).toBeGreaterThanOrEqual(0.9);
    expect(f.automatic.share).toBeGreaterThanOrEqual(0.62);
    expect(f.outsideTaggedSafety.share).toBeLessThanOrEqual(0.03);
    expect(f.safetyCalledOutside.share).toBeLessThanOrEqual(0.1);
    expect(f.outsideAnswered.share).toBeGreaterThanOrEqual(0.7);
  }, 60_000);

  it("the reference folds (first repeat): accuracy and macro-F1 as crossval.mjs scores them", () => {
    const labeled = readFileSync(join(root, "..", "shared", "reference", "labeled.csv"), "utf8");
    const rows = new Map(readLabeled("labeled.csv", { text: labeled, taxonomy: reading }).rows.map((r) => [r.id, r]));
    const folds = JSON.parse(readFileSync(join(root, "..", "shared", "reference", "folds.json"), "utf8")) as { repeats: { fold: Record<string, number> }[] };
    const foldOf = folds.repeats[0]!.fold;
    const ids = Object.keys(foldOf).filter((id) => rows.has(id));
    const gold: string[] = [];
    const predicted: string[] = [];
    for (let f = 0; f <= Math.max(...ids.map((id) => foldOf[id]!)); f++) {
      const train = ids.filter((id) => foldOf[id] !== f).map((id) => rows.get(id)!);
      const model = trainModel(train, options(train));
      const label = makeLabeler(model);
      for (const id of ids.filter((i) => foldOf[i] === f)) {
        gold.push(rows.get(id)!.category);
        predicted.push(label({ id, abstract: rows.get(id)!.abstract }).category);
      }
    }
    const categories = [...new Set(gold)].sort();
    const report = classificationReport(gold, predicted, [...new Set([...categories, ...predicted])].sort());
    const macro = report.perCategory.filter((c) => categories.includes(c.category)).reduce((a, c) => a + c.f1, 0) / categories.length;
    expect(report.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(macro).toBeGreaterThanOrEqual(0.79);
  }, 120_000);
});
