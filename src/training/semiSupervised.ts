import { TrainingTexts } from "../features/trainingTexts.js";
import type { Category } from "../domain.js";
import type { FittedClassifier, TrainingSet } from "../models/contract.js";
import { probabilities } from "../models/scoring.js";
import { fitModel, type Recipe, type StageTemperatures } from "./recipe.js";

export interface EmSettings {
  /** λ: how much an unlabeled abstract counts, relative to a labeled row. */
  weight: number;
  iterations: number;
}

/**
 * Semi-supervised EM (Nigam, McCallum, Thrun & Mitchell 2000, with their λ down-weighting):
 * the E-step gives each unlabeled abstract calibrated category probabilities under the current
 * model; the M-step refits on the labeled rows plus every unlabeled abstract counted once per
 * category, weighted by λ times its probability. Labeled rows always dominate.
 */
export function expectationMaximisation(
  recipe: Recipe,
  labeled: TrainingSet,
  unlabeled: readonly (readonly string[])[],
  start: FittedClassifier,
  temperature: number,
  em: EmSettings,
  stages: StageTemperatures | undefined,
): FittedClassifier {
  // the unlabeled abstracts as the labeled texts are given (ids of the same table, when interned), made once
  const interned = recipe.interned;
  const ids = interned ? unlabeled.map((tokens) => Int32Array.from(tokens, interned.intern)) : undefined;
  let model = start;
  for (let it = 0; it < em.iterations; it++) {
    const chosen: number[] = [];
    const labels: Category[] = [];
    const weights: number[] = [];
    unlabeled.forEach((tokens, u) => {
      const p = probabilities(model.jointLogLikelihood(model.features.vectorize(tokens)), temperature);
      p.forEach((pc, c) => {
        if (pc < 0.01) return;
        chosen.push(u);
        labels.push(recipe.categories[c]!);
        weights.push(em.weight * pc);
      });
    });
    const soft = ids && interned ? TrainingTexts.ofIds(chosen.map((u) => ids[u]!), interned.terms) : TrainingTexts.ofTokens(chosen.map((u) => unlabeled[u]!));
    const set: TrainingSet = {
      texts: labeled.texts.concat(soft),
      labels: [...labeled.labels, ...labels],
      weights: [...labeled.weights, ...weights],
      evidence: [...labeled.evidence, ...labels.map(() => false)],
      ...(labeled.gateWeights ? { gateWeights: [...labeled.gateWeights, ...weights] } : {}),
    };
    model = fitModel(recipe, set, stages);
  }
  return model;
}
