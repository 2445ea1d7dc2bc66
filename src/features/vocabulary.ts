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
    const found = new Int32Array(tokens.length);
    for (let j = 0; j < tokens.length; j++) found[j] = this.add(tokens[j]!);
    return countRuns(found);
  }

  /** Counts of known terms; unknown terms are ignored (the vocabulary comes from training only). */
  vectorize(tokens: readonly string[]): SparseVector {
    const found = new Int32Array(tokens.length);
    let n = 0;
    for (let j = 0; j < tokens.length; j++) {
      const i = this.index.get(tokens[j]!);
      if (i !== undefined) found[n++] = i;
    }
    return countRuns(found.subarray(0, n));
  }
}

/**
 * The counts of the known terms among term ids as `makeTokenIds` gives them (-1 for an unknown
 * term), and how many were known: `vectorize` of the tokens the ids stand for, and their known count.
 */
export function countIds(ids: readonly number[]): { counts: SparseVector; known: number } {
  const found = new Int32Array(ids.length);
  let n = 0;
  for (let j = 0; j < ids.length; j++) if (ids[j]! >= 0) found[n++] = ids[j]!;
  return { counts: countRuns(found.subarray(0, n)), known: n };
}

/**
 * Term indices (in any order) to sorted (index, count) pairs. Sorting one small typed array and
 * counting runs is the hot path of both training and predicting: a native numeric sort, no
 * per-term map entries. Sorts `found` in place.
 */
function countRuns(found: Int32Array): SparseVector {
  const sorted = found.sort();
  const n = sorted.length;
  let distinct = 0;
  for (let j = 0; j < n; j++) if (j === 0 || sorted[j] !== sorted[j - 1]) distinct++;
  const indices = new Int32Array(distinct);
  const values = new Float64Array(distinct);
  let k = -1;
  for (let j = 0; j < n; j++) {
    if (j === 0 || sorted[j] !== sorted[j - 1]) indices[++k] = sorted[j]!;
    values[k]!++;
  }
  return { indices, values };
}
