import { fitTfidf, weight, type TfidfSettings } from "./tfidf.js";
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
    const vocabulary = new Vocabulary();
    for (const tokens of tokenLists) for (const t of tokens) vocabulary.add(t);
    if (!settings.idf) return new FeatureSpace(settings, { terms: vocabulary.terms });
    const { idf } = fitTfidf(vocabulary, tokenLists.map((t) => vocabulary.vectorize(t)), settings);
    return new FeatureSpace(settings, { terms: vocabulary.terms, idf: Array.from(idf) });
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
