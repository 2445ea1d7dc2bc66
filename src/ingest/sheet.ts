/**
 * A clean CSV or TSV export of the labeled sheet, including the canonical labeled CSV this
 * program writes. Columns are found by name (any case, with aliases), not by position.
 */
import Papa from "papaparse";
import type { InputProblem, LabeledAbstract, Taxonomy } from "../domain.js";
import { SafetagError } from "../errors.js";
import { readCell } from "../io/csv.js";
import { chooseDelimiter, refuseDuplicateColumns } from "../io/header.js";
import { toIsoDate } from "./dates.js";
import { checkAgainstTaxonomy } from "../taxonomy/checkLabels.js";
import { distinctCategories, isAbstractMissing, normalizeSpace, stripDuplicateMark, type IngestResult } from "./result.js";

type Field = "id" | "company" | "title" | "date" | "url" | "category" | "abstract" | "duplicate" | "abstractMissing" | "reviewer" | "reviewedAt" | "source";

/** Header names per field, compared lower-case without spaces, `_` or `-`. */
const ALIASES: Record<Field, readonly string[]> = {
  id: ["id"],
  company: ["company"],
  title: ["title"],
  date: ["date"],
  url: ["url", "link"],
  category: ["safetycategory", "category", "label"],
  abstract: ["abstract"],
  duplicate: ["duplicate"],
  abstractMissing: ["abstractmissing"],
  reviewer: ["reviewer"],
  reviewedAt: ["reviewedat"],
  source: ["source"],
};
const REQUIRED: readonly Field[] = ["category", "abstract"];

type Columns = Partial<Record<Field, number>>;

function headerKey(name: string): string {
  return name.replace(/^\uFEFF/, "").toLowerCase().replace(/[\s_-]+/g, "");
}

/** Which field a header cell names, if any. */
export function fieldOf(header: string): Field | undefined {
  const key = headerKey(header);
  return (Object.keys(ALIASES) as Field[]).find((f) => ALIASES[f].includes(key));
}

/** How well a header fits the sheet: the required columns it names, then the known ones (see io/header.ts). */
export function sheetHeaderScore(cells: readonly string[]): number[] {
  const fields = new Set(cells.map(fieldOf));
  return [REQUIRED.filter((f) => fields.has(f)).length, fields.size - (fields.has(undefined) ? 1 : 0)];
}

export function parseSheetExport(text: string, file: string, taxonomy?: Taxonomy): IngestResult {
  const body = text.replace(/^\uFEFF/, "");
  // The delimiter under which the header names the columns: one rule for every CSV reader.
  const delimiter = chooseDelimiter(body, sheetHeaderScore, /\.tsv$/i.test(file) ? "\t" : undefined);
  const parsed = Papa.parse<string[]>(body, { header: false, skipEmptyLines: false, delimiter });
  const [header = [], ...records] = withoutFinalNewline(parsed.data);
  const columns = findColumns(header, file);
  const unclosed = parsed.errors.find((e) => e.code === "MissingQuotes");
  if (unclosed) throw unclosedQuote(unclosed, text, file); // the rest of the file would be one cell: rows lost
  const problems: InputProblem[] = parseErrors(parsed.errors, file, body, parsed.data);
  const emptyRows: number[] = [];
  const rows: LabeledAbstract[] = [];
  const seenIds = new Set<string>();
  records.forEach((cells, k) => {
    const row = k + 2; // the header is spreadsheet row 1
    if (cells.every((c) => c.trim() === "")) {
      emptyRows.push(row);
      return;
    }
    const read = readRecord(cells, header.length, columns, row, file);
    problems.push(...read.problems);
    if (!read.row) return;
    if (seenIds.has(read.row.id)) problems.push(duplicateId(read.row, file));
    else {
      seenIds.add(read.row.id);
      rows.push(read.row);
    }
  });
  if (taxonomy) problems.push(...checkAgainstTaxonomy(rows, taxonomy, file));
  return { rows, problems, emptyRows, categories: distinctCategories(rows) };
}

/** Papaparse reads the newline that ends the file as one more, empty, record; it is not a blank row. */
function withoutFinalNewline(records: string[][]): string[][] {
  const last = records[records.length - 1];
  return last && last.length === 1 && last[0] === "" ? records.slice(0, -1) : records;
}

function findColumns(header: readonly string[], file: string): Columns {
  refuseDuplicateColumns(header, fieldOf, file);
  const columns: Columns = {};
  header.forEach((name, i) => {
    const field = fieldOf(name);
    if (field !== undefined && columns[field] === undefined) columns[field] = i;
  });
  const missing = REQUIRED.filter((f) => columns[f] === undefined);
  if (missing.length > 0) throw missingColumns(missing, header, file);
  return columns;
}

function missingColumns(missing: readonly Field[], header: readonly string[], file: string): SafetagError {
  const found = header.map((h) => h.trim()).filter((h) => h !== "");
  const names = missing.map((f) => `\`${f}\``).join(" and ");
  const hint = `the first row must name the columns; ${missing.map((f) => `${f} may be called ${ALIASES[f].join(", ")}`).join("; ")} (any case)`;
  const problems: InputProblem[] = missing.map((f) => ({
    code: "E_SHEET_COLUMNS", file, line: 1, column: f, value: found.join(", "), message: `no ${f} column`, hint,
  }));
  return new SafetagError("E_SHEET_COLUMNS", `${file}: no ${names} column (found: ${found.join(", ") || "nothing"})`, { problems, hint });
}

/** Malformed quoting papaparse read past (a quote inside a quoted cell, not doubled): the row, the cell holding the quote, and the line as written. */
function parseErrors(errors: readonly Papa.ParseError[], file: string, body: string, records: readonly string[][]): InputProblem[] {
  return errors.map((e) => {
    const cells = e.row === undefined ? undefined : records[e.row];
    const cell = cells?.findIndex((c) => c.includes('"')) ?? -1;
    const start = body.lastIndexOf("\n", Math.max(0, (e.index ?? 0) - 1)) + 1;
    return {
      code: "E_SHEET_PARSE", file, line: e.row === undefined ? undefined : e.row + 1,
      ...(cell >= 0 ? { column: records[0]?.[cell]?.trim() || String(cell + 1) } : {}),
      ...(e.index === undefined ? {} : { value: body.slice(start, start + 80).split(/\r\n|\n|\r/)[0] }),
      message: `the file is not well-formed CSV/TSV: ${e.message}`,
      hint: "a cell holding the delimiter, a quote or a line break must be in double quotes, with inner quotes doubled",
    };
  });
}

function unclosedQuote(e: Papa.ParseError, text: string, file: string): SafetagError {
  const line = text.slice(0, e.index ?? 0).split("\n").length;
  const row = e.row === undefined ? undefined : e.row + 1;
  const start = text.lastIndexOf("\n", Math.max(0, (e.index ?? 0) - 1)) + 1;
  const problem: InputProblem = {
    code: "E_SHEET_QUOTES", file, line, value: text.slice(start, start + 80).split("\n")[0],
    message: `a quoted cell in row ${row ?? "?"} never closes, so every row after it would be read as part of that cell`,
    hint: 'close the quote; a quote inside a quoted cell is written twice (""), and a cell that does not start with a quote needs none',
  };
  return new SafetagError("E_SHEET_QUOTES", `${file}: unbalanced quotes (line ${line}); nothing was read`, { problems: [problem] });
}

/** One data record, or problems saying why it was left out. */
function readRecord(cells: readonly string[], width: number, columns: Columns, row: number, file: string): { row?: LabeledAbstract; problems: InputProblem[] } {
  const extra = cells.slice(width).map((c) => c.trim()).filter((c) => c !== "");
  if (extra.length > 0) {
    return { problems: [{
      code: "E_SHEET_FIELDS", file, line: row, value: extra.join(" | ").slice(0, 120),
      message: `row ${row} has ${cells.length} cells but the header names ${width} columns; the row is left out`,
      hint: "a cell holding the delimiter must be in double quotes",
    }] };
  }
  const cell = (f: Field) => (columns[f] === undefined ? "" : readCell(cells[columns[f]!] ?? ""));
  const { text: categoryText, duplicate } = stripDuplicateMark(cell("category"));
  const category = normalizeSpace(categoryText);
  const abstract = normalizeSpace(cell("abstract"));
  const labeled: LabeledAbstract = {
    id: cell("id").trim() || `r${row}`,
    company: normalizeSpace(cell("company")),
    title: normalizeSpace(cell("title")),
    date: toIsoDate(cell("date")) ?? normalizeSpace(cell("date")),
    url: cell("url").trim(),
    category,
    abstract,
    duplicate: duplicate || isYes(cell("duplicate")),
    abstractMissing: isAbstractMissing(abstract) || isYes(cell("abstractMissing")),
    sourceLine: row,
  };
  for (const [field, value] of [["reviewer", cell("reviewer")], ["reviewedAt", cell("reviewedAt")], ["source", cell("source")]] as const) {
    if (value.trim() !== "") labeled[field] = normalizeSpace(value);
  }
  const problems = emptyCells(labeled, row, file);
  return category === "" ? { problems } : { row: labeled, problems };
}

function isYes(cell: string): boolean {
  return /^(1|true|yes|y|x)$/i.test(cell.trim());
}

/** A row without a category cannot be used and is left out; one without an abstract is kept and flagged. */
function emptyCells(row: LabeledAbstract, line: number, file: string): InputProblem[] {
  const at = { code: "E_MISSING_CELL", file, line, value: row.title || row.id };
  if (row.category === "") {
    return [{ ...at, column: "category", message: `row ${line} has no category; the row is left out`, hint: "fill in the category, or delete the row" }];
  }
  if (row.abstract === "") {
    return [{ ...at, column: "abstract",
      message: `row ${line} has no abstract; it is kept but not used for training`,
        hint: 'fill in the abstract, or write "Abstract not found" to say it is missing on purpose' }];
  }
  return [];
}

function duplicateId(row: LabeledAbstract, file: string): InputProblem {
  return {
    code: "E_SHEET_DUPLICATE_ID", file, line: row.sourceLine, column: "id", value: row.id,
    message: `id ${row.id} is used by an earlier row; this row is left out`,
    hint: "ids must be unique; leave the id column empty to number rows by their row number",
  };
}
