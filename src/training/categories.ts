/** The category set a model is trained on: which categories it knows, and which row sets it refuses. */
import type { Category } from "../domain.js";
import { SafetagError } from "../errors.js";
import { MAX_CATEGORIES } from "../modelfile/checks.js";

/**
 * More categories than half the rows: most categories have a single row, so held out, most rows
 * belong to a category the rest of the rows never show. A cross-validation then measures nothing
 * (macro-F1 near 0 whatever the settings) and costs minutes on thousands of categories, so
 * training's inner one is not run (the model keeps the default settings and sends every
 * prediction to review) and `evaluate` refuses.
 */
export function sparseCategories(rows: readonly { category: Category }[]): boolean {
  return isSparse(new Set(rows.map((r) => r.category)).size, rows.length);
}

const isSparse = (categories: number, rows: number) => categories * 2 > rows;

export interface CategoryCounts {
  rows: number;
  categories: number;
  /** Categories with a single row. */
  singletons: number;
  /** See sparseCategories. */
  sparse: boolean;
}

/**
 * Refuses training rows no model can learn from: all in one category (the model would give that
 * category as its own runner-up), or more categories than a model file may hold. What it returns
 * says whether the rows are sparse (see sparseCategories), for a warning.
 */
export function checkTrainingCategories(rows: readonly { category: Category }[], file: string): CategoryCounts {
  const counts = new Map<Category, number>();
  for (const r of rows) counts.set(r.category, (counts.get(r.category) ?? 0) + 1);
  if (counts.size < 2) {
    const only = [...counts.keys()][0];
    throw new SafetagError("E_ONE_CATEGORY",
      `${file}: all ${rows.length} rows used for training are in one category ` +
        `(${JSON.stringify(only)}); a model needs rows of at least two categories to tell them apart`, {
      hint: "label rows of other categories too",
    });
  }
  if (counts.size > MAX_CATEGORIES) {
    throw new SafetagError("E_TOO_MANY_CATEGORIES",
      `${file}: ${counts.size} categories; a model holds at most ${MAX_CATEGORIES}`, { hint: "check the category column: it may hold titles or ids" });
  }
  let singletons = 0;
  for (const n of counts.values()) if (n === 1) singletons++;
  return { rows: rows.length, categories: counts.size, singletons, sparse: isSparse(counts.size, rows.length) };
}
