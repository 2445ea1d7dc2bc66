/**
 * Recognising an abstract that is already labeled. The model keeps each labeled abstract's
 * normalised text as a hash (`textHash(abstractKey(text))`), so a known paper gets its known
 * label. Hashing every predicted abstract was a tenth of labeling time, and almost none are
 * known, so the model also keeps a fingerprint of each labeled abstract's terms (the set of term
 * indices its normalised text has in the model's feature space); an abstract whose fingerprint is
 * not among them is not known, and is not hashed.
 *
 * Why that cannot miss a known abstract: on plain text (ASCII, or ASCII with dashes, typographic
 * quotes and other plain breaks, see `isPlain` in normalize.ts), the normalised text (NFKC,
 * lower-cased, spaces folded) has the same words as the text itself, and a lower-casing tokenizer
 * makes the same tokens of both; so a plain abstract whose normalised text is a labeled one's has
 * the same terms as that labeled abstract's normalised text, and the same fingerprint. Any other
 * abstract (not plain, or a model whose tokenizer keeps case or reads n-grams) is always hashed.
 */
import type { Category } from "../domain.js";
import { abstractKey, isPlain } from "../text/normalize.js";
import type { TokenizerSettings } from "../text/tokenize.js";
import { sha256 } from "./hash.js";

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** FNV-1a over sorted distinct term indices, four bytes each, and their number. */
export function fingerprint(terms: ArrayLike<number>): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < terms.length; i++) {
    const id = terms[i]!;
    h = Math.imul(h ^ (id & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((id >>> 8) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((id >>> 16) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ (id >>> 24), FNV_PRIME);
  }
  return Math.imul(h ^ terms.length, FNV_PRIME);
}

/** Whether term fingerprints can stand in for the text hash (see above): lower-casing unigram tokenizers only. */
export function fingerprintsApply(settings: TokenizerSettings): boolean {
  return settings.lowercase && settings.ngrams === 1;
}

/** A short stable key for an abstract's normalised text. */
export function textHash(normalised: string): string {
  return sha256(normalised).slice(0, 24);
}

export interface KnownAbstract {
  id: string;
  category: Category;
}

/** The index as a model file keeps it: one entry per distinct normalised text, in columns. */
export interface KnownState {
  hashes: string[];
  ids: string[];
  /** Category indices into the model's categories. */
  categories: number[];
  /** Sorted distinct fingerprints of the entries' terms, when they apply (see above). */
  fingerprints?: number[];
}

export class KnownAbstracts {
  private readonly index = new Map<string, number>();
  private readonly fingerprintSet?: ReadonlySet<number>;

  /** `state` is trusted: parse a model file's with `checkKnown` (modelShape.ts). */
  constructor(
    readonly categories: readonly Category[],
    readonly state: KnownState,
    tokenizer: TokenizerSettings,
  ) {
    state.hashes.forEach((h, i) => this.index.set(h, i));
    if (state.fingerprints && fingerprintsApply(tokenizer)) this.fingerprintSet = new Set(state.fingerprints);
  }

  /**
   * The index of labeled rows (a later row with the same normalised text wins), with the
   * fingerprints of their terms when they apply: `termsOf(row, key)` gives the sorted distinct
   * term indices of a row's normalised text `key` in the model's feature space.
   */
  static fromRows(
    rows: readonly { id: string; abstract: string; category: Category }[],
    categories: readonly Category[],
    tokenizer: TokenizerSettings,
    termsOf?: (row: number, key: string) => ArrayLike<number>,
  ): KnownAbstracts {
    const byHash = new Map<string, { row: number; key: string }>();
    rows.forEach((r, row) => {
      const key = abstractKey(r.abstract);
      byHash.set(textHash(key), { row, key });
    });
    const categoryIndex = new Map(categories.map((c, i) => [c, i]));
    const state: KnownState = { hashes: [...byHash.keys()], ids: [], categories: [] };
    for (const { row } of byHash.values()) {
      state.ids.push(rows[row]!.id);
      state.categories.push(categoryIndex.get(rows[row]!.category)!);
    }
    if (termsOf && fingerprintsApply(tokenizer)) {
      const all = new Set<number>();
      for (const { row, key } of byHash.values()) all.add(fingerprint(termsOf(row, key)));
      state.fingerprints = [...all].sort((a, b) => a - b);
    }
    return new KnownAbstracts(categories, state, tokenizer);
  }

  /** No known abstracts: every abstract is left to the model. */
  static none(categories: readonly Category[]): KnownAbstracts {
    return new KnownAbstracts(categories, { hashes: [], ids: [], categories: [] }, { lowercase: false, stopWords: "none", stem: "none", minLength: 0, ngrams: 1 });
  }

  get size(): number {
    return this.state.hashes.length;
  }

  /**
   * The labeled row `abstract` is, if any. `terms`, the sorted distinct indices of its terms in
   * the model's feature space, let most abstracts skip the hash (see above).
   */
  find(abstract: string, terms?: ArrayLike<number>): KnownAbstract | undefined {
    if (this.index.size === 0) return undefined;
    if (this.fingerprintSet && terms && !this.fingerprintSet.has(fingerprint(terms)) && isPlain(abstract)) return undefined;
    const i = this.index.get(textHash(abstractKey(abstract)));
    return i === undefined ? undefined : { id: this.state.ids[i]!, category: this.categories[this.state.categories[i]!]! };
  }

  toJSON(): KnownState {
    return this.state;
  }
}
