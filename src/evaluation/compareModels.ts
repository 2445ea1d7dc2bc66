/**
 * Two models side by side. A fitted model cannot be scored on the data it learned from, so
 * there are two fair comparisons. On the fresh set (papers in no training file, see fresh.ts),
 * both fitted models are scored as they are: the difference is what their training data and
 * settings did together, and the papers whose label changed show it one by one. With `--data`,
 * each model's recipe (its recorded kind, titles and tokenizer settings) is cross-validated on
 * the same rows with the same folds: the per-category F1 difference is then down to the settings
 * alone, so two models with the same settings (a review round retrains with new rows only) are
 * not cross-validated at all, and what changed is said as their training rows.
 */
import type { Category, LabeledAbstract, Taxonomy } from "../domain.js";
import type { LoadedModel } from "../modelfile/modelFile.js";
import { modelKindOf } from "../modelfile/kept.js";
import { MODEL_CHOICES, type ModelChoice } from "../models/kinds.js";
import type { LabeledPrediction } from "../predict/label.js";
import { makeLabeler } from "../predict/label.js";
import { probabilityText } from "../predict/shown.js";
import { modelTrainer, type TrainOptions } from "../training/train.js";
import { crossValidate } from "./crossValidate.js";
import { freshSection, type FreshOutcome } from "./fresh.js";
import type { CategoryScores } from "../metrics/metrics.js";

/** What a model was trained with, as options to train it again. Semi-supervised data is not kept, so not repeated. */
export function recordedTrainOptions(model: LoadedModel, taxonomy: Taxonomy | undefined, background?: TrainOptions["background"]): TrainOptions {
  const requested = model.report?.requested ?? modelKindOf(model);
  const kind = (MODEL_CHOICES as readonly string[]).includes(requested) ? (requested as ModelChoice) : undefined;
  return {
    ...(kind ? { kind } : {}),
    tokenizer: model.tokenizer,
    taxonomy,
    titles: model.report?.titles ?? false,
    // a model that learned from a background set learns from today's again (its rows are not kept in the model)
    ...(model.report?.background && background ? { background } : {}),
    ...(model.report ? { targetPrecision: model.report.review.targetPrecision } : {}),
  };
}

/** The settings a person would recognise, for saying what differs (the tokenizer only when asked). */
export function describeSettings(o: TrainOptions, tokenizer = false): string {
  return `${o.kind ?? "default"}${o.titles ? ", with titles" : ""}${tokenizer ? `, tokenizer ${JSON.stringify(o.tokenizer)}` : ""}`;
}

export interface CategoryDifference {
  category: Category;
  /** Labeled rows of this category. */
  support: number;
  a: number;
  b: number;
  /** b − a. */
  delta: number;
}

export interface SettingsComparison {
  rows: number;
  folds: number;
  repeats: number;
  seed: number;
  /** True when both recipes are the same: one cross-validation stands for both. */
  sameSettings: boolean;
  perCategory: CategoryDifference[];
  macroF1: { a: number; b: number };
  accuracy: { a: number; b: number };
}

/** Pooled out-of-fold F1 per category of both recipes, on the same rows and folds. */
export function compareSettings(rows: readonly LabeledAbstract[], a: TrainOptions, b: TrainOptions,
  cv: { folds: number; repeats: number; seed: number }): SettingsComparison {
  const sameSettings = sameRecipe(a, b);
  const answers = [...new Set([...(a.background?.rows ?? []), ...(b.background?.rows ?? [])].map((r) => r.category))];
  const runA = crossValidate(rows, modelTrainer(a), { ...cv, answers });
  const runB = sameSettings ? runA : crossValidate(rows, modelTrainer(b), { ...cv, answers });
  const pa = runA.model.pooled;
  const pb = runB.model.pooled;
  return {
    rows: rows.length,
    ...cv,
    sameSettings,
    perCategory: pa.perCategory.map((s, i) =>
      ({ category: s.category, support: s.support / cv.repeats, a: s.f1, b: pb.perCategory[i]!.f1, delta: pb.perCategory[i]!.f1 - s.f1 })),
    macroF1: { a: pa.macro.f1, b: pb.macro.f1 },
    accuracy: { a: pa.accuracy, b: pb.accuracy },
  };
}

function settingsKey(o: TrainOptions): unknown {
  return [o.kind, o.titles ?? false, o.tokenizer, o.targetPrecision, o.background?.rows.length ?? 0];
}

/** Both recipes are the same: cross-validating them on the same rows and folds gives the same figures. */
export function sameRecipe(a: TrainOptions, b: TrainOptions): boolean {
  return JSON.stringify(settingsKey(a)) === JSON.stringify(settingsKey(b));
}

export function formatSettingsComparison(c: SettingsComparison, names: { a: string; b: string }): string[] {
  const width = Math.max(8, ...c.perCategory.map((d) => d.category.length));
  const f = (x: number) => x.toFixed(3);
  const d = (x: number) => (Math.abs(x) < 5e-4 ? "    0" : `${x > 0 ? "+" : ""}${x.toFixed(3)}`);
  const lines = [
    `cross-validated on the same ${c.rows} rows and folds (${c.folds}-fold, ${c.repeats} repeat${c.repeats === 1 ? "" : "s"}, seed ${c.seed}):`,
    ...(c.sameSettings ? [`  (both models have the same settings, so their figures here are the same; their differences come from their training data)`] : []),
    `  ${"category".padEnd(width)}  rows   F1 A    F1 B    B − A`,
    ...c.perCategory.map((x) => `  ${x.category.padEnd(width)}  ${String(x.support).padStart(4)}   ${f(x.a)}   ${f(x.b)}   ${d(x.delta)}`),
    `  ${"macro-F1".padEnd(width)}        ${f(c.macroF1.a)}   ${f(c.macroF1.b)}   ${d(c.macroF1.b - c.macroF1.a)}`,
    `  ${"accuracy".padEnd(width)}        ${f(c.accuracy.a)}   ${f(c.accuracy.b)}   ${d(c.accuracy.b - c.accuracy.a)}`,
    `  A = ${names.a}, B = ${names.b}`,
  ];
  return lines;
}

export interface Scores {
  precision: number;
  recall: number;
  f1: number;
}

export interface FreshCategoryDifference {
  category: Category;
  /** Fresh abstracts of this category. */
  support: number;
  a: Scores;
  b: Scores;
}

/** A fresh paper the two models label differently. */
export interface FreshChange {
  id: string;
  title: string;
  gold: Category;
  a: { category: Category; confidence: number };
  b: { category: Category; confidence: number };
}

export interface FreshComparison {
  path: string;
  /** Fresh abstracts scored by both. */
  rows: number;
  /** Fresh abstracts left out because A or B learned from them: a model only looks those up. */
  inTraining: number;
  /** Every gold category, then any category only predicted (support 0), sorted. */
  perCategory: FreshCategoryDifference[];
  /** Averaged over the gold categories (see fresh.ts). */
  macro: { a: Scores; b: Scores };
  accuracy: { a: number; b: number };
  /** In the fresh set's order. */
  changed: FreshChange[];
}

const NO_SCORES: Scores = { precision: 0, recall: 0, f1: 0 };
const scores = (s: CategoryScores | { precision: number; recall: number; f1: number } | undefined): Scores =>
  (s ? { precision: s.precision, recall: s.recall, f1: s.f1 } : NO_SCORES);

/**
 * Both models on the same fresh abstracts, labeled as `predict` labels them (review rule
 * included), as `eval` scores its final model on them (evaluate.ts). An abstract either model
 * learned from is left out of both and counted. Categories are scored by B's names: `asB` gives
 * a category of A's (or a gold label) as B calls it, so a category renamed between the two
 * models is one category (modelChanges.ts, `asRenamed`).
 */
export function compareOnFresh(a: LoadedModel, b: LoadedModel,
  fresh: { path: string; rows: readonly LabeledAbstract[] }, asB: (c: Category) => Category = (c) => c): FreshComparison {
  const labelA = makeLabeler(a);
  const labelB = makeLabeler(b);
  const outcomes: { a: FreshOutcome[]; b: FreshOutcome[] } = { a: [], b: [] };
  const changed: FreshChange[] = [];
  let inTraining = 0;
  const outcome = (row: LabeledAbstract, category: Category, p: LabeledPrediction): FreshOutcome =>
    ({ id: row.id, gold: asB(row.category), predicted: category, confidence: p.confidence, needsReview: p.needsReview });
  for (const row of fresh.rows) {
    const input = { id: row.id, abstract: row.abstract };
    const pa = labelA(input);
    const pb = labelB(input);
    if (pa.source === "known" || pb.source === "known") {
      inTraining++;
      continue;
    }
    const ca = pa.category === "" ? "" : asB(pa.category);
    outcomes.a.push(outcome(row, ca, pa));
    outcomes.b.push(outcome(row, pb.category, pb));
    if (ca !== pb.category) {
      changed.push(
        { id: row.id, title: row.title, gold: asB(row.category), a: { category: ca, confidence: pa.confidence },
          b: { category: pb.category, confidence: pb.confidence } });
    }
  }
  const ra = freshSection(fresh.path, outcomes.a, a.outside).report;
  const rb = freshSection(fresh.path, outcomes.b, b.outside).report;
  const byCategory = (r: typeof ra) => new Map(r.perCategory.map((s) => [s.category, s]));
  const sa = byCategory(ra);
  const sb = byCategory(rb);
  const gold = new Set(outcomes.a.map((o) => o.gold));
  const categories = [...new Set([...ra.labels, ...rb.labels])].sort((x, y) => Number(gold.has(y)) - Number(gold.has(x)) || (x < y ? -1 : x > y ? 1 : 0));
  return {
    path: fresh.path,
    rows: outcomes.a.length,
    inTraining,
    perCategory: categories.map((c) => ({ category: c, support: sa.get(c)?.support ?? sb.get(c)?.support ?? 0, a: scores(sa.get(c)), b: scores(sb.get(c)) })),
    macro: { a: scores(ra.macro), b: scores(rb.macro) },
    accuracy: { a: ra.accuracy, b: rb.accuracy },
    changed,
  };
}

const f3 = (x: number) => x.toFixed(3);
const signed = (x: number) => (Math.abs(x) < 5e-4 ? "     0" : `${x > 0 ? "+" : "-"}${Math.abs(x).toFixed(3)}`);

export function formatFreshComparison(c: FreshComparison, names: { a: string; b: string }, maxShown = 50): string[] {
  const width = Math.max(8, ...c.perCategory.map((d) => d.category.length), "macro average".length);
  const group = (a: number, b: number) => `${f3(a)}  ${f3(b)}  ${signed(b - a)}`;
  const line = (label: string, rows: string, a: Scores, b: Scores) =>
    `  ${label.padEnd(width)}  ${rows.padStart(4)}   ${group(a.precision, b.precision)}   ${group(a.recall, b.recall)}   ${group(a.f1, b.f1)}`;
  const head = (t: string) => t.padEnd(20); // as wide as a group of figures
  const left = c.inTraining > 0 ? ` (${c.inTraining} left out: A or B learned from them, and a model only looks those up)` : "";
  const lines = [
    `fresh set ${c.path}: ${c.rows} abstracts in no training file, labeled by both as \`predict\` labels them${left}:`,
    `  ${"".padEnd(width)}         ${head("precision")}   ${head("recall")}   F1`,
    `  ${"category".padEnd(width)}  rows   ${head("A      B      B − A")}   ${head("A      B      B − A")}   A      B      B − A`,
    ...c.perCategory.map((d) => line(d.category, String(d.support), d.a, d.b) + (d.support === 0 ? "  (no fresh abstract: only predicted)" : "")),
    line("macro average", "", c.macro.a, c.macro.b),
    `  accuracy: ` +
      `A ${f3(c.accuracy.a)}, B ${f3(c.accuracy.b)} (B − A ${signed(c.accuracy.b - c.accuracy.a).trim()}); macro average over the fresh set's own categories`,
    `  A = ${names.a}, B = ${names.b}`,
    "",
    `papers whose label changed: ${c.changed.length} of ${c.rows}`,
  ];
  const side = (s: FreshChange["a"]) => `${JSON.stringify(s.category)} (${probabilityText(s.confidence)})`;
  const verdict = (x: FreshChange) => (x.b.category === x.gold ? "B right" : x.a.category === x.gold ? "A right" : "neither right");
  for (const x of c.changed.slice(0, maxShown)) {
    const title = x.title ? `  ${JSON.stringify(x.title.length > 60 ? `${x.title.slice(0, 59)}…` : x.title)}` : "";
    lines.push(`  ${x.id}${title}: ${side(x.a)} -> ${side(x.b)}, gold ${JSON.stringify(x.gold)}: ${verdict(x)}`);
  }
  if (c.changed.length > maxShown) lines.push(`  ... and ${c.changed.length - maxShown} more`);
  return lines;
}
