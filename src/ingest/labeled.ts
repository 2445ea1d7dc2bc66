/**
 * The labeled data, whatever shape it came in: the spreadsheet pasted as text, a CSV/TSV export
 * of it, or the canonical labeled CSV written by `safetag ingest`. One entry point, one result.
 */
import type { Category, InputProblem, LabeledAbstract, Taxonomy } from "../domain.js";
import { toCsv } from "../io/csv.js";
import { readTextFile } from "../io/decode.js";
import { taxonomySpellings } from "../taxonomy/names.js";
import { foldLabels } from "./labels.js";
import { parsePaste } from "./paste.js";
import { leftOutRow, type IngestResult } from "./result.js";
import { splitHeader } from "../io/header.js";
import { fieldOf, parseSheetExport, sheetHeaderScore } from "./sheet.js";
import { decodeText, isXlsxHead, readInputBytes } from "../io/decode.js";
import { EXIT, SafetagError } from "../errors.js";
import { inSheet, inSheetError, isWorkbookName, readWorkbook, type WorkbookSheet } from "./workbook.js";

export type { IngestResult } from "./result.js";

/**
 * The canonical labeled CSV, in this column order. The last three are the provenance of a label
 * accepted from a review round (empty for spreadsheet rows); files written before they existed
 * read as before, since columns are found by name.
 */
export const LABELED_COLUMNS = [
  "id", "company", "title", "date", "url", "category", "abstract", "duplicate", "abstract_missing", "reviewer", "reviewed_at", "source",
] as const;

export type LabeledFormat = "paste" | "sheet";

export interface ReadLabeledOptions {
  taxonomy?: Taxonomy;
  /** Spellings that win a tie between lookalike spellings of a category besides the taxonomy's (on a first ingest, the bundled taxonomy's; see labels.ts). */
  spellings?: readonly string[];
  /** The file's text when the caller has already read it (to hash it, say); `path` then only names it. */
  text?: string;
  /** The workbook sheet `text` was read from (see readLabeledInput). */
  workbook?: WorkbookSheet;
  /** The sheet to read when `path` is a workbook read here (the first one shown by default). */
  sheet?: string;
}

export function readLabeled(path: string, options: ReadLabeledOptions = {}): IngestResult {
  const workbook = options.workbook ?? (options.text === undefined && isWorkbookName(path) ? readLabeledInput(path, options.sheet).workbook : undefined);
  if (workbook) return readLabeledSheet(workbook, options);
  if (options.sheet !== undefined) throw notAWorkbook(path, options.sheet);
  const text = normalizeLineEnds(options.text ?? readText(path));
  const result = detectLabeledFormat(text, path) === "sheet"
    ? parseSheetExport(text, path, options.taxonomy)
    : parsePaste(text, path, options.taxonomy);
  // one spelling per category, whichever reader: lookalike and case variants folded, and said
  return foldLabels(result, path, preferredSpellings(options));
}

function preferredSpellings(options: ReadLabeledOptions): string[] {
  return [...taxonomySpellings(options.taxonomy?.categories ?? []), ...(options.spellings ?? [])];
}

/** A labeled file as read: its text, or a workbook's sheet as the CSV it would export to (`workbook` then says which). */
export interface LabeledInput {
  text: string;
  workbook?: WorkbookSheet;
}

/**
 * Reads a labeled file, a workbook when its name or its first bytes say so (ingest/workbook.ts),
 * text otherwise (io/decode.ts). `sheet` names a workbook's sheet, and is refused for text.
 */
export function readLabeledInput(path: string, sheet?: string): LabeledInput {
  const bytes = readInputBytes(path);
  if (isWorkbookName(path) || isXlsxHead(bytes)) {
    const workbook = readWorkbook(bytes, path, { sheet, fieldOf });
    return { text: workbook.csv, workbook };
  }
  if (sheet !== undefined) throw notAWorkbook(path, sheet);
  return { text: decodeText(bytes, path) };
}

/** The sheet's rows, read as its CSV export is (sheet.ts), with every problem placed in the workbook. */
function readLabeledSheet(book: WorkbookSheet, options: ReadLabeledOptions): IngestResult {
  let result: IngestResult;
  try {
    result = foldLabels(parseSheetExport(normalizeLineEnds(book.csv), book.label, options.taxonomy), book.label, preferredSpellings(options));
  } catch (e) {
    throw inSheetError(e, book, fieldOf);
  }
  return { ...result, problems: result.problems.map((p) => inSheet(p, book, fieldOf)) };
}

function notAWorkbook(path: string, sheet: string): SafetagError {
  return new SafetagError("E_NOT_A_WORKBOOK", `${path}: a sheet was named (${JSON.stringify(sheet)}), but this file is not an Excel workbook`, {
    exitCode: EXIT.usage,
    hint: "--sheet reads a sheet of an .xlsx workbook; leave it out for a CSV, TSV or pasted sheet",
  });
}

/** No BOM, `\n` line ends: what both readers expect. */
export function normalizeLineEnds(text: string): string {
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

/**
 * A sheet export when the name says CSV/TSV or the first line is a header naming an abstract and a
 * category column; anything else is read as a paste (which reports what it cannot read).
 */
export function detectLabeledFormat(text: string, path = ""): LabeledFormat {
  if (/\.(csv|tsv)$/i.test(path)) return "sheet";
  const { cells } = splitHeader(text, sheetHeaderScore); // the delimiter rule every CSV reader shares
  return sheetHeaderScore(cells)[0] === 2 ? "sheet" : "paste";
}

function readText(path: string): string {
  return readTextFile(path, "the labeled file"); // one decoding policy for every input (io/decode.ts)
}

/** The canonical CSV: cells that look like formulas are escaped (see io/csv.ts); flags as 1/0. */
export function labeledToCsv(rows: readonly LabeledAbstract[]): string {
  return toCsv(LABELED_COLUMNS, rows.map((r) => ({
    id: r.id,
    company: r.company,
    title: r.title,
    date: r.date,
    url: r.url,
    category: r.category,
    abstract: r.abstract,
    duplicate: r.duplicate ? 1 : 0,
    abstract_missing: r.abstractMissing ? 1 : 0,
    reviewer: r.reviewer ?? "",
    reviewed_at: r.reviewedAt ?? "",
    source: r.source ?? "",
  })));
}

/** Rows a model may learn from: not a repeat of another row, and with an abstract. */
export function usableForTraining(rows: readonly LabeledAbstract[]): LabeledAbstract[] {
  return rows.filter((r) => !r.duplicate && !r.abstractMissing && r.category !== "");
}

export interface IngestSummary {
  /** Every row read: kept + duplicates + missingAbstracts + leftOut, as the count line of rowAccount.ts says. */
  rowsRead: number;
  /** Rows usable for training. */
  kept: number;
  duplicates: number;
  /** Rows without abstract, duplicates not counted again. */
  missingAbstracts: number;
  /** Rows left out while reading (each has its problem in `problems`). */
  leftOut: number;
  emptyRows: number;
  /** Usable rows per category, most first (a Map: a category may be called `constructor`, or `2023`, and keeps its place). */
  perCategory: Map<Category, number>;
  problems: InputProblem[];
}

export function summarizeIngest(result: IngestResult): IngestSummary {
  const usable = usableForTraining(result.rows);
  const counts = new Map<Category, number>(result.categories.map((c) => [c, 0]));
  for (const row of usable) counts.set(row.category, (counts.get(row.category) ?? 0) + 1);
  const perCategory = new Map([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "en")));
  const leftOut = result.problems.filter(leftOutRow).length;
  return {
    rowsRead: result.rows.length + leftOut,
    kept: usable.length,
    duplicates: result.rows.filter((r) => r.duplicate).length,
    missingAbstracts: result.rows.filter((r) => !r.duplicate && r.abstractMissing).length,
    leftOut,
    emptyRows: result.emptyRows.length,
    perCategory,
    problems: result.problems,
  };
}

/** The summary as terminal lines; the problems themselves are printed by the caller with formatProblem. */
export function formatIngestSummary(summary: IngestSummary): string[] {
  const entries = [...summary.perCategory];
  const width = Math.max(0, ...entries.map(([name]) => name.length));
  const countWidth = String(Math.max(0, ...entries.map(([, n]) => n))).length;
  return [
    `${plural(summary.rowsRead, "row")} read: ${summary.kept} usable for training, ` +
      `${plural(summary.duplicates, "duplicate")} and ${summary.missingAbstracts} without abstract set aside` +
      `${summary.leftOut ? `, ${summary.leftOut} left out (see the problems)` : ""}; ` +
      `${plural(summary.emptyRows, "empty row")} skipped`,
    `${plural(entries.length, "category", "categories")} (usable rows):`,
    ...entries.map(([name, n]) => `  ${name.padEnd(width)}  ${String(n).padStart(countWidth)}`),
    summary.problems.length === 0 ? "no problems found" : `${plural(summary.problems.length, "problem")} found`,
  ];
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
