import type { Category } from "../domain.js";
import type { FittedClassifier } from "./contract.js";

/**
 * Fuses its members' scores so a generative and a discriminative model can correct each other.
 * Members score on very different scales (complement NB differences are tiny, logistic ones
 * large), so each member's score vector is standardised (zero mean, unit spread over the
 * categories) before averaging; the model's fitted temperature then sets the final scale.
 */
export class Ensemble implements FittedClassifier {
  readonly kind = "ensemble";

  constructor(
    readonly categories: readonly Category[],
    readonly members: readonly FittedClassifier[],
  ) {}

  jointLogLikelihood(tokens: readonly string[]): Float64Array {
    const k = this.categories.length;
    const fused = new Float64Array(k);
    for (const m of this.members) {
      const z = standardise(m.jointLogLikelihood(tokens));
      for (let c = 0; c < k; c++) fused[c]! += z[c]! / this.members.length;
    }
    return fused;
  }

  termWeights(term: string): Float64Array | undefined {
    const k = this.categories.length;
    const parts = this.members.map((m) => m.termWeights?.(term)).filter((w): w is Float64Array => w !== undefined);
    if (parts.length === 0) return undefined;
    const out = new Float64Array(k);
    for (const w of parts) for (let c = 0; c < k; c++) out[c]! += w[c]! / parts.length;
    return out;
  }

  toJSON(): unknown {
    return { kind: this.kind, members: this.members.map((m) => m.toJSON()) };
  }
}

function standardise(scores: Float64Array): Float64Array {
  const n = scores.length;
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  return scores.map((s) => (sd > 0 ? (s - mean) / sd : 0));
}
