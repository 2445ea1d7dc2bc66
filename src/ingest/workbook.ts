/**
 * Excel workbooks (.xlsx, .xlsm), turned into the CSV a spreadsheet program would export from one
 * sheet, so the CSV readers (sheet.ts for labeled rows, abstracts.ts for predict's input) read a
 * workbook exactly as they read its export: line k of the text is spreadsheet row k, and its cells
 * start at column A. Problems found afterwards are placed back in the sheet (`inSheet`).
 *
 * Cells are read as a person sees them, which is not always what the file stores:
 * - A date is a number with a date format. It is written in ISO 8601 as far as its format shows it
 *   (2024-06-17; 2024-06 for `mmm yyyy`; 2024-06-17T09:30 when the time is shown), in the
 *   workbook's own date system (1900 or 1904). A duration (`[h]:mm`) and any other number are
 *   written as their format shows them, except integers in the General format, written in full
 *   (1234567890123 as the formula bar shows it, not the cell's 1.23457E+12).
 * - A hyperlink is its shown text, and in the URL column its address.
 * - A formula is its saved (cached) value. A formula with no saved value, and an error value
 *   (#N/A, #REF!), are refused in a column the reader uses: there is no text there to read.
 * - A header cell merged across columns names the first column it covers; the others are named
 *   `<header> (column F)`, and refused if they hold values under a header the reader uses (which
 *   column would be the abstract?). A merge below the header that hides cells of a used column (a
 *   category merged down five rows) is refused too: its export gives the value to one row only.
 *   An empty header cell above values is named `column H`, like any column the reader does not use.
 *
 * The format is read by SheetJS (the Community Edition, published on npm as @e965/xlsx), loaded
 * when a workbook is read: a megabyte of code that commands reading text never need.
 */
import { createRequire } from "node:module";
import type * as Xlsx from "@e965/xlsx";
import type { InputProblem } from "../domain.js";
import { EXIT, SafetagError } from "../errors.js";
import { csvLine } from "../io/csv.js";
import { MAX_TEXT_BYTES, isXlsxHead } from "../io/decode.js";

const require = createRequire(import.meta.url);
const sheetjs = (): typeof Xlsx => require("@e965/xlsx") as typeof Xlsx;

/** A workbook is read whole, and unpacks to many times its size: this is far above any labeled sheet. */
export const MAX_WORKBOOK_BYTES = 64 * 1024 * 1024;

/** A name that says Excel workbook. Content says so too (io/decode.ts `isXlsxHead`). */
export function isWorkbookName(path: string): boolean {
  return /\.xls[xm]$/i.test(path);
}

export interface WorkbookOptions {
  /** The sheet to read (any case); the first sheet shown when absent. */
  sheet?: string;
  /**
   * Which of the reader's columns a header cell names; undefined for a column the reader does not
   * read. The column that names `url` gets a hyperlink's address instead of its text.
   */
  fieldOf: (header: string) => string | undefined;
}

export interface WorkbookSheet {
  /** The workbook as it was named. */
  file: string;
  /** The sheet read, and every sheet of the workbook in tab order. */
  sheet: string;
  sheets: readonly string[];
  /** `book.xlsx (sheet "Papers")`: how messages name the sheet. */
  label: string;
  /** The sheet as the CSV its export would be: line k is spreadsheet row k, from column A. */
  csv: string;
  /** The header's cells as read (merged and empty header cells named), by column from A. */
  header: readonly string[];
}

/** `A`, ..., `Z`, `AA`: a 0-based column as a spreadsheet names it. */
export function columnLetters(index: number): string {
  let s = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** One sheet of the workbook in `bytes` (see the top of this file); a file that is not a readable .xlsx is refused, exit 65. */
export function readWorkbook(bytes: Uint8Array, file: string, options: WorkbookOptions): WorkbookSheet {
  const X = sheetjs();
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  refuseNonWorkbook(X, buffer, file);
  let book: Xlsx.WorkBook;
  try {
    book = X.read(buffer,
      { type: "buffer", dense: true, cellNF: true, cellText: true, cellDates: false, cellFormula: true, cellHTML: false, sheetStubs: true });
  } catch (e) {
    throw notReadable(file, buffer, e);
  }
  if (book.bookType !== "xlsx") {
    throw workbookError("E_WORKBOOK_FORMAT", file,
      `this is ${book.bookType === "ods" ? "an OpenDocument spreadsheet (.ods)" : `a ${book.bookType ?? "spreadsheet"} file`}, not an Excel workbook (.xlsx)`,
        SAVE_AS_XLSX);
  }
  const sheet = chooseSheet(book, file, options.sheet);
  const label = `${file} (sheet ${JSON.stringify(sheet)})`;
  const grid = readGrid(book.Sheets[sheet] as DenseSheet, label, { date1904: book.Workbook?.WBProps?.date1904 === true, ssf: X.SSF as Ssf }, options.fieldOf);
  if (!grid) {
    const others = book.SheetNames.filter((n) => n !== sheet);
    throw workbookError("E_WORKBOOK_EMPTY", label, "the sheet has no cells with values", others.length
      ? `the workbook's other sheets: ${quoteNames(others)}; name one with --sheet` : "check that this is the workbook you meant, and that it was saved");
  }
  return { file, sheet, sheets: book.SheetNames, label, ...grid };
}

/** What the CLI says before the rows: which sheet it read, of how many. */
export function describeSheet(book: WorkbookSheet): string {
  const of = book.sheets.length > 1 ? ` (of ${book.sheets.length}: ${quoteNames(book.sheets)}; --sheet NAME reads another)` : "";
  return `${book.file}: sheet ${JSON.stringify(book.sheet)} read${of}`;
}

/**
 * A problem a CSV reader found in the sheet's text, placed in the workbook: the sheet in the file
 * name, and the column as its letter and header (`C (Abstract)`). `fieldOf` is the reader's.
 */
export function inSheet(problem: InputProblem, book: WorkbookSheet, fieldOf: (header: string) => string | undefined): InputProblem {
  if (problem.file !== book.file && problem.file !== book.label) return problem;
  const column = problem.column;
  const i = column === undefined ? -1 : book.header.findIndex((h) => h.trim() !== "" && (h.trim() === column || fieldOf(h) === column));
  return { ...problem, file: book.label, ...(i < 0 ? {} : { column: `${columnLetters(i)} (${book.header[i]!.trim()})` }) };
}

/** An error a CSV reader threw on the sheet's text, placed in the workbook (see inSheet). */
export function inSheetError(e: unknown, book: WorkbookSheet, fieldOf: (header: string) => string | undefined): unknown {
  if (!(e instanceof SafetagError)) return e;
  const message = e.message.startsWith(`${book.file}: `) ? `${book.label}: ${e.message.slice(book.file.length + 2)}` : e.message;
  return new SafetagError(e.code, message, { exitCode: e.exitCode, problems: e.problems.map((p) => inSheet(p, book, fieldOf)), hint: e.hint });
}

const SAVE_AS_XLSX = 'open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx), or export the sheet as CSV (Save As > "CSV UTF-8")';

/** A dense worksheet: rows of cells, with holes where a row or a cell is empty. */
type DenseSheet = Xlsx.WorkSheet & { "!data"?: (Xlsx.CellObject | undefined)[][] };

/** Before the library reads it: an empty, too large, encrypted or old-style file, or one that is no zip archive, is not an .xlsx. */
function refuseNonWorkbook(X: typeof Xlsx, bytes: Buffer, file: string): void {
  if (bytes.length === 0) {
    throw workbookError("E_EMPTY_INPUT", file, "the file is empty", "check that this is the file you meant, and that it was saved completely");
  }
  if (bytes.length > MAX_WORKBOOK_BYTES) {
    throw new SafetagError("E_INPUT_TOO_LARGE",
      `${file}: the workbook is ${(bytes.length / 2 ** 20).toFixed(0)} MiB; safetag reads workbooks of at most ${MAX_WORKBOOK_BYTES / 2 ** 20} MiB`, {
      exitCode: EXIT.dataError,
      hint: "split the workbook, or export the sheet as CSV: `safetag predict` streams CSV of any size",
    });
  }
  const starts = (...b: number[]) => b.every((x, i) => bytes[i] === x);
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    // An Office compound file: a password-protected workbook (its zip encrypted inside one), or an old .xls.
    let encrypted = false;
    try {
      const cfb = X.CFB.read(bytes, { type: "buffer" });
      encrypted = X.CFB.find(cfb, "EncryptionInfo") != null || X.CFB.find(cfb, "EncryptedPackage") != null;
    } catch (e) {
      throw notReadable(file, bytes, e);
    }
    if (encrypted) {
      throw workbookError("E_WORKBOOK_ENCRYPTED", file,
        "the workbook is password-protected (encrypted), so its cells cannot be read",
          "open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, then clear it) and save; or export the sheet as CSV");
    }
    throw workbookError("E_WORKBOOK_FORMAT", file, "this is an old-style Excel workbook (.xls) or another Office file, not an .xlsx", SAVE_AS_XLSX);
  }
  if (!starts(0x50, 0x4b)) {
    throw workbookError("E_WORKBOOK_FORMAT", file,
      `not an Excel workbook: an .xlsx is a zip archive, and this file starts with ${hex(bytes.subarray(0, 4))}`,
        "if it is a CSV or text file, give it a name ending in .csv or .txt; if it should be a workbook, it is damaged (download or save it again)");
  }
}

function notReadable(file: string, bytes: Uint8Array, e: unknown): SafetagError {
  const why = e instanceof Error ? e.message : String(e);
  if (!isXlsxHead(bytes)) {
    return workbookError("E_WORKBOOK_FORMAT", file,
      `a zip archive, but not an Excel workbook (${why})`, "unpack it (`unzip FILE`) and give safetag the CSV or workbook inside");
  }
  return workbookError("E_WORKBOOK_DAMAGED", file,
    `the workbook is damaged and cannot be read (${why})`,
      "open it in Excel or LibreOffice: if it opens, save it again as .xlsx; if not, download or copy it again");
}

function workbookError(code: string, file: string, message: string, hint: string): SafetagError {
  return new SafetagError(code, `${file}: ${message}`, { exitCode: EXIT.dataError, problems: [{ code, file, message, hint }], hint });
}

function chooseSheet(book: Xlsx.WorkBook, file: string, wanted: string | undefined): string {
  const names = book.SheetNames;
  const ofCells = (name: string) => (book.Sheets[name]?.["!type"] ?? "sheet") === "sheet";
  if (wanted !== undefined) {
    // Excel keeps sheet names unique whatever their case, so `papers` finds `Papers`.
    const found = names.find((n) => n === wanted) ?? names.find((n) => n.toLowerCase() === wanted.toLowerCase());
    if (found === undefined) {
      throw workbookError("E_WORKBOOK_SHEET", file,
        `no sheet named ${JSON.stringify(wanted)}`, `the workbook's sheets: ${quoteNames(names)}; name one of them with --sheet (any case)`);
    }
    if (!ofCells(found)) throw workbookError("E_WORKBOOK_SHEET", file,
      `the sheet ${JSON.stringify(found)} is a ${book.Sheets[found]?.["!type"]} sheet, not a sheet of cells`, `the workbook's sheets: ${quoteNames(names)}`);
    return found;
  }
  // the first tab a person sees: hidden sheets and chart sheets are passed over
  const shown = names.find((n, i) => ofCells(n) && !book.Workbook?.Sheets?.[i]?.Hidden);
  if (shown === undefined) throw workbookError("E_WORKBOOK_EMPTY", file, "the workbook has no visible sheet of cells",
    `the workbook's sheets: ${quoteNames(names)}; name one with --sheet`);
  return shown;
}

function quoteNames(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(", ");
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => `0x${b.toString(16).toUpperCase().padStart(2, "0")}`).join(" ");
}

/** A cell's value as shown, or why it has none to show. */
type Shown = { text: string } | { refused: string; shows: string };

/** What showing a number takes: the workbook's date system, and SheetJS's number formatter. */
interface Reading {
  date1904: boolean;
  ssf: Ssf;
}

/** The sheet's text, header and CSV; undefined for a sheet without a value. Problems of every cell are thrown together. */
function readGrid(ws: DenseSheet, label: string, reading: Reading, fieldOf: WorkbookOptions["fieldOf"]): { csv: string; header: string[] } | undefined {
  const rows = ws["!data"] ?? [];
  let headerRow = -1;
  let lastRow = -1;
  let width = 0;
  rows.forEach((row, r) => {
    row?.forEach((cell, c) => {
      if (!hasValue(cell)) return;
      if (headerRow < 0) headerRow = r;
      lastRow = r;
      width = Math.max(width, c + 1);
    });
  });
  if (headerRow < 0) return undefined;
  const problems: InputProblem[] = [];
  const cellAt = (r: number, c: number) => rows[r]?.[c];
  const shownAt = (r: number, c: number, url = false) => shown(cellAt(r, c), reading, url);
  const valueBelow = (c: number, from: number) => {
    for (let r = from; r <= lastRow; r++) if (hasValue(cellAt(r, c))) return r;
    return -1;
  };

  const header: string[] = [];
  for (let c = 0; c < width; c++) {
    const s = shownAt(headerRow, c);
    if ("refused" in s) problems.push(cellProblem(label, headerRow, c, s.shows || "the header", s.refused));
    header.push("text" in s ? s.text : s.shows);
  }
  const merges = ws["!merges"] ?? [];
  for (const m of merges) {
    if (m.s.r !== headerRow) continue;
    const name = header[m.s.c]!.trim();
    for (let c = m.s.c + 1; c <= m.e.c && c < width; c++) if (header[c]!.trim() === "" && name !== "") header[c] = `${name} (column ${columnLetters(c)})`;
  }
  for (let c = 0; c < width; c++) if (header[c]!.trim() === "" && valueBelow(c, headerRow + 1) >= 0) header[c] = `column ${columnLetters(c)}`;
  const used = header.map((h) => fieldOf(h) !== undefined);

  for (const m of merges) {
    const range = `${columnLetters(m.s.c)}${m.s.r + 1}:${columnLetters(m.e.c)}${m.e.r + 1}`;
    if (m.s.r === headerRow && fieldOf(header[m.s.c]!) !== undefined) {
      for (let c = m.s.c + 1; c <= m.e.c && c < width; c++) {
        const r = valueBelow(c, m.e.r + 1);
        if (r < 0) continue;
        problems.push({
          code: "E_WORKBOOK_MERGED", file: label, line: r + 1, column: `${columnLetters(c)} (${header[c]})`, value: range,
          message: `the header ${JSON.stringify(header[m.s.c]!.trim())} is merged ` +
            `over ${range}, and column ${columnLetters(c)} holds values too; safetag reads one column under each name, column ${columnLetters(m.s.c)}`,
          hint: `unmerge the header (Excel: Home > Merge & Center) and give ` +
            `column ${columnLetters(c)} a name of its own, or move its values into column ${columnLetters(m.s.c)}`,
        });
        break;
      }
    }
    const hidden = hasValue(cellAt(m.s.r, m.s.c)) ? firstHidden(m, headerRow, used) : undefined; // merged empty cells show nothing either
    if (!hidden) continue;
    const [r, c] = hidden;
    problems.push({
      code: "E_WORKBOOK_MERGED", file: label, line: r + 1, column: `${columnLetters(c)} (${header[c]})`, value: range,
      message: `cells ${range} are merged: a person sees one value across them, but ` +
        `only ${columnLetters(m.s.c)}${m.s.r + 1} holds it, so ${columnLetters(c)}${r + 1} (${header[c]}) would be read as empty`,
      hint: "unmerge the cells (Excel: Home > Merge & Center > Unmerge Cells) and fill in each cell",
    });
  }

  const lines: string[] = [];
  let length = 0;
  for (let r = 0; r <= lastRow; r++) {
    const cells: string[] = [];
    if (r === headerRow) cells.push(...header);
    else {
      for (let c = 0; c < width; c++) {
        const s = shownAt(r, c, fieldOf(header[c]!) === "url"); // rows above the header are empty
        if ("refused" in s && used[c]) problems.push(cellProblem(label, r, c, header[c]!, s.refused, s.shows));
        cells.push("text" in s ? s.text : s.shows);
      }
    }
    const line = csvLine(cells); // cells that start like formulas are escaped, and the CSV readers undo exactly that (io/csv.ts)
    length += line.length;
    if (length > MAX_TEXT_BYTES) {
      throw new SafetagError("E_INPUT_TOO_LARGE",
        `${label}: the sheet holds more than ${MAX_TEXT_BYTES / 2 ** 20} MiB of text by row ${r + 1}; safetag reads at most that much at once`, {
        exitCode: EXIT.dataError,
        hint: "split the sheet, or export it as CSV: `safetag predict` streams CSV of any size",
      });
    }
    lines.push(line);
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.line! - b.line!); // stable: a row's cells stay in the order found
    const first = problems[0]!;
    throw new SafetagError(first.code,
      `${label}: ${problems.length === 1 ? "a cell cannot be read" : `${problems.length} cells cannot be read`} as a person ` +
        `sees ${problems.length === 1 ? "it" : "them"} (row ${first.line}, column ${first.column}); nothing was read`, {
      exitCode: EXIT.dataError, problems, hint: first.hint,
    });
  }
  return { csv: lines.join(""), header };
}

/** The first cell a merge hides below the header (every cell but its first) in a column the reader uses. */
function firstHidden(m: Xlsx.Range, headerRow: number, used: readonly boolean[]): [number, number] | undefined {
  const columns = used.flatMap((u, c) => (u && c >= m.s.c && c <= m.e.c ? [c] : []));
  const top = Math.max(m.s.r, headerRow + 1);
  if (columns.length === 0 || top > m.e.r) return undefined;
  const inTop = columns.find((c) => top !== m.s.r || c !== m.s.c);
  if (inTop !== undefined) return [top, inTop];
  return top < m.e.r ? [top + 1, columns[0]!] : undefined;
}

function cellProblem(label: string, r: number, c: number, header: string, refused: string, shows?: string): InputProblem {
  return {
    code: "E_WORKBOOK_CELL", file: label, line: r + 1, column: `${columnLetters(c)} (${header.trim()})`,
    ...(shows ? { value: shows } : {}),
    message: `row ${r + 1}, column ${columnLetters(c)} (${header.trim()}): ${refused}`,
    hint: "fix the formula or type the value in the cell, then save the workbook in Excel or LibreOffice (which saves each formula's value)",
  };
}

function hasValue(cell: Xlsx.CellObject | undefined): cell is Xlsx.CellObject {
  return cell !== undefined && (cell.t === "e" || cell.f !== undefined || (cell.t !== "z" && cell.v !== undefined && cell.v !== ""));
}

/** SheetJS's number formatter, typed for the two calls made here. */
interface Ssf {
  is_date(format: string): boolean;
  parse_date_code(serial: number, options?: { date1904?: boolean }): { y: number; m: number; d: number; H: number; M: number; S: number } | null;
}

/** A cell as a person sees it; `url` reads a hyperlink's address instead of its text. */
function shown(cell: Xlsx.CellObject | undefined, reading: Reading, url: boolean): Shown {
  if (!cell) return { text: "" };
  if (cell.t === "e") return { refused: `the cell shows the error ${cell.w ?? "value"}, not text`, shows: cell.w ?? "" };
  // a formula with no saved value is read as a stub (sheetStubs), which is otherwise an empty cell
  if (cell.t === "z" || cell.v === undefined) {
    if (cell.f !== undefined) return {
      refused: `the formula =${cell.f} has no saved value (the file was written by a program that does not compute formulas)`, shows: "" };
    return { text: "" };
  }
  if (url) {
    const target = cell.l?.Target;
    if (target && !target.startsWith("#")) return { text: target }; // "#Sheet2!A1" is a place in the workbook, not an address
    const formula = cell.f && /^\s*HYPERLINK\(\s*"((?:[^"]|"")*)"/i.exec(cell.f);
    if (formula) return { text: formula[1]!.replace(/""/g, '"') };
  }
  switch (cell.t) {
    case "b":
      return { text: cell.v ? "TRUE" : "FALSE" };
    case "n":
      return { text: numberText(cell, reading) };
    default:
      return { text: cell.v instanceof Date ? cell.v.toISOString() : String(cell.v) };
  }
}

function numberText(cell: Xlsx.CellObject, reading: Reading): string {
  const v = cell.v as number;
  const format = typeof cell.z === "string" ? cell.z : "General";
  if (reading.ssf.is_date(format)) {
    const iso = isoDate(v, format, reading);
    if (iso !== undefined) return iso;
  } else if (/^general$/i.test(format) && Number.isSafeInteger(v)) return String(v);
  return cell.w ?? String(v);
}

/**
 * A date cell's serial number in ISO 8601, to the precision its format shows (day, month or year;
 * minutes or seconds); undefined for a duration (`[h]:mm`) or a serial that is no calendar date
 * (Excel's 1900-02-29, say), which are written as shown.
 */
function isoDate(serial: number, format: string, { date1904, ssf }: Reading): string | undefined {
  const section = format.split(";")[0]!;
  if (/\[(h+|m+|s+)\]/i.test(section)) return undefined;
  const plain = section.replace(/"[^"]*"|\\.|\[[^\]]*\]|am\/pm|a\/p/gi, "");
  const tokens = plain.match(/y+|m+|d+|h+|s+|e+/gi) ?? [];
  const kinds = tokens.map((t) => t[0]!.toLowerCase());
  // `m` is minutes right after an hour or right before seconds, as Excel reads it
  const month = kinds.some((k, i) => k === "m" && kinds[i - 1] !== "h" && kinds[i + 1] !== "s");
  const day = tokens.some((t) => /^d{1,2}$/i.test(t));
  const year = kinds.includes("y") || kinds.includes("e");
  const hour = kinds.includes("h");
  const seconds = kinds.includes("s");
  const p = ssf.parse_date_code(serial, { date1904 });
  if (!p) return undefined;
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const time = hour || seconds ? `${pad(p.H)}:${pad(p.M)}${seconds ? `:${pad(p.S)}` : ""}` : "";
  if (!day && !month && !year && time) return time;
  const check = new Date(Date.UTC(p.y, p.m - 1, p.d));
  if (check.getUTCFullYear() !== p.y || check.getUTCMonth() !== p.m - 1 || check.getUTCDate() !== p.d) return undefined;
  if (day || (!month && !year)) return `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}${time ? `T${time}` : ""}`;
  return month ? `${pad(p.y, 4)}-${pad(p.m)}` : pad(p.y, 4);
}
