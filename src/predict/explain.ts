import type { SparseVector } from "../features/vocabulary.js";
import type { FittedClassifier } from "../models/contract.js";

export interface TermEvidence {
  term: string;
  /** How much more this term's occurrences favour the category than the average category. */
  weight: number;
}

/** A known term's weight per category and their mean; null for a term the model does not know. */
type Centred = { weights: Float64Array; mean: number } | null;

/** When the terms worked out by `ofTokens` reach this many, they are forgotten, so a stream of never-seen words cannot grow them without end. */
const CACHE_LIMIT = 1 << 18;

/** Strongest first; equal weights in term order, so the choice never depends on input order. */
const stronger = (a: TermEvidence, b: TermEvidence) => b.weight - a.weight || (a.term < b.term ? -1 : 1);

/**
 * The terms of a text that pushed it most towards a category: each distinct term's weight for
 * that category minus its mean weight over all categories, times its count. Terms are shown as the
 * tokenizer produced them (stemmed when stemming is on). Made once per model (see makeLabeler):
 * the centred weights are worked out once per term, not once per abstract (a dump repeats the
 * same terms in every abstract, and this was the costliest step of labeling one), and kept here.
 */
export interface Explainer {
  /** From a text's tokens: the definition. */
  ofTokens(tokens: readonly string[], category: number, top?: number): TermEvidence[];
  /**
   * From a text already counted in the classifier's space (`FeatureSpace.read`): the same terms in
   * the same order, without a map of the text's tokens or a lookup per term. The counts hold
   * exactly the distinct known terms with their numbers of occurrences, and the ranking is a strict
   * order (ties by term), so visiting them by index instead of by first occurrence cannot change the
   * result.
   */
  ofCounts(counts: SparseVector, category: number, top?: number): TermEvidence[];
}

export function makeExplainer(classifier: FittedClassifier): Explainer {
  const known = new Map<string, Centred>();
  const centred = (term: string): Centred => {
    let c = known.get(term);
    if (c === undefined) {
      const w = classifier.termWeights(term);
      c = w ? { weights: w, mean: w.reduce((a, b) => a + b, 0) / w.length } : null;
      if (known.size >= CACHE_LIMIT) known.clear();
      known.set(term, c);
    }
    return c;
  };
  let table: Float64Array | undefined; // built on first use
  return {
    ofTokens(tokens, category, top = 5) {
      const counts = new Map<string, number>();
      for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
      const best: TermEvidence[] = [];
      if (top <= 0) return best;
      for (const [term, n] of counts) {
        const c = centred(term);
        if (c) keepBest(best, top, term, n * (c.weights[category]! - c.mean));
      }
      return best;
    },
    ofCounts(counts, category, top = 5) {
      table ??= centredTable(classifier);
      const k = classifier.categories.length;
      const terms = classifier.features.terms;
      const best: TermEvidence[] = [];
      if (top <= 0) return best;
      for (let j = 0; j < counts.indices.length; j++) {
        const t = counts.indices[j]!;
        keepBest(best, top, terms[t]!, counts.values[j]! * table[t * k + category]!);
      }
      return best;
    },
  };
}

/**
 * Centred weights by term index of `classifier.features`: entry t * k + c is term t's weight for
 * category c minus its mean weight, computed exactly as `ofTokens` does (NaN for a term without
 * weights, which then never counts as evidence).
 */
function centredTable(classifier: FittedClassifier): Float64Array {
  const k = classifier.categories.length;
  const terms = classifier.features.terms;
  const table = new Float64Array(terms.length * k).fill(NaN);
  for (let t = 0; t < terms.length; t++) {
    const w = classifier.termWeights(terms[t]!);
    if (!w || w.length !== k) continue;
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    for (let c = 0; c < k; c++) table[t * k + c] = w[c]! - mean;
  }
  return table;
}

/** Keeps `best` as the strongest `top` positive evidence so far, in order: the same result as sorting them all, without the sort. */
function keepBest(best: TermEvidence[], top: number, term: string, weight: number): void {
  if (!(weight > 0)) return;
  if (best.length === top && weight < best[top - 1]!.weight) return; // weaker than all kept: no need to make it
  const e = { term, weight };
  if (best.length === top) {
    if (stronger(e, best[top - 1]!) >= 0) return;
    best.pop();
  }
  let i = best.length;
  best.push(e);
  for (; i > 0 && stronger(e, best[i - 1]!) < 0; i--) best[i] = best[i - 1]!;
  best[i] = e;
}
