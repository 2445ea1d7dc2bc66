import type { Category } from "../domain.js";
import { FeatureSpace, TFIDF, type FeatureSettings, type FeatureState } from "../features/featureSpace.js";
import type { Fit, Restore } from "./contract.js";
import { LinearClassifier } from "./linearClassifier.js";
import { minimize } from "./lbfgs.js";
import { checkMatrix, checkNumber, checkNumbers, COEFFICIENT, MAX_MAGNITUDE, type NumberRule } from "./numbers.js";
import { checkFeatureSettings, checkFeatures } from "./restoring.js";
import { logSumExp } from "./scoring.js";

export interface LogisticParams {
  /** Inverse L2 strength, as scikit-learn's C: larger fits the training data harder. */
  C: number;
  /** "balanced" weighs each category's examples by n / (k · n_c), so a 2-row category counts as much as a 30-row one. */
  classWeight: "balanced" | "none";
  features: FeatureSettings;
  maxIterations: number;
}

export const DEFAULT_LOGISTIC_PARAMS: LogisticParams = { C: 10, classWeight: "balanced", features: TFIDF, maxIterations: 300 };

export interface LogisticState {
  features: FeatureState;
  /** weights[c][t] */
  weights: number[][];
  bias: number[];
}

/**
 * Multinomial (softmax) logistic regression on sparse TF-IDF vectors, L2-regularised,
 * fitted by L-BFGS. Scores are log-probabilities up to a constant.
 */
export class LogisticRegression extends LinearClassifier<LogisticParams, LogisticState> {
  readonly type = "logistic";

  /** `features` is the space `state.features` describes (the fitted one; rebuilt from it when not given). */
  constructor(categories: readonly Category[], params: LogisticParams, state: LogisticState, features = new FeatureSpace(params.features, state.features)) {
    super(categories, params, state, features, state.weights, state.bias);
  }
}

export const fitLogistic: Fit<LogisticParams> = (set, params, categories) => {
  const k = categories.length;
  const catIndex = new Map(categories.map((c, i) => [c, i]));
  const { space: features, vectors: xs } = set.texts.inSpace(params.features);
  const v = features.size;
  const ys = set.labels.map((label) => {
    const c = catIndex.get(label);
    if (c === undefined) throw new Error(`category ${JSON.stringify(label)} is not among the model's categories`);
    return c;
  });
  const perClass = new Array<number>(k).fill(0);
  set.weights.forEach((weight, i) => (perClass[ys[i]!]! += weight));
  const present = perClass.filter((n) => n > 0).length;
  const total = perClass.reduce((a, b) => a + b, 0);
  const w = set.weights.map((weight, i) => weight * (params.classWeight === "balanced" ? total / (present * perClass[ys[i]!]!) : 1));
  const wSum = w.reduce((a, b) => a + b, 0) || 1;
  // scikit-learn's objective: C · Σ w_i loss_i + ½‖W‖²; divided by C · Σw for a scale-free step.
  const lambda = 1 / (params.C * wSum);
  const scores = new Float64Array(k);

  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      for (let c = 0; c < k; c++) {
        let s = theta[k * v + c]!;
        for (let j = 0; j < x.indices.length; j++) s += theta[c * v + x.indices[j]!]! * x.values[j]!;
        scores[c] = s;
      }
      const z = logSumExp(scores);
      const wi = w[i]! / wSum;
      loss -= wi * (scores[ys[i]!]! - z);
      for (let c = 0; c < k; c++) {
        const r = wi * (Math.exp(scores[c]! - z) - (c === ys[i] ? 1 : 0));
        grad[k * v + c]! += r;
        for (let j = 0; j < x.indices.length; j++) grad[c * v + x.indices[j]!]! += r * x.values[j]!;
      }
    }
    for (let p = 0; p < k * v; p++) {
      loss += 0.5 * lambda * theta[p]! * theta[p]!;
      grad[p]! += lambda * theta[p]!;
    }
    return loss;
  };

  const { x: theta } = minimize(objective, new Float64Array(k * (v + 1)), { maxIterations: params.maxIterations });
  const weights = categories.map((_, c) => Array.from(theta.subarray(c * v, (c + 1) * v)));
  const bias = Array.from(theta.subarray(k * v, k * v + k));
  return new LogisticRegression(categories, params, { features: features.state, weights, bias }, features);
};

const POSITIVE: NumberRule = { min: 0, max: MAX_MAGNITUDE, above: true };

export const restoreLogistic: Restore = (m, categories, { file, field }) => {
  const p = (m.params ?? {}) as Record<string, unknown>;
  const s = (m.state ?? {}) as Record<string, unknown>;
  const k = categories.length;
  const { terms } = checkFeatures(s.features, file, `${field}.state.features`);
  const sizes = "model weights do not match its categories and terms";
  checkMatrix(s.weights, `${field}.state.weights`, k, terms.length, COEFFICIENT, file, sizes);
  checkNumbers(s.bias, `${field}.state.bias`, k, COEFFICIENT, file, sizes);
  const params: LogisticParams =
    { ...DEFAULT_LOGISTIC_PARAMS, C: checkNumber(p.C, `${field}.params.C`, POSITIVE, file), features: checkFeatureSettings(p.features, file) };
  return new LogisticRegression(categories, params, s as unknown as LogisticState);
};
