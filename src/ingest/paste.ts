/**
 * The labeled spreadsheet pasted as text (see shared/seeds/README.md for how such a paste looks).
 * Rows are cut by their row numbers, cells by the date and URL, and the company and category by
 * the names that recur across rows, or by the taxonomy when there is one. Nothing about the
 * categories is built in: they come from the data or from the taxonomy file.
 */
import type { InputProblem, LabeledAbstract, Taxonomy } from "../domain.js";
import { toIsoDate } from "./dates.js";
import { resolveGluedUrl, splitRowCells, type RowCells } from "./pasteCells.js";
import { splitPasteRows, type PasteRow } from "./pasteRows.js";
import { matchKnownLabel, recurringPrefixes, type CellRun } from "./prefixes.js";
import {
  distinctCategories, isAbstractMissing, normalizeSpace, stripDuplicateMark, unknownCategory, type IngestResult,
} from "./result.js";

interface CutRow {
  row: PasteRow;
  cells: RowCells;
  duplicate: boolean;
}

export function parsePaste(text: string, file: string, taxonomy?: Taxonomy): IngestResult {
  const { rows: pasteRows, stray } = splitPasteRows(text);
  const problems: InputProblem[] = stray.map((l) => ({
    code: "E_PASTE_STRAY", file, line: l.line, value: l.text,
    message: "text before the first row number",
    hint: "a paste starts with the spreadsheet's row numbers (and optionally the column letters); remove this line or paste the whole sheet",
  }));
  const emptyRows: number[] = [];
  const cut: CutRow[] = [];
  const first = pasteRows.findIndex((r) => r.lines.length > 0);
  pasteRows.forEach((row, i) => {
    if (row.lines.length === 0) emptyRows.push(row.row);
    else if (i === first && isHeaderRow(row)) return;
    else {
      const cells = splitRowCells(row);
      if (cells) cut.push(withDuplicateMark(row, cells));
      else problems.push(unreadableRow(row, file));
    }
  });
  resolveGluedUrls(cut, taxonomy);
  const rows = buildRows(cut, taxonomy, file, problems);
  return { rows, problems, emptyRows, categories: distinctCategories(rows) };
}

/** Row 1 names the columns; it is recognised by its words, not its number, in case it was not copied. */
function isHeaderRow(row: PasteRow): boolean {
  const words = row.lines.map((l) => l.text).join("").toLowerCase();
  return words.includes("abstract") && words.includes("category") && !/https?:\/\//.test(words);
}

function withDuplicateMark(row: PasteRow, cells: RowCells): CutRow {
  const { text, duplicate } = stripDuplicateMark(cells.body.text);
  return { row, cells: { ...cells, body: { ...cells.body, text } }, duplicate };
}

/** A URL run into its category is split with the category names seen elsewhere (or the taxonomy's). */
function resolveGluedUrls(cut: CutRow[], taxonomy: Taxonomy | undefined): void {
  const clean = cut.filter((c) => !c.cells.urlRun || c.cells.urlRun.rest.startsWith("\n"));
  const names = taxonomy ? taxonomy.categories.map((c) => c.name) : recurringPrefixes(clean.map((c) => c.cells.body));
  for (const c of cut) {
    if (!c.cells.urlRun) continue;
    const { url, body } = resolveGluedUrl(c.cells.urlRun, names);
    const marked = stripDuplicateMark(body.text);
    c.cells = { ...c.cells, url, body: { ...body, text: marked.text } };
    c.duplicate ||= marked.duplicate;
  }
}

function buildRows(cut: readonly CutRow[], taxonomy: Taxonomy | undefined, file: string, problems: InputProblem[]): LabeledAbstract[] {
  const companies = recurringPrefixes(cut.map((c) => c.cells.head));
  const { labels, unknown } = categoryLabels(cut.map((c) => c.cells.body), taxonomy);
  const rows: LabeledAbstract[] = [];
  const unknownRows: LabeledAbstract[] = [];
  cut.forEach((c, i) => {
    const row = toLabeledAbstract(c, companies[i]!, labels[i]!);
    problems.push(...missingCells(row, c, file));
    if (row.category === "") return;
    rows.push(row);
    if (unknown.has(i)) unknownRows.push(row);
  });
  if (taxonomy) problems.push(...unknownLabels(unknownRows, taxonomy, file));
  return rows;
}

interface Label {
  /** The category as it will be stored. */
  name: string;
  /** How many characters of the body it covers. */
  length: number;
}

/**
 * The category at the start of each body: a taxonomy name if one matches (its spelling wins),
 * otherwise the recurring prefix. `unknown` holds the indices of bodies no taxonomy name matched.
 */
function categoryLabels(bodies: readonly CellRun[], taxonomy: Taxonomy | undefined): { labels: Label[]; unknown: Set<number> } {
  const discovered = recurringPrefixes(bodies);
  const names = taxonomy?.categories.map((c) => c.name) ?? [];
  const unknown = new Set<number>();
  const labels = bodies.map((body, i) => {
    const known = taxonomy ? matchKnownLabel(body.text, names) : undefined;
    if (known) return { name: known.name, length: known.length };
    if (taxonomy) unknown.add(i);
    return { name: normalizeSpace(discovered[i]!), length: discovered[i]!.length };
  });
  return { labels, unknown };
}

function toLabeledAbstract(c: CutRow, company: string, label: Label): LabeledAbstract {
  const { head, body, dateText, url } = c.cells;
  const abstract = normalizeSpace(body.text.slice(label.length));
  return {
    id: `r${c.row.row}`,
    company: normalizeSpace(company),
    title: normalizeSpace(head.text.slice(company.length)),
    date: toIsoDate(dateText) ?? dateText,
    url,
    category: label.name,
    abstract,
    duplicate: c.duplicate,
    abstractMissing: isAbstractMissing(abstract),
    sourceLine: c.row.line,
  };
}

/** A row without a category cannot be used and is left out; one without an abstract is kept and flagged. */
function missingCells(row: LabeledAbstract, c: CutRow, file: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const at = { file, line: c.row.line, value: c.row.lines.map((l) => l.text).join(" ").slice(0, 120) };
  if (row.category === "") {
    problems.push({ code: "E_MISSING_CELL", ...at, column: "Safety_category", message: `row ${c.row.row} has no category after its URL; the row is left out`, hint: "put the category before the abstract, as in the other rows" });
  } else if (row.abstract === "") {
    problems.push({ code: "E_MISSING_CELL", ...at, column: "Abstract", message: `row ${c.row.row} has no abstract; it is kept but not used for training`, hint: 'paste the abstract, or write "Abstract not found" to say it is missing on purpose' });
  }
  if (row.date === "") {
    problems.push({ code: "E_PASTE_DATE", ...at, column: "Date", message: `row ${c.row.row} has no date (like 17-Jun-24) before its URL`, hint: "the date helps find where the title ends; add it to the row" });
  }
  return problems;
}

/** One problem per label the taxonomy lacks, naming its rows. */
function unknownLabels(rows: readonly LabeledAbstract[], taxonomy: Taxonomy, file: string): InputProblem[] {
  const names = taxonomy.categories.map((c) => c.name);
  const byLabel = new Map<string, LabeledAbstract[]>();
  for (const row of rows) byLabel.set(row.category, [...(byLabel.get(row.category) ?? []), row]);
  return [...byLabel].map(([label, labelRows]) => unknownCategory(label, labelRows, names, file));
}

function unreadableRow(row: PasteRow, file: string): InputProblem {
  return {
    code: "E_PASTE_ROW", file, line: row.line, column: "Date", value: row.lines.map((l) => l.text).join(" ").slice(0, 120),
    message: `row ${row.row} has neither a date (like 17-Jun-24) nor a URL, so its cells cannot be told apart; the row is left out`,
    hint: "check that the row has Company, Title, Date, URL, Safety_category and Abstract in that order",
  };
}
