/**
 * Calibration and thresholds, all fitted on out-of-fold scores of the inner cross-validation (see
 * innerSelection.ts): the softmax temperature, a two-stage model's stage temperatures, the review
 * threshold and the scope threshold.
 */
import type { Category } from "../domain.js";
import { combineStages } from "../models/gated.js";
import { quantileOf } from "../models/scope.js";
import { logSumExp, probabilities, topTwo } from "../models/scoring.js";
import type { StageTemperatures } from "./recipe.js";

/** Out-of-fold evidence: every row scored by a model that never saw it. */
export interface OutOfFold {
  scores: Float64Array[];
  /** A two-stage model's raw stage scores of every row (see gated.ts). */
  parts?: { gate: Float64Array[]; inner: Float64Array[] };
  /** Each row's category, as an index into the model's categories. */
  gold: number[];
  /** Scope score of each row under a scope model that never saw it. */
  scope: number[];
}

/**
 * Temperature scaling (Guo et al. 2017): one number T that divides the scores before the
 * softmax, chosen to minimise the negative log-likelihood of out-of-fold predictions. It changes
 * how sure the model says it is, never which category it picks.
 */
export function negativeLogLikelihood(scores: readonly ArrayLike<number>[], gold: readonly number[], temperature: number): number {
  let nll = 0;
  // one buffer for all rows: fitting T calls this a hundred times over every out-of-fold row
  let s = new Float64Array(0);
  for (let i = 0; i < scores.length; i++) {
    const row = scores[i]!;
    if (s.length !== row.length) s = new Float64Array(row.length);
    for (let c = 0; c < row.length; c++) s[c] = row[c]! / temperature;
    nll -= s[gold[i]!]! - logSumExp(s);
  }
  return nll / Math.max(1, scores.length);
}

/** Golden-section search over log T in [log 1e-9, log 1e9] (complement NB scores are tiny, logistic ones large); NLL is unimodal in T. */
export function fitTemperature(scores: readonly ArrayLike<number>[], gold: readonly number[]): number {
  if (scores.length === 0) return 1;
  const f = (logT: number) => negativeLogLikelihood(scores, gold, Math.exp(logT));
  let a = Math.log(1e-9);
  let b = Math.log(1e9);
  const phi = (Math.sqrt(5) - 1) / 2;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 100; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/**
 * The lowest confidence at which predictions at or above it reach `targetPrecision` on
 * out-of-fold data, and the share of predictions that clears it. Below it a prediction is
 * marked `needs_review`. When no threshold reaches the target, everything goes to review.
 */
export function reviewThreshold(confidences: readonly number[], correct: readonly boolean[],
  targetPrecision: number): { threshold: number; coverage: number; precision: number } {
  const order = confidences.map((c, i) => [c, correct[i] ? 1 : 0] as const).sort((x, y) => y[0] - x[0]);
  let hits = 0;
  let best = { threshold: 1, coverage: 0, precision: 1 };
  for (let i = 0; i < order.length; i++) {
    hits += order[i]![1];
    const next = order[i + 1]?.[0];
    if (next !== undefined && next === order[i]![0]) continue; // a threshold cannot split tied confidences
    const precision = hits / (i + 1);
    if (precision >= targetPrecision) best = { threshold: order[i]![0], coverage: (i + 1) / order.length, precision };
  }
  return best;
}

/** Which predictions go to a person: a threshold per kind of answer, and what it did out of fold. */
export interface ReviewRule {
  /** Predictions of a safety category less confident than this go to review (every prediction, in a one-stage model). */
  threshold: number;
  /** A two-stage model's predictions of the outside answer less confident than this go to review. */
  outsideThreshold?: number;
  /** Share of the out-of-fold predictions the rule labels automatically, and their precision. */
  coverage: number;
  precision: number;
}

/**
 * The review rule for `targetPrecision`. With an outside answer (`outsideAt` its index, -1 for
 * none) each kind of answer gets its own threshold, so that each reaches the target on its own:
 * "not safety research" is decided by the gate and is right far more often than a category, and
 * one threshold over both would let the easy answers pay for unsure categories.
 */
export function reviewRule(calibrated: readonly Float64Array[], gold: readonly number[], targetPrecision: number, outsideAt = -1): ReviewRule {
  const best = calibrated.map((p) => topTwo(p).best);
  const kindOf = (answers: number[]) =>
    reviewThreshold(answers.map((i) => calibrated[i]![best[i]!]!), answers.map((i) => best[i] === gold[i]), targetPrecision);
  const all = best.map((_, i) => i);
  if (outsideAt < 0) return kindOf(all);
  const outside = kindOf(all.filter((i) => best[i] === outsideAt));
  const threshold = kindOf(all.filter((i) => best[i] !== outsideAt)).threshold;
  const auto = all.filter((i) => calibrated[i]![best[i]!]! >= (best[i] === outsideAt ? outside.threshold : threshold));
  const right = auto.filter((i) => best[i] === gold[i]).length;
  return {
    threshold,
    outsideThreshold: outside.threshold,
    coverage: all.length ? auto.length / all.length : 0,
    precision: auto.length ? right / auto.length : 1,
  };
}

/**
 * The stage temperatures fitted on out-of-fold stage scores (the gate on every row, the
 * category classifier on the safety rows), and the combined scores they give.
 */
export function calibrateStages(
  categories: readonly Category[],
  outside: Category,
  oof: OutOfFold,
): { temperatures: StageTemperatures; scores: Float64Array[] } {
  const parts = oof.parts!;
  const outsideAt = categories.indexOf(outside);
  const inner = categories.filter((c) => c !== outside);
  const innerAt = Int32Array.from(inner, (c) => categories.indexOf(c));
  const innerIndex = new Map(inner.map((c, j) => [categories.indexOf(c), j]));
  const safety = oof.gold.flatMap((g, i) => (g === outsideAt ? [] : [i]));
  const temperatures = {
    gate: fitTemperature(parts.gate, oof.gold.map((g) => (g === outsideAt ? 1 : 0))),
    inner: fitTemperature(safety.map((i) => parts.inner[i]!), safety.map((i) => innerIndex.get(oof.gold[i]!)!)),
  };
  const scores = parts.gate.map((g, i) => combineStages(g, parts.inner[i]!, 1, temperatures.gate, temperatures.inner, categories.length, outsideAt, innerAt));
  return { temperatures, scores };
}

export interface Calibration {
  temperature: number;
  /** Out-of-fold negative log-likelihood before and after the temperature. */
  nllBefore: number;
  nllAfter: number;
  review: ReviewRule;
  /** Scope scores below this are "unlike every category": the `scopeQuantile` of the rows' own. */
  scopeThreshold: number;
}

/** The temperature, the review threshold for `targetPrecision` and the scope threshold, from out-of-fold scores. */
export function calibrate(oof: OutOfFold, targetPrecision: number, scopeQuantile: number, outsideAt = -1): Calibration {
  const temperature = fitTemperature(oof.scores, oof.gold);
  const calibrated = oof.scores.map((s) => probabilities(s, temperature));
  const review = reviewRule(calibrated, oof.gold, targetPrecision, outsideAt);
  return {
    temperature,
    nllBefore: negativeLogLikelihood(oof.scores, oof.gold, 1),
    nllAfter: negativeLogLikelihood(oof.scores, oof.gold, temperature),
    review,
    scopeThreshold: Math.min(1, quantileOf(oof.scope, scopeQuantile)), // a cosine may round to just above 1; model files hold shares in [0, 1]
  };
}
