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
  /** Resemblance to the closest category (see models/scope.ts); undefined when the model has no scope model. */
  scope?: number;
  /** Unlike every category: probably not safety research, or a topic the taxonomy lacks. */
  outOfScope: boolean;
  /** Share of the abstract's words the model never saw in training (for the drift check, see predict/drift.ts). */
  unknownShare?: number;
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
      return { input, id: input.id, category: "", confidence: 0, runnerUp: "", runnerUpConfidence: 0, source: "none", needsReview: true, reason: "empty abstract", terms: [], outOfScope: false };
    }
    const proba = probabilities(model.classifier.jointLogLikelihood(tokens), model.temperature);
    const { best, second } = topTwo(proba);
    const base = { input, id: input.id, runnerUp: model.categories[second]!, runnerUpConfidence: proba[second]!, terms: explain(model.classifier, tokens, best) };
    const known = model.known[textHash(abstractKey(input.abstract))];
    const scope = model.scope?.score(tokens);
    if (known) return { ...base, scope, outOfScope: false, category: known.category, confidence: 1, source: "known", matchedId: known.id, needsReview: false, reason: `same abstract as labeled row ${known.id}` };
    const confidence = proba[best]!;
    const outOfScope = scope !== undefined && scope < model.scopeThreshold;
    const reasons = [
      ...(outOfScope ? [`unlike every category (scope ${scope.toFixed(3)} < ${model.scopeThreshold.toFixed(3)})`] : []),
      ...(confidence < model.reviewThreshold ? [`confidence ${confidence.toFixed(2)} below review threshold ${model.reviewThreshold.toFixed(2)}`] : []),
    ];
    const unknownShare = model.scope?.features.outOfVocabularyShare(tokens);
    return { ...base, scope, outOfScope, unknownShare, category: model.categories[best]!, confidence, source: "model", needsReview: reasons.length > 0, reason: reasons.join("; ") };
  };
}
