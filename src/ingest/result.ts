/**
 * What every labeled-data reader returns, and the cell conventions they share, so a paste and a
 * sheet export of the same spreadsheet give the same rows.
 */
import type { Category, InputProblem, LabeledAbstract } from "../domain.js";
import { foldSpace } from "../text/normalize.js";

export interface IngestResult {
  rows: LabeledAbstract[];
  /** Every row that could not be read, or was read with a doubt; rows are never dropped silently. */
  problems: InputProblem[];
  /** Spreadsheet row numbers that were blank. */
  emptyRows: number[];
  /** The distinct categories of `rows`, sorted. */
  categories: Category[];
}

/**
 * Problems that mean a row was left out of the result (the readers say "the row is left out").
 * Other problems (a missing date, an unknown category) keep the row. Every count of rows read
 * counts these too (see rowAccount.ts), so that the lines that say it agree.
 */
export function leftOutRow(p: InputProblem): boolean {
  switch (p.code) {
    case "E_PASTE_ROW":
    case "E_SHEET_FIELDS":
    case "E_SHEET_DUPLICATE_ID":
      return true;
    case "E_MISSING_CELL":
      return p.column === "category" || p.column === "Safety_category";
    default:
      return false;
  }
}

const DUPLICATE_MARK = /^\s*\[\s*duplicate\s*\]\s*/i;
const NOT_FOUND = /^abstract not found\.?$/i;

/** One space between words, none at the ends: wrapped lines join with a single space. */
export function normalizeSpace(text: string): string {
  return foldSpace(text);
}

/** `[Duplicate] Robustness` -> duplicate, `Robustness`. */
export function stripDuplicateMark(cell: string): { text: string; duplicate: boolean } {
  const m = DUPLICATE_MARK.exec(cell);
  return m ? { text: cell.slice(m[0].length), duplicate: true } : { text: cell, duplicate: false };
}

/** The sheet says `Abstract not found` where it has none; the text is kept, the row flagged. `abstract` is already `normalizeSpace`d. */
export function isAbstractMissing(abstract: string): boolean {
  return abstract === "" || NOT_FOUND.test(abstract);
}

export function distinctCategories(rows: readonly LabeledAbstract[]): Category[] {
  return [...new Set(rows.map((r) => r.category))].sort((a, b) => a.localeCompare(b, "en"));
}
