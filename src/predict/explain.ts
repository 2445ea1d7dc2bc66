import type { FittedClassifier } from "../models/contract.js";

export interface TermEvidence {
  term: string;
  /** How much more this term's occurrences favour the category than the average category. */
  weight: number;
}

/** A known term's weight per category and their mean; null for a term the model does not know. */
type Centred = { weights: Float64Array; mean: number } | null;

/**
 * Worked out once per model and term, not once per abstract: a dump repeats the same terms in
 * every abstract, and this was the costliest step of labeling one. Cleared when it reaches
 * `CACHE_LIMIT` terms so a stream of never-seen words cannot grow it without end.
 */
const centredByModel = new WeakMap<FittedClassifier, Map<string, Centred>>();
const CACHE_LIMIT = 1 << 18;

function centredWeights(classifier: FittedClassifier): (term: string) => Centred {
  let cache = centredByModel.get(classifier);
  if (!cache) centredByModel.set(classifier, (cache = new Map()));
  const known = cache;
  return (term) => {
    let c = known.get(term);
    if (c === undefined) {
      const w = classifier.termWeights?.(term);
      c = w ? { weights: w, mean: w.reduce((a, b) => a + b, 0) / w.length } : null;
      if (known.size >= CACHE_LIMIT) known.clear();
      known.set(term, c);
    }
    return c;
  };
}

/** Strongest first; equal weights in term order, so the choice never depends on input order. */
const stronger = (a: TermEvidence, b: TermEvidence) => b.weight - a.weight || (a.term < b.term ? -1 : 1);

/**
 * The terms of a text that pushed it most towards `category`: each distinct term's weight for
 * that category minus its mean weight over all categories, times its count. Terms are shown
 * as the tokenizer produced them (stemmed when stemming is on).
 */
export function explain(classifier: FittedClassifier, tokens: readonly string[], category: number, top = 5): TermEvidence[] {
  if (!classifier.termWeights) return [];
  const centred = centredWeights(classifier);
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  // the best `top` so far, in order: the same result as sorting them all, without the sort
  const best: TermEvidence[] = [];
  if (top <= 0) return best;
  for (const [term, n] of counts) {
    const c = centred(term);
    if (!c) continue;
    const weight = n * (c.weights[category]! - c.mean);
    if (!(weight > 0)) continue;
    const e = { term, weight };
    if (best.length === top) {
      if (stronger(e, best[top - 1]!) >= 0) continue;
      best.pop();
    }
    let i = best.length;
    best.push(e);
    for (; i > 0 && stronger(e, best[i - 1]!) < 0; i--) best[i] = best[i - 1]!;
    best[i] = e;
  }
  return best;
}
