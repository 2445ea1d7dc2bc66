/**
 * Two models side by side. A fitted model cannot be scored on the data it learned from, so what
 * is compared is each model's recipe (its recorded kind, titles and tokenizer settings),
 * cross-validated on the same rows with the same folds: the per-category F1 difference is then
 * down to the settings alone. What their training data did is in their recorded figures (rows,
 * inner cross-validation), and in which predictions on a dump changed category.
 */
import type { Category, LabeledAbstract, Taxonomy } from "../domain.js";
import type { LoadedModel } from "../modelfile/modelFile.js";
import { modelKindOf } from "../modelfile/kept.js";
import { MODEL_CHOICES, type ModelChoice } from "../models/kinds.js";
import { modelTrainer, type TrainOptions } from "../training/train.js";
import { crossValidate } from "./crossValidate.js";

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
export function compareSettings(rows: readonly LabeledAbstract[], a: TrainOptions, b: TrainOptions, cv: { folds: number; repeats: number; seed: number }): SettingsComparison {
  const sameSettings = JSON.stringify(settingsKey(a)) === JSON.stringify(settingsKey(b));
  const answers = [...new Set([...(a.background?.rows ?? []), ...(b.background?.rows ?? [])].map((r) => r.category))];
  const runA = crossValidate(rows, modelTrainer(a), { ...cv, answers });
  const runB = sameSettings ? runA : crossValidate(rows, modelTrainer(b), { ...cv, answers });
  const pa = runA.model.pooled;
  const pb = runB.model.pooled;
  return {
    rows: rows.length,
    ...cv,
    sameSettings,
    perCategory: pa.perCategory.map((s, i) => ({ category: s.category, support: s.support / cv.repeats, a: s.f1, b: pb.perCategory[i]!.f1, delta: pb.perCategory[i]!.f1 - s.f1 })),
    macroF1: { a: pa.macro.f1, b: pb.macro.f1 },
    accuracy: { a: pa.accuracy, b: pb.accuracy },
  };
}

function settingsKey(o: TrainOptions): unknown {
  return [o.kind, o.titles ?? false, o.tokenizer, o.targetPrecision, o.background?.rows.length ?? 0];
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
