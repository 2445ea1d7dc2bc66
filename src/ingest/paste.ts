/**
 * The labeled spreadsheet pasted as text (see shared/seeds/README.md for how such a paste looks).
 * Rows are cut by their row numbers, cells by the date and URL, and the company and category by
 * the names that recur across rows, or by the taxonomy when there is one. Nothing about the
 * categories is built in: they come from the data or from the taxonomy file.
 */
import type { InputProblem, LabeledAbstract, Taxonomy } from "../domain.js";
import { toIsoDate } from "./dates.js";
import { capitalTails, resolveGluedUrl, splitRowCells, type RowCells } from "./pasteCells.js";
import { splitPasteRows, type PasteRow, type RowNumberNote, type SourceLine } from "./pasteRows.js";
import { knownLabels, recurringPrefixes, type CellRun } from "./prefixes.js";
import { canonicalCategory } from "../taxonomy/names.js";
import { respelledCategories, unknownCategories } from "../taxonomy/checkLabels.js";
import { distinctCategories, isAbstractMissing, normalizeSpace, stripDuplicateMark, type IngestResult } from "./result.js";

interface CutRow {
  row: PasteRow;
  cells: RowCells;
  duplicate: boolean;
}

export function parsePaste(text: string, file: string, taxonomy?: Taxonomy): IngestResult {
  const { rows: pasteRows, stray, notes } = splitPasteRows(text);
  const problems: InputProblem[] = [...stray.map((l) => strayLine(l, file)), ...notes.map((n) => rowNumberProblem(n, file))];
  const emptyRows = pasteRows.filter((r) => r.lines.length === 0).map((r) => r.row);
  const cut: CutRow[] = [];
  for (const row of dataRows(pasteRows)) {
    const cells = splitRowCells(row);
    if (cells) cut.push({ row, cells, duplicate: false });
    else problems.push(unreadableRow(row, file));
  }
  resolveGluedUrls(cut, taxonomy);
  for (const c of cut) markDuplicate(c);
  const rows = buildRows(cut, taxonomy, file, problems);
  return { rows, problems, emptyRows, categories: distinctCategories(rows) };
}

/** The rows with cells, without the header row. */
function dataRows(rows: readonly PasteRow[]): PasteRow[] {
  const filled = rows.filter((r) => r.lines.length > 0);
  return filled[0] && isHeaderRow(filled[0]) ? filled.slice(1) : filled;
}

/** Row 1 names the columns; it is recognised by its words, not its number, in case it was not copied. */
function isHeaderRow(row: PasteRow): boolean {
  const words = row.lines.map((l) => l.text).join("").toLowerCase();
  return words.includes("abstract") && words.includes("category") && !/https?:\/\//.test(words);
}

/**
 * A URL run into its category is split with the category names seen elsewhere, or the taxonomy's.
 * Without a taxonomy the names come first from rows whose URL stands apart, then, for a second
 * look, from every row, so a category whose rows are all glued to their URLs is still found.
 */
function resolveGluedUrls(cut: CutRow[], taxonomy: Taxonomy | undefined): void {
  const resolveAll = (names: readonly string[]) => {
    const match = knownLabels(names);
    for (const c of cut) if (c.cells.urlRun) c.cells = { ...c.cells, ...resolveGluedUrl(c.cells.urlRun, match) };
  };
  if (taxonomy) return resolveAll(taxonomy.categories.map((c) => c.name));
  const apart = cut.filter((c) => !c.cells.urlRun || c.cells.urlRun.rest.startsWith("\n"));
  resolveAll(labelsOf(apart));
  resolveAll([...labelsOf(cut), ...recurringUrlTails(cut)]);
}

/**
 * Ends shared by several URLs that stand alone on their lines (`.../2407.00106v1Unlearning`,
 * `.../2406.09073v1Unlearning`): different papers' URLs do not end alike, so this is a category.
 */
function recurringUrlTails(cut: readonly CutRow[]): string[] {
  const counts = new Map<string, number>();
  for (const { cells } of cut) {
    if (!cells.urlRun?.rest.startsWith("\n")) continue;
    for (const tail of capitalTails(cells.urlRun.token)) counts.set(tail, (counts.get(tail) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 1).map(([tail]) => tail);
}

function labelsOf(rows: readonly CutRow[]): string[] {
  return [...new Set(recurringPrefixes(rows.map((c) => withoutMark(c.cells.body))))];
}

/** `[Duplicate] ` before the category marks a paper listed twice; the mark is not part of the category. */
function markDuplicate(c: CutRow): void {
  const { text, duplicate } = stripDuplicateMark(c.cells.body.text);
  c.cells = { ...c.cells, body: { ...c.cells.body, text } };
  c.duplicate = duplicate;
}

function withoutMark(body: CellRun): CellRun {
  return { ...body, text: stripDuplicateMark(body.text).text };
}

function buildRows(cut: readonly CutRow[], taxonomy: Taxonomy | undefined, file: string, problems: InputProblem[]): LabeledAbstract[] {
  const companies = recurringPrefixes(cut.map((c) => c.cells.head));
  const { labels, unknown } = categoryLabels(cut.map((c) => c.cells.body), taxonomy);
  const rows: LabeledAbstract[] = [];
  const unknownRows: LabeledAbstract[] = [];
  const respelled: { label: string; row: LabeledAbstract }[] = [];
  cut.forEach((c, i) => {
    const row = toLabeledAbstract(c, companies[i]!, labels[i]!);
    problems.push(...missingCells(row, c, file));
    if (row.category === "") return;
    rows.push(row);
    if (unknown.has(i)) unknownRows.push(row);
    const asWritten = normalizeSpace(withoutMark(c.cells.body).text.slice(0, labels[i]!.length));
    if (taxonomy && !unknown.has(i) && asWritten !== row.category) respelled.push({ label: asWritten, row });
  });
  if (taxonomy) problems.push(...respelledCategories(respelled, file), ...unknownCategories(unknownRows, taxonomy, file));
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
 * otherwise the recurring prefix. `unknown` holds the indices of labels the taxonomy lacks.
 */
function categoryLabels(bodies: readonly CellRun[], taxonomy: Taxonomy | undefined): { labels: Label[]; unknown: Set<number> } {
  const discovered = recurringPrefixes(bodies);
  const match = knownLabels(taxonomy?.categories.map((c) => c.name) ?? []);
  const unknown = new Set<number>();
  const labels = bodies.map((body, i) => {
    const known = taxonomy ? match(body.text) : undefined;
    if (known) return { name: known.name, length: known.length };
    const label = { name: normalizeSpace(discovered[i]!), length: discovered[i]!.length };
    if (!taxonomy) return label;
    // `Power seeking tendencies` for `Power-seeking tendencies`: the same category, spelt differently.
    const canonical = canonicalCategory(label.name, taxonomy);
    if (canonical === undefined) unknown.add(i);
    return { ...label, name: canonical ?? label.name };
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
  const at = { file, line: c.row.line, value: c.row.lines.map((l) => l.text).join(" ").slice(0, 120) };
  const n = c.row.row;
  const problems: InputProblem[] = [];
  if (row.category === "") {
    problems.push({
      code: "E_MISSING_CELL", ...at, column: "Safety_category",
      message: `row ${n} has no category after its URL; the row is left out`,
      hint: "put the category before the abstract, as in the other rows",
    });
  } else if (row.abstract === "") {
    problems.push({
      code: "E_MISSING_CELL", ...at, column: "Abstract",
      message: `row ${n} has no abstract; it is kept but not used for training`,
      hint: 'paste the abstract, or write "Abstract not found" to say it is missing on purpose',
    });
  }
  if (row.date === "") {
    problems.push({
      code: "E_PASTE_DATE", ...at, column: "Date",
      message: `row ${n} has no date (like 17-Jun-24) before its URL`,
      hint: "the date shows where the title ends; add it to the row",
    });
  }
  return problems;
}

function strayLine(l: SourceLine, file: string): InputProblem {
  return {
    code: "E_PASTE_STRAY", file, line: l.line, value: l.text,
    message: "text before the first row number is not read",
    hint: "a paste starts with the spreadsheet's row numbers (and optionally the column letters); remove this line or paste the whole sheet",
  };
}

function rowNumberProblem(note: RowNumberNote, file: string): InputProblem {
  if (note.kind === "folded") {
    return {
      code: "W_PASTE_NUMBER_LINE", file, line: note.line, column: "Abstract", value: String(note.row),
      message: `a line holding ` +
        `only ${note.row} is read as part of row ${note.into}, not as row ${note.row}: it skips rows, and no date or URL follows it before the next row`,
      hint: `if it is row ${note.row}, give that row its date and URL; if it belongs to the text of row ${note.into}, join it to the line before`,
    };
  }
  return {
    code: "W_PASTE_ROW_NUMBER", file, line: note.line, value: String(note.row),
    message: `${note.row} stands alone on ` +
      `lines ${note.lines.join(" and ")}, and the cells after them do not tell which starts row ${note.row}; line ${note.line} is taken`,
    hint: `check where row ${note.row} starts; a number that belongs to an abstract can be joined to the line before`,
  };
}

function unreadableRow(row: PasteRow, file: string): InputProblem {
  return {
    code: "E_PASTE_ROW", file, line: row.line, column: "Date", value: row.lines.map((l) => l.text).join(" ").slice(0, 120),
    message: `row ${row.row} has neither a date (like 17-Jun-24) nor a URL, so its cells cannot be told apart; the row is left out`,
    hint: "check that the row has Company, Title, Date, URL, Safety_category and Abstract in that order",
  };
}
