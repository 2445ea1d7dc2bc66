/**
 * Readers for abstracts to label: `Abstract:` dumps, CSV/TSV with an abstract column, JSONL.
 * Each reads a stream and yields records as they come, so a dump of any size is never held
 * in memory whole. Lines that are not abstracts are yielded as `skipped` so they are counted
 * and reported, never silently dropped.
 *
 * An abstract without an id of its own gets `<file>:<line>`, the file as it was named (its path
 * as given, not its base name), so that `a/d.txt` and `b/d.txt` give different ids; the same name
 * is the `file` of each abstract (`source`).
 */
import { createReadStream, openSync, readSync, closeSync } from "node:fs";
import type { Readable } from "node:stream";
import type { UnlabeledAbstract } from "../domain.js";
import { SafetagError, EXIT } from "../errors.js";
import { readCell } from "../io/csv.js";
import { csvRecords } from "../io/csvRecords.js";
import { decodeStream, sniffText } from "../io/decode.js";
import { decodeLines, type LineBatch } from "../io/lines.js";

export type AbstractFormat = "dump" | "csv" | "tsv" | "jsonl";
export const ABSTRACT_FORMATS: readonly AbstractFormat[] = ["dump", "csv", "tsv", "jsonl"];

export type AbstractRecord =
  | { kind: "abstract"; item: UnlabeledAbstract }
  | { kind: "skipped"; line: number; text: string; reason: string };

const DUMP_PREFIX = /^\s*abstract\s*:/i;

/** Guesses the format from the first bytes: `{` is JSONL, `Abstract:` or prose is a dump, a header naming an abstract column is CSV/TSV. */
export function sniffFormat(head: string, name = ""): AbstractFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  if (lower.endsWith(".tsv")) return "tsv";
  if (lower.endsWith(".csv")) return "csv";
  const firstLine = head.replace(/^\uFEFF/, "").split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  if (firstLine.trimStart().startsWith("{")) return "jsonl";
  if (DUMP_PREFIX.test(firstLine)) return "dump";
  if (/(^|[\t,])\s*"?abstract"?\s*([\t,]|$)/i.test(firstLine)) return firstLine.includes("\t") ? "tsv" : "csv";
  return "dump";
}

/** The first few KiB of a file as text (UTF-16 with a byte-order mark too), for sniffing. */
export function readHead(path: string, bytes = 4096): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return sniffText(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes: readAbstracts decodes them (io/decode.ts), so a bad byte is answered, never replaced. */
export function openAbstractFile(path: string): Readable {
  return createReadStream(path);
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
export async function* readAbstractBatches(input: AsyncIterable<Uint8Array | string>, file: string, format: AbstractFormat): AsyncGenerator<AbstractRecord[]> {
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
  }
}

/**
 * The records of a line-per-record format, a decoded chunk's lines at a time: `record` reads one
 * non-blank line (`name` is the input as named, `n` the line's number).
 */
async function* readLines(input: AsyncIterable<LineBatch>, file: string, record: (line: string, n: number, name: string) => AbstractRecord): AsyncGenerator<AbstractRecord[]> {
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
 * comma has split a cell, and its abstract would be cut short.
 */
async function* readDelimited(input: AsyncIterable<string>, file: string, delimiter: string): AsyncGenerator<AbstractRecord[]> {
  let batch: AbstractRecord[] = [];
  for await (const record of delimitedRecords(input, file, delimiter)) {
    batch.push(record);
    if (batch.length >= CSV_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function* delimitedRecords(input: AsyncIterable<string>, file: string, delimiter: string): AsyncGenerator<AbstractRecord> {
  let header: string[] | undefined;
  for await (const rec of csvRecords(input, delimiter, file)) {
    if (rec.cells.every((c) => c.trim() === "")) {
      // counted and listed like every other record that is not an abstract, so the counts add up to the records
      yield { kind: "skipped", line: rec.row, text: rec.cells.join(delimiter), reason: `an empty row (${rec.cells.length === 1 ? "a blank line" : "every cell is blank"})${header ? "" : " before the header"}` };
      continue;
    }
    if (!header) {
      header = rec.cells.map((h) => h.trim().toLowerCase());
      if (!header.includes("abstract")) {
        const found = rec.cells.map((h) => h.trim()).filter((h) => h !== "");
        throw new SafetagError("E_INPUT_COLUMNS", `${file}: no \`abstract\` column (found: ${found.join(", ")})`, {
          exitCode: EXIT.dataError,
          problems: [{ code: "E_INPUT_COLUMNS", file, line: rec.row, column: "abstract", value: found.join(", "), message: "required column is missing", hint: "name the column `abstract` (any case)" }],
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
