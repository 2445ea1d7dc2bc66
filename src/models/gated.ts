import type { Category } from "../domain.js";
import type { FeatureSpace } from "../features/featureSpace.js";
import type { SparseVector } from "../features/vocabulary.js";
import type { FittedClassifier } from "./contract.js";
import { logSumExp } from "./scoring.js";

/** The gate's name for "any safety category" (internal: it never reaches a prediction). */
export const GATE_SAFETY = "(safety research)";

/**
 * Two stages behind the one contract: a gate that tells safety research from the outside answer
 * ("not safety research"), and a classifier that tells the safety categories apart, each
 * calibrated by its own temperature out of fold (see train.ts). Its scores are log-probabilities:
 *
 *   log P(outside) = log g,   log P(c) = log(1 − g) + log q(c),
 *
 * with g the gate's probability of the outside answer and q the category classifier's
 * distribution over the safety categories; except that the gate decides first: when g < 1/2 the
 * outside answer is held just below the best category (see combineStages). So the outside answer is a category like any other,
 * and the category classifier is fitted on safety rows alone, as it was before there was a gate
 * (a few hundred non-safety rows do not swamp eighty safety papers).
 *
 * Both stages are fitted in one feature space, so an abstract is read once (see predict/label.ts).
 */
export class Gated implements FittedClassifier {
  readonly kind = "gated";
  /** `categories` without the outside answer, in the same order: the category classifier's categories. */
  readonly inner: readonly Category[];
  private readonly outsideAt: number;
  /** Where each inner category is in `categories`. */
  private readonly innerAt: Int32Array;
  private readonly gateOutside: number;
  /** One space when both stages were fitted in the same one (as train.ts fits them); undefined otherwise. Checked once: callers read it per abstract. */
  readonly features: FeatureSpace | undefined;

  constructor(
    readonly categories: readonly Category[],
    readonly outside: Category,
    /** Over [GATE_SAFETY, outside] in that order. */
    readonly gate: FittedClassifier,
    readonly classifier: FittedClassifier,
    readonly gateTemperature: number,
    readonly innerTemperature: number,
  ) {
    this.outsideAt = categories.indexOf(outside);
    this.inner = categories.filter((c) => c !== outside);
    this.innerAt = Int32Array.from(this.inner, (c) => categories.indexOf(c));
    this.gateOutside = gate.categories.indexOf(outside);
    if (this.outsideAt < 0 || this.gateOutside < 0 || classifier.categories.join("\n") !== this.inner.join("\n")) {
      throw new Error("gated: the gate and the category classifier do not match the categories");
    }
    const a = gate.features;
    const b = classifier.features;
    this.features = a && b && a.sameAs(b) && gate.jointLogLikelihoodOf && classifier.jointLogLikelihoodOf ? a : undefined;
  }


  jointLogLikelihood(tokens: readonly string[]): Float64Array {
    return this.combine(this.gate.jointLogLikelihood(tokens), this.classifier.jointLogLikelihood(tokens));
  }

  jointLogLikelihoodOf(x: SparseVector): Float64Array {
    return this.combine(this.gate.jointLogLikelihoodOf!(x), this.classifier.jointLogLikelihoodOf!(x));
  }

  /** The two stages' raw scores, before their temperatures: what calibration is fitted on. */
  parts(tokens: readonly string[]): { gate: Float64Array; inner: Float64Array } {
    return { gate: this.gate.jointLogLikelihood(tokens), inner: this.classifier.jointLogLikelihood(tokens) };
  }

  partsOf(x: SparseVector): { gate: Float64Array; inner: Float64Array } {
    return { gate: this.gate.jointLogLikelihoodOf!(x), inner: this.classifier.jointLogLikelihoodOf!(x) };
  }

  /** The combined log-probabilities from raw stage scores (the formula in the class comment). */
  combine(gate: ArrayLike<number>, inner: ArrayLike<number>): Float64Array {
    return combineStages(gate, inner, this.gateOutside, this.gateTemperature, this.innerTemperature, this.categories.length, this.outsideAt, this.innerAt);
  }

  /** Evidence per category in score units: the gate's, then the category classifier's, each over its temperature. */
  termWeights(term: string): Float64Array | undefined {
    const g = this.gate.termWeights?.(term);
    const w = this.classifier.termWeights?.(term);
    if (!g && !w) return undefined;
    const out = new Float64Array(this.categories.length);
    const safetyFromGate = g ? (g[1 - this.gateOutside]! - g[this.gateOutside]!) / this.gateTemperature : 0;
    if (g) out[this.outsideAt] = (g[this.gateOutside]! - g[1 - this.gateOutside]!) / this.gateTemperature;
    for (let j = 0; j < this.innerAt.length; j++) out[this.innerAt[j]!] = safetyFromGate + (w ? w[j]! / this.innerTemperature : 0);
    return out;
  }

  toJSON(): unknown {
    return {
      kind: this.kind,
      outside: this.outside,
      gateTemperature: this.gateTemperature,
      innerTemperature: this.innerTemperature,
      gate: this.gate.toJSON(),
      classifier: this.classifier.toJSON(),
    };
  }
}

/**
 * log g and log(1 − g) + log q(c) from raw scores: g = softmax(gate / tg)[outside], q =
 * softmax(inner / tc), placed in the full category order.
 */
export function combineStages(
  gate: ArrayLike<number>,
  inner: ArrayLike<number>,
  gateOutside: number,
  gateTemperature: number,
  innerTemperature: number,
  k: number,
  outsideAt: number,
  innerAt: ArrayLike<number>,
): Float64Array {
  const a = gate[gateOutside]! / gateTemperature;
  const b = gate[1 - gateOutside]! / gateTemperature;
  const z = logSumExp([a, b]);
  const out = new Float64Array(k);
  out[outsideAt] = a - z;
  const safety = b - z;
  let max = -Infinity;
  for (let j = 0; j < inner.length; j++) max = Math.max(max, inner[j]! / innerTemperature);
  let sum = 0;
  for (let j = 0; j < inner.length; j++) sum += Math.exp(inner[j]! / innerTemperature - max);
  const zInner = max + Math.log(sum);
  for (let j = 0; j < inner.length; j++) out[innerAt[j]!] = safety + inner[j]! / innerTemperature - zInner;
  if (a < b) {
    // the gate decides first: below even odds the outside answer never beats the best category,
    // however unsure the category classifier is (a paper of an unclear category is still safety
    // research, and its low confidence sends it to review)
    let best = -Infinity;
    for (let j = 0; j < inner.length; j++) best = Math.max(best, out[innerAt[j]!]!);
    out[outsideAt] = Math.min(out[outsideAt]!, best - 1e-9);
  }
  return out;
}
