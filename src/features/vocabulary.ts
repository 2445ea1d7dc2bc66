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

  /** Counts of known terms; unknown terms are ignored (the vocabulary comes from training only). */
  vectorize(tokens: readonly string[]): SparseVector {
    const counts = new Map<number, number>();
    for (const t of tokens) {
      const i = this.index.get(t);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const indices = new Int32Array(counts.size);
    const values = new Float64Array(counts.size);
    let k = 0;
    for (const [i, c] of [...counts].sort((a, b) => a[0] - b[0])) {
      indices[k] = i;
      values[k++] = c;
    }
    return { indices, values };
  }
}
