import { documentFrequencies, inverseDocumentFrequency, weight, type TfidfSettings } from "./tfidf.js";
import { Vocabulary, type SparseVector } from "./vocabulary.js";

export type FeatureSettings = TfidfSettings;

/** Raw term counts: what classic multinomial naive Bayes expects. */
export const RAW_COUNTS: FeatureSettings = { sublinearTf: false, idf: false, l2: false };
export const TFIDF: FeatureSettings = { sublinearTf: true, idf: true, l2: true };

export interface FeatureState {
  terms: string[];
  /** Per-term IDF when the settings use it. */
  idf?: number[];
}

/**
 * Turns tokens into weighted sparse vectors. Fitted on training texts only; a term first seen
 * at prediction time has no column and is ignored.
 */
export class FeatureSpace {
  private readonly vocabulary: Vocabulary;
  private readonly idf?: Float64Array;

  constructor(
    readonly settings: FeatureSettings,
    readonly state: FeatureState,
  ) {
    this.vocabulary = Vocabulary.from(state.terms);
    if (state.idf) this.idf = Float64Array.from(state.idf);
  }

  static fit(tokenLists: readonly (readonly string[])[], settings: FeatureSettings): FeatureSpace {
    return FeatureSpace.fitTransform(tokenLists, settings).space;
  }

  /** Fits the space and returns the training texts' vectors too, so a model need not vectorize them again. */
  static fitTransform(tokenLists: readonly (readonly string[])[], settings: FeatureSettings): { space: FeatureSpace; vectors: SparseVector[] } {
    const vocabulary = new Vocabulary();
    const counts = tokenLists.map((tokens) => vocabulary.addAll(tokens));
    const idf = settings.idf ? inverseDocumentFrequency(documentFrequencies(counts, vocabulary.size), counts.length) : undefined;
    const space = new FeatureSpace(settings, idf ? { terms: vocabulary.terms, idf: Array.from(idf) } : { terms: vocabulary.terms });
    return { space, vectors: counts.map((c) => weight(c, settings, space.idf)) };
  }

  get size(): number {
    return this.vocabulary.size;
  }

  get terms(): readonly string[] {
    return this.vocabulary.terms;
  }

  termIndex(term: string): number | undefined {
    return this.vocabulary.get(term);
  }

  vectorize(tokens: readonly string[]): SparseVector {
    return weight(this.vocabulary.vectorize(tokens), this.settings, this.idf);
  }

  /** Share of a text's tokens that the training texts never used: high means the text is unlike them. */
  outOfVocabularyShare(tokens: readonly string[]): number {
    if (tokens.length === 0) return 1;
    let unknown = 0;
    for (const t of tokens) if (this.vocabulary.get(t) === undefined) unknown++;
    return unknown / tokens.length;
  }

  toJSON(): { settings: FeatureSettings; state: FeatureState } {
    return { settings: this.settings, state: this.state };
  }
}
