import type { Category } from "../domain.js";
import { commonSpace, type FeatureSpace } from "../features/featureSpace.js";
import type { SparseVector } from "../features/vocabulary.js";
import type { Fit, FittedClassifier, Restore, TrainingSet } from "./contract.js";
import { modelError } from "./numbers.js";

/**
 * Fuses its members' scores so a generative and a discriminative model can correct each other.
 * Members score on very different scales (complement NB differences are tiny, logistic ones
 * large), so each member's score vector is standardised (zero mean, unit spread over the
 * categories) before averaging; the model's fitted temperature then sets the final scale.
 *
 * The members read one space (see commonSpace): the one they share, as training fits them, or
 * raw counts over their common terms, which each member weighs its own way.
 */
export class Ensemble implements FittedClassifier {
  readonly type = "ensemble";
  readonly features: FeatureSpace;
  /** Whether every member reads `features` itself (otherwise each weighs its counts). */
  private readonly shared: boolean;

  constructor(
    readonly categories: readonly Category[],
    readonly members: readonly FittedClassifier[],
  ) {
    const common = commonSpace(members.map((m) => m.features));
    if (!common) throw new Error("ensemble: the members do not have the same terms");
    this.features = common.space;
    this.shared = common.shared;
  }

  jointLogLikelihood(x: SparseVector): Float64Array {
    const k = this.categories.length;
    const fused = new Float64Array(k);
    for (const m of this.members) {
      const z = standardise(m.jointLogLikelihood(this.shared ? x : m.features.weigh(x)));
      for (let c = 0; c < k; c++) fused[c]! += z[c]! / this.members.length;
    }
    return fused;
  }

  termWeights(term: string): Float64Array | undefined {
    const k = this.categories.length;
    const parts = this.members.map((m) => m.termWeights(term)).filter((w): w is Float64Array => w !== undefined);
    if (parts.length === 0) return undefined;
    const out = new Float64Array(k);
    for (const w of parts) for (let c = 0; c < k; c++) out[c]! += w[c]! / parts.length;
    return out;
  }

  toJSON(): unknown {
    return { kind: this.type, members: this.members.map((m) => m.toJSON()) };
  }
}

function standardise(scores: Float64Array): Float64Array {
  const n = scores.length;
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  return scores.map((s) => (sd > 0 ? (s - mean) / sd : 0));
}

export interface EnsembleParams {
  /** Each member's fit, on the ensemble's training set. */
  members: readonly ((set: TrainingSet, categories: readonly Category[]) => FittedClassifier)[];
}

export const fitEnsemble: Fit<EnsembleParams> = (set, params, categories) =>
  new Ensemble(
    categories,
    params.members.map((fit) => fit(set, categories)),
  );

export const restoreEnsemble: Restore = (m, categories, at) => {
  if (at.depth > 2 || !Array.isArray(m.members) || m.members.length === 0 || m.members.length > 16) throw modelError(at.file, "ensemble members are missing");
  const members = m.members.map((x, i) => at.restore(x, categories, `${at.field}.members[${i}]`));
  if (!members.every((c) => c.features.sameTerms(members[0]!.features))) throw modelError(at.file, "the ensemble members do not have the same terms");
  return new Ensemble(categories, members);
};
