import type { Category } from "../domain.js";
import { FeatureSpace, fitExamples, TFIDF, type FeatureState } from "../features/featureSpace.js";
import type { TrainingExample } from "./contract.js";
import { LinearScorer } from "./linearScorer.js";
import type { SparseVector } from "../features/vocabulary.js";

/**
 * The "unlike every category" score: the cosine similarity between an abstract's TF-IDF vector
 * and the closest category centroid (the normalised sum of that category's training vectors,
 * taxonomy descriptions included). A classifier always picks *some* category; this says
 * whether the abstract resembles any of them at all, so a model release or a scaling-law paper
 * can be sent to a person instead of being forced into a safety category.
 */
export interface ScopeState {
  features: FeatureState;
  /** centroids[c][t], each row of unit length (all zeros for a category with no text). */
  centroids: number[][];
}

export class ScopeModel {
  readonly features: FeatureSpace;
  private readonly scorer: LinearScorer;

  constructor(
    readonly categories: readonly Category[],
    readonly state: ScopeState,
  ) {
    this.features = new FeatureSpace(TFIDF, state.features);
    this.scorer = LinearScorer.fromRows(this.features, state.centroids);
  }

  /** In [0, 1]: 0 shares no weighted term with any category, 1 is a category's centroid itself. */
  score(tokens: readonly string[]): number {
    return this.scoreVector(this.features.vectorize(tokens));
  }

  /** `score` of a text already vectorized by `features`. */
  scoreVector(x: SparseVector): number {
    const scores = this.scorer.scoreVector(x);
    let best = 0;
    for (let c = 0; c < scores.length; c++) best = Math.max(best, scores[c]!); // Math.max(0, ...scores), without spreading them
    return best;
  }

  toJSON(): ScopeState {
    return this.state;
  }
}

export function fitScope(examples: readonly TrainingExample[], categories: readonly Category[]): ScopeModel {
  const { space: features, vectors } = fitExamples(examples, TFIDF);
  const index = new Map(categories.map((c, i) => [c, i]));
  const centroids = categories.map(() => new Array<number>(features.size).fill(0));
  examples.forEach((e, i) => {
    const row = centroids[index.get(e.category)!];
    if (!row) return;
    const x = vectors[i]!;
    for (let j = 0; j < x.indices.length; j++) row[x.indices[j]!]! += (e.weight ?? 1) * x.values[j]!;
  });
  for (const row of centroids) {
    const norm = Math.sqrt(row.reduce((a, b) => a + b * b, 0));
    if (norm > 0) for (let t = 0; t < row.length; t++) row[t]! /= norm;
  }
  return new ScopeModel(categories, { features: features.state, centroids });
}

/** Linear-interpolated quantile of unsorted values. */
export function quantileOf(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
