import type { Taxonomy } from "../domain.js";
import type { Tokenizer } from "../text/tokenize.js";
import type { TrainingExample } from "../models/contract.js";

/**
 * A category's description and key phrases become one pseudo-example of that category, weighted
 * like `weight` labeled rows: the description's tokens, then each key phrase's, once. This is prior
 * evidence: it lets a category with one or two labeled rows (or none yet) be predicted, and real
 * rows outweigh it as they accumulate. A category with neither gives none.
 */
export function taxonomyExamples(taxonomy: Taxonomy | undefined, tokenize: Tokenizer, weight: number): TrainingExample[] {
  if (!taxonomy || weight <= 0) return [];
  return taxonomy.categories
    .map((c) => ({
      category: c.name,
      tokens: [...tokenize(c.description ?? ""), ...(c.keyPhrases ?? []).flatMap((p) => tokenize(p))],
      weight,
      evidence: true,
    }))
    .filter((e) => e.tokens.length > 0);
}
