import type { Category } from "../domain.js";
import type { FittedClassifier } from "./contract.js";
import { probabilities } from "./scoring.js";

/**
 * Averages its members' probabilities (each member's scores softmax-normalised first), so a
 * generative and a discriminative model can correct each other. Scores are the log of the
 * average, so probabilities derived from them are that average.
 */
export class Ensemble implements FittedClassifier {
  readonly kind = "ensemble";

  constructor(
    readonly categories: readonly Category[],
    readonly members: readonly FittedClassifier[],
  ) {}

  jointLogLikelihood(tokens: readonly string[]): Float64Array {
    const k = this.categories.length;
    const mean = new Float64Array(k);
    for (const m of this.members) {
      const p = probabilities(m.jointLogLikelihood(tokens));
      for (let c = 0; c < k; c++) mean[c]! += p[c]! / this.members.length;
    }
    return mean.map((p) => Math.log(Math.max(p, 1e-300)));
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
