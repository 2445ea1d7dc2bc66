import type { Prediction, UnlabeledAbstract } from "../domain.js";
import type { FeatureSpace, TextFeatures } from "../features/featureSpace.js";
import type { SparseVector } from "../features/vocabulary.js";
import type { LoadedModel } from "../modelfile/modelFile.js";
import { probabilities, topTwo } from "../models/scoring.js";
import { reviewThresholdOf } from "../models/contract.js";
import { makeTokenizer, termShower, type TextReading, type TokenizerSettings } from "../text/tokenize.js";
import { makeExplainer, type TermEvidence } from "./explain.js";

export interface LabeledPrediction extends Prediction {
  input: UnlabeledAbstract;
  /** Id of the predict run's first row with the same abstract, whose label this row has (see repeats.ts). */
  duplicateOf?: string;
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
  /** Every category's probability, in the model's category order: the model's, also when `source` is known; absent for an empty abstract. */
  probabilities?: Float64Array;
}

/** What labeling needs from one abstract, computed by `makeReader`. */
interface Reading {
  jll: Float64Array;
  /** Raw counts in the classifier's feature space (for explanations and the known-abstract fingerprint). */
  counts: SparseVector;
  scope?: number;
  unknownShare?: number;
  /** The abstract was read as plain text (see TextReading), which the known-abstract lookup need not check again. */
  plain: boolean;
}

/**
 * Reads an abstract once for the classifier, the scope model and the unknown-word share: one
 * vocabulary pass of the classifier's feature space (fused with tokenizing, for unigrams) gives
 * its vector, the counts for explanations and the unknown count; when the scope model's space is
 * the same (same settings, terms and IDF, as with a TF-IDF classifier trained on the same texts)
 * its vector is reused too, and otherwise it reads the tokens itself. The numbers are those of
 * vectorizing the tokens in each space.
 */
function makeReader(model: LoadedModel): (abstract: string) => Reading {
  const tokenize = makeTokenizer(model.tokenizer);
  const { classifier, scope } = model;
  const features = classifier.features;
  const readText = featureReader(model.tokenizer, features);
  const shared = scope !== undefined && scope.features.sameAs(features);
  const reading: TextReading = { plain: false };
  return (abstract) => {
    const text = readText(abstract, reading);
    const jll = classifier.jointLogLikelihood(text.vector);
    const { counts } = text;
    const { plain } = reading;
    if (!scope) return { jll, counts, plain };
    if (shared) return { jll, counts, scope: scope.scoreVector(text.vector), unknownShare: text.unknownShare, plain };
    const tokens = tokenize(abstract);
    return { jll, counts, scope: scope.score(tokens), unknownShare: scope.features.outOfVocabularyShare(tokens), plain };
  };
}

/**
 * `features.read` of an abstract's tokens; for unigrams the words are looked up as they are
 * tokenized (see makeTokenIds), which also says in `reading` whether the abstract is plain text.
 */
function featureReader(settings: TokenizerSettings, features: FeatureSpace): (abstract: string, reading: TextReading) => TextFeatures {
  if (settings.ngrams > 1) {
    const tokenize = makeTokenizer(settings);
    return (abstract, reading) => {
      reading.plain = false;
      return features.read(tokenize(abstract));
    };
  }
  const ids = features.tokenIds(settings);
  return (abstract, reading) => features.readIds(ids(abstract, reading));
}

/**
 * Labels abstracts one at a time (so a dump can be streamed). An abstract whose text matches a
 * labeled row gets that row's label with `source = known`; the model's guess is not used for it.
 * An empty abstract still gets a row, with no category and the reason.
 */
export function makeLabeler(model: LoadedModel): (input: UnlabeledAbstract) => LabeledPrediction {
  const read = makeReader(model);
  const explainer = makeExplainer(model.classifier);
  // ranked by stem (so the choice is the model's), shown as the words the training abstracts used
  const shown = termShower(model.surfaceForms);
  const { categories, scopeThreshold } = model;
  const unevaluated = new Set(model.unevaluated);
  return (input) => {
    if (input.abstract.trim() === "") {
      return { input, id: input.id, category: "", confidence: 0, runnerUp: "", runnerUpConfidence: 0, source: "none",
        needsReview: true, reason: "empty abstract", terms: [], outOfScope: false };
    }
    const text = read(input.abstract);
    const proba = probabilities(text.jll, model.temperature);
    const { best, second } = topTwo(proba);
    const runnerUp = categories[second]!;
    const runnerUpConfidence = proba[second]!;
    const terms = explainer.ofCounts(text.counts, best);
    for (const e of terms) e.term = shown(e.term); // the explainer's own objects, made for this text
    const scope = text.scope;
    const known = model.known.find(input.abstract, text.counts.indices, text.plain);
    if (known) {
      const reason = `same abstract as labeled row ${known.id}`;
      return { input, id: input.id, runnerUp, runnerUpConfidence, terms, scope, outOfScope: false,
        category: known.category, confidence: 1, source: "known", matchedId: known.id, needsReview: false, reason, probabilities: proba };
    }
    const confidence = proba[best]!;
    const category = categories[best]!;
    const outOfScope = scope !== undefined && scope < scopeThreshold;
    const threshold = reviewThresholdOf(model, category)!;
    const unsure = confidence < threshold;
    const untried = unevaluated.has(category);
    // the reasons in this order, joined by "; "
    const reasons = [
      outOfScope ? `unlike every category (scope ${scope.toFixed(3)} < ${scopeThreshold.toFixed(3)})` : "",
      unsure ? `confidence ${confidence.toFixed(2)} below review threshold ${threshold.toFixed(2)}` : "",
      untried ? `"${category}" has no labeled rows yet, so its predictions were never checked` : "",
    ];
    const reason = reasons.filter((r) => r !== "").join("; ");
    const unknownShare = text.unknownShare;
    return { input, id: input.id, runnerUp, runnerUpConfidence, terms, scope, outOfScope, unknownShare, category,
      confidence, source: "model", needsReview: outOfScope || unsure || untried, reason, probabilities: proba };
  };
}
