import type { Category } from "../domain.js";
import { commonSpace, type FeatureSpace } from "../features/featureSpace.js";
import type { SparseVector } from "../features/vocabulary.js";
import type { Fit, FittedClassifier, Restore, TrainingSet } from "./contract.js";
import { checkNumber, modelError, TEMPERATURE } from "./numbers.js";
import { logSumExp } from "./scoring.js";

/** The gate's name for "any safety category" (internal: it never reaches a prediction). */
export const GATE_SAFETY = "(safety research)";

/**
 * Two stages behind the one contract: a gate that tells safety research from the outside answer
 * ("not safety research"), and a classifier that tells the safety categories apart, each
 * calibrated by its own temperature out of fold (see training/calibration.ts). Its scores are log-probabilities:
 *
 *   log P(outside) = log g,   log P(c) = log(1 − g) + log q(c),
 *
 * with g the gate's probability of the outside answer and q the category classifier's
 * distribution over the safety categories; except that the gate decides first: when g < 1/2 the
 * outside answer is held just below the best category (see combineStages). So the outside answer is a category like any other,
 * and the category classifier is fitted on safety rows alone, as it was before there was a gate
 * (a few hundred non-safety rows do not swamp eighty safety papers).
 *
 * Both stages are fitted in one feature space, so an abstract is read once (see predict/label.ts);
 * stages that weigh the same terms differently read raw counts, each weighing them its own way
 * (see commonSpace).
 */
export class Gated implements FittedClassifier {
  readonly type = "gated";
  /** `categories` without the outside answer, in the same order: the category classifier's categories. */
  readonly inner: readonly Category[];
  private readonly outsideAt: number;
  /** Where each inner category is in `categories`. */
  private readonly innerAt: Int32Array;
  private readonly gateOutside: number;
  readonly features: FeatureSpace;
  /** Whether both stages read `features` itself (otherwise each weighs its counts). */
  private readonly shared: boolean;

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
    const common = commonSpace([gate.features, classifier.features]);
    if (!common) throw new Error("gated: the gate and the category classifier do not have the same terms");
    this.features = common.space;
    this.shared = common.shared;
  }

  jointLogLikelihood(x: SparseVector): Float64Array {
    if (this.shared) return this.combine(this.gate.jointLogLikelihood(x),
      this.classifier.jointLogLikelihood(x)); // the common case: no re-weighing, no pair made
    const { gate, inner } = this.parts(x);
    return this.combine(gate, inner);
  }

  /** The two stages' raw scores, before their temperatures: what calibration is fitted on. */
  parts(x: SparseVector): { gate: Float64Array; inner: Float64Array } {
    if (this.shared) return { gate: this.gate.jointLogLikelihood(x), inner: this.classifier.jointLogLikelihood(x) };
    return { gate: this.gate.jointLogLikelihood(this.gate.features.weigh(x)), inner: this.classifier.jointLogLikelihood(this.classifier.features.weigh(x)) };
  }

  /** The combined log-probabilities from raw stage scores (the formula in the class comment). */
  combine(gate: ArrayLike<number>, inner: ArrayLike<number>): Float64Array {
    return combineStages(gate, inner, this.gateOutside, this.gateTemperature, this.innerTemperature, this.categories.length, this.outsideAt, this.innerAt);
  }

  /** Evidence per category in score units: the gate's, then the category classifier's, each over its temperature. */
  termWeights(term: string): Float64Array | undefined {
    const g = this.gate.termWeights(term);
    const w = this.classifier.termWeights(term);
    if (!g && !w) return undefined;
    const out = new Float64Array(this.categories.length);
    const safetyFromGate = g ? (g[1 - this.gateOutside]! - g[this.gateOutside]!) / this.gateTemperature : 0;
    if (g) out[this.outsideAt] = (g[this.gateOutside]! - g[1 - this.gateOutside]!) / this.gateTemperature;
    for (let j = 0; j < this.innerAt.length; j++) out[this.innerAt[j]!] = safetyFromGate + (w ? w[j]! / this.innerTemperature : 0);
    return out;
  }

  toJSON(): unknown {
    return {
      kind: this.type,
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

export interface GatedParams {
  /** The outside answer ("not safety research"): one of the categories. */
  outside: Category;
  /** Fits the gate, on the examples labeled GATE_SAFETY or the outside answer. */
  gate: (set: TrainingSet, categories: readonly Category[]) => FittedClassifier;
  /** Fits the category classifier, on the safety examples (every other one counts 0, so the space is the same). */
  classifier: (set: TrainingSet, categories: readonly Category[]) => FittedClassifier;
  /** How much a taxonomy description counts in the gate. */
  gateEvidenceWeight: number;
  /** The stages' temperatures (1 until they are calibrated). */
  gateTemperature: number;
  innerTemperature: number;
}

/**
 * Both stages on the same texts, relabeled, not copied, so they share one feature space: the gate
 * learns outside answer against GATE_SAFETY from every example; the category classifier learns
 * from the safety examples alone, the others counting 0 (under its first category, where they
 * add nothing).
 */
export const fitGated: Fit<GatedParams> = (set, params, categories) => {
  const { outside } = params;
  const inner = categories.filter((c) => c !== outside);
  const gateSet: TrainingSet = {
    ...set,
    labels: set.labels.map((c) => (c === outside ? outside : GATE_SAFETY)),
    weights: (set.gateWeights ?? set.weights).map((w, i) => (set.evidence[i] ? params.gateEvidenceWeight : w)),
  };
  const safety = (c: Category) => c !== outside && c !== GATE_SAFETY;
  const innerSet: TrainingSet = {
    ...set,
    labels: set.labels.map((c) => (safety(c) ? c : inner[0]!)),
    weights: set.weights.map((w, i) => (safety(set.labels[i]!) ? w : 0)),
    evidence: set.evidence.map((e, i) => e && safety(set.labels[i]!)),
  };
  const gate = params.gate(gateSet, [GATE_SAFETY, outside]);
  const classifier = params.classifier(innerSet, inner);
  return new Gated(categories, outside, gate, classifier, params.gateTemperature, params.innerTemperature);
};

export const restoreGated: Restore = (g, categories, at) => {
  const { file, field } = at;
  const outside = g.outside;
  if (at.depth > 2 || typeof outside !== "string" || !categories.includes(outside) || categories.length < 2) {
    throw modelError(file, "the two-stage model's outside category is missing or not one of its categories");
  }
  const gateTemperature = checkNumber(g.gateTemperature, `${field}.gateTemperature`, TEMPERATURE, file);
  const innerTemperature = checkNumber(g.innerTemperature, `${field}.innerTemperature`, TEMPERATURE, file);
  const gate = at.restore(g.gate, [GATE_SAFETY, outside], `${field}.gate`);
  const classifier = at.restore(g.classifier, categories.filter((c) => c !== outside), `${field}.classifier`);
  if (!gate.features.sameTerms(classifier.features)) throw modelError(file, "the two-stage model's gate and category classifier do not have the same terms");
  return new Gated(categories, outside, gate, classifier, gateTemperature, innerTemperature);
};
