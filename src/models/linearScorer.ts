import type { FeatureSpace } from "../features/featureSpace.js";
import type { SparseVector } from "../features/vocabulary.js";

/**
 * Scores as offset + Σ_t x_t · w[t][c] over a text's sparse feature vector: what naive Bayes
 * (log priors and log conditionals), logistic regression (bias and weights) and the scope
 * model (centroids) all reduce to at prediction time. Weights are stored term-major,
 * w[t * k + c], so scoring one text touches one contiguous run of memory per term.
 */
export class LinearScorer {
  constructor(
    readonly features: FeatureSpace,
    readonly k: number,
    private readonly table: Float64Array,
    private readonly offset: Float64Array,
  ) {}

  /** From category-major rows (rows[c][t]), as models store them. */
  static fromRows(features: FeatureSpace, rows: readonly ArrayLike<number>[], offset?: ArrayLike<number>): LinearScorer {
    const k = rows.length;
    const v = features.size;
    const table = new Float64Array(v * k);
    for (let c = 0; c < k; c++) {
      const row = rows[c]!;
      for (let t = 0; t < v; t++) table[t * k + c] = row[t]!;
    }
    return new LinearScorer(features, k, table, offset ? Float64Array.from(offset) : new Float64Array(k));
  }

  score(tokens: readonly string[]): Float64Array {
    return this.scoreVector(this.features.vectorize(tokens));
  }

  /** `score` of a text already vectorized by `features`. */
  scoreVector(x: SparseVector): Float64Array {
    const k = this.k;
    const table = this.table;
    const out = this.offset.slice();
    const { indices, values } = x;
    for (let j = 0; j < indices.length; j++) {
      const base = indices[j]! * k;
      const v = values[j]!;
      // four categories a step (the same sums, each in the same order): a quarter faster than one
      let c = 0;
      for (; c + 3 < k; c += 4) {
        out[c]! += v * table[base + c]!;
        out[c + 1]! += v * table[base + c + 1]!;
        out[c + 2]! += v * table[base + c + 2]!;
        out[c + 3]! += v * table[base + c + 3]!;
      }
      for (; c < k; c++) out[c]! += v * table[base + c]!;
    }
    return out;
  }

  /** The weights one occurrence of `term` adds per category; undefined for an unknown term. */
  termWeights(term: string): Float64Array | undefined {
    const t = this.features.termIndex(term);
    if (t === undefined) return undefined;
    return this.table.slice(t * this.k, t * this.k + this.k);
  }
}
