import type { SparseVector } from "./vocabulary.js";

/**
 * TF-IDF weighting as in Rennie et al. (2003), "Tackling the poor assumptions of naive Bayes":
 * sublinear term frequency log(1 + tf) damps words repeated within one abstract, smoothed IDF
 * log((1 + n) / (1 + df)) + 1 damps words every abstract uses, and L2 length normalisation
 * stops long abstracts from outvoting short ones.
 */
export interface TfidfSettings {
  sublinearTf: boolean;
  idf: boolean;
  l2: boolean;
}

export function documentFrequencies(docs: readonly SparseVector[], size: number): Float64Array {
  const df = new Float64Array(size);
  for (const d of docs) for (const i of d.indices) df[i]! += 1;
  return df;
}

export function inverseDocumentFrequency(df: Float64Array, docs: number): Float64Array {
  return df.map((n) => Math.log((1 + docs) / (1 + n)) + 1);
}

/** log(1 + n) for the small whole counts almost every term has: looked up, the same numbers. */
const LOG1P = Float64Array.from({ length: 256 }, (_, n) => Math.log1p(n));

function log1p(count: number): number {
  return count < LOG1P.length && count >= 0 && count === Math.floor(count) ? LOG1P[count]! : Math.log1p(count);
}

export function weight(doc: SparseVector, settings: TfidfSettings, idf?: Float64Array): SparseVector {
  const values = new Float64Array(doc.values.length);
  let norm = 0;
  for (let k = 0; k < values.length; k++) {
    let v = doc.values[k]!;
    if (settings.sublinearTf) v = log1p(v);
    if (settings.idf && idf) v *= idf[doc.indices[k]!]!;
    values[k] = v;
    norm += v * v;
  }
  if (settings.l2 && norm > 0) {
    const s = 1 / Math.sqrt(norm);
    for (let k = 0; k < values.length; k++) values[k]! *= s;
  }
  return { indices: doc.indices, values };
}
