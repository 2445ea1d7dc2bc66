import type { Category, LabeledAbstract } from "../domain.js";
import type { FeatureSpace } from "../features/featureSpace.js";
import type { SparseVector } from "../features/vocabulary.js";

/**
 * The one model contract. Every classifier is fitted by a `fit` function and then exposes a
 * single scoring primitive, `jointLogLikelihood` (unnormalised log scores per category, in
 * `categories` order); probabilities and the predicted label are derived from it in
 * `scoring.ts`, never computed twice.
 */
export interface FittedClassifier {
  /** Model kind, e.g. "multinomial-nb". */
  readonly kind: string;
  readonly categories: readonly Category[];
  /** Log scores for one tokenised text. */
  jointLogLikelihood(tokens: readonly string[]): Float64Array;
  /**
   * Per-category evidence a single occurrence of `term` adds (in score units), for explanations;
   * undefined for a term the model does not know.
   */
  termWeights?(term: string): Float64Array | undefined;
  /**
   * The feature space the scores are computed in, for a classifier whose scores depend on a text
   * only through its vector there (naive Bayes, logistic regression). With it, a caller can
   * vectorize a text once and reuse the vector (see predict/label.ts); `termWeights` then
   * answers for exactly this space's terms.
   */
  readonly features?: FeatureSpace;
  /** `jointLogLikelihood` of a text already vectorized by `features`; present whenever `features` is. */
  jointLogLikelihoodOf?(x: SparseVector): Float64Array;
  /** Plain JSON for the model file (learned state and settings, no functions). */
  toJSON(): unknown;
}

export interface TrainingExample {
  tokens: string[];
  /**
   * The same tokens as indices into `terms`, when the trainer interned them (see train.ts):
   * fitting a feature space then looks no token up in a map. Set together with `terms`.
   */
  termIds?: Int32Array;
  terms?: readonly string[];
  category: Category;
  /** How much this example counts (1 for a labeled row; taxonomy descriptions may count less). */
  weight?: number;
  /** A taxonomy description (see taxonomyEvidence.ts), not a row. */
  evidence?: boolean;
}

export type Fit<P> = (examples: readonly TrainingExample[], params: P, categories: readonly Category[]) => FittedClassifier;

/** What cross-validation needs: train on rows, predict rows. Keeps evaluation independent of model internals. */
export interface Trainer {
  train(rows: readonly LabeledAbstract[]): Predictor;
}

export interface Predictor {
  readonly categories: readonly Category[];
  /** Probabilities per category (same order as `categories`), summing to 1. */
  predictProba(abstract: string): Float64Array;
  /** Predictions less confident than this should go to a person (when the predictor sets one). */
  readonly reviewThreshold?: number;
  /** How much an abstract resembles the training data at all (higher = more alike), for out-of-scope detection. */
  scope?(abstract: string): number;
  /** Scope scores below this are "unlike every category". */
  readonly scopeThreshold?: number;
}
