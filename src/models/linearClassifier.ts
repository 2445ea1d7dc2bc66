import type { Category } from "../domain.js";
import { FeatureSpace, type FeatureSettings, type FeatureState } from "../features/featureSpace.js";
import type { SparseVector } from "../features/vocabulary.js";
import type { FittedClassifier } from "./contract.js";
import { LinearScorer } from "./linearScorer.js";

/**
 * What naive Bayes and logistic regression share once fitted: a feature space and one linear
 * table (offset + per-term weights per category). Each subclass only says how its learned
 * state becomes that table; scoring, explanations and saving are the same.
 */
export abstract class LinearClassifier<P, S extends { features: FeatureState }> implements FittedClassifier {
  abstract readonly kind: string;
  readonly features: FeatureSpace;
  private readonly scorer: LinearScorer;

  protected constructor(
    readonly categories: readonly Category[],
    readonly params: P,
    readonly state: S,
    settings: FeatureSettings,
    /** weights[c][t] */
    weights: readonly ArrayLike<number>[],
    offset: ArrayLike<number>,
  ) {
    this.features = new FeatureSpace(settings, state.features);
    this.scorer = LinearScorer.fromRows(this.features, weights, offset);
  }

  jointLogLikelihood(tokens: readonly string[]): Float64Array {
    return this.scorer.score(tokens);
  }

  jointLogLikelihoodOf(x: SparseVector): Float64Array {
    return this.scorer.scoreVector(x);
  }

  /** Per-term evidence for each category (log P(t|c), a complement weight, or a coefficient), for explanations. */
  termWeights(term: string): Float64Array | undefined {
    return this.scorer.termWeights(term);
  }

  toJSON(): unknown {
    return { kind: this.kind, params: this.params, state: this.state };
  }
}
