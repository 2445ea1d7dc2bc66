/**
 * The catalogue of bad inputs (README "When input is bad"): one test each, through the CLI in
 * process, asserting the exit code and that the message names the file, the 1-based line or row,
 * the column, the value and a hint. Byte-level inputs (UTF-16, Latin-1, NUL) are made here from
 * the tiny fixture rather than kept as binary files; the readable ones are in fixtures/bad/.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import Papa from "papaparse";
import { cli, type CliRun } from "./cliHarness.js";
import { main } from "../src/cli/main.js";

const fixture = (f: string) => join(__dirname, "fixtures", f);
const bad = (f: string) => fixture(join("bad", f));
const TAXONOMY = ["--taxonomy", fixture("tiny-taxonomy.json")];
const tinyCsv = readFileSync(fixture("tiny-labeled.csv"), "utf8");
const tinyDump = readFileSync(fixture("tiny-dump.txt"), "utf8");

const run = cli;
type Run = CliRun;

/** The formatted problem line carrying `code` at `where` (the file, and the line when given), checked for what and a hint. */
function problem(r: Run, code: string, where: { file: string; line?: number; column?: string; value?: string | RegExp }): string {
  const at = where.line === undefined ? `${where.file}:` : `${where.file}:${where.line}:`;
  const line = r.stderr.split("\n").find((l) => l.includes(`[${code}]`) && l.includes(at));
  expect(line, `no [${code}] problem at ${at} in:\n${r.stderr}`).toBeDefined();
  // every part asked for is there: the column, the value (quoted as written, or matching a pattern), a hint
  const parts = [
    ...(where.column === undefined ? [] : [`column ${where.column}:`]),
    ...(typeof where.value === "string" ? [`(value: ${JSON.stringify(where.value).slice(0, -1)}`] : []),
  ];
  expect(parts.filter((p) => !line!.includes(p))).toEqual([]);
  expect(line).toMatch(where.value instanceof RegExp ? where.value : /(?:)/);
  expect(line).toMatch(/Hint: \S/);
  return line!;
}

function noStackTrace(r: Run): void {
  expect(r.stderr).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(r.stderr).not.toMatch(/unexpected error/);
}

const parse = (text: string) => Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
const tempFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

const dir = mkdtempSync(join(tmpdir(), "safetag-hardening-"));
const at = (f: string) => join(dir, f);
const model = at("model.json");

function write(name: string, content: string | Buffer): string {
  writeFileSync(at(name), content);
  return at(name);
}

beforeAll(async () => {
  const t = await run(["train", "--data", fixture("tiny-labeled.csv"), "--out", model, ...TAXONOMY]);
  expect(t.code).toBe(0);
});

describe("labeled data (ingest, train, eval)", () => {
  it("an empty file: exit 65, named, for every command that reads it", async () => {
    const empty = write("empty.csv", "");
    for (const args of [["ingest", empty, "-o", at("o.csv"), ...TAXONOMY],
      ["train", "--data", empty, "--out", at("m.json")], ["eval", "--data", empty, "--report-dir", at("r")]]) {
      const r = await run(args);
      expect(r.code).toBe(65);
      problem(r, "E_EMPTY_INPUT", { file: empty });
      noStackTrace(r);
    }
    expect(existsSync(at("o.csv"))).toBe(false);
  });

  it("UTF-16 with a byte-order mark, LE (with CRLF) and BE: read as UTF-8 would be", async () => {
    const le = write("u16le.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tinyCsv.replace(/\r?\n/g, "\r\n"), "utf16le")]));
    const be = write("u16be.csv", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(tinyCsv, "utf16le").swap16()]));
    const plain = await run(["ingest", fixture("tiny-labeled.csv"), "-o", at("plain.csv"), ...TAXONOMY]);
    expect(plain.code).toBe(0);
    for (const [name, file] of [["le", le], ["be", be]]) {
      const r = await run(["ingest", file!, "-o", at(`${name}.csv`), ...TAXONOMY]);
      expect(r.code).toBe(0);
      expect(readFileSync(at(`${name}.csv`), "utf8")).toBe(readFileSync(at("plain.csv"), "utf8"));
    }
    const t = await run(["train", "--data", le, "--out", at("m-le.json"), ...TAXONOMY]);
    expect(t.stderr).toMatch(/18 rows read = 18 used for training/);
  });

  it("bytes that are not UTF-8 (a Latin-1 export): exit 65 with the line, column and bytes", async () => {
    const latin1 =
      write("latin1.csv",
        Buffer.concat(
          [Buffer.from(tinyCsv.split("\n").slice(0, 3).join("\n") + "\nAcme,Caf"), Buffer.from([0xe9]),
            Buffer.from(" study,3-Jan-24,https://a/3,Feedback,Text.\n")]));
    const r = await run(["train", "--data", latin1, "--out", at("m.json"), ...TAXONOMY]);
    expect(r.code).toBe(65);
    const line = problem(r, "E_ENCODING", { file: latin1, line: 4, column: "9", value: "Acme,Caf<0xE9>" });
    expect(line).toMatch(/Latin-1 or Windows-1252/);
    noStackTrace(r);
  });

  it("a UTF-8 byte-order mark and CRLF line ends: the same rows as without", async () => {
    const file = write("bom-crlf.csv", `\uFEFF${tinyCsv.replace(/\r?\n/g, "\r\n")}`); // (the fixture itself has CRLF; LF is checked too)
    const lf = write("lf.csv", tinyCsv.replace(/\r\n/g, "\n"));
    expect((await run(["ingest", lf, "-o", at("lf-out.csv"), ...TAXONOMY])).code).toBe(0);
    const r = await run(["ingest", file, "-o", at("bom-out.csv"), ...TAXONOMY]);
    expect(r.code).toBe(0);
    await run(["ingest", fixture("tiny-labeled.csv"), "-o", at("plain2.csv"), ...TAXONOMY]);
    expect(readFileSync(at("bom-out.csv"), "utf8")).toBe(readFileSync(at("plain2.csv"), "utf8"));
    expect(readFileSync(at("lf-out.csv"), "utf8")).toBe(readFileSync(at("plain2.csv"), "utf8"));
  });

  it("a CSV without a required column: exit 65 naming the column and the columns found", async () => {
    const r = await run(["ingest", bad("missing-column.csv"), "-o", at("o.csv"), ...TAXONOMY]);
    expect(r.code).toBe(65);
    const line = problem(r, "E_SHEET_COLUMNS", { file: bad("missing-column.csv"), line: 1, column: "category", value: "id, title, abstract" });
    expect(line).toMatch(/Hint: .*category may be called safetycategory, category, label/);
    expect(r.stderr).toContain(`E_SHEET_COLUMNS: ${bad("missing-column.csv")}: no \`category\` column (found: id, title, abstract)`);
    const t = await run(["train", "--data", bad("missing-column.csv"), "--out", at("m.json")]);
    expect(t.code).toBe(65);
  });

  it("unbalanced quotes: exit 65 naming the line where the quote opens (not a silently swallowed rest of file)", async () => {
    const r = await run(["ingest", bad("unbalanced-quotes.csv"), "-o", at("o.csv"), ...TAXONOMY]);
    expect(r.code).toBe(65);
    problem(r, "E_SHEET_QUOTES", { file: bad("unbalanced-quotes.csv"), line: 3, value: /Human feedback, never closed/ });
    expect((await run(["train", "--data", bad("unbalanced-quotes.csv"), "--out", at("m.json")])).code).toBe(65);
  });

  it("a quote inside a quoted cell that is not doubled: E_SHEET_PARSE naming the row, the column and the line; the row is kept, as read", async () => {
    const file = write("stray-quote.csv", 'id,category,abstract\na1,Robustness,"We attack"s models"\na2,Feedback,Reward models from human feedback.\n');
    const r = await run(["ingest", file, "-o", at("stray-out.csv"), ...TAXONOMY]);
    expect(r.code).toBe(0);
    expect(problem(r, "E_SHEET_PARSE", { file, line: 2, column: "abstract", value: 'a1,Robustness,"We attack"s models"' })).toMatch(/not well-formed CSV/);
    const rows = parse(readFileSync(at("stray-out.csv"), "utf8")).map((row) => [row.id, row.abstract]);
    expect(rows).toEqual([["a1", 'We attack"s models'], ["a2", "Reward models from human feedback."]]);
    expect(r.stderr).toContain(`in all: 2 rows read = 2 written to ${at("stray-out.csv")}`);
  });

  it("more categories than a model holds (a column of ids read as categories): E_TOO_MANY_CATEGORIES, exit 65, before any training", async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => `r${i},Category ${i},words of row ${i}`);
    const file = write("many-categories.csv", ["id,category,abstract", ...rows].join("\n") + "\n");
    const r = await run(["train", "--data", file, "--out", at("many-model.json"), ...TAXONOMY]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(`E_TOO_MANY_CATEGORIES: ${file}: 10001 categories; a model holds at most 10000`);
    expect(r.stderr).toMatch(/hint: check the category column: it may hold titles or ids/);
    expect(existsSync(at("many-model.json"))).toBe(false);
    noStackTrace(r);
  });

  it("a taxonomy whose background set is not there: E_BACKGROUND_READ naming it and the taxonomy, exit 66, for train and eval", async () => {
    const taxonomy = write("background-taxonomy.json", JSON.stringify({
      format: "safetag-taxonomy", version: 1,
      categories: [
        { name: "Feedback" }, { name: "Interpretability" }, { name: "Robustness" },
        { name: "Not safety research", scope: "outside", background: "no-such-background.csv" },
      ],
    }));
    for (const args of [
      ["train", "--data", fixture("tiny-labeled.csv"), "--out", at("bg-model.json")],
      ["eval", "--data", fixture("tiny-labeled.csv"), "--report-dir", at("bg-eval")],
    ]) {
      const r = await run([...args, "--taxonomy", taxonomy]);
      expect(r.code, r.stderr).toBe(66);
      expect(r.stderr).toContain(`E_BACKGROUND_READ: ${at("no-such-background.csv")}: the background set named by ${taxonomy} is not there`);
      expect(r.stderr).toMatch(/hint: point the "not safety research" entry's "background" at a labeled CSV/);
      noStackTrace(r);
    }
    expect(existsSync(at("bg-model.json")) || existsSync(at("bg-eval"))).toBe(false);
  });

  describe("a sheet with broken rows (fixtures/bad/cells.csv): every row accounted for", () => {
    const file = bad("cells.csv");
    let ingest: Run;
    let train: Run;
    beforeAll(async () => {
      ingest = await run(["ingest", file, "-o", at("cells-out.csv"), ...TAXONOMY]);
      train = await run(["train", "--data", file, "--out", at("cells-model.json"), ...TAXONOMY]);
    });

    it("a row with no category is left out and listed; one with no abstract is kept and flagged", () => {
      expect(ingest.code).toBe(0);
      expect(problem(ingest, "E_MISSING_CELL", { file, line: 11, column: "category", value: "No category" })).toMatch(/left out/);
      expect(problem(ingest, "E_MISSING_CELL", { file, line: 12, column: "abstract", value: "No abstract" })).toMatch(/kept but not used for training/);
      const rows = parse(readFileSync(at("cells-out.csv"), "utf8"));
      expect(rows.find((r) => r.id === "d2")).toMatchObject({ abstract: "", abstract_missing: "1" });
      expect(rows.find((r) => r.id === "d1")).toBeUndefined();
    });

    it("a category the taxonomy lacks is reported with the nearest name, and training sets the row aside", () => {
      expect(problem(ingest, "E_UNKNOWN_CATEGORY", { file, line: 13, column: "category", value: "Robustnes" })).toMatch(/did you mean "Robustness"/);
      expect(train.stderr).toMatch(/1 row set aside, "Robustnes" is not in the taxonomy/);
    });

    it("a category differing only in case or spaces becomes the taxonomy's name, with a warning", () => {
      problem(ingest, "W_CATEGORY_SPELLING", { file, line: 14, column: "category", value: "feedback" });
      expect(parse(readFileSync(at("cells-out.csv"), "utf8")).find((r) => r.id === "d4")?.category).toBe("Feedback");
    });

    it("a duplicate id: the later row is left out and listed", () => {
      expect(problem(ingest, "E_SHEET_DUPLICATE_ID", { file, line: 15, column: "id", value: "a1" })).toMatch(/left out/);
      expect(parse(readFileSync(at("cells-out.csv"), "utf8")).filter((r) => r.id === "a1").map((r) => r.title)).toEqual(["Attacks"]); // the first one
    });

    it("the count lines add up: read = written + left out; read = used + each kind set aside", () => {
      const written = parse(readFileSync(at("cells-out.csv"), "utf8")).length;
      expect(written).toBe(12);
      expect(ingest.stderr).toContain(`in all: 14 rows read = 12 written to ${at("cells-out.csv")} + 2 left out`);
      expect(train.code).toBe(0);
      const m = /in all: (\d+) rows read = (.*)/.exec(train.stderr)!;
      const parts = m[2]!.split(" + ").map((p) => Number.parseInt(p, 10));
      expect(parts.reduce((a, b) => a + b, 0)).toBe(Number(m[1]));
      expect(m[0])
        .toBe("in all: 14 rows read = 10 used for training + 1 without abstract + 1 set aside by the taxonomy + 2 left out while reading (see the problems)");
    });
  });

  it("a paste with no recognisable rows: exit 65, every unread line listed, nothing written", async () => {
    const r = await run(["ingest", bad("no-rows.txt"), "-o", at("none.csv"), "--taxonomy", at("none-taxonomy.json")]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/E_NO_ROWS/);
    problem(r, "E_PASTE_STRAY", { file: bad("no-rows.txt"), line: 1, value: "Copied from the team wiki" });
    expect(r.stderr).toContain(`${bad("no-rows.txt")}:3:`);
    expect(existsSync(at("none.csv")) || existsSync(at("none-taxonomy.json"))).toBe(false);
    expect((await run(["train", "--data", bad("no-rows.txt"), "--out", at("m.json")])).code).toBe(65);
  });

  it("UTF-32, and a file cut off in the middle of a character: exit 65", async () => {
    const utf32 = write("u32.csv", Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from("i\0\0\0")]));
    const r = await run(["ingest", utf32, "-o", at("o.csv"), ...TAXONOMY]);
    expect(r.code).toBe(65);
    expect(problem(r, "E_ENCODING", { file: utf32, line: 1, column: "1" })).toMatch(/UTF-32/);
    const cut = write("cut.csv", Buffer.concat([Buffer.from(tinyCsv), Buffer.from("Acme,na"), Buffer.from("ï").subarray(0, 1)]));
    const c = await run(["train", "--data", cut, "--out", at("m.json"), ...TAXONOMY]);
    expect(c.code).toBe(65);
    expect(problem(c, "E_ENCODING", { file: cut, line: 20, column: "8" })).toMatch(/ends in the middle of a character/);
  });

  it("a file too large to read whole: exit 65 before reading it", async () => {
    const huge = at("huge-sparse.csv");
    writeFileSync(huge, "");
    truncateSync(huge, 300 * 1024 * 1024); // sparse: no disk used, nothing read
    const r = await run(["train", "--data", huge, "--out", at("m.json")]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/E_INPUT_TOO_LARGE: .*huge-sparse\.csv: the file is 300 MiB; safetag reads at most 256 MiB/);
  });

  it("NUL bytes: exit 65 with their line and column", async () => {
    const nul = write("nul.csv", tinyCsv.replace("reward models", "reward\0models"));
    const r = await run(["train", "--data", nul, "--out", at("m.json"), ...TAXONOMY]);
    expect(r.code).toBe(65);
    expect(problem(r, "E_NUL_BYTE", { file: nul, line: 2, column: "82" })).toMatch(/NUL/);
  });

  it("a 1 MB abstract: ingested, trained on and labeled in reasonable time", async () => {
    const words = ["adversarial", "robustness", "attack", "circuits", "neurons", "reward", "feedback", "oversight"];
    const huge = Array.from({ length: 130_000 }, (_, i) => words[(i * 7919) % words.length]).join(" ");
    expect(huge.length).toBeGreaterThan(1_000_000);
    const [header, first, ...rest] = tinyCsv.split("\n");
    const data = write("huge.csv", [header, first!.replace(/,[^,]*$/, `,${huge}`), ...rest].join("\n"));
    const dump = write("huge.txt", `Abstract: ${huge}\n`);
    const start = Date.now();
    expect((await run(["ingest", data, "-o", at("huge-out.csv"), ...TAXONOMY])).code).toBe(0);
    expect((await run(["train", "--data", data, "--out", at("huge-model.json"), ...TAXONOMY])).code).toBe(0);
    const p = await run(["predict", "--model", model, "--input", dump, "--output", at("huge-pred.csv")]);
    expect(p.code).toBe(0);
    expect(parse(readFileSync(at("huge-pred.csv"), "utf8"))).toHaveLength(1);
    expect(Date.now() - start).toBeLessThan(20_000);
  });
});

describe("abstracts to label (predict)", () => {
  const predict = (inputs: string[], out = "-", extra: string[] = [], stdin: (string | Buffer)[] = []) =>
    run(["predict", "--model", model, "--input", ...inputs, "--output", out, ...extra], stdin);

  it("an empty input file, or empty standard input: exit 65, and no output file", async () => {
    const empty = write("empty.txt", "");
    const r = await predict([empty], at("p-empty.csv"));
    expect(r.code).toBe(65);
    problem(r, "E_EMPTY_INPUT", { file: empty });
    expect(existsSync(at("p-empty.csv"))).toBe(false);
    expect(tempFiles(dir)).toEqual([]);
    expect((await predict(["-"])).code).toBe(65);
  });

  it("UTF-16 with a byte-order mark, from a file or standard input: the same predictions as UTF-8", async () => {
    const utf8 = await predict([fixture("tiny-dump.txt")]);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tinyDump, "utf16le")]);
    const be = write("dump-be.txt", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(tinyDump, "utf16le").swap16()]));
    const fromStdin = await predict(["-"], "-", [], [le.subarray(0, 7), le.subarray(7)]); // split inside a character
    const fromFile = await predict([be]);
    const rows = (r: Run) => parse(r.stdout).map((p) => [p.category, p.confidence, p.line]);
    expect(fromStdin.code).toBe(0);
    expect(rows(fromStdin)).toEqual(rows(utf8));
    expect(rows(fromFile)).toEqual(rows(utf8));
  });

  it("a character split between two chunks of standard input stays whole", async () => {
    const text = Buffer.from("id,abstract\na,Robustness of naïve classifiers — adversarial attacks\n");
    const cut = text.indexOf(Buffer.from("ï")) + 1;
    const r = await predict(["-"], "-", ["--format", "jsonl"], [text.subarray(0, cut), text.subarray(cut)]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("\uFFFD");
  });

  it("bytes that are not UTF-8 in a dump: exit 65 with the line, and no half-written output", async () => {
    const latin1 =
      write("latin1.txt", Buffer.concat([Buffer.from("Abstract: fine\nAbstract: also fine\nAbstract: na"), Buffer.from([0xef, 0x76]), Buffer.from("e\n")]));
    const r = await predict([latin1], at("p-latin1.csv"));
    expect(r.code).toBe(65);
    problem(r, "E_ENCODING", { file: latin1, line: 3, column: "13", value: "Abstract: na<0xEF>" });
    expect(existsSync(at("p-latin1.csv"))).toBe(false);
    expect(tempFiles(dir)).toEqual([]);
  });

  it("NUL bytes in a dump: exit 65; a UTF-16 file without a byte-order mark is recognised as such", async () => {
    const nobom = write("u16-nobom.txt", Buffer.from(tinyDump, "utf16le"));
    const r = await predict([nobom]);
    expect(r.code).toBe(65);
    expect(problem(r, "E_NUL_BYTE", { file: nobom, line: 1, column: "2" })).toMatch(/UTF-16 without a byte-order mark/);
  });

  it("a line that is only `Abstract:` still gets its output row, with the reason", async () => {
    const r = await predict([bad("dump-empty-abstract.txt")], at("p-empty-abstract.csv"));
    expect(r.code).toBe(0);
    const rows = parse(readFileSync(at("p-empty-abstract.csv"), "utf8"));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ line: "2", category: "", needs_review: "1", reason: "empty abstract", label_source: "none" });
    expect(r.stderr).toMatch(/2 abstracts read, 2 predictions written .* 1 non-abstract lines skipped/);
    expect(r.stderr).toMatch(/skipped .*dump-empty-abstract\.txt:1: not an `Abstract:` line/);
  });

  it("a CSV without an abstract column: exit 65 naming the columns found", async () => {
    const file = write("no-abstract.csv", "id,text\n1,hello\n");
    const r = await predict([file]);
    expect(r.code).toBe(65);
    problem(r, "E_INPUT_COLUMNS", { file, line: 1, column: "abstract", value: "id, text" });
  });

  it("a CSV with a quote that never closes: exit 65 naming the row and line", async () => {
    const r = await predict([bad("unclosed-quote.csv")], at("p-quote.csv"));
    expect(r.code).toBe(65);
    problem(r, "E_CSV_QUOTE", { file: bad("unclosed-quote.csv"), line: 2, column: "2", value: /This quoted cell never closes/ });
    expect(existsSync(at("p-quote.csv"))).toBe(false);
  });

  it("a CSV row split by an unquoted comma is skipped and listed, not cut short; the counts add up", async () => {
    const r = await predict([bad("too-many-cells.csv"), bad("dump-empty-abstract.txt")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/skipped .*too-many-cells\.csv:2: row has 4 cells but the header names 2/);
    const m = /(\d+) abstracts read, (\d+) predictions written .*, (\d+) non-abstract lines skipped/.exec(r.stderr)!;
    expect(Number(m[1])).toBe(Number(m[2]));
    expect(Number(m[2])).toBe(parse(r.stdout).length);
    expect(Number(m[2]) + Number(m[3])).toBe(2 + 3); // every non-blank record: 2 CSV rows + 3 dump lines
  });
});

describe("model files", () => {
  const good = () => JSON.parse(readFileSync(model, "utf8"));
  const crafted: [string, () => string, RegExp][] = [
    ["truncated", () => readFileSync(model, "utf8").slice(0, 500), /not a JSON model file .*\n.*truncated/],
    ["corrupt bytes", () => "\u0001\u0002garbage", /not a JSON model file/],
    ["another format", () => JSON.stringify({ format: "fasttext", version: 1 }), /unknown model format "fasttext"/],
    ["a newer version", () => JSON.stringify({ ...good(), version: 99 }), /version 99 is newer than this safetag reads \(2\)/],
    ["terms that are numbers",
      () => { const m = good(); m.model.state.features.terms =
        m.model.state.features.terms.map((_: string, i: number) => i); return JSON.stringify(m); }, /model terms are missing/],
    ["a billion n-grams (would hang the tokenizer)",
      () => { const m = good(); m.tokenizer.ngrams = 1e9; return JSON.stringify(m); }, /tokenizer setting ngrams must be a whole number from 1 to 5/],
    ["Infinity in the totals", () => JSON.stringify(good()).replace('"classTotals":[[', '"classTotals":[[1e999,'), /term totals do not match/],
    ["totals whose sum overflows",
      () => { const m = good(); m.model.state.classTotals =
        m.model.state.classTotals.map((r: number[]) => r.map(() => 1e308)); return JSON.stringify(m); },
          /model\.state\.classTotals\[0\]\[0\] must be a number from 0 to 1e15 \(found 1e\+308\)/],
    ["a negative count", () => { const m = good(); m.model.state.docCounts[0] = -3; return JSON.stringify(m); },
      /model\.state\.docCounts\[0\] must be a number from 0 to 1e15 \(found -3\)/],
    ["nesting 100000 deep", () => JSON.stringify({ ...good(), evaluation: 0 })
      .replace('"evaluation":0', `"evaluation":${"[".repeat(100_000)}${"]".repeat(100_000)}`), /nested more than 32 levels deep/],
    ["a category holding a NUL",
      () => { const m = good(); m.categories[0] = "Feed\u0000back"; return JSON.stringify(m); }, /category 1 holds a control character \("Feed\\u0000back"\)/],
    ["a report of the wrong shape", () => { const m = good(); m.report.selection = 5; return JSON.stringify(m); }, /training report: selection/],
    ["a known-abstract index of junk",
      () => { const m = good(); m.known = { hashes: ["zz"], ids: [1], categories: [0] }; return JSON.stringify(m); },
        /known abstract key "zz" is not a text hash/],
    ["known abstracts with a category out of range",
      () => { const m = good(); m.known =
        { hashes: ["0123456789abcdef"], ids: ["r1"], categories: [99] }; return JSON.stringify(m); },
          /known abstract 0123456789abcdef must have a string id and one of the model's categories/],
    ["known-abstract fingerprints that are not numbers",
      () => { const m = good(); m.known =
        { hashes: [], ids: [], categories: [], fingerprints: ["x"] }; return JSON.stringify(m); }, /fingerprints must be 32-bit whole numbers/],
    ["a version 1 known-abstract index of junk",
      () => { const m = good(); m.version = 1; m.known = {}; return JSON.stringify(m)
        .replace('"known":{}', '"known":{"__proto__":{"id":1}}'); }, /known abstract/],
    ["a category more than the model's classes", () => { const m = good(); m.categories.push("Extra"); return JSON.stringify(m); }, /do not match/],
    ["categories that are not strings", () => { const m = good(); m.categories = [1, 2, 3]; return JSON.stringify(m); },
      /category 1 is not a non-empty string/],
    ["a model section that is null", () => { const m = good(); m.model = null; return JSON.stringify(m); }, /model section is missing/],
  ];

  it.each(crafted)("%s: exit 65 with a clear message, never a crash", async (name, body, message) => {
    const file = write(`crafted-${name.replace(/\W+/g, "-")}.json`, body());
    const r = await run(["predict", "--model", file, "--input", fixture("tiny-dump.txt"), "--output", at("p-crafted.csv")]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/E_MODEL_FORMAT/);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/hint: /);
    noStackTrace(r);
  });

  it("a __proto__ key in a model file pollutes no prototype", async () => {
    const file = write("proto.json", JSON.stringify(good()).replace('{"format"', '{"__proto__":{"polluted":true},"format"'));
    const r = await run(["predict", "--model", file, "--input", fixture("tiny-dump.txt")]);
    expect(r.code, r.stderr).toBe(0); // an unknown key, read as data and ignored
    expect(parse(r.stdout)).toHaveLength(4);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("an empty or missing model file: 65 and 66", async () => {
    expect((await run(["predict", "--model", write("empty-model.json", ""), "--input", fixture("tiny-dump.txt")])).code).toBe(65);
    expect((await run(["predict", "--model", at("nope.json"), "--input", fixture("tiny-dump.txt")])).code).toBe(66);
  });
});

describe("outputs", () => {
  const file = write("a-regular-file", "not a folder");
  const under = (name: string) => join(file, name);

  it.each([
    ["ingest", () => ["ingest", fixture("tiny-labeled.csv"), "-o", under("labeled.csv"), ...TAXONOMY]],
    ["train", () => ["train", "--data", fixture("tiny-labeled.csv"), "--out", under("model.json"), ...TAXONOMY]],
    ["eval", () => ["eval", "--data", fixture("tiny-labeled.csv"), "--report-dir", under("eval"), "--folds", "2", "--repeats", "1", ...TAXONOMY]],
    ["predict", () => ["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", under("p.csv")]],
    ["predict --html", () => ["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", at("p-html.csv"), "--html", under("p.html")]],
  ])("%s to a path under a regular file: exit 73 naming the path", async (_name, args) => {
    const r = await run(args());
    expect(r.code).toBe(73);
    expect(r.stderr).toMatch(/E_WRITE: cannot write .*a-regular-file.* \(a part of the path is a file, not a folder\)/);
    noStackTrace(r);
  });

  it("an output path equal to an input path (ingest, train, predict, predict over its model): exit 2, and the input is untouched", async () => {
    const data = write("same.csv", tinyCsv);
    const dump = write("self.txt", tinyDump);
    const modelBytes = readFileSync(model, "utf8");
    for (const args of [
      ["ingest", data, "-o", data, ...TAXONOMY],
      ["train", "--data", data, "--out", data, ...TAXONOMY],
      ["predict", "--model", model, "--input", dump, "--output", dump],
      ["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", model],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/E_OUTPUT_IS_INPUT: output .* is also an input/);
    }
    expect(readFileSync(data, "utf8")).toBe(tinyCsv);
    expect(readFileSync(dump, "utf8")).toBe(tinyDump);
    expect(readFileSync(model, "utf8")).toBe(modelBytes);
  });

  it("every CSV we write escapes cells that a spreadsheet would run as formulas", async () => {
    const sheet = write("formula.csv", 'id,category,abstract\n=1+1,Robustness,"=HYPERLINK(""http://evil"",""x"") adversarial attacks"\n');
    expect((await run(["ingest", sheet, "-o", at("formula-out.csv"), ...TAXONOMY])).code).toBe(0);
    const labeled = readFileSync(at("formula-out.csv"), "utf8");
    expect(labeled).toContain("'=1+1,");
    expect(labeled).toContain('"\'=HYPERLINK(');
    const input = write("formula-in.csv", 'id,abstract\n@cmd,"-2+3 adversarial"\n+x,=SUM(A1)\n');
    const p = await run(["predict", "--model", model, "--input", input, "--output", at("formula-pred.csv")]);
    expect(p.code).toBe(0);
    const predictions = readFileSync(at("formula-pred.csv"), "utf8").split("\n").slice(1, 3);
    expect(predictions.map((l) => l.slice(0, 2))).toEqual(["'@", "'+"]);
    const review = await run(["review", "--model", model, "--input", bad("formula-dump.txt"), "--output", at("review.csv")]);
    expect(review.code).toBe(0);
    const cells = Papa.parse<string[]>(readFileSync(at("review.csv"), "utf8")).data.flat();
    expect(cells.filter((c) => /^[=+\-@]/.test(c))).toEqual([]);
    expect(cells.some((c) => c.startsWith("'=HYPERLINK"))).toBe(true);
  });
});

describe("nothing gets in", () => {
  it("no source file evaluates text or opens a network connection", () => {
    const files = (d: string): string[] => readdirSync(d, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith(".ts") ? [join(d, e.name)] : []));
    const src = join(__dirname, "..", "src");
    for (const f of files(src)) {
      const code = readFileSync(f, "utf8");
      expect(code, f).not.toMatch(/\beval\(|new Function\(|node:(https?|http2|net|dgram|tls|dns)["']|\bfetch\(|XMLHttpRequest|WebSocket/);
    }
  });
});

describe("review and accept", () => {
  it("review answers a crafted model and an undecodable input like predict does", async () => {
    const crafted =
      write("review-model.json",
        JSON.stringify(
          { format: "safetag-model", version: 1, categories: ["A"],
            tokenizer: { lowercase: true, stopWords: "english", stem: "porter", minLength: 2, ngrams: 1e6 } }));
    const r = await run(["review", "--model", crafted, "--input", fixture("tiny-dump.txt"), "--output", at("r1.csv")]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/tokenizer setting ngrams/);
    const latin1 = write("review-latin1.txt", Buffer.concat([Buffer.from("Abstract: caf"), Buffer.from([0xe9]), Buffer.from("\n")]));
    const l = await run(["review", "--model", model, "--input", latin1, "--output", at("r2.csv")]);
    expect(l.code).toBe(65);
    problem(l, "E_ENCODING", { file: latin1, line: 1 });
  });

  it("accept refuses an empty or undecodable review sheet", async () => {
    const empty = await run(["accept", write("sheet-empty.csv", ""), "--data", fixture("tiny-labeled.csv")]);
    expect(empty.code).toBe(65);
    expect(empty.stderr).toMatch(/E_EMPTY_INPUT/);
    const nul = await run(["accept", write("sheet-nul.csv", "id,abstract\0\n"), "--data", fixture("tiny-labeled.csv")]);
    expect(nul.code).toBe(65);
    expect(nul.stderr).toMatch(/E_NUL_BYTE/);
  });
});

describe("exit codes", () => {
  it("2 for a usage error, 66 for a missing input (E_NO_INPUT), for every command", async () => {
    for (const args of [
      ["predict", "--model", model], // no --input
      ["train", "--data", fixture("tiny-labeled.csv")], // no --out
      ["train", "--data", fixture("tiny-labeled.csv"), "--out", at("m.json"), "--folds-typo"],
      ["eval", "--folds", "x"],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^error: /m);
    }
    const missing = at("missing.csv");
    for (const args of [
      ["ingest", missing, "-o", at("o.csv"), ...TAXONOMY],
      ["train", "--data", missing, "--out", at("m.json")],
      ["eval", "--data", missing, "--report-dir", at("r")],
      ["predict", "--model", model, "--input", missing],
      ["review", "--model", model, "--input", missing, "--output", at("r.csv")],
      ["accept", missing, "--data", fixture("tiny-labeled.csv")],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(66);
      expect(r.stderr).toContain(`E_NO_INPUT: ${missing}: cannot read`);
      noStackTrace(r);
    }
  });

  it("E_USAGE (exit 2): SOURCE_DATE_EPOCH that is not whole seconds, and review with nothing to review; nothing written", async () => {
    const train = ["train", "--data", fixture("tiny-labeled.csv"), "--out", at("epoch-model.json"), ...TAXONOMY];
    const epoch = await run(train, "", { SOURCE_DATE_EPOCH: "yesterday" });
    expect(epoch.code).toBe(2);
    expect(epoch.stderr).toContain('E_USAGE: SOURCE_DATE_EPOCH must be whole seconds since 1970 (found "yesterday")');
    expect(epoch.stderr).toMatch(/hint: unset it/);
    expect(existsSync(at("epoch-model.json"))).toBe(false);
    const review = await run(["review", "--model", model, "--output", at("nothing.csv")]);
    expect(review.code).toBe(2);
    expect(review.stderr).toContain("E_USAGE: nothing to review");
    expect(review.stderr).toMatch(/hint: give --input with dumps to review, or --data/);
    expect(existsSync(at("nothing.csv"))).toBe(false);
    expect(tempFiles(dir)).toEqual([]);
  });

  it("70 for an unexpected error, with its stack trace only under --debug", async () => {
    const broken = async (debug: boolean) => {
      const stderr = new PassThrough();
      let err = "";
      stderr.on("data", (d) => (err += d));
      const stdout = new PassThrough();
      stdout.write = () => {
        throw new TypeError("simulated bug");
      };
      const args = ["predict", "--model", model, "--input", fixture("tiny-dump.txt"), ...(debug ? ["--debug"] : [])];
      const code =
        await main(["node", "safetag", ...(debug ? ["--debug"] : []), ...args.filter((a) => a !== "--debug")], { stdout, stderr, stdin: new PassThrough() });
      return { code, err };
    };
    const plain = await broken(false);
    expect(plain.code).toBe(70);
    expect(plain.err).toMatch(/unexpected error: simulated bug\n {2}\(run with --debug for the stack trace\)/);
    expect(plain.err).not.toMatch(/^\s+at /m);
    const debug = await broken(true);
    expect(debug.code).toBe(70);
    expect(debug.err).toMatch(/^\s+at /m);
  });

  it("70 and E_WORKER for an installation without its labeling worker, naming the file; --workers 1 still labels", () => {
    // a copy of the built installation, its worker script left out (the real dist/ is never touched)
    const root = join(__dirname, "..");
    const install = mkdtempSync(join(tmpdir(), "safetag-noworker-"));
    cpSync(join(root, "package.json"), join(install, "package.json"));
    cpSync(join(root, "dist"), join(install, "dist"), { recursive: true });
    symlinkSync(realpathSync(join(root, "node_modules")), join(install, "node_modules"));
    const worker = join(install, "dist", "src", "predict", "worker.js");
    rmSync(worker);
    const dump = write("worker-dump.txt", Array.from({ length: 600 }, (_, i) => `Abstract: adversarial robustness of classifiers, study ${i}\n`).join(""));
    const installed = join(install, "dist", "src", "cli", "main.js");
    const predict = (workers: string) =>
      spawnSync(process.execPath, [installed, "predict", "--model", model, "--input", dump, "--output", at(`worker-${workers}.csv`), "--workers", workers], {
        encoding: "utf8",
      });
    const two = predict("2");
    expect(two.status, two.stderr).toBe(70);
    expect(two.stderr).toContain(`E_WORKER: the labeling worker ${worker} is missing`);
    expect(two.stderr).toMatch(/hint: build safetag with `npm run build`, or label in one thread with --workers 1/);
    expect(two.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(at("worker-2.csv"))).toBe(false);
    const one = predict("1");
    expect(one.status, one.stderr).toBe(0);
    expect(parse(readFileSync(at("worker-1.csv"), "utf8"))).toHaveLength(600);
  });
});
