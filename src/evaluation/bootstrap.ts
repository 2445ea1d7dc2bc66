/**
 * Percentile bootstrap intervals for accuracy, macro-F1 and each category's F1.
 *
 * Rows are resampled with replacement, the metrics recomputed on each resample with the same
 * functions (and the same zero_division = 0 convention) as the point estimates, and the
 * interval is the central `level` share of the resampled values (percentiles with linear
 * interpolation, numpy's default). With ~80 rows these intervals are wide; that is the point.
 *
 * Out-of-fold predictions pooled over several repeats hold each row more than once, and those
 * copies are not independent. Pass `clusters` (e.g. the row id of each prediction) to resample
 * whole rows with all their predictions, so the interval is not made narrower by the repeats.
 *
 * A category that was not drawn into a resample (no rows of it and no predictions of it) has no
 * F1 there: it is left out of that resample's per-category values and of its macro average,
 * instead of counting as 0. Otherwise a category with one or two rows, absent from about a third
 * of the resamples, would drag every macro-F1 interval down for a reason that has nothing to do
 * with the model. (A label absent from the whole data counts as 0 in the point estimate and in
 * every resample alike, so the two stay comparable.)
 *
 * A percentile interval usually, but not always, contains the point estimate (with skewed
 * statistics such as the F1 of a rare category it may not); it is reported as computed.
 */
import type { Category } from "../domain.js";
import { EXIT, SafetagError } from "../errors.js";
import { labelIndex, reportFromConfusion, confusionMatrix } from "../metrics/metrics.js";
import { mulberry32, randomInt } from "../sampling/random.js";

export interface Interval {
  /** The metric on the data as given. */
  estimate: number;
  lower: number;
  upper: number;
}

export interface CategoryInterval extends Interval {
  category: Category;
  /** Resamples in which the category was drawn (had rows or predictions); the interval uses these. */
  drawn: number;
}

export interface BootstrapIntervals {
  level: number;
  resamples: number;
  seed: number;
  /** What was resampled: "rows", or "clusters" when `clusters` was given. */
  unit: "rows" | "clusters";
  accuracy: Interval;
  macroF1: Interval;
  /** Each category's F1, one entry per label in `labels` order. */
  perCategory: CategoryInterval[];
}

export interface BootstrapOptions {
  resamples?: number;
  seed: number;
  /** Central coverage of the interval, in (0, 1). */
  level?: number;
  /** Cluster key of each item; items with the same key are drawn together. */
  clusters?: readonly string[];
  /** Labels the macro average is over (all by default; see reportFromConfusion). */
  averaged?: readonly Category[];
}

export function bootstrapIntervals(
  gold: readonly Category[],
  predicted: readonly Category[],
  labels: readonly Category[],
  options: BootstrapOptions,
): BootstrapIntervals {
  const { resamples = 1000, seed, level = 0.95, clusters, averaged = labels } = options;
  const inAverage = labels.map((l) => averaged.includes(l));
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new SafetagError("EVAL_BAD_OPTION", `The number of bootstrap resamples must be a whole number of at least 1, got ${resamples}.`, {
      exitCode: EXIT.usage,
    });
  }
  if (!(level > 0 && level < 1)) {
    throw new SafetagError("EVAL_BAD_OPTION", `The interval level must be between 0 and 1, got ${level}.`, {
      exitCode: EXIT.usage,
      hint: "Use e.g. 0.95 for a 95% interval.",
    });
  }
  if (clusters !== undefined && clusters.length !== gold.length) {
    throw new SafetagError("EVAL_LENGTH_MISMATCH", `There are ${gold.length} items but ${clusters.length} cluster keys.`, {
      exitCode: EXIT.software,
    });
  }

  // Validates lengths and labels once, and gives the point estimates.
  const point = reportFromConfusion(confusionMatrix(gold, predicted, labels), averaged);
  const index = labelIndex(labels);
  const g = gold.map((c) => index.get(c) as number);
  const p = predicted.map((c) => index.get(c) as number);
  const units = clusterMembers(gold.length, clusters);
  const inData = point.perCategory.map((c) => c.support + c.predicted > 0);

  const accuracies: number[] = [];
  const macros: number[] = [];
  const perLabel: number[][] = labels.map(() => []);
  const random = mulberry32(seed);
  for (let b = 0; b < resamples; b++) {
    const counts = labels.map(() => new Array<number>(labels.length).fill(0));
    for (let draw = 0; draw < units.length; draw++) {
      for (const i of units[randomInt(random, units.length)] as number[]) {
        (counts[g[i] as number] as number[])[p[i] as number]! += 1;
      }
    }
    const report = reportFromConfusion({ labels: [...labels], counts });
    accuracies.push(report.accuracy);
    let f1Sum = 0;
    let counted = 0;
    report.perCategory.forEach((c, l) => {
      const drawn = c.support + c.predicted > 0;
      if (drawn) (perLabel[l] as number[]).push(c.f1);
      if (inAverage[l] && (drawn || !inData[l])) {
        f1Sum += c.f1;
        counted++;
      }
    });
    macros.push(counted === 0 ? 0 : f1Sum / counted);
  }

  const tail = (1 - level) / 2;
  const interval = (estimate: number, values: number[]): Interval => {
    // Only a category never drawn in any resample has no values; its estimate is all we know.
    if (values.length === 0) return { estimate, lower: estimate, upper: estimate };
    values.sort((a, b) => a - b);
    return { estimate, lower: quantile(values, tail), upper: quantile(values, 1 - tail) };
  };
  return {
    resamples,
    level,
    seed,
    unit: clusters === undefined ? "rows" : "clusters",
    accuracy: interval(point.accuracy, accuracies),
    macroF1: interval(point.macro.f1, macros),
    perCategory: point.perCategory.map((c, l) => {
      const values = perLabel[l] as number[];
      return { category: c.category, ...interval(c.f1, values), drawn: values.length };
    }),
  };
}

/** Linear-interpolation quantile of ascending `sorted` (numpy's default method). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  // Equal neighbours return exactly that value (no 0.9999999 from floating-point interpolation).
  return a === b ? a : a + (h - lo) * (b - a);
}

/** Item indices per resampling unit: one per item, or one per distinct cluster key. */
function clusterMembers(n: number, clusters: readonly string[] | undefined): number[][] {
  if (clusters === undefined) return Array.from({ length: n }, (_, i) => [i]);
  const byKey = new Map<string, number[]>();
  clusters.forEach((key, i) => {
    const members = byKey.get(key);
    if (members) members.push(i);
    else byKey.set(key, [i]);
  });
  return [...byKey.values()];
}
