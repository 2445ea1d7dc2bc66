/**
 * The evaluation report: computed once from a cross-validation result, then rendered as JSON,
 * Markdown, a terminal table or HTML (report/). The report is plain data (JSON-serialisable, no
 * functions, no Maps) and self-contained, so a renderer needs nothing else; the renderers only format, they
 * never recompute a figure. Nothing here reads files or the clock.
 */
import type { Category } from "../domain.js";
import { TOOL_VERSION } from "../io/installation.js";
import type { TaxonomySummary } from "../taxonomy/changeSummary.js";
import { bootstrapIntervals, type BootstrapIntervals, type CategoryInterval } from "./bootstrap.js";
import type { Fresh } from "./fresh.js";
import type { CrossValidationResult, MajorityChoice, OutOfFoldPrediction, ScoredRun } from "./crossValidate.js";
import type { ClassificationReport, ConfusionMatrix } from "../metrics/metrics.js";

export const EVALUATION_FORMAT = "safetag-evaluation";
export const EVALUATION_VERSION = 1;

/**
 * A category's F1 interval needs at least this many distinct papers of it. With fewer, the
 * resamples can only repeat the same one to four papers, so the percentile interval collapses
 * onto a few values: one paper that is always right gives [1, 1] (as if certain), one that is
 * right in some repeats gives [0, 1]. Such an interval says nothing about the next paper, so the
 * report says "too few papers" instead (the numbers stay in report.json, flagged).
 */
export const MIN_PAPERS_FOR_INTERVAL = 5;

export interface EvaluationMeta {
  /** Model name as the user knows it, e.g. "multinomial-nb". */
  model: string;
  /** The model's settings, for the record. */
  parameters?: Record<string, string | number | boolean | null>;
  dataPath: string;
  /** SHA-256 (hex) of the training data file, if the caller computed one. */
  dataSha256?: string;
  /** ISO 8601 time of the run, supplied by the caller (the core does not read the clock). */
  createdAt?: string;
  /** Bootstrap settings; the seed defaults to the cross-validation seed. */
  bootstrap?: { resamples?: number; level?: number; seed?: number };
}

/** A figure's mean and sample standard deviation (n − 1; 0 with one repeat) over the repeats. */
export interface Spread {
  mean: number;
  sd: number;
  perRepeat: number[];
}

/**
 * An out-of-fold prediction as the report keeps it, with `correct`, and every category's
 * probability (as scikit-learn's `cross_val_predict(method="predict_proba")` gives them, for
 * cleanlab and the like) in `settings.categories` order, rounded to 4 decimals to keep the
 * report small (`confidence` and `runnerUpConfidence` are not rounded).
 */
export type ReportPrediction = Pick<
  OutOfFoldPrediction,
  "repeat" | "fold" | "id" | "title" | "gold" | "predicted" | "confidence" | "runnerUp" | "runnerUpConfidence" | "probabilities"
> & { correct: boolean };

/** Decimals of the report's per-category probabilities. */
export const PROBABILITY_DECIMALS = 4;

export interface EvaluationReport {
  format: typeof EVALUATION_FORMAT;
  version: typeof EVALUATION_VERSION;
  /** The safetag version that wrote the report. */
  safetagVersion: string;
  createdAt?: string;
  settings: {
    model: string;
    parameters?: Record<string, string | number | boolean | null>;
    dataPath: string;
    dataSha256?: string;
    rows: number;
    /** Rows that share a fold group (by default: the same abstract) with at least one other row. */
    groupedRows: number;
    /** Sorted; the order of every per-category list and of the confusion matrix. */
    categories: Category[];
    /** Labeled rows per category, in `categories` order. */
    rowsPerCategory: number[];
    /**
     * Distinct papers (row ids) per true category, in `categories` order, counted in the
     * out-of-fold predictions: each paper once, however many repeats predicted it. The pooled
     * supports and the confusion matrix count each paper once per repeat.
     */
    papersPerCategory: number[];
    folds: number;
    repeats: number;
    seed: number;
    /** `minPapers`: a category with fewer distinct papers gets no F1 interval (MIN_PAPERS_FOR_INTERVAL). */
    bootstrap: { resamples: number; level: number; seed: number; unit: "rows" | "clusters"; minPapers: number };
  };
  /** Per-repeat figures: each repeat predicts every row once, out of fold. */
  summary: {
    accuracy: Spread;
    macroF1: Spread;
    baseline: { accuracy: Spread; macroF1: Spread };
  };
  /** Scores of all repeats' out-of-fold predictions together (supports are rows × repeats). */
  pooled: ClassificationReport;
  baseline: { majority: MajorityChoice[]; pooled: ClassificationReport };
  /** Pooled over repeats; rows are true categories, columns predicted. */
  confusion: ConfusionMatrix;
  /** Bootstrap intervals of the pooled figures, resampling whole rows. */
  intervals: ReportIntervals;
  predictions: ReportPrediction[];
  /** Optional sections, present when the evaluation computed them (see `quality.ts`). */
  calibration?: CalibrationSection;
  review?: ReviewSection;
  learningCurve?: LearningCurvePoint[];
  labelErrors?: LabelErrorCandidate[];
  indicativeTerms?: { category: Category; terms: string[] }[];
  outOfScope?: OutOfScopeSection;
  /** Several models evaluated on the same folds. */
  comparison?: { model: string; accuracy: Spread; macroF1: Spread }[];
  /** How the taxonomy's category changes relabeled or set aside rows (the labeled file itself is unchanged). */
  taxonomy?: TaxonomySummary;
  /** Categories the model knows that have no labeled rows yet: cross-validation cannot score them. */
  notEvaluated?: Category[];
  /** The final model on fresh abstracts that are in no training file: the headline figures (see fresh.ts). */
  fresh?: Fresh;
}

/**
 * A category's F1 interval as the report keeps it: the bootstrap's numbers, and `tooFewPapers`
 * when the category has fewer than `settings.bootstrap.minPapers` distinct papers, so the
 * renderings show "too few papers" instead of the numbers.
 */
export type ReportCategoryInterval = CategoryInterval & { tooFewPapers: boolean };

export type ReportIntervals = Omit<BootstrapIntervals, "perCategory"> & { perCategory: ReportCategoryInterval[] };

/** Reliability of the out-of-fold confidences: expected calibration error and the table behind it. */
export interface CalibrationSection {
  ece: number;
  bins: { lower: number; upper: number; count: number; meanConfidence: number; accuracy: number }[];
}

export interface ReviewSection {
  targetPrecision: number;
  /** Mean over outer folds of the threshold each training part chose (for safety categories, when the next is set). */
  threshold: number;
  /** Two-stage models: the mean threshold for predictions of the outside answer ("not safety research"). */
  outsideThreshold?: number;
  /** Share of out-of-fold predictions at or above their fold's threshold, and their precision. */
  coverage: number;
  precision: number;
}

export interface LearningCurvePoint {
  trainFraction: number;
  trainRows: number;
  accuracy: Spread;
  macroF1: Spread;
}

/** A labeled row that out-of-fold models confidently put in another category: worth a second look. */
export interface LabelErrorCandidate {
  id: string;
  title: string;
  gold: Category;
  predicted: Category;
  /** Mean confidence of the wrong predictions. */
  confidence: number;
  /** In how many of the repeats it was predicted wrongly. */
  timesWrong: number;
  repeats: number;
}

/** How well the "unlike every category" score separates labeled abstracts from out-of-scope ones. */
export interface OutOfScopeSection {
  threshold: number;
  /** Probability that a random out-of-scope abstract scores lower than a random labeled one. */
  auroc: number;
  inScopeFlagged: number;
  outOfScopeFlagged: number;
  outOfScopeTotal: number;
  inScopeTotal: number;
}

export function buildEvaluationReport(cv: CrossValidationResult, meta: EvaluationMeta): EvaluationReport {
  const predictions: ReportPrediction[] = cv.predictions.map((p) => ({
    repeat: p.repeat,
    fold: p.fold,
    id: p.id,
    title: p.title,
    gold: p.gold,
    predicted: p.predicted,
    correct: p.gold === p.predicted,
    confidence: p.confidence,
    runnerUp: p.runnerUp,
    runnerUpConfidence: p.runnerUpConfidence,
    probabilities: p.probabilities.map((x) => Math.round(x * 10 ** PROBABILITY_DECIMALS) / 10 ** PROBABILITY_DECIMALS),
  }));
  const bootstrap = bootstrapIntervals(
    cv.predictions.map((p) => p.gold),
    cv.predictions.map((p) => p.predicted),
    cv.categories,
    {
      resamples: meta.bootstrap?.resamples ?? 1000,
      level: meta.bootstrap?.level ?? 0.95,
      seed: meta.bootstrap?.seed ?? cv.seed,
      // Each row appears once per repeat; resample rows, not their correlated copies.
      clusters: cv.predictions.map((p) => p.id),
      averaged: cv.averaged,
    },
  );
  const rowsPerCategory = cv.model.pooled.perCategory.map((s) => s.support / cv.repeats);
  const papersPerCategory = distinctPapers(cv.predictions, cv.categories);
  const intervals: ReportIntervals = {
    ...bootstrap,
    perCategory: bootstrap.perCategory.map((c, i) => ({ ...c, tooFewPapers: (papersPerCategory[i] ?? 0) < MIN_PAPERS_FOR_INTERVAL })),
  };

  const report: EvaluationReport = {
    format: EVALUATION_FORMAT,
    version: EVALUATION_VERSION,
    safetagVersion: TOOL_VERSION,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    settings: {
      model: meta.model,
      ...(meta.parameters === undefined ? {} : { parameters: { ...meta.parameters } }),
      dataPath: meta.dataPath,
      ...(meta.dataSha256 === undefined ? {} : { dataSha256: meta.dataSha256 }),
      rows: cv.rowCount,
      groupedRows: cv.groupedRowCount,
      categories: [...cv.categories],
      rowsPerCategory,
      papersPerCategory,
      folds: cv.folds,
      repeats: cv.repeats,
      seed: cv.seed,
      bootstrap: { resamples: intervals.resamples, level: intervals.level, seed: intervals.seed, unit: intervals.unit, minPapers: MIN_PAPERS_FOR_INTERVAL },
    },
    summary: {
      accuracy: spread(cv.model, (r) => r.accuracy),
      macroF1: spread(cv.model, (r) => r.macro.f1),
      baseline: {
        accuracy: spread(cv.baseline, (r) => r.accuracy),
        macroF1: spread(cv.baseline, (r) => r.macro.f1),
      },
    },
    pooled: cv.model.pooled,
    baseline: { majority: cv.baseline.majority, pooled: cv.baseline.pooled },
    confusion: cv.model.confusion,
    intervals,
    predictions,
  };
  return report;
}

/** Distinct ids per true category, in `categories` order. */
function distinctPapers(predictions: readonly OutOfFoldPrediction[], categories: readonly Category[]): number[] {
  const ids = new Map(categories.map((c) => [c, new Set<string>()]));
  for (const p of predictions) ids.get(p.gold)?.add(p.id);
  return categories.map((c) => ids.get(c)?.size ?? 0);
}

function spread(run: ScoredRun, pick: (r: ClassificationReport) => number): Spread {
  const values = run.perRepeat.map((r) => pick(r.report));
  const n = values.length;
  const mean = n === 0 ? 0 : values.reduce((a, b) => a + b, 0) / n;
  const variance = n < 2 ? 0 : values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, sd: Math.sqrt(variance), perRepeat: values };
}

/** Categories the macro average is over: those with rows (see reportFromConfusion). */
export function averagedCount(report: EvaluationReport): number {
  return report.settings.rowsPerCategory.filter((n) => n > 0).length;
}
