/**
 * What every labeled-data reader returns, and the cell conventions they share, so a paste and a
 * sheet export of the same spreadsheet give the same rows.
 */
import type { Category, InputProblem, LabeledAbstract, Taxonomy } from "../domain.js";
import { categoryKey, closestCategory } from "./taxonomy.js";

export interface IngestResult {
  rows: LabeledAbstract[];
  /** Every row that could not be read, or was read with a doubt; rows are never dropped silently. */
  problems: InputProblem[];
  /** Spreadsheet row numbers that were blank. */
  emptyRows: number[];
  /** The distinct categories of `rows`, sorted. */
  categories: Category[];
}

const DUPLICATE_MARK = /^\s*\[\s*duplicate\s*\]\s*/i;
const NOT_FOUND = /^abstract not found\.?$/i;

/** One space between words, none at the ends: wrapped lines join with a single space. */
export function normalizeSpace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** `[Duplicate] Robustness` -> duplicate, `Robustness`. */
export function stripDuplicateMark(cell: string): { text: string; duplicate: boolean } {
  const m = DUPLICATE_MARK.exec(cell);
  return m ? { text: cell.slice(m[0].length), duplicate: true } : { text: cell, duplicate: false };
}

/** The sheet says `Abstract not found` where it has none; the text is kept, the row flagged. */
export function isAbstractMissing(abstract: string): boolean {
  const a = normalizeSpace(abstract);
  return a === "" || NOT_FOUND.test(a);
}

export function distinctCategories(rows: readonly LabeledAbstract[]): Category[] {
  return [...new Set(rows.map((r) => r.category))].sort((a, b) => a.localeCompare(b, "en"));
}

/**
 * Spells each category as the taxonomy does (`mechanistic Interpretability` -> `Mechanistic
 * interpretability`) and reports, once per label, categories the taxonomy does not have.
 */
export function checkAgainstTaxonomy(
  rows: LabeledAbstract[],
  taxonomy: Taxonomy,
  file: string,
): InputProblem[] {
  const names = taxonomy.categories.map((c) => c.name);
  const unknown = new Map<string, LabeledAbstract[]>();
  for (const row of rows) {
    const canonical = closestCanonical(row.category, names);
    if (canonical !== undefined) row.category = canonical;
    else unknown.set(row.category, [...(unknown.get(row.category) ?? []), row]);
  }
  return [...unknown].map(([label, labelRows]) => unknownCategory(label, labelRows, names, file));
}

/** Only a case/spacing variant counts as the same category; a near miss is reported, not guessed. */
function closestCanonical(label: string, names: readonly string[]): string | undefined {
  const key = categoryKey(label);
  return names.find((n) => categoryKey(n) === key);
}

export function unknownCategory(label: string, rows: readonly LabeledAbstract[], names: readonly string[], file: string): InputProblem {
  const near = closestCategory(label, names);
  const ids = rows.map((r) => r.id);
  return {
    code: "E_UNKNOWN_CATEGORY",
    file,
    line: rows[0]?.sourceLine,
    column: "category",
    value: label,
    message: `category not in the taxonomy (${rows.length} row${rows.length === 1 ? "" : "s"}: ${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", ..." : ""})`,
    hint: near
      ? `did you mean "${near}"? Fix the cell, or add "${label}" to the taxonomy file`
      : `add "${label}" to the taxonomy file, or relabel the rows with one of: ${names.join(", ")}`,
  };
}
