/**
 * Properties of the readers and the tokenizer on any input: no exception but a SafetagError
 * (a TypeError or RangeError would be a bug the user sees as "unexpected error"), round trips
 * where we write what we read, and the input decoder's answer not depending on how the bytes are
 * chunked. numRuns is kept modest so the suite stays quick on two cores.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Readable } from "node:stream";
import { TextDecoder } from "node:util";
import Papa from "papaparse";
import type { LabeledAbstract } from "../src/domain.js";
import { SafetagError } from "../src/errors.js";
import { readAbstracts, type AbstractFormat, type AbstractRecord } from "../src/ingest/abstracts.js";
import { labeledToCsv, readLabeled } from "../src/ingest/labeled.js";
import { parsePaste } from "../src/ingest/paste.js";
import { normalizeSpace } from "../src/ingest/result.js";
import { parseSheetExport } from "../src/ingest/sheet.js";
import { csvLine, readCell, toCsv } from "../src/io/csv.js";
import { csvRecords } from "../src/io/csvRecords.js";
import { InputDecoder, decodeStream, decodeText, validUtf8Prefix } from "../src/io/decode.js";
import { decodeLines, splitLines } from "../src/io/lines.js";
import { DEFAULT_TOKENIZER, makeTokenizer } from "../src/text/tokenize.js";

const RUNS = { numRuns: 200 };

/** Runs `f`; a SafetagError is an answer, anything else thrown is a bug. */
function answers<T>(f: () => T): T | SafetagError {
  try {
    return f();
  } catch (e) {
    if (e instanceof SafetagError) return e;
    throw e;
  }
}

async function answersAsync<T>(f: () => Promise<T>): Promise<T | SafetagError> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof SafetagError) return e;
    throw e;
  }
}

/** Text with the pieces the readers look for, in any order: row numbers, dates, URLs, quotes, marks. */
const pieces = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom("1", "2", "17", "A", "B", "Company", "Title", "Date", "URL", "Safety_category", "Abstract",
    "1-Jan-24", "2024-02-30", "https://a.org/p", "http://x",
    "Robustness", "[Duplicate] Feedback", "Abstract not found", "\"", "\"\"", ",", "\t", ";", "|", "\r", "\r\n",
      "\uFEFF", "=SUM(A1)", "'", "Abstract:", "{", "}", "\\emph"),
);
const messy = fc.array(pieces, { maxLength: 40 }).map((p) => p.join(""));
const messyLines = fc.array(pieces, { maxLength: 40 }).map((p) => p.join("\n"));

describe("labeled readers on any text", () => {
  it("parsePaste returns rows with a category and problems with a line, or a SafetagError", () => {
    // (the texts start with a paste's head and a row number, so that many of them have rows to check)
    const head = "ABCDEFGHIJKLMNOPQRSTUVWXYZ\n1\nCompanyTitleDateURL\nSafety_category\nAbstract";
    const paste = fc.tuple(fc.integer({ min: 2, max: 30 }), messyLines).map(([n, t]) => `${head}\n${n}\n${t}`);
    let rows = 0;
    let problems = 0;
    fc.assert(
      fc.property(fc.oneof(messyLines, paste), (text) => {
        const r = answers(() => parsePaste(text, "p.txt"));
        const read = r instanceof SafetagError ? { rows: [], problems: r.problems } : r;
        expect(read.rows.filter((row) => row.category === "")).toEqual([]);
        expect(read.problems.filter((p) => p.file !== "p.txt" || !(Number.isInteger(p.line) && p.line! >= 1))).toEqual([]);
        rows += read.rows.length;
        problems += read.problems.length;
      }),
      RUNS,
    );
    expect(rows).toBeGreaterThan(0);
    expect(problems).toBeGreaterThan(0);
  });

  it("parseSheetExport (and readLabeled's format guess) never throw anything but a SafetagError", () => {
    fc.assert(
      fc.property(messy, fc.constantFrom("id,category,abstract\n", "Title\tSafety_category\tAbstract\n", ""), (body, header) => {
        answers(() => parseSheetExport(header + body, "s.csv"));
        answers(() => readLabeled("s.txt", { text: header + body }));
      }),
      RUNS,
    );
  });

  it("labeledToCsv -> parseSheetExport gives the rows back (labeled.csv, and reviewed.csv with its provenance)", () => {
    // any text, or the characters a CSV writer must quote or escape; spaces folded as the readers fold them
    const piece = fc.constantFrom(";", ";;", "; ", ",", "\t", "|", '"', "'", "=", "-", "+1", "@x", "a", "Z", " ", "é", "\u2014", "\n");
    const pieces = fc.array(fc.oneof(piece, fc.string({ maxLength: 6 })), { maxLength: 12 }).map((p) => p.join(""));
    const cell = fc.oneof(fc.string({ unit: "binary", maxLength: 25 }), pieces).map(normalizeSpace);
    const row = fc.record({
      company: cell,
      title: cell,
      date: fc.constantFrom("", "2024-01-31", "1999-12-01"),
      url: cell.map((s) => s.replace(/\s/g, "")),
      category: fc.oneof(cell, fc.constantFrom("Semi; colon", "a|b")).filter((c) => c !== "" && !c.startsWith("[")),
      abstract: cell.filter((a) => a !== "" && !/^abstract not found\.?$/i.test(a)),
      duplicate: fc.boolean(),
      reviewer: fc.option(cell.filter((r) => r !== ""), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), (cells) => {
        const rows: LabeledAbstract[] = cells.map(({ reviewer, ...c }, i) => ({
          id: `r${i + 2}`, ...c, abstractMissing: false, ...(reviewer === undefined ? {} : { reviewer, reviewedAt: "2026-01-02", source: "d.txt:3" }),
        }));
        const back = parseSheetExport(labeledToCsv(rows), "labeled.csv");
        expect(back.problems).toEqual([]);
        expect(back.rows.map(({ sourceLine: _, ...r }) => r)).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });
});

describe("CSV writing", () => {
  const value =
    fc.oneof(fc.string({ unit: "binary", maxLength: 20 }),
      fc.constantFrom("=1+1", "'=x", "''@y", "-", "+3", "\t", " lead", "trail ", 'a "q"', "a,b", "l1\nl2", "l1\r\nl2"));

  it("toCsv -> papaparse -> readCell gives every value back, and no cell starts like a formula", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 5 }), (pairs) => {
        const rows = pairs.map(([a, b]) => ({ a, b }));
        const text = toCsv(["a", "b"], rows);
        const parsed = Papa.parse<string[]>(text, { header: false, delimiter: ",", skipEmptyLines: false }).data.slice(1, rows.length + 1);
        expect(parsed.map(([a, b]) => ({ a: readCell(a!), b: readCell(b!) }))).toEqual(rows);
        for (const c of parsed.flat()) expect(c).not.toMatch(/^[=+\-@\t\r]/);
      }),
      RUNS,
    );
  });

  it("our streaming CSV reader reads what toCsv writes exactly as papaparse does, however it is chunked", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(value, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 7 }), async (rows, size) => {
        const text = rows.map((r) => csvLine(r)).join("");
        const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
        const ours: string[][] = [];
        for await (const rec of csvRecords(chunks, ",", "t.csv")) ours.push(rec.cells);
        expect(ours).toEqual(Papa.parse<string[]>(text, { header: false, delimiter: "," }).data.slice(0, rows.length));
      }),
      RUNS,
    );
  });
});

describe("abstract readers (predict) on any bytes", () => {
  async function collect(chunks: (Uint8Array | string)[], format: AbstractFormat): Promise<AbstractRecord[] | SafetagError> {
    return answersAsync(async () => {
      const out: AbstractRecord[] = [];
      for await (const r of readAbstracts(Readable.from(chunks), "in", format)) out.push(r);
      return out;
    });
  }

  it("never throw anything but a SafetagError, whatever the format", async () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 60 }), messyLines.map((t) => Buffer.from(t)));
    await fc.assert(
      fc.asyncProperty(bytes, fc.constantFrom<AbstractFormat>("dump", "csv", "tsv", "jsonl"), async (b, format) => {
        await collect([b], format);
      }),
      RUNS,
    );
  });

  it("a dump: every non-blank line is an abstract or a skipped line, once, in order", async () => {
    await fc.assert(
      // (without NUL characters, which are refused by policy: see io/decode.ts)
      fc.asyncProperty(messyLines.map((t) => t.replace(/\0/g, "")), async (text) => {
        const recs = await collect([text], "dump");
        const read = recs instanceof SafetagError ? recs.code : recs.map((r) => (r.kind === "abstract" ? r.item.line! : r.line));
        const body = text.replace(/^\uFEFF/, "");
        const nonBlank = body.split(/\r\n|\n|\r/).flatMap((l, i) => (l.trim() === "" ? [] : [i + 1]));
        expect(read).toEqual(body === "" ? "E_EMPTY_INPUT" : nonBlank);
      }),
      RUNS,
    );
  });

  it("toCsv -> readAbstracts(csv) gives every id and abstract back", async () => {
    // (NUL characters are refused on reading, by policy: see io/decode.ts)
    const cell = fc.string({ unit: "binary", minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== "" && !s.includes("\0"));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ id: cell.map((s) => s.trim()), abstract: cell }), { minLength: 1, maxLength: 5 }), async (rows) => { // ids are read trimmed
        const recs = await collect([toCsv(["id", "abstract"], rows)], "csv");
        expect(recs).not.toBeInstanceOf(SafetagError);
        expect((recs as AbstractRecord[]).map((r) => (r.kind === "abstract" ? { id: r.item.id, abstract: r.item.abstract } : r))).toEqual(rows);
      }),
      RUNS,
    );
  });
});

describe("input decoding", () => {
  it("agrees with the platform's strict UTF-8 decoder on which bytes are valid", () => {
    const strict = new TextDecoder("utf-8", { fatal: true });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 24 }), fc.string({ unit: "binary" }).map((s) => new Uint8Array(Buffer.from(s)))), (bytes) => {
        let valid = true;
        try {
          strict.decode(bytes);
        } catch {
          valid = false;
        }
        expect(validUtf8Prefix(bytes) === bytes.length).toBe(valid);
      }),
      { numRuns: 500 },
    );
  });

  it("gives the same text, or the same answer at the same line and column, however the bytes are chunked", () => {
    const encoded = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 30 }).map((s) => new Uint8Array(Buffer.from(s))),
      fc.string({ unit: "binary", maxLength: 30 }).map((s) => new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, "utf16le")]))),
    );
    fc.assert(
      fc.property(encoded, fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 20 }), (bytes, cuts) => {
        const whole = answers(() => decodeText(bytes, "f"));
        const chunked = answers(() => {
          const d = new InputDecoder("f");
          let text = "";
          let at = 0;
          for (const n of cuts) {
            text += d.push(bytes.subarray(at, at + n));
            at += n;
          }
          return text + d.push(bytes.subarray(at)) + d.end();
        });
        // the text, or the refusal and where it is
        const outcome = (r: string | SafetagError) => (r instanceof SafetagError ? [r.code, r.problems[0]?.line, r.problems[0]?.column] : r);
        expect(outcome(chunked)).toEqual(outcome(whole));
      }),
      { numRuns: 500 },
    );
  });
});

describe("reading a line-per-record input as bytes", () => {
  function cut(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
    const chunks: Uint8Array[] = [];
    let at = 0;
    for (const n of cuts) {
      chunks.push(bytes.subarray(at, at + n));
      at += n;
    }
    chunks.push(bytes.subarray(at));
    return chunks.filter((c) => c.length > 0);
  }

  async function collect(batches: AsyncIterable<{ first: number; lines: string[] }>): Promise<string[] | SafetagError> {
    return answersAsync(async () => {
      const lines: string[] = [];
      for await (const batch of batches) {
        expect(batch.first).toBe(lines.length + 1); // numbered from 1, none skipped
        lines.push(...batch.lines);
      }
      return lines;
    });
  }

  const piece = fc.constantFrom("Abstract: x", "abc", "\n", "\r\n", "\r", "é", "—", "’", "😀", "\u0000", "\ufeff", " ", "");
  const text = fc.array(fc.oneof(piece, fc.string({ unit: "binary", maxLength: 6 })), { maxLength: 40, size: "max" }).map((p) => p.join(""));
  const encoded = fc.oneof(
    text.map((s) => new Uint8Array(Buffer.from(s))),
    text.map((s) => new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)]))),
    text.map((s) => new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, "utf16le")]))),
    fc.uint8Array({ maxLength: 40 }),
    fc.tuple(text, fc.uint8Array({ maxLength: 3 }), text).map(([a, bad, b]) => new Uint8Array(Buffer.concat([Buffer.from(a), bad, Buffer.from(b)]))),
  );

  it("gives the lines of the decoded text, or the same refusal at the same line and column, however the bytes are chunked", async () => {
    await fc.assert(
      fc.asyncProperty(encoded, fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 30 }), async (bytes, cuts) => {
        // the plain definition: the same chunks decoded as text, then split into lines
        const expected = await collect(splitLines(decodeStream(Readable.from(cut(bytes, cuts)), "f")));
        const got = await collect(decodeLines(Readable.from(cut(bytes, cuts)), "f"));
        // the lines, or the refusal and where it is (the text quoted beside a NUL is cut at the
        // start of what the decoder was given at once, so it is not compared)
        const outcome = (r: string[] | SafetagError) =>
          r instanceof SafetagError ? [r.code, r.message, r.problems[0]?.line, r.problems[0]?.column, r.problems[0]?.hint] : r;
        expect(outcome(got)).toEqual(outcome(expected));
      }),
      { numRuns: 1000 },
    );
  });

  it("reads CRLF and LF lines split across chunks, and a last line without a newline", async () => {
    const bytes = Buffer.from("Abstract: plain words\r\nAbstract: a dash — here\nlast line, no newline");
    const lines: string[] = [];
    for await (const batch of decodeLines(Readable.from([bytes.subarray(0, 30), bytes.subarray(30)]), "f")) lines.push(...batch.lines);
    expect(lines).toEqual(["Abstract: plain words", "Abstract: a dash — here", "last line, no newline"]);
  });
});

describe("tokenizer on any text", () => {
  const settings = fc.record({
    lowercase: fc.boolean(),
    stopWords: fc.constantFrom("english" as const, "none" as const),
    stem: fc.constantFrom("porter" as const, "none" as const),
    minLength: fc.integer({ min: 0, max: 4 }),
    ngrams: fc.integer({ min: 1, max: 3 }),
  });

  it("returns non-empty string tokens, its n-grams the runs of its words, and never throws", () => {
    // (the words themselves are checked against a plain reference tokenizer in fastPaths.test.ts)
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), messy), settings, (text, s) => {
        const tokens = makeTokenizer(s)(text);
        expect(tokens.filter((t) => typeof t !== "string" || t === "")).toEqual([]);
        const unigrams = makeTokenizer({ ...s, ngrams: 1 })(text);
        const runs = (n: number) => unigrams.slice(0, Math.max(0, unigrams.length - n + 1)).map((_, i) => unigrams.slice(i, i + n).join(" "));
        expect(tokens).toEqual([...unigrams, ...Array.from({ length: s.ngrams - 1 }, (_, k) => runs(k + 2)).flat()]);
      }),
      RUNS,
    );
  });

  it("lower-cases and drops stop words with the default settings", () => {
    let seen = 0;
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), messy.map((t) => `The MODELS ${t} AND Rewards of`)), (text) => {
        const tokens = makeTokenizer(DEFAULT_TOKENIZER)(text);
        expect(tokens.filter((t) => t !== t.toLowerCase() || ["the", "and", "of"].includes(t))).toEqual([]);
        seen += tokens.length;
      }),
      RUNS,
    );
    expect(seen).toBeGreaterThan(RUNS.numRuns / 2); // tokens were there to check
  });
});
