import type { LabeledAbstract, Taxonomy } from "../domain.js";
import type { Predictor, Trainer } from "../models/contract.js";
import type { LoadedModel } from "../modelfile/modelFile.js";
import type { ModelChoice } from "../models/kinds.js";
import { SafetagError } from "../errors.js";
import { DEFAULT_TARGET_PRECISION, modelTrainer, trainModel, type TrainOptions } from "../training/train.js";
import { checkTrainingCategories } from "../training/categories.js";
import { makeLabeler } from "../predict/label.js";
import { abstractKey } from "../text/normalize.js";
import { freshSection, type FreshOutcome } from "./fresh.js";
import { makeTokenizer, termShower } from "../text/tokenize.js";
import { crossValidate, type CrossValidationProgress } from "./crossValidate.js";
import { calibrationSection, indicativeTerms, labelErrorCandidates, learningCurve, outOfScopeSection, reviewSection, rowTerms } from "./quality.js";
import { buildEvaluationReport, type EvaluationReport } from "./report.js";
import type { TaxonomyApplication } from "../taxonomy/changes.js";
import { summarizeTaxonomyApplication } from "../taxonomy/changeSummary.js";

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
  /** The background set every fold (and the final model) learns the outside category from; never tested in the folds. */
  background?: TrainOptions["background"];
  /** Fresh labeled abstracts, in no training file, scored by the final model (see fresh.ts). */
  fresh?: { path: string; rows: readonly LabeledAbstract[] };
  createdAt?: string;
  /** The taxonomy's changes as they were applied to the rows: summarised in the report when they were applied. */
  taxonomyChanges?: TaxonomyApplication;
  /** Clock for the final model's createdAt (see cli/clock.ts). */
  now?: () => Date;
  /** Told as each stage starts, and after each fold of a stage that cross-validates (see EvaluationProgress). */
  onProgress?: (p: EvaluationProgress) => void;
}

/**
 * What the evaluation is doing, for a progress line: each stage as it starts (`done` and
 * `total` undefined), then, in a stage that cross-validates, each fold as it is finished.
 */
export interface EvaluationProgress {
  stage: string;
  done?: number;
  total?: number;
}

/** A cross-validation's fold callbacks, as stage `stage`. */
function folds(onProgress: EvaluateOptions["onProgress"], stage: string): ((p: CrossValidationProgress) => void) | undefined {
  return onProgress && ((p) => onProgress({ stage, done: p.done, total: p.total }));
}

/** Remembers each fold model's review threshold, so the report can say what the rule did out of fold. */
function recordingThresholds(trainer: Trainer, thresholds: number[], outsideThresholds: number[]): Trainer {
  return {
    train(rows) {
      const p: Predictor = trainer.train(rows);
      if (p.reviewThreshold !== undefined) thresholds.push(p.reviewThreshold);
      if (p.outsideReviewThreshold !== undefined) outsideThresholds.push(p.outsideReviewThreshold);
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
  const trainOptions: TrainOptions = { kind: opts.model, taxonomy: opts.taxonomy, titles: opts.titles, unlabeled: opts.unlabeled, background: opts.background };
  const background = opts.background?.rows ?? [];
  // Fold models leave out taxonomy categories without labeled rows: there is nothing to score them on.
  const foldOptions = { ...trainOptions, taxonomy: opts.taxonomy && withLabeledRows(opts.taxonomy, rows, background) };
  const thresholds: number[] = [];
  const outsideThresholds: number[] = [];
  // background rows train every fold and are never tested: the folds score the sheet
  const cvOptions = { folds: opts.folds, repeats: opts.repeats, seed: opts.seed, answers: [...new Set(background.map((r) => r.category))] };
  const tell = (stage: string) => opts.onProgress?.({ stage });
  tell("cross-validation");
  const cv =
    crossValidate(rows, recordingThresholds(modelTrainer(foldOptions), thresholds, outsideThresholds),
      { ...cvOptions, onProgress: folds(opts.onProgress, "cross-validation") });
  tell("bootstrap intervals");
  const report = buildEvaluationReport(cv, {
    model: opts.model,
    parameters: { titles: Boolean(opts.titles), taxonomy: Boolean(opts.taxonomy), unlabeled: opts.unlabeled?.length ?? 0 },
    dataPath: opts.dataPath,
    dataSha256: opts.dataSha256,
    createdAt: opts.createdAt,
  });
  tell(`final model, trained on all ${rows.length} rows`);
  const model = trainModel(rows, { ...trainOptions, source: { path: opts.dataPath, sha256: opts.dataSha256 ?? "" }, now: opts.now });
  const notEvaluated = model.categories.filter((c) => !cv.categories.includes(c));
  if (notEvaluated.length > 0) report.notEvaluated = notEvaluated;

  tell("calibration, review rule, label errors, terms");
  report.calibration = calibrationSection(cv.predictions.map((p) => ({ confidence: p.confidence, correct: p.gold === p.predicted })));
  report.review = reviewSection(cv.predictions, model.report?.review.targetPrecision ?? DEFAULT_TARGET_PRECISION, thresholds, outsideThresholds);
  report.labelErrors = labelErrorCandidates(cv.predictions, cv.repeats);
  const shown = termShower(model.surfaceForms); // ranked by stem, shown as words
  report.indicativeTerms = indicativeTerms(model.classifier, rowTerms(rows, makeTokenizer(model.tokenizer)))
    .map((c) => ({ category: c.category, terms: c.terms.map(shown) }));
  if (opts.outOfScope?.length && model.scope) {
    const tokenize = makeTokenizer(model.tokenizer);
    const scope = model.scope;
    report.outOfScope = outOfScopeSection(
      cv.predictions.flatMap((p) => (p.scope === undefined ? [] : [p.scope])),
      opts.outOfScope.map((a) => scope.score(tokenize(a))),
      model.scopeThreshold,
    );
  }
  if (opts.learningCurve !== false) {
    tell("learning curve");
    report.learningCurve =
      learningCurve(rows, modelTrainer(foldOptions),
        { folds: opts.folds, repeats: Math.min(2, opts.repeats), seed: opts.seed, answers: cvOptions.answers,
          onProgress: folds(opts.onProgress, "learning curve") });
  }
  if (opts.compare?.length) {
    const kinds = [opts.model, ...opts.compare.filter((k) => k !== opts.model)];
    report.comparison = kinds.map((kind) => {
      if (kind !== opts.model) tell(`comparison: ${kind}`);
      const run = kind === opts.model ? cv
        : crossValidate(rows, modelTrainer({ ...foldOptions, kind }), { ...cvOptions, onProgress: folds(opts.onProgress, `comparison: ${kind}`) });
      const per = run.model.perRepeat;
      const spread = (xs: number[]) => {
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        return { mean, sd: xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0, perRepeat: xs };
      };
      return { model: kind, accuracy: spread(per.map((r) => r.report.accuracy)), macroF1: spread(per.map((r) => r.report.macro.f1)) };
    });
  }
  if (opts.fresh) {
    tell("fresh abstracts");
    report.fresh = scoreFresh(model, opts.fresh, [...rows, ...background]);
  }
  if (opts.taxonomyChanges?.applied) report.taxonomy = summarizeTaxonomyApplication(opts.taxonomyChanges);
  // the fresh-set figures travel with the model, so `safetag models` can say how each kept model did on papers it never saw
  const fresh = report.fresh &&
    { path: report.fresh.path, rows: report.fresh.rows, accuracy: report.fresh.report.accuracy, macroF1: report.fresh.report.macro.f1 };
  const evaluation = { accuracy: report.summary.accuracy.mean, macroF1: report.summary.macroF1.mean, folds: opts.folds,
    repeats: opts.repeats, seed: opts.seed, ece: report.calibration.ece, ...(fresh ? { fresh } : {}) };
  return { report, model: { ...model, evaluation } };
}

/**
 * The final model's predictions on fresh abstracts, labeled as `predict` labels them (review
 * rule included). A fresh row whose abstract is also a training row is left out and counted:
 * the model would only look it up.
 */
function scoreFresh(model: LoadedModel, fresh: NonNullable<EvaluateOptions["fresh"]>, training: readonly LabeledAbstract[]) {
  const trained = new Set(training.map((r) => abstractKey(r.abstract)));
  const label = makeLabeler(model);
  const outcomes: FreshOutcome[] = [];
  let inTraining = 0;
  for (const row of fresh.rows) {
    if (trained.has(abstractKey(row.abstract))) {
      inTraining++;
      continue;
    }
    const p = label({ id: row.id, abstract: row.abstract });
    outcomes.push({ id: row.id, gold: row.category, predicted: p.category, confidence: p.confidence, needsReview: p.needsReview });
  }
  return { ...freshSection(fresh.path, outcomes, model.outside), inTraining };
}

/**
 * Refuses rows that cross-validation cannot measure a model on: one category, or most categories
 * with a single row (see sparseCategories in training/categories.ts), where the figures would be near 0
 * whatever the model, after minutes of fitting thousands of categories. The rows are the sheet's
 * (the folds test them), not the background set's, which is all one category.
 */
export function checkCrossValidatable(rows: readonly LabeledAbstract[], file: string): void {
  const counts = checkTrainingCategories(rows, file);
  if (!counts.sparse) return;
  throw new SafetagError(
    "E_TOO_FEW_ROWS_PER_CATEGORY",
    `${file}: ${counts.categories} categories ` +
      `for ${counts.rows} rows (${counts.singletons} with a single row): cross-validation cannot measure a model on them, since a ` +
        `held-out row that is its category's only one can never be predicted right`,
    { hint: "merge small categories or label more rows of them (at least two rows per category on average); `safetag train` still " +
      "trains a model on these rows, and it sends every prediction to review" },
  );
}

/** The taxonomy's categories that have labeled rows, background rows included (the others cannot be cross-validated). */
function withLabeledRows(taxonomy: Taxonomy, rows: readonly LabeledAbstract[], background: readonly LabeledAbstract[] = []): Taxonomy {
  const present = new Set([...rows, ...background].map((r) => r.category));
  return { ...taxonomy, categories: taxonomy.categories.filter((c) => present.has(c.name)) };
}
