import { documentFrequencies, inverseDocumentFrequency, weight, type TfidfSettings } from "./tfidf.js";
import { makeTokenIds, type TextReading, type TokenizerSettings } from "../text/tokenize.js";
import { countByFirstSight, Vocabulary, type SparseVector } from "./vocabulary.js";

export type FeatureSettings = TfidfSettings;

/** Raw term counts: what classic multinomial naive Bayes expects. */
export const RAW_COUNTS: FeatureSettings = { sublinearTf: false, idf: false, l2: false };
export const TFIDF: FeatureSettings = { sublinearTf: true, idf: true, l2: true };

export interface FeatureState {
  terms: string[];
  /** Per-term IDF when the settings use it. */
  idf?: number[];
}

/** One text as `FeatureSpace.read` sees it. */
export interface TextFeatures {
  /** Raw counts of the known terms, by term index (sorted). */
  counts: SparseVector;
  /** The weighted vector: `vectorize` of the same tokens. */
  vector: SparseVector;
  /** `outOfVocabularyShare` of the same tokens. */
  unknownShare: number;
}

/** No tokens at all counts as wholly unknown. */
function unknownShare(unknown: number, tokens: number): number {
  return tokens === 0 ? 1 : unknown / tokens;
}

function sameItems<T>(a: ArrayLike<T>, b: ArrayLike<T>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
    /** The vocabulary of `state.terms`, when another space already has it (see `counting`). */
    vocabulary?: Vocabulary,
  ) {
    this.vocabulary = vocabulary ?? Vocabulary.from(state.terms);
    if (state.idf) this.idf = Float64Array.from(state.idf);
  }

  /** Fits the space and returns the training texts' vectors too, so a model need not vectorize them again. */
  static fitTransform(tokenLists: readonly (readonly string[])[], settings: FeatureSettings): { space: FeatureSpace; vectors: SparseVector[] } {
    const vocabulary = new Vocabulary();
    const counts = tokenLists.map((tokens) => vocabulary.addAll(tokens));
    return FeatureSpace.fromCounts(vocabulary.terms, counts, settings);
  }

  /** `fitTransform` of texts whose tokens are given as ids into `table` (`table[id]` is the token): the same space and vectors. */
  static fitTransformIds(texts: readonly ArrayLike<number>[], table: readonly string[],
    settings: FeatureSettings): { space: FeatureSpace; vectors: SparseVector[] } {
    const { terms, counts, local } = countByFirstSight(texts, table);
    const fitted = FeatureSpace.fromCounts(terms, counts, settings);
    fitted.space.interned = { table, local };
    return fitted;
  }

  /** For a space fitted on ids (fitTransformIds): the table they index, and each id's term index here (-1 for none). */
  private interned?: { table: readonly string[]; local: Int32Array };

  /**
   * `vectorize` of tokens given as ids into `table`, for a space fitted on ids into the same table
   * (undefined otherwise): each id's term is found through an array, not a map. An id the table
   * gave out after the fit is a token the space never saw.
   */
  vectorizeInterned(ids: ArrayLike<number>, table: readonly string[]): SparseVector | undefined {
    const m = this.interned;
    if (m?.table !== table) return undefined;
    const found = new Int32Array(ids.length);
    for (let j = 0; j < ids.length; j++) found[j] = ids[j]! < m.local.length ? m.local[ids[j]!]! : -1;
    return this.weigh(this.vocabulary.countIds(found).counts);
  }

  private static fromCounts(terms: string[], counts: SparseVector[], settings: FeatureSettings): { space: FeatureSpace; vectors: SparseVector[] } {
    const idf = settings.idf ? inverseDocumentFrequency(documentFrequencies(counts, terms.length), counts.length) : undefined;
    const space = new FeatureSpace(settings, idf ? { terms, idf: Array.from(idf) } : { terms });
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

  /** A text's tokens as term ids of this space, -1 for a term it lacks (unigram settings only, see makeTokenIds). */
  tokenIds(settings: TokenizerSettings): (text: string, reading?: TextReading) => number[] {
    return makeTokenIds(settings, (token) => this.vocabulary.get(token) ?? -1);
  }

  vectorize(tokens: readonly string[]): SparseVector {
    return this.weigh(this.vocabulary.vectorize(tokens));
  }

  /** Raw counts of this space's terms (as `read` gives them) weighted as this space weighs them: `vectorize` of the counted tokens. */
  weigh(counts: SparseVector): SparseVector {
    return weight(counts, this.settings, this.idf);
  }

  /**
   * This space's terms with raw counts for vectors, sharing its vocabulary (and, when fitted on
   * ids, its ids): the one space of classifiers that weigh the same terms differently (see
   * `commonSpace`).
   */
  counting(): FeatureSpace {
    const space = new FeatureSpace(RAW_COUNTS, { terms: this.state.terms }, this.vocabulary);
    if (this.interned) space.interned = this.interned;
    return space;
  }

  /**
   * Everything predicting needs from one text in one vocabulary pass: its raw counts (for
   * explanations), its weighted vector (what `vectorize` gives) and its out-of-vocabulary share
   * (what `outOfVocabularyShare` gives). Looking every token up once instead of once per use
   * was a large share of labeling time.
   */
  read(tokens: readonly string[]): TextFeatures {
    const { counts, known } = this.vocabulary.read(tokens);
    return { counts, vector: this.weigh(counts), unknownShare: unknownShare(tokens.length - known, tokens.length) };
  }

  /** `read` of the tokens that term ids (see makeTokenIds: term indices of this space, -1 for an unknown term) stand for. */
  readIds(ids: readonly number[]): TextFeatures {
    const { counts, known } = this.vocabulary.countIds(ids);
    return { counts, vector: this.weigh(counts), unknownShare: unknownShare(ids.length - known, ids.length) };
  }

  /** Share of a text's tokens that the training texts never used: high means the text is unlike them. */
  outOfVocabularyShare(tokens: readonly string[]): number {
    let unknown = 0;
    for (const t of tokens) if (this.vocabulary.get(t) === undefined) unknown++;
    return unknownShare(unknown, tokens.length);
  }

  /**
   * Whether `other` turns every text into the same vector as this space (same settings, terms in
   * the same order, same IDF), so one vector can serve both. Checked once, when a model is loaded.
   */
  sameAs(other: FeatureSpace): boolean {
    if (other === this) return true;
    const a = this.settings;
    const b = other.settings;
    if (a.sublinearTf !== b.sublinearTf || a.idf !== b.idf || a.l2 !== b.l2) return false;
    if (!this.sameTerms(other)) return false;
    if (!this.idf || !other.idf) return this.idf === other.idf;
    return sameItems(this.idf, other.idf);
  }

  /** Whether `other` has the same terms in the same order (whatever its weighting). */
  sameTerms(other: FeatureSpace): boolean {
    return other === this || other.vocabulary === this.vocabulary || sameItems(this.terms, other.terms);
  }

  toJSON(): { settings: FeatureSettings; state: FeatureState } {
    return { settings: this.settings, state: this.state };
  }
}

/**
 * The one space of classifiers read together (an ensemble's members, a two-stage model's stages),
 * so that a text is read once for all of them: their own space when they all have the same one
 * (as training fits them: one space per training set and settings, see TrainingTexts), `shared`;
 * otherwise, when they have the same terms and weigh them differently, a space of raw counts over
 * those terms (see `counting`), which each re-weighs with `weigh` (the same vector as its own
 * `vectorize`). Undefined for spaces with different terms, which no one vector serves.
 */
export function commonSpace(spaces: readonly FeatureSpace[]): { space: FeatureSpace; shared: boolean } | undefined {
  const first = spaces[0];
  if (!first || !spaces.every((s) => s.sameTerms(first))) return undefined;
  if (spaces.every((s) => s.sameAs(first))) return { space: first, shared: true };
  return { space: first.counting(), shared: false };
}
