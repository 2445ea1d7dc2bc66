import type { Category } from "../domain.js";
import type { SurfaceForms, TokenizerSettings } from "../text/tokenize.js";
import { BUILT_IN_KINDS, restoreClassifier, type ModelKinds } from "../models/kinds.js";
import { restoreScope, type ScopeModel, type ScopeState } from "../models/scope.js";
import type { FittedClassifier } from "../models/contract.js";
import type { DriftBaseline } from "./drift.js";
import { KnownAbstracts } from "./knownAbstracts.js";
import { checkCategories, checkDepth, checkDrift, checkEvaluation, checkKnown, checkReport, checkScores,
  checkSurfaceForms, checkTokenizer, checkTraining } from "./checks.js";
import { checkNumber, modelError, SHARE, TEMPERATURE } from "../models/numbers.js";

export const MODEL_FORMAT = "safetag-model";
/** 2: the known-abstract index in columns, with fingerprints of each entry's terms (version 1 files are still read). */
export const MODEL_VERSION = 2;

/** Everything a model file records: how it was made, from what, and how well it did. */
export interface ModelMetadata {
  createdAt: string;
  /** The safetag version that wrote the file (absent from files written before versions were recorded). */
  safetagVersion?: string;
  training: { path: string; rows: number; sha256: string };
  tokenizer: TokenizerSettings;
  categories: Category[];
  /** Labeled abstracts by their normalised-text hash, so a known paper gets its known label. */
  known: KnownAbstracts;
  /** Softmax temperature applied to the classifier's scores (1 = uncalibrated). */
  temperature: number;
  /** Predictions less confident than this are marked `needs_review` (of a safety category, when the next is set). */
  reviewThreshold: number;
  /** A two-stage model's threshold for its predictions of the outside answer (absent in older files: `reviewThreshold` then). */
  outsideReviewThreshold?: number;
  /** Abstracts whose scope score is below this are "unlike every category" (out of scope). */
  scopeThreshold: number;
  /** The category that answers "not safety research" (the taxonomy's outside entry), when the model has one. */
  outside?: Category;
  /**
   * Categories no labeled row of which was ever scored out of fold (added without rows, the parts
   * of a split): known from the taxonomy alone, so a prediction of one always goes to review.
   */
  unevaluated?: Category[];
  /** How training chose its settings and calibrated itself (inner cross-validation). */
  report?: TrainingReport;
  evaluation?: unknown;
  /** What the training data looks like to its own model out of fold, to tell when a dump does not (drift.ts). */
  drift?: DriftBaseline;
  /** The word shown for each stem: its most frequent form in the training abstracts (absent in older files, which show stems). */
  surfaceForms?: SurfaceForms;
}

export interface TrainingReport {
  innerFolds: number;
  selection: { kind: string; priorWeight: number; macroF1: number; accuracy: number }[];
  /** What the user asked for ("auto" or a kind) and the kind that was fitted. */
  requested: string;
  kind: string;
  priorWeight: number;
  calibration: { temperature: number; nllBefore: number; nllAfter: number };
  /** A two-stage model's temperatures (see gated.ts): the gate's, and the category classifier's. */
  stages?: { gate: number; inner: number };
  /** The review rule: `threshold` for safety categories, `outsideThreshold` for the outside answer (see calibration.ts reviewRule). */
  review: { targetPrecision: number; threshold: number; outsideThreshold?: number; coverage: number; precision: number };
  scope: { quantile: number; threshold: number };
  titles: boolean;
  /** Present when the inner cross-validation ran on a seeded sample of the rows (large training sets). */
  innerSample?: { rows: number; of: number; seed: number };
  /** Present when unlabeled abstracts were used (semi-supervised EM). */
  semiSupervised?: { unlabeled: number; weight: number; iterations: number };
  /** Present when a background set taught the outside category: how many rows, each counted `weight` times a labeled row. */
  background?: { path: string; sha256: string; rows: number; weight: number };
}

export interface ModelFile extends ModelMetadata {
  format: typeof MODEL_FORMAT;
  version: number;
  model: unknown;
  scope?: ScopeState;
}

export interface LoadedModel extends ModelMetadata {
  classifier: FittedClassifier;
  scope?: ScopeModel;
  /**
   * The text this model was parsed from (set by parseModel), so it can be handed on to worker
   * threads without serializing it again (for a 100k-row model, a tenth of a second of the thread
   * that also reads and writes). `of` is the model object the text is of: a copy made with a
   * change (`{ ...model, known }`) is another object, whose text is its serialization (`modelText`).
   * A parsed model is never changed in place (only a trained one is, before it is first written).
   */
  readonly source?: { readonly text: string; readonly of: LoadedModel };
}

export function serializeModel(model: LoadedModel): string {
  const { classifier, scope, source: _parsed, ...meta } = model;
  const file: ModelFile = { format: MODEL_FORMAT, version: MODEL_VERSION, ...meta, model: classifier.toJSON(), scope: scope?.toJSON() };
  return JSON.stringify(file);
}

/** A model file's text for `model`: the text it was parsed from, or its serialization. Either parses to the same model. */
export function modelText(model: LoadedModel): string {
  return model.source?.of === model ? model.source.text : serializeModel(model);
}

/** Parses and validates a model file's text; never trusts a field it has not checked. */
export function parseModel(text: string, file: string, kinds: ModelKinds = BUILT_IN_KINDS): LoadedModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw modelError(file, `not a JSON model file (${(e as Error).message})`, "the file may be truncated; train again with `safetag train`");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw modelError(file, "not a safetag model (expected a JSON object)");
  const m = raw as Partial<ModelFile>;
  if (m.format !== MODEL_FORMAT) throw modelError(file,
    `unknown model format ${JSON.stringify(m.format)}; expected "${MODEL_FORMAT}"`, "is this a safetag model file?");
  if (Number.isInteger(m.version) && (m.version as number) > MODEL_VERSION) {
    throw modelError(file,
      `model format version ${m.version} is newer than this safetag reads (${MODEL_VERSION})`, "upgrade safetag, or retrain the model with this version");
  }
  checkNumber(m.version, "model format version", { min: 1, max: MODEL_VERSION, integer: true }, file);
  checkDepth(raw, file); // before anything walks it (the checks here, JSON.stringify for worker threads)
  const categories = checkCategories(m.categories, file);
  const tokenizer = checkTokenizer(m.tokenizer, file);
  const known = new KnownAbstracts(categories, checkKnown(m.known, categories, file), tokenizer);
  const training = checkTraining(m.training, file);
  checkReport(m.report, file);
  checkEvaluation(m.evaluation, file);
  if (m.createdAt !== undefined && typeof m.createdAt !== "string") throw modelError(file, "createdAt must be a string");
  if (m.safetagVersion !== undefined &&
    (typeof m.safetagVersion !== "string" || m.safetagVersion.length > 64)) throw modelError(file, "safetagVersion must be a version string");
  // every number is checked, none defaulted: a threshold read as 0 sends nothing to review
  const temperature = checkNumber(m.temperature, "temperature", TEMPERATURE, file);
  const reviewThreshold = checkNumber(m.reviewThreshold, "reviewThreshold", SHARE, file);
  const outsideReviewThreshold =
    m.outsideReviewThreshold === undefined ? undefined : checkNumber(m.outsideReviewThreshold, "outsideReviewThreshold", SHARE, file);
  // the oldest files have neither a scope model nor its threshold
  const scopeThreshold = m.scope === undefined && m.scopeThreshold === undefined ? 0 : checkNumber(m.scopeThreshold, "scopeThreshold", SHARE, file);
  const drift = checkDrift(m.drift, file);
  const surfaceForms = checkSurfaceForms(m.surfaceForms, tokenizer, file);
  const outside = checkCategoryList(m.outside === undefined ? undefined : [m.outside], categories, "outside", file)?.[0];
  const unevaluated = checkCategoryList(m.unevaluated, categories, "unevaluated", file);
  const scope = m.scope === undefined ? undefined : restoreScope(m.scope, categories, file);
  const classifier = restoreClassifier(m.model, categories, file, kinds);
  checkScores(classifier, scope, file);
  const model: { -readonly [K in keyof LoadedModel]: LoadedModel[K] } = {
    createdAt: m.createdAt ?? "",
    ...(m.safetagVersion === undefined ? {} : { safetagVersion: m.safetagVersion }),
    training,
    tokenizer,
    categories,
    known,
    temperature,
    reviewThreshold,
    ...(outsideReviewThreshold === undefined ? {} : { outsideReviewThreshold }),
    scopeThreshold,
    ...(outside === undefined ? {} : { outside }),
    ...(unevaluated === undefined ? {} : { unevaluated }),
    scope,
    report: m.report,
    evaluation: m.evaluation,
    ...(drift ? { drift } : {}),
    ...(surfaceForms ? { surfaceForms } : {}),
    classifier,
  };
  model.source = { text, of: model };
  return model;
}

/** A list of the model's own categories (or nothing, in an older file). */
function checkCategoryList(x: unknown, categories: readonly Category[], field: string, file: string): Category[] | undefined {
  if (x === undefined) return undefined;
  if (!Array.isArray(x) || !x.every((c) => typeof c === "string" && categories.includes(c))) {
    throw modelError(file, `${field} must name categories of the model`, "the file may be damaged; train again with `safetag train`");
  }
  return x as Category[];
}
