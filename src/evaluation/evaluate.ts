import type { LabeledAbstract, Taxonomy } from "../domain.js";
import type { Predictor, Trainer } from "../models/contract.js";
import type { LoadedModel } from "../models/modelFile.js";
import type { ModelChoice } from "../models/registry.js";
import { SafetagError } from "../errors.js";
import { checkTrainingCategories, DEFAULT_TARGET_PRECISION, modelTrainer, trainModel } from "../models/train.js";
import { makeTokenizer } from "../text/tokenize.js";
import { crossValidate, type CrossValidationProgress } from "./crossValidate.js";
import { calibrationSection, indicativeTerms, labelErrorCandidates, learningCurve, outOfScopeSection, reviewSection, rowTerms } from "./quality.js";
import { buildEvaluationReport, type EvaluationReport } from "./report.js";

export interface EvaluateOptions {
  model: ModelChoice;
  /** Other model kinds to cross-validate on the same folds, for the comparison table. */
  compare?: ModelChoice[];
  taxonomy?: Taxonomy;
  titles?: boolean;
  folds: number;
  repeats: number;
  seed: number;
  dataPath: string;
  dataSha256?: string;
  /** Abstracts known to be outside every category, to measure the out-of-scope score. */
  outOfScope?: string[];
  learningCurve?: boolean;
  /** Unlabeled abstracts every fold's training may also learn from (semi-supervised EM). */
  unlabeled?: string[];
  createdAt?: string;
  /** Clock for the final model's createdAt (see cli/clock.ts). */
  now?: () => Date;
  onProgress?: (p: CrossValidationProgress) => void;
}

/** Remembers each fold model's review threshold, so the report can say what the rule did out of fold. */
function recordingThresholds(trainer: Trainer, thresholds: number[]): Trainer {
  return {
    train(rows) {
      const p: Predictor = trainer.train(rows);
      if (p.reviewThreshold !== undefined) thresholds.push(p.reviewThreshold);
      return p;
    },
  };
}

/**
 * The whole evaluation: cross-validation of the chosen model (and any others to compare), every
 * quality section, and the final model trained on all rows (returned, so a caller that also
 * needs the model does not train it twice).
 */
export function evaluate(rows: readonly LabeledAbstract[], opts: EvaluateOptions): { report: EvaluationReport; model: LoadedModel } {
  checkCrossValidatable(rows, opts.dataPath);
  const trainOptions = { kind: opts.model, taxonomy: opts.taxonomy, titles: opts.titles, unlabeled: opts.unlabeled };
  // Fold models leave out taxonomy categories without labeled rows: there is nothing to score them on.
  const foldOptions = { ...trainOptions, taxonomy: opts.taxonomy && withLabeledRows(opts.taxonomy, rows) };
  const thresholds: number[] = [];
  const cvOptions = { folds: opts.folds, repeats: opts.repeats, seed: opts.seed };
  const cv = crossValidate(rows, recordingThresholds(modelTrainer(foldOptions), thresholds), { ...cvOptions, onProgress: opts.onProgress });
  const report = buildEvaluationReport(cv, {
    model: opts.model,
    parameters: { titles: Boolean(opts.titles), taxonomy: Boolean(opts.taxonomy), unlabeled: opts.unlabeled?.length ?? 0 },
    dataPath: opts.dataPath,
    dataSha256: opts.dataSha256,
    createdAt: opts.createdAt,
  });
  const model = trainModel(rows, { ...trainOptions, now: opts.now });
  const notEvaluated = model.categories.filter((c) => !cv.categories.includes(c));
  if (notEvaluated.length > 0) report.notEvaluated = notEvaluated;

  report.calibration = calibrationSection(cv.predictions.map((p) => ({ confidence: p.confidence, correct: p.gold === p.predicted })));
  report.review = reviewSection(cv.predictions, model.report?.review.targetPrecision ?? DEFAULT_TARGET_PRECISION, thresholds);
  report.labelErrors = labelErrorCandidates(cv.predictions, cv.repeats);
  report.indicativeTerms = indicativeTerms(model.classifier, rowTerms(rows, makeTokenizer(model.tokenizer)));
  if (opts.outOfScope?.length && model.scope) {
    const tokenize = makeTokenizer(model.tokenizer);
    const scope = model.scope;
    report.outOfScope = outOfScopeSection(
      cv.predictions.flatMap((p) => (p.scope === undefined ? [] : [p.scope])),
      opts.outOfScope.map((a) => scope.score(tokenize(a))),
      model.scopeThreshold,
    );
  }
  if (opts.learningCurve !== false) report.learningCurve = learningCurve(rows, modelTrainer(foldOptions), { folds: opts.folds, repeats: Math.min(2, opts.repeats), seed: opts.seed });
  if (opts.compare?.length) {
    const kinds = [opts.model, ...opts.compare.filter((k) => k !== opts.model)];
    report.comparison = kinds.map((kind) => {
      const run = kind === opts.model ? cv : crossValidate(rows, modelTrainer({ ...foldOptions, kind }), cvOptions);
      const per = run.model.perRepeat;
      const spread = (xs: number[]) => {
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        return { mean, sd: xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0, perRepeat: xs };
      };
      return { model: kind, accuracy: spread(per.map((r) => r.report.accuracy)), macroF1: spread(per.map((r) => r.report.macro.f1)) };
    });
  }
  model.evaluation = { accuracy: report.summary.accuracy.mean, macroF1: report.summary.macroF1.mean, folds: opts.folds, repeats: opts.repeats, seed: opts.seed, ece: report.calibration.ece };
  return { report, model };
}

/**
 * Refuses rows that cross-validation cannot measure a model on: one category, or most categories
 * with a single row (see sparseCategories in models/train.ts), where the figures would be near 0
 * whatever the model, after minutes of fitting thousands of categories.
 */
export function checkCrossValidatable(rows: readonly LabeledAbstract[], file: string): void {
  const counts = checkTrainingCategories(rows, file);
  if (!counts.sparse) return;
  throw new SafetagError(
    "E_TOO_FEW_ROWS_PER_CATEGORY",
    `${file}: ${counts.categories} categories for ${counts.rows} rows (${counts.singletons} with a single row): cross-validation cannot measure a model on them, since a held-out row that is its category's only one can never be predicted right`,
    { hint: "merge small categories or label more rows of them (at least two rows per category on average); `safetag train` still trains a model on these rows, and it sends every prediction to review" },
  );
}

/** The taxonomy's categories that have labeled rows (the others cannot be cross-validated). */
function withLabeledRows(taxonomy: Taxonomy, rows: readonly LabeledAbstract[]): Taxonomy {
  const present = new Set(rows.map((r) => r.category));
  return { categories: taxonomy.categories.filter((c) => present.has(c.name)) };
}
