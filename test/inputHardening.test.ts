/**
 * Issue 13, the input items: one header rule for every CSV reader (duplicate columns, the
 * delimiter, files safetag writes reading back), categories named like Object's properties,
 * row numbers inside a pasted abstract, labels that look alike, the taxonomy a new folder starts
 * from, text that reaches a terminal, and binary files named by their kind. Through the CLI where
 * the item is about the CLI.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import Papa from "papaparse";
import type { LabeledAbstract } from "../src/domain.js";
import { labeledToCsv } from "../src/ingest/labeled.js";
import { parseSheetExport } from "../src/ingest/sheet.js";
import { parseReviewSheet } from "../src/review/accept.js";
import { REVIEW_COLUMNS } from "../src/review/queue.js";
import { toCsv } from "../src/io/csv.js";
import { cli, fixture, parseCsv, type CliRun } from "./cliHarness.js";

const dir = mkdtempSync(join(tmpdir(), "safetag-inputs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (...parts: string[]) => join(dir, ...parts);
const TAXONOMY = ["--taxonomy", fixture("tiny-taxonomy.json")];
const tinyCsv = readFileSync(fixture("tiny-labeled.csv"), "utf8");

function write(name: string, content: string | Buffer): string {
  writeFileSync(at(name), content);
  return at(name);
}

/** The formatted problem line carrying `code`. */
function problemLine(r: CliRun, code: string): string {
  const line = r.stderr.split("\n").find((l) => l.includes(`[${code}]`));
  expect(line, `no [${code}] in:\n${r.stderr}`).toBeDefined();
  return line!;
}

const model = at("model.json");
beforeAll(async () => {
  const t = await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", model, ...TAXONOMY]);
  expect(t.code).toBe(0);
});

describe("12: a header that names a column twice is refused, naming the file, row 1 and the column", () => {
  it("in the labeled sheet (ingest, train), in predict's CSV input and in a review sheet", async () => {
    const sheet = write("dup-sheet.csv", "id,category,abstract,Abstract\na,Feedback,,Reward models from human preferences.\n");
    const alias = write("dup-alias.csv", "Safety_category,label,abstract\nFeedback,Robustness,Reward models.\n");
    const input = write("dup-input.csv", "id,abstract,abstract\na,,Reward models from human preferences.\n");
    const review = write("dup-review.csv", "id,abstract,reviewer_category,Reviewer_Category\na,Reward models.,Feedback,\n");
    const runs: [string, string[], string][] = [
      [sheet, ["ingest", sheet, "-o", at("o.csv"), ...TAXONOMY], "Abstract"],
      [sheet, ["train", "--data", sheet, "--out", at("m.json"), ...TAXONOMY], "Abstract"],
      [alias, ["train", "--data", alias, "--out", at("m.json"), ...TAXONOMY], "label"],
      [input, ["predict", "--model", model, "--input", input, "--output", at("p.csv")], "abstract"],
      [review, ["accept", review, "--data", fixture("tiny-labeled.csv"), ...TAXONOMY], "Reviewer_Category"],
    ];
    for (const [file, args, column] of runs) {
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(65);
      const line = problemLine(r, "E_DUPLICATE_COLUMN");
      expect(line).toContain(`${file}:1: column ${column}:`);
      expect(line).toMatch(/Hint: rename or delete one of the two columns/);
    }
  });
});

describe("20: a file safetag writes always reads back", () => {
  it("accept writes reviewed.csv with empty company/title/date/url and abstracts full of semicolons; train, eval and run still read it", async () => {
    const data = at("loop", "data");
    mkdirSync(data, { recursive: true });
    copyFileSync(fixture("tiny-labeled.csv"), join(data, "labeled.csv"));
    copyFileSync(fixture("tiny-taxonomy.json"), join(data, "taxonomy.json"));
    const dump = write("loop-dump.txt", [
      "Abstract:We red-team a model; attack it; perturb it; jailbreak it; and measure robustness.",
      "Abstract:Neurons; circuits; attention heads; features; probes; all interpretable.",
    ].join("\n"));
    const tax = ["--taxonomy", join(data, "taxonomy.json")];
    const m = at("loop", "model.json");
    expect((await cli(["train", "--data", join(data, "labeled.csv"), "--out", m, ...tax])).code).toBe(0);
    const sheet = at("loop", "review.csv");
    expect((await cli(["review", "--model", m, "--input", dump, "--output", sheet])).code).toBe(0);
    const rows = parseCsv(readFileSync(sheet, "utf8"));
    expect(rows).toHaveLength(2);
    for (const row of rows) row.reviewer_category = row.abstract!.startsWith("We red-team") ? "Robustness" : "Interpretability";
    writeFileSync(sheet, Papa.unparse(rows));
    expect((await cli(["accept", sheet, "--data", join(data, "labeled.csv"), ...tax])).code).toBe(0);
    const reviewed = readFileSync(join(data, "reviewed.csv"), "utf8");
    expect(reviewed.split("\n")[1]).toMatch(/^rev-[0-9a-f]+,,,,,/); // the empty cells that fooled the old guess
    const train = await cli(["train", "--data", join(data, "labeled.csv"), "--out", m, ...tax]);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toMatch(/18 rows read \(with 2 reviewed rows from .*reviewed\.csv\), 20 used for training/);
    const evaluation = await cli(["eval", "--data", join(data, "labeled.csv"), "--report-dir", at("loop", "eval"), "--folds", "3", "--repeats", "1", "--no-learning-curve", ...tax]);
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const cwd = process.cwd();
    process.chdir(at("loop"));
    try {
      copyFileSync(fixture("tiny-labeled.csv"), "sheet.csv");
      const r = await cli(["run", "--sheet", "sheet.csv", "--dumps", dump, "--report-dir", "eval"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/with 2 reviewed rows from data\/reviewed\.csv\), 20 used for training/);
    } finally {
      process.chdir(cwd);
    }
  });

  // Rows as safetag's readers give them: cells with spaces folded, at most one spelling per category.
  const piece = fc.constantFrom(";", ";;", "; ", ",", "\t", "|", '"', "'", "=", "-", "+1", "@x", "a", "Z", " ", "é", "\u2014", "\n");
  const text = (min: number) => fc.array(fc.oneof(piece, fc.string({ maxLength: 6 })), { minLength: min, maxLength: 12 }).map((p) => p.join("").replace(/\s+/g, " ").trim());
  const row = fc.record({
    company: fc.oneof(fc.constant(""), text(0)),
    title: fc.oneof(fc.constant(""), text(0)),
    date: fc.constantFrom("", "2024-01-31"),
    url: fc.oneof(fc.constant(""), text(0).map((s) => s.replace(/\s/g, ""))),
    category: fc.constantFrom("Feedback", "Robustness", "Semi; colon", "a|b"),
    abstract: text(1).filter((a) => a !== "" && !/^abstract not found\.?$/i.test(a)),
    duplicate: fc.boolean(),
    reviewer: fc.oneof(fc.constant(undefined), text(1).filter((s) => s !== "")),
  });

  it("property: whatever labeledToCsv writes (labeled.csv, reviewed.csv) reads back identically", () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 4 }), (cells) => {
        const rows: LabeledAbstract[] = cells.map(({ reviewer, ...c }, i) => ({
          id: `r${i + 2}`, ...c, abstractMissing: false, ...(reviewer === undefined ? {} : { reviewer, reviewedAt: "2026-01-02", source: "d.txt:3" }),
        }));
        const back = parseSheetExport(labeledToCsv(rows), "reviewed.csv");
        expect(back.problems).toEqual([]);
        expect(back.rows.map(({ sourceLine: _, ...r }) => r)).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });

  it("property: whatever the review sheet writer writes, accept reads back", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ abstract: text(1).filter((a) => a !== ""), category: fc.constantFrom("Feedback", "Semi; colon") }), { minLength: 1, maxLength: 4 }), (answers) => {
        const rows = answers.map((a, i) => Object.fromEntries(REVIEW_COLUMNS.map((c) => [c, c === "abstract" ? a.abstract : c === "reviewer_category" ? a.category : c === "line" ? i + 1 : ""])));
        const sheet = parseReviewSheet(toCsv(REVIEW_COLUMNS, rows), "review.csv");
        expect(sheet.problems).toEqual([]);
        expect(sheet.answers.map((a) => ({ abstract: a.abstract, category: a.category }))).toEqual(answers);
      }),
      { numRuns: 200 },
    );
  });
});

describe("23: predict reads a `;`-delimited CSV as ingest does", () => {
  it("the same file: ingest reads its rows, predict its abstracts, from a file and from standard input", async () => {
    const semi = tinyCsv.split("\n").map((l) => Papa.unparse([Papa.parse<string[]>(l).data[0] ?? []], { delimiter: ";" })).join("\n");
    const file = write("semi.csv", semi);
    const ingest = await cli(["ingest", file, "-o", at("semi-labeled.csv"), ...TAXONOMY]);
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.stderr).toMatch(/18 rows read/);
    const fromFile = await cli(["predict", "--model", model, "--input", file, "--output", at("semi-pred.csv")]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stderr).toMatch(/^18 abstracts read, 18 predictions written/m);
    const fromStdin = await cli(["predict", "--model", model, "--input", "-", "--output", "-"], semi);
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(parseCsv(fromStdin.stdout)).toHaveLength(18);
  });
});

describe("24: binary input is named by its real kind, not 'probably Latin-1'", () => {
  /** Local file headers of a zip holding parts with these names (enough for the first bytes to tell). */
  const zip = (...names: string[]) => Buffer.concat(names.flatMap((n) => [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26, 0x14), Buffer.from(n), Buffer.from([0x8b, 0x00, 0xc3, 0x28, 0x00])]));
  const kinds: [string, Buffer, RegExp, RegExp][] = [
    ["labels.csv.gz", gzipSync(tinyCsv), /this is a gzip file/, /gunzip/],
    ["labels.xlsx", zip("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"), /this is an Excel workbook \(\.xlsx\)/, /an Excel workbook: export it as CSV/],
    ["labels.zip", zip("notes.txt"), /this is a zip archive/, /unzip/],
    ["paper.pdf", Buffer.concat([Buffer.from("%PDF-1.7\n%"), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), Buffer.from("\n1 0 obj\n")]), /this is a PDF document/, /pdftotext/],
  ];

  it("gzip, xlsx, zip and PDF, to ingest, train and predict (a file or standard input): E_BINARY_INPUT, exit 65", async () => {
    for (const [name, bytes, what, hint] of kinds) {
      const file = write(name, bytes);
      for (const [args, stdin] of [
        [["ingest", file, "-o", at("o.csv"), ...TAXONOMY], ""],
        [["train", "--data", file, "--out", at("m.json"), ...TAXONOMY], ""],
        [["predict", "--model", model, "--input", file, "--output", at("p.csv")], ""],
        [["predict", "--model", model, "--input", "-", "--output", at("p.csv")], [bytes]],
      ] as [string[], string | Buffer[]][]) {
        const r = await cli(args, stdin);
        expect(r.code, `${name} ${args[0]}: ${r.stderr}`).toBe(65);
        const line = problemLine(r, "E_BINARY_INPUT");
        expect(line).toMatch(what);
        expect(line).toMatch(hint);
        expect(r.stderr).not.toMatch(/Latin-1/);
      }
    }
  });

  it("a file of other binary bytes is called binary, where a Latin-1 export still gets the Latin-1 hint", async () => {
    const binary = write("image.bin", Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37 + 11) % 256)));
    const withNul = write("program.txt", Buffer.concat([Buffer.from("Abstract:x\n"), Buffer.from(Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 0 : 1 + (i % 7))))]));
    for (const file of [binary, withNul]) {
      const r = await cli(["predict", "--model", model, "--input", file, "--output", at("p.csv")]);
      expect(r.code).toBe(65);
      expect(r.stderr).toMatch(/this looks like a binary file, not text/);
      expect(r.stderr).not.toMatch(/Latin-1|UTF-16/);
    }
    const latin1 = write("latin1.csv", Buffer.from(tinyCsv.replace("Acme", "Café"), "latin1"));
    const r = await cli(["ingest", latin1, "-o", at("o.csv"), ...TAXONOMY]);
    expect(r.code).toBe(65);
    expect(problemLine(r, "E_ENCODING")).toMatch(/probably Latin-1 or Windows-1252/);
  });
});
