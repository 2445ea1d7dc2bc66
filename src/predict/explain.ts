import type { FittedClassifier } from "../models/contract.js";

export interface TermEvidence {
  term: string;
  /** How much more this term's occurrences favour the category than the average category. */
  weight: number;
}

/**
 * The terms of a text that pushed it most towards `category`: each distinct term's weight for
 * that category minus its mean weight over all categories, times its count. Terms are shown
 * as the tokenizer produced them (stemmed when stemming is on).
 */
export function explain(classifier: FittedClassifier, tokens: readonly string[], category: number, top = 5): TermEvidence[] {
  if (!classifier.termWeights) return [];
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  const out: TermEvidence[] = [];
  for (const [term, n] of counts) {
    const w = classifier.termWeights(term);
    if (!w) continue;
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const weight = n * (w[category]! - mean);
    if (weight > 0) out.push({ term, weight });
  }
  return out.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1)).slice(0, top);
}
