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
import { abstractKey, isPlain, PlainBreaks } from "../text/normalize.js";
import { KeyBytes } from "../text/keyBytes.js";
import type { TokenizerSettings } from "../text/tokenize.js";
import { sha256, sha256Bytes } from "../io/hash.js";

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

/** How many 32-bit words of a text hash the indexes keep: its 96 bits (24 hex digits). */
const HASH_WORDS = 3;

/**
 * `textHash(abstractKey(abstract))` as three 32-bit words, written to `into[at, at + 3)` (the
 * words `hashWords` reads from its hex), as a function that keeps its buffer from one abstract to
 * the next (whoever hashes many abstracts makes one). A plain abstract's key is made as bytes, in
 * place (see text/keyBytes.ts), and no hex is made.
 */
export function abstractDigester(): (abstract: string, into: Int32Array, at: number) => void {
  const key = new KeyBytes();
  return (abstract, into, at) => {
    const d = sha256Bytes(key.of(abstract) ?? abstractKey(abstract));
    for (let w = 0, i = 0; w < HASH_WORDS; w++, i += 4) {
      into[at + w] = (d.charCodeAt(i) << 24) | (d.charCodeAt(i + 1) << 16) | (d.charCodeAt(i + 2) << 8) | d.charCodeAt(i + 3); // big-endian, as hex reads
    }
  };
}

/** `textHash(abstractKey(abstract))`, as `abstractDigester` makes it: training hashes every labeled row. */
export function abstractHasher(): (abstract: string) => string {
  const key = new KeyBytes();
  return (abstract) => sha256(key.of(abstract) ?? abstractKey(abstract)).slice(0, 8 * HASH_WORDS);
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

/** The 96 bits of a text hash (24 hex digits) as three 32-bit words. */
function hashWords(hash: string, into: Int32Array, at: number): void {
  for (let w = 0; w < HASH_WORDS; w++) into[at + w] = parseInt(hash.slice(w * 8, w * 8 + 8), 16) | 0;
}

function hexWord(w: number): string {
  return (w >>> 0).toString(16).padStart(8, "0");
}

/**
 * The index, compactly: a model trained on 100k rows has 100k entries, and every labeling thread
 * holds its own copy, so they are kept in typed arrays and one string of ids (about 2 MB for 100k
 * entries, where arrays of strings and a map took 15 MB; V8 also lets a thread's heap grow in
 * proportion to what it holds, so this shows several times over in peak memory).
 */
export class KnownAbstracts {
  /** Entry e's hash is words [3e, 3e + 3). */
  private readonly hashes: Int32Array;
  /** Open addressing on the hash's first word: entry + 1, 0 for an empty slot. */
  private readonly slots: Int32Array;
  /** Entry e's id is ids.slice(idEnds[e - 1] ?? 0, idEnds[e]). */
  private readonly ids: string;
  private readonly idEnds: Int32Array;
  private readonly categoryOf: Int32Array;
  /** Sorted, when they apply. */
  private readonly fingerprints?: Int32Array;
  private readonly lookup = new Int32Array(3);
  /** Scratch space, not part of the index's value (a true private field, which no comparison of two indexes sees). */
  readonly #digest = abstractDigester();
  /** Which characters are plain breaks, worked out once per character for this index's lookups. */
  readonly #breaks = new PlainBreaks();

  /** `state` is trusted: parse a model file's with `checkKnown` (checks.ts). */
  constructor(
    readonly categories: readonly Category[],
    state: KnownState,
    tokenizer: TokenizerSettings,
  ) {
    const n = state.hashes.length;
    this.hashes = new Int32Array(3 * n);
    this.slots = new Int32Array(n === 0 ? 1 : 2 << Math.ceil(Math.log2(n)));
    this.ids = state.ids.join("");
    this.idEnds = new Int32Array(n);
    this.categoryOf = Int32Array.from(state.categories);
    let end = 0;
    for (let e = 0; e < n; e++) {
      hashWords(state.hashes[e]!, this.hashes, 3 * e);
      this.idEnds[e] = end += state.ids[e]!.length;
      const slot = this.slotOf(this.hashes, 3 * e);
      this.slots[slot] = e + 1; // a later entry with the same hash wins, as a map's set would
    }
    if (state.fingerprints && fingerprintsApply(tokenizer)) this.fingerprints = Int32Array.from(state.fingerprints).sort();
  }

  private slotOf(words: Int32Array, at: number): number {
    return hashSlot(this.slots, this.hashes, words, at);
  }

  private hasFingerprint(f: number): boolean {
    const a = this.fingerprints!;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < f) lo = mid + 1;
      else hi = mid;
    }
    return lo < a.length && a[lo] === f;
  }

  private id(e: number): string {
    return this.ids.slice(e === 0 ? 0 : this.idEnds[e - 1]!, this.idEnds[e]!);
  }

  /**
   * The index of labeled rows (a later row with the same normalised text wins), with the
   * fingerprints of their terms when they apply: `termsOf(row)` gives the sorted distinct term
   * indices of row `row`'s normalised text (`abstractKey`) in the model's feature space.
   */
  static fromRows(
    rows: readonly { id: string; abstract: string; category: Category }[],
    categories: readonly Category[],
    tokenizer: TokenizerSettings,
    termsOf?: (row: number) => ArrayLike<number>,
  ): KnownAbstracts {
    const byHash = new Map<string, { row: number }>();
    const hash = abstractHasher();
    rows.forEach((r, row) => byHash.set(hash(r.abstract), { row }));
    const categoryIndex = new Map(categories.map((c, i) => [c, i]));
    const state: KnownState = { hashes: [...byHash.keys()], ids: [], categories: [] };
    for (const { row } of byHash.values()) {
      state.ids.push(rows[row]!.id);
      state.categories.push(categoryIndex.get(rows[row]!.category)!);
    }
    if (termsOf && fingerprintsApply(tokenizer)) {
      const all = new Set<number>();
      for (const { row } of byHash.values()) all.add(fingerprint(termsOf(row)));
      state.fingerprints = [...all].sort((a, b) => a - b);
    }
    return new KnownAbstracts(categories, state, tokenizer);
  }

  /** No known abstracts: every abstract is left to the model. */
  static none(categories: readonly Category[]): KnownAbstracts {
    return new KnownAbstracts(categories, { hashes: [], ids: [], categories: [] },
      { lowercase: false, stopWords: "none", stem: "none", minLength: 0, ngrams: 1 });
  }

  get size(): number {
    return this.idEnds.length;
  }

  /**
   * The labeled row `abstract` is, if any. `terms`, the sorted distinct indices of its terms in
   * the model's feature space, let most abstracts skip the hash (see above); `plain` says the
   * abstract is already known to be plain text (`isPlain`, as the tokenizer found), so it is not
   * checked again.
   */
  find(abstract: string, terms?: ArrayLike<number>, plain = false): KnownAbstract | undefined {
    if (this.size === 0) return undefined;
    if (this.fingerprints && terms && !this.hasFingerprint(fingerprint(terms)) && (plain || isPlain(abstract, this.#breaks))) return undefined;
    this.#digest(abstract, this.lookup, 0);
    const e = this.slots[this.slotOf(this.lookup, 0)]! - 1;
    return e < 0 ? undefined : { id: this.id(e), category: this.categories[this.categoryOf[e]!]! };
  }

  toJSON(): KnownState {
    const entries = Array.from({ length: this.size }, (_, e) => e);
    const state: KnownState = {
      hashes: entries.map((e) => hexWord(this.hashes[3 * e]!) + hexWord(this.hashes[3 * e + 1]!) + hexWord(this.hashes[3 * e + 2]!)),
      ids: entries.map((e) => this.id(e)),
      categories: Array.from(this.categoryOf),
    };
    if (this.fingerprints) state.fingerprints = Array.from(this.fingerprints);
    return state;
  }
}

/**
 * An open-addressing table of text hashes, each three 32-bit words (entry e at hashes[3e, 3e + 3)):
 * the slot of `slots` (a power of two long; e + 1 in a slot, 0 for empty) that holds the hash
 * words[at, at + 3), or the empty slot where it would go. The known-abstract index and the
 * repeated-abstract index (predict/repeats.ts) both keep their hashes so.
 */
export function hashSlot(slots: Int32Array, hashes: Int32Array, words: Int32Array, at: number): number {
  const mask = slots.length - 1;
  let slot = words[at]! & mask; // a hash's bits are already uniform
  for (let e = slots[slot]!; e !== 0; slot = (slot + 1) & mask, e = slots[slot]!) {
    const h = 3 * (e - 1);
    if (hashes[h] === words[at] && hashes[h + 1] === words[at + 1] && hashes[h + 2] === words[at + 2]) break;
  }
  return slot;
}
