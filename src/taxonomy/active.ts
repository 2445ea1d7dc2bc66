/** The categories a model learns: the active ones, without their history. */
import type { Category, LabeledAbstract, Taxonomy, TaxonomyEntry } from "../domain.js";

/** A category the model learns: not retired, not merged into another, not split. */
export function isActive(entry: TaxonomyEntry): boolean {
  return entry.retired !== true && entry.mergedInto === undefined && entry.splitInto === undefined;
}

/** The categories a model knows, with their descriptions; the history fields are left behind. */
export function activeTaxonomy(taxonomy: Taxonomy): Taxonomy {
  return {
    categories: taxonomy.categories.filter(isActive).map(({ name, description, keyPhrases, scope, background }) => ({
      name,
      ...(description === undefined ? {} : { description }),
      ...(keyPhrases === undefined ? {} : { keyPhrases }),
      ...(scope === undefined ? {} : { scope }),
      ...(background === undefined ? {} : { background }),
    })),
    ...(taxonomy.source === undefined ? {} : { source: taxonomy.source }),
  };
}

/**
 * Categories a model knows: those with rows, plus the taxonomy's active ones when it describes
 * this data (retired, merged and split categories are history, not categories to predict).
 */
export function modelCategories(rows: readonly LabeledAbstract[], taxonomy?: Taxonomy): Category[] {
  const fromRows = new Set(rows.map((r) => r.category));
  const described = taxonomy?.categories.filter(isActive).map((c) => c.name) ?? [];
  const relevant = described.some((c) => fromRows.has(c));
  return [...new Set([...fromRows, ...(relevant ? described : [])])].sort();
}
