import type { FeatureSpace } from "../features/featureSpace.js";
import type { SparseVector } from "../features/vocabulary.js";
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
  const best: TermEvidence[] = [];
  if (top <= 0) return best;
  for (const [term, n] of counts) {
    const c = centred(term);
    if (c) keepBest(best, top, term, n * (c.weights[category]! - c.mean));
  }
  return best;
}

/**
 * Centred weights by term index of `classifier.features`: entry t * k + c is term t's weight for
 * category c minus its mean weight, computed exactly as `centredWeights` does (NaN for a term
 * without weights, which then never counts as evidence). One table per model, built on first use.
 */
const centredTableByModel = new WeakMap<FittedClassifier, Float64Array>();

function centredTable(classifier: FittedClassifier, features: FeatureSpace): Float64Array {
  let table = centredTableByModel.get(classifier);
  if (table) return table;
  const k = classifier.categories.length;
  const terms = features.terms;
  table = new Float64Array(terms.length * k).fill(NaN);
  for (let t = 0; t < terms.length; t++) {
    const w = classifier.termWeights?.(terms[t]!);
    if (!w || w.length !== k) continue;
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    for (let c = 0; c < k; c++) table[t * k + c] = w[c]! - mean;
  }
  centredTableByModel.set(classifier, table);
  return table;
}

/**
 * `explain` for a text already counted in `classifier.features` (`FeatureSpace.read`): the same
 * terms in the same order, without a map of the text's tokens or a lookup per term. The counts
 * hold exactly the distinct known terms with their numbers of occurrences, and the ranking is a
 * strict order (ties by term), so visiting them by index instead of by first occurrence cannot
 * change the result.
 */
export function explainCounts(classifier: FittedClassifier, counts: SparseVector, category: number, top = 5): TermEvidence[] {
  const features = classifier.features;
  if (!classifier.termWeights || !features) return [];
  const table = centredTable(classifier, features);
  const k = classifier.categories.length;
  const terms = features.terms;
  const best: TermEvidence[] = [];
  if (top <= 0) return best;
  for (let j = 0; j < counts.indices.length; j++) {
    const t = counts.indices[j]!;
    keepBest(best, top, terms[t]!, counts.values[j]! * table[t * k + category]!);
  }
  return best;
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
