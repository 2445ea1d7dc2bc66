/**
 * Sparse bag-of-words features. A document is a list of (term index, count) pairs, never a
 * row of a documents x vocabulary matrix, so memory follows the text, not the vocabulary.
 */
export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

export class Vocabulary {
  private readonly index = new Map<string, number>();
  readonly terms: string[] = [];

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
    return countRuns(found);
  }

  /** Counts of known terms; unknown terms are ignored (the vocabulary comes from training only). */
  vectorize(tokens: readonly string[]): SparseVector {
    const found: number[] = new Array(tokens.length);
    for (let j = 0; j < tokens.length; j++) found[j] = this.index.get(tokens[j]!) ?? -1;
    return countRuns(found);
  }
}

/**
 * The counts of the known terms among term ids as `makeTokenIds` gives them (-1 for an unknown
 * term), and how many were known: `vectorize` of the tokens the ids stand for, and their known count.
 */
export function countIds(ids: readonly number[]): { counts: SparseVector; known: number } {
  let known = 0;
  for (let j = 0; j < ids.length; j++) if (ids[j]! >= 0) known++;
  return { counts: countRuns(ids), known };
}

/** Counts per term, indexed by term; all zeros between calls. Grows with the largest index seen. */
let scratch: Float64Array = new Float64Array(1024);
/** The distinct terms of the text being counted, in order of first occurrence: never more than `scratch` has slots. */
let seen: Int32Array = new Int32Array(1024);

/**
 * Term indices (in any order; negative ones ignored) to sorted (index, count) pairs. The hot path
 * of both training and predicting: a text's terms are tallied in a dense scratch array, and only
 * its distinct terms are sorted (by insertion, for the few dozen a typical abstract has).
 */
function countRuns(found: ArrayLike<number>): SparseVector {
  const n = found.length;
  let distinct = 0;
  for (let j = 0; j < n; j++) {
    const t = found[j]!;
    if (t < 0) continue;
    if (t >= scratch.length) growScratch(t);
    if (scratch[t]!++ === 0) seen[distinct++] = t;
  }
  const indices = seen.slice(0, distinct);
  if (distinct <= 64) insertionSort(indices);
  else indices.sort();
  const values = new Float64Array(distinct);
  for (let k = 0; k < distinct; k++) {
    const t = indices[k]!;
    values[k] = scratch[t]!;
    scratch[t] = 0;
  }
  return { indices, values };
}

function insertionSort(a: Int32Array): void {
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    let j = i - 1;
    for (; j >= 0 && a[j]! > x; j--) a[j + 1] = a[j]!;
    a[j + 1] = x;
  }
}

/** Room for term `index` in `scratch`, and as many slots in `seen`, keeping what both hold. */
function growScratch(index: number): void {
  const length = Math.max(index + 1, scratch.length * 2);
  const counts = new Float64Array(length);
  counts.set(scratch);
  scratch = counts;
  const terms = new Int32Array(length);
  terms.set(seen);
  seen = terms;
}
