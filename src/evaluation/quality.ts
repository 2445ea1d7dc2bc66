/**
 * The parts of the evaluation that say how far to trust the model beyond its F1: calibration
 * of its confidence, what the review threshold buys, how the score grows with data, which
 * labels look wrong, and whether out-of-scope abstracts are recognised. Pure functions of
 * out-of-fold predictions.
 */
import type { Category, LabeledAbstract } from "../domain.js";
import type { FittedClassifier, Trainer } from "../models/contract.js";
import type { Tokenizer } from "../text/tokenize.js";
import { crossValidate, type CrossValidationProgress, type OutOfFoldPrediction } from "./crossValidate.js";
import { deriveSeed, mulberry32, shuffle } from "../sampling/random.js";
import type { CalibrationSection, LabelErrorCandidate, LearningCurvePoint, OutOfScopeSection, ReviewSection, Spread } from "./report.js";

/**
 * Expected calibration error over equal-width confidence bins (Naeini et al. 2015; Guo et al.
 * 2017): Σ_b (n_b / n) · |accuracy_b − mean confidence_b|. Bins are (lower, upper], the first
 * one [0, upper]. Empty bins are listed with count 0 and contribute nothing.
 */
export function calibrationSection(preds: readonly { confidence: number; correct: boolean }[], bins = 10): CalibrationSection {
  const table = Array.from({ length: bins }, (_, b) => ({ lower: b / bins, upper: (b + 1) / bins, count: 0, meanConfidence: 0, accuracy: 0 }));
  for (const p of preds) {
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(p.confidence * bins) - 1));
    const bin = table[b]!;
    bin.count++;
    bin.meanConfidence += p.confidence;
    bin.accuracy += p.correct ? 1 : 0;
  }
  let ece = 0;
  for (const bin of table) {
    if (bin.count === 0) continue;
    bin.meanConfidence /= bin.count;
    bin.accuracy /= bin.count;
    ece += (bin.count / Math.max(1, preds.length)) * Math.abs(bin.accuracy - bin.meanConfidence);
  }
  return { ece, bins: table };
}

/** What the review rule does out of fold: the share auto-labeled and its precision. */
export function reviewSection(preds: readonly OutOfFoldPrediction[], targetPrecision: number, thresholds: readonly number[],
  outsideThresholds: readonly number[] = []): ReviewSection {
  const auto = preds.filter((p) => p.needsReview === false);
  const correct = auto.filter((p) => p.gold === p.predicted).length;
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    targetPrecision,
    threshold: thresholds.length ? mean(thresholds) : 1,
    ...(outsideThresholds.length ? { outsideThreshold: mean(outsideThresholds) } : {}),
    coverage: preds.length ? auto.length / preds.length : 0,
    precision: auto.length ? correct / auto.length : 1,
  };
}

/**
 * Rows that out-of-fold models put in another category in at least `minShare` of the repeats,
 * with mean confidence at least `minConfidence`: either the label or the taxonomy deserves a look.
 */
export function labelErrorCandidates(preds: readonly OutOfFoldPrediction[], repeats: number, minShare = 0.6, minConfidence = 0.5): LabelErrorCandidate[] {
  const byId = new Map<string, OutOfFoldPrediction[]>();
  for (const p of preds) byId.set(p.id, [...(byId.get(p.id) ?? []), p]);
  const out: LabelErrorCandidate[] = [];
  for (const [id, ps] of byId) {
    const wrong = ps.filter((p) => p.predicted !== p.gold);
    if (wrong.length === 0 || wrong.length / repeats < minShare) continue;
    const confidence = wrong.reduce((a, p) => a + p.confidence, 0) / wrong.length;
    if (confidence < minConfidence) continue;
    const counts = new Map<Category, number>();
    for (const p of wrong) counts.set(p.predicted, (counts.get(p.predicted) ?? 0) + 1);
    const predicted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    out.push({ id, title: ps[0]!.title, gold: ps[0]!.gold, predicted, confidence, timesWrong: wrong.length, repeats });
  }
  return out.sort((a, b) => b.timesWrong - a.timesWrong || b.confidence - a.confidence || (a.id < b.id ? -1 : 1));
}

function spread(xs: readonly number[]): Spread {
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd, perRepeat: [...xs] };
}

/**
 * Score against training-set size: the same outer folds, with each training part cut down to a
 * seeded random share of its rows. Shows whether labeling more papers is still paying off.
 */
export function learningCurve(
  rows: readonly LabeledAbstract[],
  trainer: Trainer,
  options: {
    fractions?: number[]; folds?: number; repeats?: number; seed?: number; answers?: readonly Category[]; onProgress?: (
      p: CrossValidationProgress) => void } = {},
): LearningCurvePoint[] {
  const { fractions = [0.25, 0.5, 0.75, 1], folds = 5, repeats = 2, seed = 1 } = options;
  return fractions.map((fraction, fi) => {
    let call = 0;
    let trainRows = 0;
    const sub: Trainer = {
      train(part) {
        const keep = Math.max(1, Math.round(part.length * fraction));
        const chosen = fraction >= 1 ? [...part] : shuffle(part, mulberry32(deriveSeed(seed, 1000 * fi + call++))).slice(0, keep);
        trainRows += chosen.length;
        return trainer.train(chosen);
      },
    };
    // the folds counted over every fraction, so one bar goes from 0 to the end
    const onProgress = options.onProgress &&
      ((p: CrossValidationProgress) => options.onProgress!({ ...p, done: fi * p.total + p.done, total: fractions.length * p.total }));
    const cv = crossValidate(rows, sub, { folds, repeats, seed, answers: options.answers, onProgress });
    return {
      trainFraction: fraction,
      trainRows: trainRows / (folds * repeats),
      accuracy: spread(cv.model.perRepeat.map((r) => r.report.accuracy)),
      macroF1: spread(cv.model.perRepeat.map((r) => r.report.macro.f1)),
    };
  });
}

/** Each category's terms with the most evidence for it over the others (weight minus the mean over categories). */
export function indicativeTerms(classifier: FittedClassifier, terms: Iterable<string>, top = 10): { category: Category; terms: string[] }[] {
  const k = classifier.categories.length;
  const scored: { term: string; w: Float64Array }[] = [];
  for (const term of new Set(terms)) {
    const w = classifier.termWeights(term);
    if (w) scored.push({ term, w });
  }
  return classifier.categories.map((category, c) => ({
    category,
    terms: scored
      .map(({ term, w }) => ({ term, lift: w[c]! - w.reduce((a, b) => a + b, 0) / k }))
      .filter((x) => x.lift > 0)
      .sort((a, b) => b.lift - a.lift || (a.term < b.term ? -1 : 1))
      .slice(0, top)
      .map((x) => x.term),
  }));
}

/**
 * How well the scope score separates labeled (in-scope) abstracts, scored out of fold, from
 * abstracts known to be outside every category. AUROC is the probability that a random
 * out-of-scope abstract scores below a random in-scope one (ties count half).
 */
export function outOfScopeSection(inScope: readonly number[], outOfScope: readonly number[], threshold: number): OutOfScopeSection {
  let wins = 0;
  for (const o of outOfScope) for (const i of inScope) wins += o < i ? 1 : o === i ? 0.5 : 0;
  return {
    threshold,
    auroc: inScope.length && outOfScope.length ? wins / (inScope.length * outOfScope.length) : NaN,
    inScopeFlagged: inScope.filter((s) => s < threshold).length,
    inScopeTotal: inScope.length,
    outOfScopeFlagged: outOfScope.filter((s) => s < threshold).length,
    outOfScopeTotal: outOfScope.length,
  };
}

/** All terms of the rows under a tokenizer: the candidates for indicative terms. */
export function rowTerms(rows: readonly LabeledAbstract[], tokenize: Tokenizer): Set<string> {
  const out = new Set<string>();
  for (const r of rows) for (const t of tokenize(r.abstract)) out.add(t);
  return out;
}
