import { Vocabulary } from "../features/vocabulary.js";
import { makeTokenIds, type TokenizerSettings } from "../text/tokenize.js";

/**
 * Interned tokenizing for training: a text's tokens as ids into `terms`, one table for the whole
 * training set (each distinct token gets the next id when first seen). The words are looked up as
 * they are tokenized (see makeTokenIds), so no token is looked up in a map, here or when a
 * feature space is fitted on the ids (see TrainingTexts). Unigram tokenizers only.
 */
export interface Interned {
  ids(text: string): Int32Array;
  /** The table: `terms[id]` is the token. It grows as texts are interned. */
  terms: readonly string[];
  intern(token: string): number;
}

/** Interned tokenizing with these settings; undefined for n-grams. */
export function internedTokenizer(settings: TokenizerSettings): Interned | undefined {
  if (settings.ngrams > 1) return undefined;
  const table = new Vocabulary();
  const intern = (token: string) => table.add(token);
  const tokenIds = makeTokenIds(settings, intern);
  return { ids: (text) => Int32Array.from(tokenIds(text)), terms: table.terms, intern };
}
