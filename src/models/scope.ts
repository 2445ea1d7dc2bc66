import type { Category } from "../domain.js";
import { FeatureSpace, TFIDF, type FeatureState } from "../features/featureSpace.js";
import type { TrainingSet } from "./contract.js";
import { LinearScorer } from "./linearScorer.js";
import type { SparseVector } from "../features/vocabulary.js";
import { checkMatrix, COEFFICIENT, modelError } from "./numbers.js";
import { checkFeatures } from "./restoring.js";

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
  private readonly scorer: LinearScorer;

  constructor(
    readonly categories: readonly Category[],
    readonly state: ScopeState,
    /** The TF-IDF space `state.features` describes (the fitted one; rebuilt from it when not given). */
    readonly features = new FeatureSpace(TFIDF, state.features),
  ) {
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

/** The scope model of a training set, in its TF-IDF space (examples of a label not among `categories` are left out). */
export function fitScope(set: TrainingSet, categories: readonly Category[]): ScopeModel {
  const { space: features, vectors } = set.texts.inSpace(TFIDF);
  const index = new Map(categories.map((c, i) => [c, i]));
  const centroids = categories.map(() => new Array<number>(features.size).fill(0));
  set.labels.forEach((label, i) => {
    const row = centroids[index.get(label)!];
    if (!row) return;
    const x = vectors[i]!;
    const w = set.weights[i]!;
    for (let j = 0; j < x.indices.length; j++) row[x.indices[j]!]! += w * x.values[j]!;
  });
  for (const row of centroids) {
    const norm = Math.sqrt(row.reduce((a, b) => a + b * b, 0));
    if (norm > 0) for (let t = 0; t < row.length; t++) row[t]! /= norm;
  }
  return new ScopeModel(categories, { features: features.state, centroids }, features);
}

export function restoreScope(json: unknown, categories: readonly Category[], file: string): ScopeModel {
  const s = json as Partial<ScopeState> | null;
  if (typeof s !== "object" || s === null) throw modelError(file, "scope section is malformed");
  const { terms } = checkFeatures(s.features, file, "scope.features");
  checkMatrix(s.centroids, "scope.centroids", categories.length, terms.length, COEFFICIENT, file, "scope centroids do not match its categories and terms");
  if (s.features?.idf === undefined) throw modelError(file, "scope IDF weights are missing");
  return new ScopeModel(categories, s as ScopeState);
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
