import type { Category } from "../domain.js";
import type { FittedClassifier } from "./contract.js";

/** log(sum(exp(x))) without overflow. */
export function logSumExp(xs: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < xs.length; i++) max = Math.max(max, xs[i]!);
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += Math.exp(xs[i]! - max);
  return max + Math.log(sum);
}

/** Normalised probabilities from joint log-likelihoods (softmax), optionally tempered: p ∝ exp(jll / T). */
export function probabilities(jll: ArrayLike<number>, temperature = 1): Float64Array {
  const scaled = new Float64Array(jll.length);
  for (let i = 0; i < scaled.length; i++) scaled[i] = jll[i]! / temperature;
  const z = logSumExp(scaled);
  for (let i = 0; i < scaled.length; i++) scaled[i] = Math.exp(scaled[i]! - z);
  return scaled;
}

export interface Ranked {
  best: number;
  second: number;
}

/** Indices of the highest and second-highest scores; ties go to the earlier category (sorted order), so results are deterministic. */
export function topTwo(scores: ArrayLike<number>): Ranked {
  let best = 0;
  let second = -1;
  for (let i = 1; i < scores.length; i++) {
    if (scores[i]! > scores[best]!) {
      second = best;
      best = i;
    } else if (second < 0 || scores[i]! > scores[second]!) {
      second = i;
    }
  }
  return { best, second: second < 0 ? best : second };
}

export function argmaxCategory(categories: readonly Category[], scores: ArrayLike<number>): Category {
  return categories[topTwo(scores).best]!;
}

/** A classifier's scores for a tokenised text: its vector in the classifier's space, scored. */
export function scoreTokens(classifier: FittedClassifier, tokens: readonly string[]): Float64Array {
  return classifier.jointLogLikelihood(classifier.features.vectorize(tokens));
}
