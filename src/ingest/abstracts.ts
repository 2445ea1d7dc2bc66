/**
 * Readers for abstracts to label: `Abstract:` dumps, CSV/TSV with an abstract column, JSONL.
 * Each reads a stream and yields records as they come, so a dump of any size is never held
 * in memory whole. Lines that are not abstracts are yielded as `skipped` so they are counted
 * and reported, never silently dropped.
 */
import { createReadStream, openSync, readSync, closeSync } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import Papa from "papaparse";
import type { UnlabeledAbstract } from "../domain.js";
import { SafetagError, EXIT } from "../errors.js";
import { readCell } from "../io/csv.js";

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

/** The first few KiB of a file, for sniffing. */
export function readHead(path: string, bytes = 4096): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

export function openAbstractFile(path: string): Readable {
  return createReadStream(path, { encoding: "utf8" });
}

export async function* readAbstracts(input: Readable, file: string, format: AbstractFormat): AsyncGenerator<AbstractRecord> {
  switch (format) {
    case "dump":
      yield* readDump(input, file);
      return;
    case "jsonl":
      yield* readJsonl(input, file);
      return;
    case "csv":
    case "tsv":
      yield* readDelimited(input, file, format === "tsv" ? "\t" : ",");
      return;
  }
}

async function* lines(input: Readable): AsyncGenerator<[number, string]> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const raw of rl) {
    n++;
    yield [n, n === 1 ? raw.replace(/^\uFEFF/, "") : raw];
  }
}

async function* readDump(input: Readable, file: string): AsyncGenerator<AbstractRecord> {
  const name = basename(file);
  for await (const [n, line] of lines(input)) {
    if (line.trim() === "") continue;
    const m = DUMP_PREFIX.exec(line);
    if (!m) {
      yield { kind: "skipped", line: n, text: line.trim(), reason: "not an `Abstract:` line (e.g. a collector's name)" };
      continue;
    }
    yield { kind: "abstract", item: { id: `${name}:${n}`, abstract: line.slice(m[0].length).trim(), source: name, line: n } };
  }
}

async function* readJsonl(input: Readable, file: string): AsyncGenerator<AbstractRecord> {
  const name = basename(file);
  for await (const [n, line] of lines(input)) {
    if (line.trim() === "") continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      yield { kind: "skipped", line: n, text: line.slice(0, 200), reason: "not valid JSON" };
      continue;
    }
    const rec = lowerKeys(obj);
    if (!rec || typeof rec.abstract !== "string") {
      yield { kind: "skipped", line: n, text: line.slice(0, 200), reason: "no string field `abstract`" };
      continue;
    }
    const id = rec.id === undefined || rec.id === null || rec.id === "" ? `${name}:${n}` : String(rec.id);
    yield { kind: "abstract", item: { id, abstract: rec.abstract, source: name, line: n } };
  }
}

function lowerKeys(obj: unknown): Record<string, unknown> | undefined {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return undefined;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k.trim().toLowerCase(), v]));
}

async function* readDelimited(input: Readable, file: string, delimiter: string): AsyncGenerator<AbstractRecord> {
  const name = basename(file);
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, {
    delimiter,
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (h: string) => h.replace(/^\uFEFF/, "").trim().toLowerCase(),
  }) as unknown as NodeJS.ReadWriteStream & AsyncIterable<Record<string, string | undefined>>;
  input.pipe(parser);
  let row = 1; // the header is row 1, as a spreadsheet shows it
  let checked = false;
  for await (const rec of parser) {
    row++;
    if (!checked) {
      checked = true;
      if (!("abstract" in rec)) {
        throw new SafetagError("E_INPUT_COLUMNS", `${file}: no \`abstract\` column (found: ${Object.keys(rec).join(", ")})`, {
          exitCode: EXIT.dataError,
          problems: [{ code: "E_INPUT_COLUMNS", file, line: 1, column: "abstract", message: "required column is missing", hint: "name the column `abstract` (any case)" }],
          hint: "the CSV needs a header row with an `abstract` column; `id` is optional",
        });
      }
    }
    const abstract = readCell(rec.abstract ?? "");
    const id = rec.id ? readCell(rec.id) : `${name}:${row}`;
    yield { kind: "abstract", item: { id, abstract, source: name, line: row } };
  }
}
