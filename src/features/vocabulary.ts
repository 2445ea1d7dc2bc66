/**
 * Sparse bag-of-words features. A document is a list of (term index, count) pairs, never a
 * row of a documents x vocabulary matrix, so memory follows the text, not the vocabulary.
 */
export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

/** A text's counts of known terms, and how many of its tokens were known (the sum of the counts). */
export interface Counted {
  counts: SparseVector;
  known: number;
}

export class Vocabulary {
  private readonly index = new Map<string, number>();
  readonly terms: string[] = [];
  /**
   * Counts this vocabulary's texts: its buffers grow with the vocabulary, so each vocabulary has
   * its own. Scratch space, not part of the vocabulary's value (a true private field, which no
   * comparison of two vocabularies sees).
   */
  readonly #counter = new TermCounter();

  static from(terms: readonly string[]): Vocabulary {
    const v = new Vocabulary();
    for (const t of terms) v.add(t);
    return v;
  }

  get size(): number {
    return this.terms.length;
  }

  add(term: string): number {
    let i = this.index.get(term);
    if (i === undefined) {
      i = this.terms.length;
      this.index.set(term, i);
      this.terms.push(term);
    }
    return i;
  }

  get(term: string): number | undefined {
    return this.index.get(term);
  }

  /** Adds a training document's unseen terms and returns its counts: `vectorize` after the adds, in one pass. */
  addAll(tokens: readonly string[]): SparseVector {
    const found: number[] = new Array(tokens.length);
    for (let j = 0; j < tokens.length; j++) found[j] = this.add(tokens[j]!);
    return this.#counter.count(found).counts;
  }

  /** Counts of known terms; unknown terms are ignored (the vocabulary comes from training only). */
  vectorize(tokens: readonly string[]): SparseVector {
    return this.read(tokens).counts;
  }

  /** `vectorize` of the tokens, and how many of them were known. */
  read(tokens: readonly string[]): Counted {
    const found: number[] = new Array(tokens.length);
    for (let j = 0; j < tokens.length; j++) found[j] = this.index.get(tokens[j]!) ?? -1;
    return this.#counter.count(found);
  }

  /**
   * The counts of the known terms among term ids of this vocabulary as `makeTokenIds` gives them
   * (-1 for an unknown term), and how many were known: `read` of the tokens the ids stand for.
   */
  countIds(ids: ArrayLike<number>): Counted {
    return this.#counter.count(ids);
  }
}

/**
 * A vocabulary and counts for texts given as ids into a larger table of terms (`table[id]`): the
 * terms in order of first sight, and each text's counts, exactly what `addAll` of each text's
 * terms gives, without a map lookup per token.
 */
export function countByFirstSight(texts: readonly ArrayLike<number>[],
  table: readonly string[]): { terms: string[]; counts: SparseVector[]; local: Int32Array } {
  const local = new Int32Array(table.length).fill(-1);
  const terms: string[] = [];
  const counter = new TermCounter();
  let found = new Int32Array(256);
  const counts = texts.map((ids) => {
    if (found.length < ids.length) found = new Int32Array(ids.length);
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j]!;
      let t = local[id]!;
      if (t < 0) {
        t = local[id] = terms.length;
        terms.push(table[id]!);
      }
      found[j] = t;
    }
    return counter.count(found.subarray(0, ids.length)).counts;
  });
  return { terms, counts, local };
}

/**
 * Term indices (in any order; negative ones ignored) to sorted (index, count) pairs: the hot path
 * of both training and predicting. A text's terms are tallied in a dense scratch array, and only
 * its distinct terms are sorted (see sortTerms). The buffers are kept from one text to the next
 * (allocating them per text cost more than the counting), by whoever counts: a Vocabulary, or
 * one fit (countByFirstSight).
 */
export class TermCounter {
  /** Counts per term, indexed by term; all zeros between calls. Grows with the largest index seen. */
  private scratch = new Float64Array(1024);
  /** The distinct terms of the text being counted, in order of first occurrence: never more than `scratch` has slots. */
  private seen = new Int32Array(1024);
  /** The other half of a radix pass's ping-pong. */
  private spare = new Int32Array(1024);
  /** Buckets of one radix pass. */
  private readonly buckets = new Int32Array(256);

  count(found: ArrayLike<number>): Counted {
    const n = found.length;
    let scratch = this.scratch;
    let seen = this.seen;
    let distinct = 0;
    let largest = 0;
    let known = 0;
    for (let j = 0; j < n; j++) {
      const t = found[j]!;
      if (t < 0) continue;
      known++;
      if (t >= scratch.length) {
        this.grow(t);
        scratch = this.scratch;
        seen = this.seen;
      }
      if (scratch[t]!++ === 0) {
        seen[distinct++] = t;
        if (t > largest) largest = t;
      }
    }
    const indices = seen.slice(0, distinct);
    this.sortTerms(indices, largest);
    const values = new Float64Array(distinct);
    for (let k = 0; k < distinct; k++) {
      const t = indices[k]!;
      values[k] = scratch[t]!;
      scratch[t] = 0;
    }
    return { counts: { indices, values }, known };
  }

  /**
   * Sorts distinct term indices, all at most `largest`: by insertion when there are few, otherwise
   * by least-significant-digit radix sort, one pass per byte `largest` needs (two for a vocabulary
   * under 65,536 terms): about three times faster than the built-in sort for the 80 or so distinct
   * terms of an abstract.
   */
  private sortTerms(a: Int32Array<ArrayBufferLike>, largest: number): void {
    const n = a.length;
    if (n <= 16) {
      insertionSort(a);
      return;
    }
    if (this.spare.length < n) this.spare = new Int32Array(Math.max(n, this.spare.length * 2));
    const buckets = this.buckets;
    let from: Int32Array<ArrayBufferLike> = a;
    let to: Int32Array<ArrayBufferLike> = this.spare.subarray(0, n);
    for (let shift = 0; shift < 32 && (shift === 0 || largest >>> shift !== 0); shift += 8) {
      buckets.fill(0);
      for (let i = 0; i < n; i++) buckets[(from[i]! >>> shift) & 255]!++;
      for (let b = 0, start = 0; b < 256; b++) {
        const count = buckets[b]!;
        buckets[b] = start;
        start += count;
      }
      for (let i = 0; i < n; i++) {
        const v = from[i]!;
        to[buckets[(v >>> shift) & 255]!++] = v;
      }
      const t = from;
      from = to;
      to = t;
    }
    if (from !== a) a.set(from);
  }

  /** Room for term `index` in `scratch`, and as many slots in `seen`, keeping what both hold. */
  private grow(index: number): void {
    const length = Math.max(index + 1, this.scratch.length * 2);
    const counts = new Float64Array(length);
    counts.set(this.scratch);
    this.scratch = counts;
    const terms = new Int32Array(length);
    terms.set(this.seen);
    this.seen = terms;
  }
}

function insertionSort(a: Int32Array): void {
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    let j = i - 1;
    for (; j >= 0 && a[j]! > x; j--) a[j + 1] = a[j]!;
    a[j + 1] = x;
  }
}
