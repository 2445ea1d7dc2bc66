import type { Category, LabeledAbstract } from "../domain.js";
import type { FeatureSpace } from "../features/featureSpace.js";
import { TrainingTexts } from "../features/trainingTexts.js";
import type { SparseVector } from "../features/vocabulary.js";

/**
 * The one model contract. A classifier is fitted by a `Fit` function on a training set's vectors
 * (the trainer fits the feature space, see TrainingTexts), and then exposes the space it reads and
 * a single scoring primitive, `jointLogLikelihood` of a text's vector there (unnormalised log
 * scores per category, in `categories` order); probabilities and the predicted label are derived
 * from it in `scoring.ts`, never computed twice. Because every classifier says its space, a caller
 * reads a text once and hands the vector to the classifier, the scope model and the explanations
 * (see predict/label.ts).
 */
export interface FittedClassifier {
  /**
   * The classifier type, e.g. "naive-bayes": how its section of a model file is read back (that
   * section's `kind` field). Not a model kind ("complement-nb", see kinds.ts), which is a recipe
   * of a type and its settings.
   */
  readonly type: string;
  readonly categories: readonly Category[];
  /** The feature space the scores are computed in; `termWeights` answers for its terms. */
  readonly features: FeatureSpace;
  /** Log scores for one text, vectorized by `features`. */
  jointLogLikelihood(x: SparseVector): Float64Array;
  /**
   * Per-category evidence a single occurrence of `term` adds (in score units), for explanations;
   * undefined for a term the model does not know.
   */
  termWeights(term: string): Float64Array | undefined;
  /** Plain JSON for the model file (learned state and settings, no functions), with the type as `kind`. */
  toJSON(): unknown;
}

/**
 * What a classifier is fitted on: the examples' texts (vectorized by the trainer, once per feature
 * settings, see TrainingTexts) and, example by example, its category, how much it counts and
 * whether it is a taxonomy description. A classifier fitted on other labels or weights of the same
 * texts (a two-stage model's gate) takes the same `texts`, and so the same space.
 */
export interface TrainingSet {
  readonly texts: TrainingTexts;
  readonly labels: readonly Category[];
  /** 1 for a labeled row; taxonomy descriptions, background rows and EM's soft labels count more or less, 0 not at all. */
  readonly weights: readonly number[];
  /** A taxonomy description (see taxonomyEvidence.ts), not a row. */
  readonly evidence: readonly boolean[];
  /** Each example's weight in a two-stage model's gate, when it differs from `weights` (see gated.ts). */
  readonly gateWeights?: readonly number[];
}

/** One example as a person writes it down: the set is made of these by `trainingSet`. */
export interface TrainingExample {
  tokens: readonly string[];
  category: Category;
  /** How much this example counts (1 when not given). */
  weight?: number;
  evidence?: boolean;
}

/** A training set of plain examples, their texts as token lists. */
export function trainingSet(examples: readonly TrainingExample[]): TrainingSet {
  return {
    texts: TrainingTexts.ofTokens(examples.map((e) => e.tokens)),
    labels: examples.map((e) => e.category),
    weights: examples.map((e) => e.weight ?? 1),
    evidence: examples.map((e) => e.evidence === true),
  };
}

/** Fits a classifier of one type with its settings `params`, over `categories` (every label of the set is one of them). */
export type Fit<P> = (set: TrainingSet, params: P, categories: readonly Category[]) => FittedClassifier;

/** What a restore function is given besides a classifier's JSON. */
export interface RestoreContext {
  /** The model file, for the messages. */
  readonly file: string;
  /** Where the classifier is in the file, for the messages (`model.members[1]`). */
  readonly field: string;
  /** How many composite classifiers (ensembles, two-stage models) this one is inside. */
  readonly depth: number;
  /** Restores a classifier nested in this one (an ensemble's member, a stage) by its own type; `field` is where it is. */
  restore(json: unknown, categories: readonly Category[], field: string): FittedClassifier;
}

/**
 * Rebuilds a classifier of one type from its section of a model file, checking every size against
 * the categories and every number by its rule (numbers.ts), so a crafted file cannot crash us or
 * score wrongly later; a bad section is an E_MODEL_FORMAT error (`modelError`).
 */
export type Restore = (json: Readonly<Record<string, unknown>>, categories: readonly Category[], at: RestoreContext) => FittedClassifier;

/**
 * A model kind, as `--model` names it: a classifier type fitted with given settings. The kinds
 * table (kinds.ts) holds one of these per kind; a new classifier is a file that exports its class,
 * its `Fit`, its `Restore` and its kind, and one line in that table.
 */
export interface ModelKindEntry {
  /** One line for `--help`. */
  readonly description: string;
  /** Fits this kind on a training set. */
  fit(set: TrainingSet, categories: readonly Category[]): FittedClassifier;
  /** The classifier type it fits (`FittedClassifier.type`), and how that type is read back. */
  readonly type: string;
  readonly restore: Restore;
  /**
   * For a model file without a training report (older files): whether a stored classifier of
   * this type was fitted as this kind, when several kinds fit one type. Absent: always.
   */
  fitted?(json: Readonly<Record<string, unknown>>): boolean;
}

/** What cross-validation needs: train on rows, predict rows. Keeps evaluation independent of model internals. */
export interface Trainer {
  train(rows: readonly LabeledAbstract[]): Predictor;
}

/** What cross-validation scores: probabilities, the review thresholds (see reviewThresholdOf) and the scope score. */
export interface Predictor extends ReviewThresholds {
  readonly categories: readonly Category[];
  /** Probabilities per category (same order as `categories`), summing to 1. */
  predictProba(abstract: string): Float64Array;
  /** How much an abstract resembles the training data at all (higher = more alike), for out-of-scope detection. */
  scope?(abstract: string): number;
  /** Scope scores below this are "unlike every category". */
  readonly scopeThreshold?: number;
}

/** The review thresholds of a model or predictor: one, or one for the outside answer and one for the categories. */
export interface ReviewThresholds {
  /** Predictions less confident than this should go to a person (when set); of a safety category, when the next is set. */
  readonly reviewThreshold?: number;
  /** A two-stage model's threshold for its predictions of the outside answer, `outside`. */
  readonly outsideReviewThreshold?: number;
  readonly outside?: Category;
}

/** The confidence below which a prediction of `category` goes to a person (undefined: the predictor sets none). */
export function reviewThresholdOf(t: ReviewThresholds, category: Category): number | undefined {
  return category === t.outside && t.outsideReviewThreshold !== undefined ? t.outsideReviewThreshold : t.reviewThreshold;
}
