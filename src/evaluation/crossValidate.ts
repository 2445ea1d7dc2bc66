/**
 * Repeated stratified k-fold cross-validation of any `Trainer`, with a majority-class baseline
 * scored the same way. With ~80 rows there is no room for a held-out test set, so every figure
 * comes from out-of-fold predictions: each row is predicted by a model that never saw it (nor
 * its duplicate twin), once per repeat.
 *
 * Scoring: each repeat's out-of-fold predictions cover every row once and are scored as one
 * classification report; the repeats give a mean and spread. The pooled report sums the
 * repeats' confusion matrices (so its supports are rows × repeats).
 */
import type { Category, LabeledAbstract } from "../domain.js";
import { EXIT, SafetagError } from "../errors.js";
import { reviewThresholdOf, type Trainer } from "../models/contract.js";
import { repeatedStratifiedKFold } from "../sampling/folds.js";
import {
  confusionMatrix,
  reportFromConfusion,
  sumConfusionMatrices,
  type ClassificationReport,
  type ConfusionMatrix,
} from "../metrics/metrics.js";

export interface CrossValidationProgress {
  /** 0-based. */
  repeat: number;
  /** 0-based. */
  fold: number;
  /** Folds finished so far, including this one. */
  done: number;
  total: number;
}

export interface CrossValidationOptions {
  folds?: number;
  repeats?: number;
  seed?: number;
  /**
   * Rows with the same key always share a fold; `undefined` means the row stands alone.
   * Defaults to `abstractGroupKey`, which keeps rows with the same abstract text (a
   * `[Duplicate]` row and its twin) together.
   */
  groupOf?: (row: LabeledAbstract) => string | undefined;
  /** Called after each fold is trained and predicted. */
  onProgress?: (progress: CrossValidationProgress) => void;
  /**
   * Answers the fold models may give that no row has (the outside category learned from a
   * background set): they are predicted and shown, and charged as wrong, but macro averages stay
   * over the rows' own categories.
   */
  answers?: readonly Category[];
}

export interface OutOfFoldPrediction {
  repeat: number;
  fold: number;
  id: string;
  title: string;
  gold: Category;
  predicted: Category;
  confidence: number;
  /** Second most probable category; null only when there is a single category. */
  runnerUp: Category | null;
  runnerUpConfidence: number;
  /** In `CrossValidationResult.categories` order; 0 for categories absent from the training part. */
  probabilities: number[];
  /** Below the fold model's own review threshold (when the predictor has one). */
  needsReview?: boolean;
  /** The fold model's scope score, and whether it fell below the model's scope threshold. */
  scope?: number;
  outOfScope?: boolean;
}

export interface RepeatScores {
  repeat: number;
  confusion: ConfusionMatrix;
  report: ClassificationReport;
}

/** Scores of one predictor (the model or the baseline): per repeat, and pooled over repeats. */
export interface ScoredRun {
  perRepeat: RepeatScores[];
  /** Sum of the repeats' confusion matrices. */
  confusion: ConfusionMatrix;
  pooled: ClassificationReport;
}

export interface MajorityChoice {
  repeat: number;
  fold: number;
  category: Category;
}

export interface CrossValidationResult {
  /** Union of the rows' categories and the extra answers, sorted. */
  categories: Category[];
  /** The rows' own categories: what macro averages are over. */
  averaged: Category[];
  folds: number;
  repeats: number;
  seed: number;
  rowCount: number;
  /** Rows that share a fold group with at least one other row. */
  groupedRowCount: number;
  model: ScoredRun;
  /** Predicts the most frequent category of each training part (ties: first in `categories`). */
  baseline: ScoredRun & { majority: MajorityChoice[] };
  /** Ordered by repeat, then by row position in the input. */
  predictions: OutOfFoldPrediction[];
}

export function crossValidate(
  rows: readonly LabeledAbstract[],
  trainer: Trainer,
  options: CrossValidationOptions = {},
): CrossValidationResult {
  const { folds = 5, repeats = 5, seed = 1, groupOf = abstractGroupKey, onProgress } = options;
  const averaged = [...new Set(rows.map((r) => r.category))].sort();
  const categories = [...new Set([...averaged, ...(options.answers ?? [])])].sort();
  const position = new Map(categories.map((c, i) => [c, i]));
  const groups = rows.map((row) => groupOf(row));
  const splits = repeatedStratifiedKFold(
    rows.map((row, i) => {
      const group = groups[i];
      return group === undefined ? { category: row.category } : { category: row.category, group };
    }),
    { folds, repeats, seed },
  );

  const predictions: OutOfFoldPrediction[] = [];
  const model: RepeatScores[] = [];
  const baseline: RepeatScores[] = [];
  const majority: MajorityChoice[] = [];
  const gold = rows.map((r) => r.category);
  const total = folds * repeats;
  let done = 0;

  for (const repeat of splits) {
    const byRow = new Array<OutOfFoldPrediction | undefined>(rows.length);
    const baselinePredicted = new Array<Category>(rows.length);
    for (const fold of repeat) {
      const training = fold.trainIdx.map((i) => rows[i] as LabeledAbstract);
      const predictor = trainer.train(training);
      const majorityCategory = mostFrequent(training, categories);
      majority.push({ repeat: fold.repeat, fold: fold.index, category: majorityCategory });
      for (const i of fold.testIdx) {
        const row = rows[i] as LabeledAbstract;
        const probabilities = alignProbabilities(predictor.predictProba(row.abstract), predictor.categories, position);
        const described = describe(fold.repeat, fold.index, row, probabilities, categories);
        const threshold = reviewThresholdOf(predictor, described.predicted);
        if (threshold !== undefined) described.needsReview = described.confidence < threshold;
        if (predictor.scope) {
          described.scope = predictor.scope(row.abstract);
          if (predictor.scopeThreshold !== undefined) described.outOfScope = described.scope < predictor.scopeThreshold;
        }
        byRow[i] = described;
        baselinePredicted[i] = majorityCategory;
      }
      done++;
      onProgress?.({ repeat: fold.repeat, fold: fold.index, done, total });
    }
    const r = repeat[0]?.repeat ?? 0;
    const ordered = byRow.map((p) => p as OutOfFoldPrediction);
    predictions.push(...ordered);
    model.push(scoreRepeat(r, gold, ordered.map((p) => p.predicted), categories, averaged));
    baseline.push(scoreRepeat(r, gold, baselinePredicted, categories, averaged));
  }

  const groupSizes = new Map<string, number>();
  for (const g of groups) if (g !== undefined) groupSizes.set(g, (groupSizes.get(g) ?? 0) + 1);
  const groupedRowCount = groups.filter((g) => g !== undefined && (groupSizes.get(g) ?? 0) > 1).length;

  return {
    categories,
    averaged,
    folds,
    repeats,
    seed,
    rowCount: rows.length,
    groupedRowCount,
    model: pool(model, categories, averaged),
    baseline: { ...pool(baseline, categories, averaged), majority },
    predictions,
  };
}

/**
 * Default fold group: the abstract's text with case, punctuation and spacing ignored, so a
 * `[Duplicate]` row and its twin (same abstract, different title or wrapping) share a fold.
 * Rows without an abstract stand alone: they have nothing in common to leak.
 */
export function abstractGroupKey(row: LabeledAbstract): string | undefined {
  if (row.abstractMissing) return undefined;
  const key = row.abstract
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
  return key === "" ? undefined : key;
}

/** Put a predictor's probabilities (in its own category order) into the full category order. */
function alignProbabilities(
  proba: Float64Array,
  predictorCategories: readonly Category[],
  position: ReadonlyMap<Category, number>,
): number[] {
  if (proba.length !== predictorCategories.length) {
    throw new SafetagError(
      "EVAL_BAD_PREDICTOR",
      `The predictor returned ${proba.length} probabilities for ${predictorCategories.length} categories.`,
      { exitCode: EXIT.software },
    );
  }
  const out = new Array<number>(position.size).fill(0);
  predictorCategories.forEach((category, j) => {
    const p = proba[j] as number;
    const i = position.get(category);
    if (i === undefined || !Number.isFinite(p)) {
      throw new SafetagError(
        "EVAL_BAD_PREDICTOR",
        i === undefined
          ? "The predictor knows a category that is not in the training data."
          : "The predictor returned a probability that is not a finite number.",
        { exitCode: EXIT.software, hint: `Category ${JSON.stringify(category)}, probability ${p}.` },
      );
    }
    out[i] = p;
  });
  return out;
}

/** Top two categories; ties go to the category that comes first in sorted order. */
function describe(
  repeat: number,
  fold: number,
  row: LabeledAbstract,
  probabilities: number[],
  categories: readonly Category[],
): OutOfFoldPrediction {
  let best = -1;
  let second = -1;
  probabilities.forEach((p, i) => {
    if (best < 0 || p > (probabilities[best] as number)) {
      second = best;
      best = i;
    } else if (second < 0 || p > (probabilities[second] as number)) second = i;
  });
  return {
    repeat,
    fold,
    id: row.id,
    title: row.title,
    gold: row.category,
    predicted: categories[best] as Category,
    confidence: probabilities[best] as number,
    runnerUp: second < 0 ? null : (categories[second] as Category),
    runnerUpConfidence: second < 0 ? 0 : (probabilities[second] as number),
    probabilities,
  };
}

function mostFrequent(rows: readonly LabeledAbstract[], categories: readonly Category[]): Category {
  const counts = new Map<Category, number>();
  for (const r of rows) counts.set(r.category, (counts.get(r.category) ?? 0) + 1);
  let best = categories[0] as Category;
  for (const c of categories) if ((counts.get(c) ?? 0) > (counts.get(best) ?? 0)) best = c;
  return best;
}

function scoreRepeat(
  repeat: number,
  gold: readonly Category[],
  predicted: readonly Category[],
  categories: readonly Category[],
  averaged: readonly Category[],
): RepeatScores {
  const confusion = confusionMatrix(gold, predicted, categories);
  return { repeat, confusion, report: reportFromConfusion(confusion, averaged) };
}

function pool(perRepeat: RepeatScores[], categories: readonly Category[], averaged: readonly Category[]): ScoredRun {
  const confusion = sumConfusionMatrices(
    perRepeat.map((r) => r.confusion),
    categories,
  );
  return { perRepeat, confusion, pooled: reportFromConfusion(confusion, averaged) };
}
