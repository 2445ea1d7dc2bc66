/**
 * Abstracts repeated within one predict run (the same paper in two dumps, or twice in one). The
 * first occurrence is labeled; every later row with the same abstract gets its category and
 * confidence and names it in `duplicate_of`. "The same abstract" is the same normalised text,
 * the key under which an abstract is also recognised as already labeled (`abstractKey`: case,
 * white space and typographic variants folded).
 *
 * The index belongs to the run (predictSources makes one and hands it down): it keeps, for each
 * distinct abstract, a 96-bit hash of its key, the first row's id (as its source and line when it
 * is `<source>:<line>`), and that row's category, confidence and review mark, in typed arrays:
 * about 40 bytes a distinct abstract (up to twice that while a column has just doubled), never its
 * text, so a million abstracts add some 40 to 80 MB. Rows are marked as they are
 * read, in input order, before they are labeled (on any thread), so the output is the same
 * whatever the number of threads.
 */
import type { Category, UnlabeledAbstract } from "../domain.js";
import { abstractDigester, abstractHasher, hashSlot } from "../modelfile/knownAbstracts.js";

/** Whether an abstract has a key: one with no text is no repeat of another. */
const hasText = (abstract: string) => /\S/.test(abstract);

/**
 * An abstract's key in the index, as its hex (`textHash(abstractKey(abstract))`), or "" for an
 * abstract with no text: what `SeenAbstracts.see` keys on, as words.
 */
export function repeatKey(abstract: string): string {
  return hasText(abstract) ? abstractHasher()(abstract) : "";
}

/** The first occurrence's label, as its repeats get it. */
export interface FirstLabel {
  id: string;
  category: Category;
  confidence: number;
  needsReview: boolean;
}

/** What names a row: its id, and where it was read (a dump's row is `<source>:<line>`, see ingest/abstracts.ts). */
export type RowName = Pick<UnlabeledAbstract, "id" | "source" | "line">;

const PENDING = -2;
const NO_CATEGORY = -1;
/** The id is kept as UTF-8 bytes, not as `<source>:<line>`. */
const OWN_ID = -1;

/** The abstracts one predict run has read (see above). */
export class SeenAbstracts {
  private entries = 0;
  /** Entry e's hash is words [3e, 3e + 3). */
  private hashes = new Int32Array(3 * 1024);
  /** Open addressing on the hash's first word: entry + 1, 0 for an empty slot; at most half full. */
  private slots = new Int32Array(2048);
  /**
   * Entry e's first id, as [3e, 3e + 3): a source index and a line, for the id `<source>:<line>`
   * most rows have; or OWN_ID and where its UTF-8 bytes are in `idBytes` (bytes, so that no id
   * keeps the input line it was cut from alive).
   */
  private ids = new Int32Array(3 * 1024);
  private idBytes = new Uint8Array(1 << 12);
  private idBytesUsed = 0;
  private readonly sources: string[] = [];
  private readonly sourceIndex = new Map<string, number>();
  /** Index into `categories`; PENDING until the first row is labeled, NO_CATEGORY for none. */
  private categoryOf = new Int16Array(1024);
  private confidences = new Float64Array(1024);
  private review = new Uint8Array(1024);
  private readonly categoryIndex: Map<Category, number>;
  private readonly lookup = new Int32Array(3);
  /** Keeps its buffer from one abstract to the next. */
  private readonly digest = abstractDigester();
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  /** `categories`: the model's (at most MAX_CATEGORIES, so an index fits in 16 bits). */
  constructor(private readonly categories: readonly Category[]) {
    this.categoryIndex = new Map(categories.map((c, i) => [c, i]));
  }

  /** Distinct abstracts read so far. */
  get size(): number {
    return this.entries;
  }

  /**
   * The entry of `abstract` (its key: see `repeatKey`), and whether an earlier row had it; a new
   * one is added as read by `row`. Undefined for an abstract with no text.
   */
  see(abstract: string, row: RowName): { entry: number; repeat: boolean } | undefined {
    if (!hasText(abstract)) return undefined;
    this.digest(abstract, this.lookup, 0);
    const slot = this.slotOf(this.lookup, 0);
    const found = this.slots[slot]!;
    if (found !== 0) return { entry: found - 1, repeat: true };
    const e = this.entries++;
    this.reserve(this.entries);
    this.hashes.set(this.lookup, 3 * e);
    this.keepId(e, row);
    this.categoryOf[e] = PENDING;
    this.slots[slot] = e + 1;
    if (2 * this.entries > this.slots.length) this.rehash();
    return { entry: e, repeat: false };
  }

  /** The id of the row that read entry `e` first. */
  firstId(e: number): string {
    const s = this.ids[3 * e]!;
    const a = this.ids[3 * e + 1]!;
    return s === OWN_ID ? this.decoder.decode(this.idBytes.subarray(a, this.ids[3 * e + 2]!)) : `${this.sources[s]}:${a}`;
  }

  /** Records the label of entry `e`'s first row, once it is labeled. */
  settle(e: number, label: { category: Category; confidence: number; needsReview: boolean }): void {
    this.categoryOf[e] = label.category === "" ? NO_CATEGORY : (this.categoryIndex.get(label.category) ?? NO_CATEGORY);
    this.confidences[e] = label.confidence;
    this.review[e] = label.needsReview ? 1 : 0;
  }

  /** Entry `e`'s first label; undefined while its first row is not labeled yet. */
  first(e: number): FirstLabel | undefined {
    const c = this.categoryOf[e]!;
    if (c === PENDING) return undefined;
    return { id: this.firstId(e), category: c === NO_CATEGORY ? "" : this.categories[c]!, confidence: this.confidences[e]!, needsReview: this.review[e] === 1 };
  }

  private keepId(e: number, row: RowName): void {
    if (row.source !== undefined && row.line !== undefined && row.id === `${row.source}:${row.line}`) {
      let s = this.sourceIndex.get(row.source);
      if (s === undefined) {
        s = this.sources.push(row.source) - 1;
        this.sourceIndex.set(row.source, s);
      }
      this.ids[3 * e] = s;
      this.ids[3 * e + 1] = row.line;
      return;
    }
    const start = this.idBytesUsed;
    if (this.idBytes.length - start < row.id.length * 3) this.idBytes = grown(this.idBytes, Math.max(this.idBytes.length * 2, start + row.id.length * 3));
    this.idBytesUsed += this.encoder.encodeInto(row.id, this.idBytes.subarray(start)).written;
    this.ids[3 * e] = OWN_ID;
    this.ids[3 * e + 1] = start;
    this.ids[3 * e + 2] = this.idBytesUsed;
  }

  private slotOf(w: Int32Array, at: number): number {
    return hashSlot(this.slots, this.hashes, w, at);
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let e = 0; e < this.entries; e++) this.slots[this.slotOf(this.hashes, 3 * e)] = e + 1;
  }

  /** Room for `n` entries in every column. */
  private reserve(n: number): void {
    if (n <= this.review.length) return;
    const cap = this.review.length * 2;
    this.hashes = grown(this.hashes, 3 * cap);
    this.ids = grown(this.ids, 3 * cap);
    this.categoryOf = grown(this.categoryOf, cap);
    this.confidences = grown(this.confidences, cap);
    this.review = grown(this.review, cap);
  }
}

function grown<T extends Int32Array | Int16Array | Float64Array | Uint8Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
