/**
 * Readers for abstracts to label: `Abstract:` dumps, CSV/TSV with an abstract column, JSONL, and
 * Excel workbooks (a sheet with an abstract column, read as its CSV export: ingest/workbook.ts).
 * Each reads a stream and yields records as they come, so a dump of any size is never held
 * in memory whole. Lines that are not abstracts are yielded as `skipped` so they are counted
 * and reported, never silently dropped.
 *
 * An abstract without an id of its own gets `<file>:<line>`, the file as it was named (its path
 * as given, not its base name), so that `a/d.txt` and `b/d.txt` give different ids; the same name
 * is the `file` of each abstract (`source`).
 */
import { closeSync, createReadStream, fstatSync, openSync } from "node:fs";
import { Readable } from "node:stream";
import type { UnlabeledAbstract } from "../domain.js";
import { SafetagError, EXIT } from "../errors.js";
import { readCell } from "../io/csv.js";
import { csvRecords } from "../io/csvRecords.js";
import { chooseDelimiter, refuseDuplicateColumns, splitHeader } from "../io/header.js";
import { cannotRead, chunkBytes, concat, decodeStream, isXlsxHead, sniffText } from "../io/decode.js";
import { decodeLines, type LineBatch } from "../io/lines.js";
import { MAX_WORKBOOK_BYTES, inSheetError, isWorkbookName, readWorkbook } from "./workbook.js";

export type AbstractFormat = "dump" | "csv" | "tsv" | "jsonl" | "xlsx";
export const ABSTRACT_FORMATS: readonly AbstractFormat[] = ["dump", "csv", "tsv", "jsonl", "xlsx"];

/** How to read an input: its format (guessed when absent), and a workbook's sheet (the first one shown when absent). */
export interface AbstractInputOptions {
  format?: AbstractFormat;
  sheet?: string;
}

export type AbstractRecord =
  | { kind: "abstract"; item: UnlabeledAbstract }
  | { kind: "skipped"; line: number; text: string; reason: string };

const DUMP_PREFIX = /^\s*abstract\s*:/i;

/** Guesses the format from the first bytes: `{` is JSONL, `Abstract:` or prose is a dump, a header naming an abstract column is CSV/TSV. */
export function sniffFormat(head: string, name = ""): AbstractFormat {
  const lower = name.toLowerCase();
  if (isWorkbookName(lower)) return "xlsx";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  if (lower.endsWith(".tsv")) return "tsv";
  if (lower.endsWith(".csv")) return "csv";
  const firstLine = head.replace(/^\uFEFF/, "").split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  if (firstLine.trimStart().startsWith("{")) return "jsonl";
  if (DUMP_PREFIX.test(firstLine)) return "dump";
  const header = splitHeader(firstLine, abstractHeaderScore); // the delimiter rule every CSV reader shares
  if (abstractHeaderScore(header.cells)[0] === 1) return header.delimiter === "\t" ? "tsv" : "csv";
  return "dump";
}

/** The columns predict reads from a CSV/TSV, by their header (any case). */
const ABSTRACT_COLUMNS = ["abstract", "id"];
const abstractColumn = (header: string): string | undefined => {
  const name = header.trim().toLowerCase();
  return ABSTRACT_COLUMNS.includes(name) ? name : undefined;
};

/** How well a header fits predict's CSV input: an abstract column, then an id column (see io/header.ts). */
function abstractHeaderScore(cells: readonly string[]): number[] {
  const names = new Set(cells.map(abstractColumn));
  return ABSTRACT_COLUMNS.map((c) => (names.has(c) ? 1 : 0));
}

/**
 * The file's bytes: readAbstracts decodes them (io/decode.ts), so a bad byte is answered, never
 * replaced. Opened now, so a missing file or a folder is answered now (E_NO_INPUT, exit 66, naming
 * it as `what`); a pipe or a process substitution (`<(...)`, `/dev/fd/N`) is read as it comes, once.
 */
export function openAbstractFile(path: string, what = "the input"): Readable {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw cannotRead(path, what, e);
  }
  if (fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw cannotRead(path, what, { code: "EISDIR" });
  }
  return createReadStream(path, { fd });
}

/** One input of abstracts, as it is named (`stdin` for standard input): its records, a batch at a time. */
export interface AbstractSource {
  file: string;
  batches: AsyncIterable<AbstractRecord[]>;
}

/** The records of one input, read once, as a stream: a file, a pipe, or `-` for `stdin` (see readAbstractInput). */
export function openAbstractSource(path: string, stdin: AsyncIterable<Uint8Array | string>, options: AbstractInputOptions = {}): AbstractSource {
  if (path === "-") return { file: "stdin", batches: readAbstractInput(Readable.from(stdin, { objectMode: false }), "stdin", "", options) };
  return { file: path, batches: readAbstractInput(openAbstractFile(path), path, path, options) };
}

/** Every abstract of the given inputs (see openAbstractSource), with where it was (file and line); each input is opened when its turn comes. */
export async function readAbstractInputs(paths: readonly string[], stdin: AsyncIterable<Uint8Array | string>): Promise<UnlabeledAbstract[]> {
  const out: UnlabeledAbstract[] = [];
  for (const path of paths) {
    for await (const batch of openAbstractSource(path, stdin).batches) {
      for (const rec of batch) if (rec.kind === "abstract") out.push(rec.item);
    }
  }
  return out;
}

/** A line of a dump left out, and why. */
export interface LeftOutLine {
  line: number;
  reason: string;
}

/**
 * The abstracts of an `Abstract:` dump file (`-` is a file of that name), read as `predict`
 * reads a dump: streamed, decoded by io/decode.ts, lines ending at LF, CRLF or CR. The lines that
 * are not abstracts, and the empty abstracts, which have nothing to measure, are left out and returned.
 */
export async function readDumpAbstracts(path: string, what = "the file"): Promise<{ abstracts: string[]; leftOut: LeftOutLine[] }> {
  const abstracts: string[] = [];
  const leftOut: LeftOutLine[] = [];
  for await (const batch of readAbstractBatches(openAbstractFile(path, what), path, "dump")) {
    for (const rec of batch) {
      if (rec.kind === "skipped") leftOut.push({ line: rec.line, reason: rec.reason });
      else if (rec.item.abstract === "") leftOut.push({ line: rec.item.line!, reason: "an empty abstract" });
      else abstracts.push(rec.item.abstract);
    }
  }
  return { abstracts, leftOut };
}

/** Bytes read to guess an input's format, at most. */
const HEAD_BYTES = 4096;

/**
 * `readAbstractBatches` for an input read only once, as a stream: the format (unless `forced`) is
 * guessed from its first bytes (up to its first line that is not blank), which are then handed on
 * from memory. So a pipe, a process substitution or standard input, which cannot seek back, is
 * read as a file is. `name` gives the file name's extension to the guess ("" for standard input).
 */
export async function* readAbstractInput(input: AsyncIterable<Uint8Array | string>, file: string, name: string,
  options: AbstractInputOptions = {}): AsyncGenerator<AbstractRecord[]> {
  const forced = options.format;
  const it = input[Symbol.asyncIterator]();
  let head: Uint8Array = new Uint8Array(0);
  let ended = false;
  // a zip archive names its parts in its first bytes: up to 64 KiB of them tell a workbook (io/decode.ts)
  const zip = () => head[0] === 0x50 && head[1] === 0x4b && head.length < 64 * 1024;
  while (!forced && (zip() || (head.length < HEAD_BYTES && !/\S[^\n]*\n/.test(sniffText(head))))) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head = head.length === 0 ? chunkBytes(r.value) : concat(head, chunkBytes(r.value));
  }
  const format = forced ?? (isXlsxHead(head) ? "xlsx" : sniffFormat(sniffText(head), name));
  const replay = (async function* () {
    if (head.length > 0) yield head;
    if (!ended) for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  })();
  yield* readAbstractBatches(replay, file, format, options.sheet);
}

/** `input` yields bytes (a file, standard input) or already-decoded strings (tests); either way it is decoded by io/decode.ts. */
export async function* readAbstracts(input: AsyncIterable<Uint8Array | string>, file: string, format: AbstractFormat): AsyncGenerator<AbstractRecord> {
  for await (const batch of readAbstractBatches(input, file, format)) yield* batch;
}

/** CSV records gathered into one batch, at most. */
const CSV_BATCH = 256;

/**
 * `readAbstracts`, a batch of records at a time (the records of one decoded chunk of input), so
 * a large dump is not handed on one record per promise.
 */
export async function* readAbstractBatches(input: AsyncIterable<Uint8Array | string>, file: string,
  format: AbstractFormat, sheet?: string): AsyncGenerator<AbstractRecord[]> {
  if (sheet !== undefined && format !== "xlsx") {
    throw new SafetagError("E_NOT_A_WORKBOOK",
      `${file}: a sheet was named (${JSON.stringify(sheet)}), but this input is read as ${format}, not as an Excel workbook`, {
      exitCode: EXIT.usage,
      hint: "--sheet reads a sheet of .xlsx inputs; label the workbooks and the other inputs in separate runs",
    });
  }
  switch (format) {
    case "dump":
      yield* readLines(decodeLines(input, file), file, dumpRecord);
      return;
    case "jsonl":
      yield* readLines(decodeLines(input, file), file, jsonlRecord);
      return;
    case "csv":
    case "tsv":
      yield* readDelimited(decodeStream(input, file), file, format === "tsv" ? "\t" : ",");
      return;
    case "xlsx":
      yield* readWorkbookInput(input, file, sheet);
      return;
  }
}

/**
 * A workbook's sheet, read as its CSV export (see ingest/workbook.ts): the same rows and ids
 * (`book.xlsx:5` for row 5), with problems placed in the sheet. A workbook is read whole.
 */
async function* readWorkbookInput(input: AsyncIterable<Uint8Array | string>, file: string, sheet: string | undefined): AsyncGenerator<AbstractRecord[]> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of input) {
    const bytes = chunkBytes(chunk);
    size += bytes.length;
    if (size > MAX_WORKBOOK_BYTES) {
      throw new SafetagError("E_INPUT_TOO_LARGE",
        `${file}: the workbook is more than ${MAX_WORKBOOK_BYTES / 2 ** 20} MiB; safetag reads workbooks of at most that size`, {
        exitCode: EXIT.dataError,
        hint: "split the workbook, or export the sheet as CSV: `safetag predict` streams CSV of any size",
      });
    }
    chunks.push(bytes);
  }
  const book = readWorkbook(Buffer.concat(chunks), file, { sheet, fieldOf: abstractColumn });
  try {
    yield* readDelimited((async function* () { yield book.csv; })(), file, ",");
  } catch (e) {
    throw inSheetError(e, book, abstractColumn);
  }
}

/**
 * The records of a line-per-record format, a decoded chunk's lines at a time: `record` reads one
 * non-blank line (`name` is the input as named, `n` the line's number).
 */
async function* readLines(input: AsyncIterable<LineBatch>, file: string,
  record: (line: string, n: number, name: string) => AbstractRecord): AsyncGenerator<AbstractRecord[]> {
  for await (const { first, lines: chunk } of input) {
    const batch: AbstractRecord[] = [];
    chunk.forEach((line, i) => {
      if (line.trim() !== "") batch.push(record(line, first + i, file));
    });
    if (batch.length > 0) yield batch;
  }
}

function dumpRecord(line: string, n: number, name: string): AbstractRecord {
  const m = DUMP_PREFIX.exec(line);
  if (!m) return { kind: "skipped", line: n, text: line.trim(), reason: "not an `Abstract:` line (e.g. a collector's name)" };
  return { kind: "abstract", item: { id: `${name}:${n}`, abstract: line.slice(m[0].length).trim(), source: name, line: n } };
}

function jsonlRecord(line: string, n: number, name: string): AbstractRecord {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return { kind: "skipped", line: n, text: line.slice(0, 200), reason: "not valid JSON" };
  }
  const rec = lowerKeys(obj);
  if (!rec || typeof rec.abstract !== "string") return { kind: "skipped", line: n, text: line.slice(0, 200), reason: "no string field `abstract`" };
  const id = rec.id === undefined || rec.id === null || rec.id === "" ? `${name}:${n}` : String(rec.id);
  return { kind: "abstract", item: { id, abstract: rec.abstract, source: name, line: n } };
}

function lowerKeys(obj: unknown): Record<string, unknown> | undefined {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return undefined;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k.trim().toLowerCase(), v]));
}

/**
 * CSV/TSV rows with an `abstract` column (any case; `id` optional), numbered as a spreadsheet
 * shows them. A row with more cells than the header names is skipped and reported: an unquoted
 * comma has split a cell, and its abstract would be cut short. The delimiter is the one under
 * which the header names an abstract column (io/header.ts: `,`, tab, `;` or `|`, as ingest reads
 * a sheet); `preferred` wins a tie.
 */
async function* readDelimited(input: AsyncIterable<string>, file: string, preferred: string): AsyncGenerator<AbstractRecord[]> {
  const { delimiter, text } = await withHeader(input, preferred);
  let batch: AbstractRecord[] = [];
  for await (const record of delimitedRecords(text, file, delimiter)) {
    batch.push(record);
    if (batch.length >= CSV_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Header text read before the delimiter is chosen, at most (a header is a line of a few names). */
const HEADER_LOOKAHEAD = 64 * 1024;

/** Reads ahead to the end of the first non-blank line, chooses the delimiter from it, and gives back the whole text. */
async function withHeader(input: AsyncIterable<string>, preferred: string): Promise<{ delimiter: string; text: AsyncIterable<string> }> {
  const it = input[Symbol.asyncIterator]();
  const taken: string[] = [];
  let head = "";
  while (head.length < HEADER_LOOKAHEAD && !/\S[^\r\n]*[\r\n]/.test(head)) {
    const r = await it.next();
    if (r.done) break;
    taken.push(r.value);
    head += r.value;
  }
  const delimiter = chooseDelimiter(head, abstractHeaderScore, preferred);
  async function* text(): AsyncGenerator<string> {
    yield* taken;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return { delimiter, text: text() };
}

async function* delimitedRecords(input: AsyncIterable<string>, file: string, delimiter: string): AsyncGenerator<AbstractRecord> {
  let header: string[] | undefined;
  for await (const rec of csvRecords(input, delimiter, file)) {
    if (rec.cells.every((c) => c.trim() === "")) {
      // counted and listed like every other record that is not an abstract, so the counts add up to the records
      yield { kind: "skipped", line: rec.row, text: rec.cells.join(delimiter),
        reason: `an empty row (${rec.cells.length === 1 ? "a blank line" : "every cell is blank"})${header ? "" : " before the header"}` };
      continue;
    }
    if (!header) {
      refuseDuplicateColumns(rec.cells, abstractColumn, file, rec.row);
      header = rec.cells.map((h) => h.trim().toLowerCase());
      if (!header.includes("abstract")) {
        const found = rec.cells.map((h) => h.trim()).filter((h) => h !== "");
        throw new SafetagError("E_INPUT_COLUMNS", `${file}: no \`abstract\` column (found: ${found.join(", ")})`, {
          exitCode: EXIT.dataError,
          problems: [
            { code: "E_INPUT_COLUMNS", file, line: rec.row, column: "abstract", value: found.join(", "),
              message: "required column is missing", hint: "name the column `abstract` (any case)" }],
          hint: "the CSV needs a header row with an `abstract` column; `id` is optional",
        });
      }
      continue;
    }
    const extra = rec.cells.slice(header.length).filter((c) => c.trim() !== "");
    if (extra.length > 0) {
      const reason = `row has ${rec.cells.length} cells but the header names ${header.length}; a cell holding the delimiter must be in double quotes`;
      yield { kind: "skipped", line: rec.row, text: rec.cells.join(delimiter).slice(0, 200), reason };
      continue;
    }
    const cell = (column: string): string => {
      const i = header!.indexOf(column);
      return i < 0 ? "" : readCell(rec.cells[i] ?? "");
    };
    const id = cell("id").trim();
    yield { kind: "abstract", item: { id: id || `${file}:${rec.row}`, abstract: cell("abstract"), source: file, line: rec.row } };
  }
}
