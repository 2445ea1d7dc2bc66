import type { Prediction, UnlabeledAbstract } from "../domain.js";
import { textHash, type LoadedModel } from "../models/modelFile.js";
import { probabilities, topTwo } from "../models/scoring.js";
import { abstractKey } from "../text/normalize.js";
import { makeTokenizer } from "../text/tokenize.js";
import { explain, type TermEvidence } from "./explain.js";

export interface LabeledPrediction extends Prediction {
  input: UnlabeledAbstract;
  /** Below the model's review threshold, or not scorable: a person should look. */
  needsReview: boolean;
  /** Why it needs review, or why it could not be scored. */
  reason: string;
  terms: TermEvidence[];
}

/**
 * Labels abstracts one at a time (so a dump can be streamed). An abstract whose text matches a
 * labeled row gets that row's label with `source = known`; the model's guess is not used for it.
 * An empty abstract still gets a row, with no category and the reason.
 */
export function makeLabeler(model: LoadedModel): (input: UnlabeledAbstract) => LabeledPrediction {
  const tokenize = makeTokenizer(model.tokenizer);
  return (input) => {
    const tokens = tokenize(input.abstract);
    if (input.abstract.trim() === "") {
      return { input, id: input.id, category: "", confidence: 0, runnerUp: "", runnerUpConfidence: 0, source: "none", needsReview: true, reason: "empty abstract", terms: [] };
    }
    const proba = probabilities(model.classifier.jointLogLikelihood(tokens), model.temperature);
    const { best, second } = topTwo(proba);
    const base = { input, id: input.id, runnerUp: model.categories[second]!, runnerUpConfidence: proba[second]!, terms: explain(model.classifier, tokens, best) };
    const known = model.known[textHash(abstractKey(input.abstract))];
    if (known) return { ...base, category: known.category, confidence: 1, source: "known", matchedId: known.id, needsReview: false, reason: `same abstract as labeled row ${known.id}` };
    const confidence = proba[best]!;
    const needsReview = confidence < model.reviewThreshold;
    const reason = needsReview ? `confidence ${confidence.toFixed(2)} below review threshold ${model.reviewThreshold.toFixed(2)}` : "";
    return { ...base, category: model.categories[best]!, confidence, source: "model", needsReview, reason };
  };
}
