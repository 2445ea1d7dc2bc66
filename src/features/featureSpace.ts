import { documentFrequencies, inverseDocumentFrequency, weight, type TfidfSettings } from "./tfidf.js";
import { makeTokenIds, type TokenizerSettings } from "../text/tokenize.js";
import { countByFirstSight, countIds, Vocabulary, type SparseVector } from "./vocabulary.js";

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
    return FeatureSpace.fromCounts(vocabulary.terms, counts, settings);
  }

  /** `fitTransform` of texts whose tokens are given as ids into `table` (`table[id]` is the token): the same space and vectors. */
  static fitTransformIds(texts: readonly ArrayLike<number>[], table: readonly string[], settings: FeatureSettings): { space: FeatureSpace; vectors: SparseVector[] } {
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
    return weight(countIds(found).counts, this.settings, this.idf);
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
  tokenIds(settings: TokenizerSettings): (text: string) => number[] {
    return makeTokenIds(settings, (token) => this.vocabulary.get(token) ?? -1);
  }

  vectorize(tokens: readonly string[]): SparseVector {
    return weight(this.vocabulary.vectorize(tokens), this.settings, this.idf);
  }

  /**
   * Everything predicting needs from one text in one vocabulary pass: its raw counts (for
   * explanations), its weighted vector (what `vectorize` gives) and its out-of-vocabulary share
   * (what `outOfVocabularyShare` gives). Looking every token up once instead of once per use
   * was a large share of labeling time.
   */
  read(tokens: readonly string[]): TextFeatures {
    const counts = this.vocabulary.vectorize(tokens);
    let known = 0;
    for (let k = 0; k < counts.values.length; k++) known += counts.values[k]!;
    return { counts, vector: weight(counts, this.settings, this.idf), unknownShare: unknownShare(tokens.length - known, tokens.length) };
  }

  /** `read` of the tokens that term ids (see makeTokenIds: term indices of this space, -1 for an unknown term) stand for. */
  readIds(ids: readonly number[]): TextFeatures {
    const { counts, known } = countIds(ids);
    return { counts, vector: weight(counts, this.settings, this.idf), unknownShare: unknownShare(ids.length - known, ids.length) };
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
    if (!sameItems(this.terms, other.terms)) return false;
    if (!this.idf || !other.idf) return this.idf === other.idf;
    return sameItems(this.idf, other.idf);
  }

  toJSON(): { settings: FeatureSettings; state: FeatureState } {
    return { settings: this.settings, state: this.state };
  }
}

/**
 * Spaces fitted per training set and settings. A classifier and its scope model are fitted on
 * the same examples with the same TF-IDF settings, during training's inner cross-validation and
 * for the final model; this fits and vectorizes them once. Keyed by the examples array itself
 * (callers never change a training set once built), so an entry goes when its examples do.
 */
const fittedSpaces = new WeakMap<readonly FittableExample[], Map<string, { space: FeatureSpace; vectors: SparseVector[] }>>();

/** What fitting a space reads of a training example (see TrainingExample in models/contract.ts). */
export interface FittableExample {
  readonly tokens: readonly string[];
  readonly termIds?: Int32Array;
  readonly terms?: readonly string[];
}

/**
 * Lets `examples` use whatever is fitted for `reference` when both have the same tokens in the same
 * order (they may differ in weights, which no feature space reads): the inner cross-validation
 * fits the same fold once per candidate taxonomy weight. Checked token by token (ids when both
 * are interned), so a different training set is never mistaken for the same; says whether it shares.
 */
export function shareFitted(examples: readonly FittableExample[], reference: readonly FittableExample[]): boolean {
  if (examples.length !== reference.length) return false;
  for (let i = 0; i < examples.length; i++) {
    const a = examples[i]!;
    const b = reference[i]!;
    const same = a.termIds && b.termIds && a.terms === b.terms ? a.termIds === b.termIds || sameItems(a.termIds, b.termIds) : sameItems(a.tokens, b.tokens);
    if (!same) return false;
  }
  let fitted = fittedSpaces.get(reference);
  if (!fitted) fittedSpaces.set(reference, (fitted = new Map()));
  fittedSpaces.set(examples, fitted);
  return true;
}

/** What `fitExamples` has fitted for these examples and settings, if it has. */
export function fittedExamples(examples: readonly FittableExample[], settings: FeatureSettings): { space: FeatureSpace; vectors: SparseVector[] } | undefined {
  return fittedSpaces.get(examples)?.get(settingsKey(settings));
}

function settingsKey(settings: FeatureSettings): string {
  return `${settings.sublinearTf} ${settings.idf} ${settings.l2}`;
}

/** `FeatureSpace.fitTransform` of the examples' tokens, shared by every model fitted on the same examples; the vectors must not be changed. */
export function fitExamples(examples: readonly FittableExample[], settings: FeatureSettings): { space: FeatureSpace; vectors: SparseVector[] } {
  const cached = fittedExamples(examples, settings);
  if (cached) return cached;
  const table = examples[0]?.terms;
  const interned = table !== undefined && examples.every((e) => e.termIds !== undefined && e.terms === table);
  const fitted = interned ? FeatureSpace.fitTransformIds(examples.map((e) => e.termIds!), table, settings) : FeatureSpace.fitTransform(examples.map((e) => e.tokens), settings);
  const bySettings = fittedSpaces.get(examples) ?? new Map();
  fittedSpaces.set(examples, bySettings.set(settingsKey(settings), fitted));
  return fitted;
}
