import type { LabeledAbstract } from "../domain.js";
import type { TrainingTexts } from "../features/trainingTexts.js";
import type { FittedClassifier } from "../models/contract.js";
import { abstractKey, isPlain } from "../text/normalize.js";
import { makeTokenizer, type TokenizerSettings } from "../text/tokenize.js";

/**
 * The terms of labeled rows' normalised texts in the classifier's feature space, for the
 * known-abstract fingerprints (see modelfile/knownAbstracts.ts): `termsOf(row)` for row `row` of
 * `rows`. A plain abstract's normalised text has its tokens, so when the classifier's space was
 * fitted on `texts`, the rows' abstracts alone (no titles; rows first, see trainingSetOf), the
 * fitted vectors already hold them; any other row is tokenized again.
 */
export function knownTerms(
  rows: readonly LabeledAbstract[],
  texts: TrainingTexts,
  titles: boolean,
  classifier: FittedClassifier,
  settings: TokenizerSettings,
): (row: number) => ArrayLike<number> {
  const features = classifier.features;
  const vectors = titles ? undefined : texts.vectorsIn(features);
  const tokenize = makeTokenizer(settings);
  return (row) => (vectors && isPlain(rows[row]!.abstract) ? vectors[row]!.indices : features.vectorize(tokenize(abstractKey(rows[row]!.abstract))).indices);
}
