/**
 * Classification metrics as pure functions of (gold, predicted, labels), following
 * scikit-learn's conventions so our figures can be checked against it:
 *
 * - The confusion matrix has one row per TRUE label and one column per PREDICTED label, both in
 *   the order of `labels`. Every label given appears, even one with no support that is never
 *   predicted (its row and column are all zeros).
 * - Undefined ratios are 0 (scikit-learn's `zero_division=0`): precision of a label never
 *   predicted, recall of a label with no support, F1 when both are 0, accuracy of nothing.
 * - Macro averages are unweighted means over ALL labels given, including labels with no support
 *   and never predicted (which count as 0), as `f1_score(average="macro", zero_division=0,
 *   labels=labels)`. With few rows per category this is the honest choice: a model that never
 *   finds a rare category is charged for it. A caller may name the labels to average over (as
 *   `labels=` does there): cross-validation averages over the rows' own categories, so an answer
 *   no row has (a sheet of safety papers, "not safety research" learned from a background set)
 *   is shown, and charged as a wrong answer, but not averaged in as a category of its own.
 * - Weighted averages weight each label by its support; micro averages pool the counts (for
 *   single-label data over all labels, micro precision = recall = F1 = accuracy).
 * - A gold or predicted value that is not among `labels` is an error, not silently dropped.
 */
import type { Category } from "../domain.js";
import { EXIT, SafetagError } from "../errors.js";

/** `counts[t][p]`: how many items of true label `labels[t]` were predicted as `labels[p]`. */
export interface ConfusionMatrix {
  labels: Category[];
  counts: number[][];
}

export interface CategoryScores {
  category: Category;
  precision: number;
  recall: number;
  f1: number;
  /** Number of items whose true label is this category. */
  support: number;
  /** Number of items predicted as this category. */
  predicted: number;
}

export interface AverageScores {
  precision: number;
  recall: number;
  f1: number;
  /** Total support (number of items). */
  support: number;
}

export interface ClassificationReport {
  labels: Category[];
  /** Number of items scored. */
  total: number;
  correct: number;
  accuracy: number;
  /** One entry per label, in `labels` order. */
  perCategory: CategoryScores[];
  micro: AverageScores;
  macro: AverageScores;
  weighted: AverageScores;
}

/** Rows = true labels, columns = predicted labels; see the module comment. */
export function confusionMatrix(
  gold: readonly Category[],
  predicted: readonly Category[],
  labels: readonly Category[],
): ConfusionMatrix {
  checkLengths(gold, predicted);
  const index = labelIndex(labels);
  const counts = zeros(labels.length);
  for (let i = 0; i < gold.length; i++) {
    const t = lookup(index, gold[i] as Category, "gold");
    const p = lookup(index, predicted[i] as Category, "predicted");
    (counts[t] as number[])[p]! += 1;
  }
  return { labels: [...labels], counts };
}

function checkLengths(gold: readonly Category[], predicted: readonly Category[]): void {
  if (gold.length !== predicted.length) {
    throw new SafetagError(
      "EVAL_LENGTH_MISMATCH",
      `There are ${gold.length} gold labels but ${predicted.length} predictions; they must pair up one to one.`,
      { exitCode: EXIT.software },
    );
  }
}

/** Cell-wise sum of matrices over the same labels (e.g. pooling the repeats of cross-validation). */
export function sumConfusionMatrices(matrices: readonly ConfusionMatrix[], labels: readonly Category[]): ConfusionMatrix {
  const counts = zeros(labels.length);
  for (const m of matrices) {
    if (m.labels.length !== labels.length || m.labels.some((l, i) => l !== labels[i])) {
      throw new SafetagError("EVAL_LABELS_MISMATCH", "Confusion matrices over different labels cannot be added.", {
        exitCode: EXIT.software,
      });
    }
    m.counts.forEach((row, t) => row.forEach((c, p) => ((counts[t] as number[])[p]! += c)));
  }
  return { labels: [...labels], counts };
}

/**
 * Accuracy, per-category precision/recall/F1/support, and micro, macro and weighted averages; macro
 * averages over `averaged` (all labels by default). Counted straight from the pairs, without the
 * confusion matrix, so many labels cost as many numbers, not their square.
 */
export function classificationReport(
  gold: readonly Category[],
  predicted: readonly Category[],
  labels: readonly Category[],
  averaged: readonly Category[] = labels,
): ClassificationReport {
  checkLengths(gold, predicted);
  const index = labelIndex(labels);
  const support = new Array<number>(labels.length).fill(0);
  const predictedCount = new Array<number>(labels.length).fill(0);
  const truePositive = new Array<number>(labels.length).fill(0);
  for (let i = 0; i < gold.length; i++) {
    const t = lookup(index, gold[i] as Category, "gold");
    const p = lookup(index, predicted[i] as Category, "predicted");
    support[t]! += 1;
    predictedCount[p]! += 1;
    if (t === p) truePositive[t]! += 1;
  }
  return reportFromCounts(labels, support, predictedCount, truePositive, averaged);
}

/** The same report computed from a confusion matrix (rows true, columns predicted); macro averages over `averaged` (all labels by default). */
export function reportFromConfusion(matrix: ConfusionMatrix, averaged: readonly Category[] = matrix.labels): ClassificationReport {
  const { labels, counts } = matrix;
  const support = counts.map((row) => sum(row));
  const predictedCount = labels.map((_, p) => sum(counts.map((row) => row[p] ?? 0)));
  const truePositive = labels.map((_, i) => counts[i]?.[i] ?? 0);
  return reportFromCounts(labels, support, predictedCount, truePositive, averaged);
}

/** The report from each label's support (gold count), predicted count and true positives. */
function reportFromCounts(
  labels: readonly Category[],
  support: readonly number[],
  predictedCount: readonly number[],
  truePositive: readonly number[],
  averaged: readonly Category[],
): ClassificationReport {
  const inAverage = new Set(averaged);
  const total = sum(support);
  const correct = sum(truePositive);

  const perCategory: CategoryScores[] = labels.map((category, i) => {
    const tp = truePositive[i] ?? 0;
    const sup = support[i] ?? 0;
    const pred = predictedCount[i] ?? 0;
    return {
      category,
      precision: ratio(tp, pred),
      recall: ratio(tp, sup),
      // 2TP / (2TP + FP + FN), the harmonic mean of precision and recall, and 0 when TP = 0.
      f1: ratio(2 * tp, sup + pred),
      support: sup,
      predicted: pred,
    };
  });

  const microP = ratio(correct, sum(predictedCount));
  const microR = ratio(correct, total);
  const averagedScores = perCategory.filter((s) => inAverage.has(s.category));
  const n = averagedScores.length;
  const mean = (pick: (s: CategoryScores) => number): number => (n === 0 ? 0 : sum(averagedScores.map(pick)) / n);
  const weightedMean = (pick: (s: CategoryScores) => number): number =>
    ratio(sum(perCategory.map((s) => pick(s) * s.support)), total);

  return {
    labels: [...labels],
    total,
    correct,
    accuracy: ratio(correct, total),
    perCategory,
    micro: { precision: microP, recall: microR, f1: ratio(2 * microP * microR, microP + microR), support: total },
    macro: { precision: mean((s) => s.precision), recall: mean((s) => s.recall), f1: mean((s) => s.f1), support: total },
    weighted: {
      precision: weightedMean((s) => s.precision),
      recall: weightedMean((s) => s.recall),
      f1: weightedMean((s) => s.f1),
      support: total,
    },
  };
}

/** Fraction of items whose prediction equals the gold label; 0 for no items. */
export function accuracy(gold: readonly Category[], predicted: readonly Category[]): number {
  if (gold.length !== predicted.length) {
    throw new SafetagError("EVAL_LENGTH_MISMATCH", `There are ${gold.length} gold labels but ${predicted.length} predictions.`, {
      exitCode: EXIT.software,
    });
  }
  let correct = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === predicted[i]) correct++;
  return ratio(correct, gold.length);
}

/** Unweighted mean F1 over all `labels` (zero_division = 0; labels with no support count as 0). */
export function macroF1(gold: readonly Category[], predicted: readonly Category[], labels: readonly Category[]): number {
  return classificationReport(gold, predicted, labels).macro.f1;
}

/** `a / b`, or 0 when `b` is 0: the zero_division = 0 policy in one place. */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Map each label to its position; duplicate labels would make rows ambiguous. */
export function labelIndex(labels: readonly Category[]): Map<Category, number> {
  const index = new Map<Category, number>();
  labels.forEach((label, i) => {
    if (index.has(label)) {
      throw new SafetagError("EVAL_DUPLICATE_LABEL", `The label list names ${JSON.stringify(label)} twice.`, {
        exitCode: EXIT.software,
      });
    }
    index.set(label, i);
  });
  return index;
}

function lookup(index: Map<Category, number>, label: Category, side: "gold" | "predicted"): number {
  const i = index.get(label);
  if (i === undefined) {
    throw new SafetagError("EVAL_UNKNOWN_LABEL", `A ${side} label is not among the labels being scored.`, {
      exitCode: EXIT.software,
      hint: `Value ${JSON.stringify(label)}; labels are ${JSON.stringify([...index.keys()])}.`,
    });
  }
  return i;
}

function zeros(n: number): number[][] {
  return Array.from({ length: n }, () => new Array<number>(n).fill(0));
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
