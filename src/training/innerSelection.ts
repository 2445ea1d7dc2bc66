/**
 * Inner selection: training's own cross-validation over its rows. Every candidate setting (a kind
 * and a taxonomy weight) scores every row with a model that never saw it; the best by macro-F1 is
 * chosen, and its out-of-fold scores are what calibration is fitted on (calibration.ts).
 */
import type { Category, LabeledAbstract } from "../domain.js";
import type { TrainingTexts } from "../features/trainingTexts.js";
import { classificationReport } from "../metrics/metrics.js";
import { Gated } from "../models/gated.js";
import { fitScope } from "../models/scope.js";
import { topTwo } from "../models/scoring.js";
import { repeatedStratifiedKFold, type Fold } from "../sampling/folds.js";
import { calibrateStages, type OutOfFold } from "./calibration.js";
import { fitModel, heldOut, trainingSetOf, type Recipe, type StageTemperatures } from "./recipe.js";

export interface Candidate {
  kind: string;
  priorWeight: number;
}

export interface Tried extends Candidate {
  /** Its out-of-fold scores (a two-stage model's calibrated by stage, see below). */
  oof: OutOfFold;
  /** A two-stage model's stage temperatures, fitted on its out-of-fold stage scores. */
  stages?: StageTemperatures;
  macroF1: number;
  accuracy: number;
}

/**
 * The inner folds of `rows`, and each fold's training texts once made: every candidate is fitted on
 * the same folds, and candidates that differ only in weights (kinds, non-zero taxonomy weights) on
 * the same texts, so each fold's feature spaces are fitted once for all of them (see TrainingTexts).
 */
class InnerFolds {
  readonly splits: readonly Fold[];
  private readonly texts = new Map<string, TrainingTexts>();

  constructor(
    readonly rows: readonly LabeledAbstract[],
    folds: number,
    seed: number,
  ) {
    this.splits = repeatedStratifiedKFold(rows.map((r) => ({ category: r.category })), { folds, repeats: 1, seed })[0]!;
  }

  /** Fold `f`'s training set for `recipe` and `priorWeight`. */
  trainingSet(recipe: Recipe, f: number, priorWeight: number) {
    const key = `${f} ${priorWeight > 0}`; // the taxonomy's descriptions are in the texts or not; their weight is not a text
    const set = trainingSetOf(recipe, this.splits[f]!.trainIdx.map((i) => this.rows[i]!), priorWeight, this.texts.get(key));
    this.texts.set(key, set.texts);
    return set;
  }
}

/** Scores every row with a model that never saw it: the evidence for choosing settings and calibrating. */
function outOfFold(recipe: Recipe, inner: InnerFolds, priorWeight: number): OutOfFold {
  const rows = inner.rows;
  const index = new Map(recipe.categories.map((c, i) => [c, i]));
  const scores: Float64Array[] = new Array(rows.length);
  const scope: number[] = new Array(rows.length);
  const parts = { gate: new Array<Float64Array>(rows.length), inner: new Array<Float64Array>(rows.length) };
  for (const [f, fold] of inner.splits.entries()) {
    const set = inner.trainingSet(recipe, f, priorWeight);
    const model = fitModel(recipe, set);
    const gated = model instanceof Gated ? model : undefined;
    const scopeModel = fitScope(set, recipe.categories);
    const shared = scopeModel.features.sameAs(model.features);
    for (const i of fold.testIdx) {
      const text = heldOut(recipe, rows[i]!);
      const x = text.vectorIn(model.features);
      scope[i] = scopeModel.scoreVector(shared ? x : text.vectorIn(scopeModel.features));
      if (!gated) {
        scores[i] = model.jointLogLikelihood(x);
        continue;
      }
      // a two-stage model is scored once, by stage: calibration refits the stages' temperatures on these
      const p = gated.parts(x);
      parts.gate[i] = p.gate;
      parts.inner[i] = p.inner;
      scores[i] = gated.combine(p.gate, p.inner);
    }
  }
  return { scores, gold: rows.map((r) => index.get(r.category)!), scope, ...(recipe.outside === undefined ? {} : { parts }) };
}

/**
 * Macro-F1 and accuracy of out-of-fold scores (metrics.ts), the macro average over the rows' own
 * categories. Those are listed first, in the order the rows first show them, the order their F1s
 * have always been summed in, so the figures in model files stay the same to the last bit.
 */
function innerFigures(oof: OutOfFold, categories: readonly Category[]): { macroF1: number; accuracy: number } {
  const gold = oof.gold.map((g) => categories[g]!);
  const predicted = oof.scores.map((s) => categories[topTwo(s).best]!);
  const present = [...new Set(gold)];
  const shown = new Set(present);
  const report = classificationReport(gold, predicted, [...present, ...categories.filter((c) => !shown.has(c))], present);
  return { macroF1: report.macro.f1, accuracy: report.accuracy };
}

/**
 * Every candidate tried on the same inner folds of `rows`, and the best: highest inner macro-F1;
 * ties go to the more accurate, then to the earlier candidate. A two-stage model's choice depends
 * on how its stages are calibrated, so it is scored calibrated.
 */
export function selectSettings(
  recipe: Recipe,
  rows: readonly LabeledAbstract[],
  candidates: readonly Candidate[],
  folds: number,
  seed: number,
): { tried: Tried[]; best: Tried } {
  const inner = new InnerFolds(rows, folds, seed);
  const tried = candidates.map((c): Tried => {
    const raw = outOfFold({ ...recipe, kind: c.kind }, inner, c.priorWeight);
    const calibrated = recipe.outside === undefined ? undefined : calibrateStages(recipe.categories, recipe.outside, raw);
    const oof = calibrated ? { ...raw, scores: calibrated.scores } : raw;
    return { ...c, oof, ...(calibrated ? { stages: calibrated.temperatures } : {}), ...innerFigures(oof, recipe.categories) };
  });
  const best = tried.reduce((a, b) => (b.macroF1 > a.macroF1 + 1e-12 || (Math.abs(b.macroF1 - a.macroF1) <= 1e-12 && b.accuracy > a.accuracy + 1e-12) ? b : a));
  return { tried, best };
}
