import type { Category } from "../domain.js";
import type { FeatureSpace, FeatureState } from "../features/featureSpace.js";
import type { SparseVector } from "../features/vocabulary.js";
import type { FittedClassifier } from "./contract.js";
import { LinearScorer } from "./linearScorer.js";

/**
 * What naive Bayes and logistic regression share once fitted: a feature space and one linear
 * table (offset + per-term weights per category). Each subclass only says how its learned
 * state becomes that table; scoring, explanations and saving are the same.
 */
export abstract class LinearClassifier<P, S extends { features: FeatureState }> implements FittedClassifier {
  abstract readonly type: string;
  private readonly scorer: LinearScorer;

  protected constructor(
    readonly categories: readonly Category[],
    readonly params: P,
    readonly state: S,
    /** The space of `state.features`: the one fitted (see TrainingTexts), or one rebuilt from a model file. */
    readonly features: FeatureSpace,
    /** weights[c][t] */
    weights: readonly ArrayLike<number>[],
    offset: ArrayLike<number>,
  ) {
    this.scorer = LinearScorer.fromRows(features, weights, offset);
  }

  jointLogLikelihood(x: SparseVector): Float64Array {
    return this.scorer.scoreVector(x);
  }

  /** Per-term evidence for each category (log P(t|c), a complement weight, or a coefficient), for explanations. */
  termWeights(term: string): Float64Array | undefined {
    return this.scorer.termWeights(term);
  }

  toJSON(): unknown {
    return { kind: this.type, params: this.params, state: this.state };
  }
}
