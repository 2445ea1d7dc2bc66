/**
 * Issue 15, item 3: the sheet people keep is an .xlsx workbook. ingest, train --data and predict
 * --input read it as its CSV export is read, with cells as a person sees them (dates, hyperlinks,
 * merged header cells, formulas), and bad workbooks refused with the file, sheet, row and column.
 * Every workbook here is built with the library safetag reads them with (SheetJS), in a temp folder.
 * Also: a `;`-delimited CSV reads the same through train and predict.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as XLSX from "@e965/xlsx";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCell } from "../src/io/csv.js";
import { readLabeled } from "../src/ingest/labeled.js";
import { columnLetters, MAX_WORKBOOK_BYTES, readWorkbook } from "../src/ingest/workbook.js";
import { fieldOf } from "../src/ingest/sheet.js";
import { cli, fixture, parseCsv, type CliRun } from "./cliHarness.js";
import { thrown } from "./thrown.js";

const root = join(__dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "safetag-xlsx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);
const TINY_TAXONOMY = ["--taxonomy", fixture("tiny-taxonomy.json")];
/** A model to predict with, trained on the tiny fixture. */
const model = at("tiny-model.json");
beforeAll(async () => {
  const t = await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", model, ...TINY_TAXONOMY]);
  expect(t.code, t.stderr).toBe(0);
});

type Cell = XLSX.CellObject;
type Row = (string | number | Cell | null)[];

/** A cell object from a plain value: strings and numbers as they are, `null` as no cell. */
function cellOf(value: string | number | Cell | null): Cell | undefined {
  if (value === null) return undefined;
  if (typeof value === "string") return { t: "s", v: value };
  if (typeof value === "number") return { t: "n", v: value };
  return value;
}

function sheetOf(rows: Row[], merges: string[] = []): XLSX.WorkSheet {
  const ws: XLSX.WorkSheet = {};
  let width = 1;
  rows.forEach((row, r) => row.forEach((value, c) => {
    const cell = cellOf(value);
    if (cell) ws[XLSX.utils.encode_cell({ r, c })] = cell;
    width = Math.max(width, c + 1);
  }));
  ws["!ref"] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: Math.max(0, rows.length - 1), c: width - 1 } });
  if (merges.length) ws["!merges"] = merges.map((m) => XLSX.utils.decode_range(m));
  return ws;
}

/** An .xlsx file of these sheets, in this order. */
function workbook(name: string, sheets: [string, XLSX.WorkSheet][], options: { date1904?: boolean; hidden?: string[] } = {}): string {
  const wb = XLSX.utils.book_new();
  for (const [sheet, ws] of sheets) XLSX.utils.book_append_sheet(wb, ws, sheet);
  wb.Workbook =
    { ...wb.Workbook, WBProps: { date1904: options.date1904 ?? false },
      Sheets: sheets.map(([sheet]) => ({ name: sheet, Hidden: options.hidden?.includes(sheet) ? 1 : 0 })) };
  writeFileSync(at(name), XLSX.write(wb, { type: "buffer", bookType: "xlsx" }));
  return at(name);
}

/** The Excel serial number of a calendar day (1900 date system). */
const serial = (iso: string) => (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;

/** The formatted problem line carrying `code`. */
function problemLine(r: CliRun, code: string): string {
  const line = r.stderr.split("\n").find((l) => l.includes(`[${code}]`));
  expect(line, `no [${code}] in:\n${r.stderr}`).toBeDefined();
  return line!;
}

const bundledCsv = join(root, "data", "labeled.csv");
const bundledRows = Papa.parse<string[]>(readFileSync(bundledCsv, "utf8"), { skipEmptyLines: true }).data;

/**
 * The bundled sheet as a person keeps it in Excel: dates as date cells shown `17-Jun-24`, each URL
 * as a link shown as "paper", the flags as numbers, formula-looking text unescaped; a notes sheet after it.
 */
function bundledWorkbook(name: string): string {
  const [header, ...rows] = bundledRows;
  const column = (n: string) => header!.indexOf(n);
  const cells: Row[] = [header!, ...rows.map((row) => row.map((raw, c): Row[number] => {
    const value = readCell(raw);
    if (c === column("date") && /^\d{4}-\d{2}-\d{2}$/.test(value)) return { t: "n", v: serial(value), z: "d-mmm-yy" };
    if (c === column("url") && value !== "") return { t: "s", v: "paper", l: { Target: value } };
    if ((c === column("duplicate") || c === column("abstract_missing")) && /^[01]$/.test(value)) return Number(value);
    return value === "" ? null : value;
  }))];
  return workbook(name, [["Papers", sheetOf(cells)], ["Notes", sheetOf([["note"], ["labeled by hand, 2024"]])]]);
}

describe("the bundled sheet as a workbook", () => {
  const taxonomy = at("taxonomy.json");
  beforeAll(() => copyFileSync(join(root, "data", "taxonomy.json"), taxonomy));

  it("ingests to the same 80 rows, byte for byte, as its CSV export", async () => {
    expect(bundledRows).toHaveLength(81);
    const book = bundledWorkbook("bundled.xlsx");
    const fromBook = await cli(["ingest", book, "-o", at("from-book.csv"), "--taxonomy", taxonomy]);
    expect(fromBook.code, fromBook.stderr).toBe(0);
    expect(fromBook.stderr).toContain(`${book}: sheet "Papers" read (of 2: "Papers", "Notes"; --sheet NAME reads another)`);
    expect(fromBook.stderr).toMatch(/^80 rows read: 77 usable/m);
    const fromCsv = await cli(["ingest", bundledCsv, "-o", at("from-csv.csv"), "--taxonomy", taxonomy]);
    expect(fromCsv.code, fromCsv.stderr).toBe(0);
    const written = readFileSync(at("from-book.csv"), "utf8");
    expect(parseCsv(written)).toHaveLength(80);
    expect(written).toBe(readFileSync(at("from-csv.csv"), "utf8"));
    // the links' addresses, not their shown text, and the dates as ISO 8601
    expect(parseCsv(written)[0]).toMatchObject({ id: "r2", date: "2024-06-17", url: "https://www.anthropic.com/research/reward-tampering" });
  });

  it("predict --input book.xlsx labels the sheet's rows as it labels the CSV's, with ids and lines of the sheet", async () => {
    const book = bundledWorkbook("predict.xlsx");
    const fromBook = await cli(["predict", "--model", model, "--input", book, "--output", at("p-book.csv")]);
    expect(fromBook.code, fromBook.stderr).toBe(0);
    expect(fromBook.stderr).toMatch(/^80 abstracts read, 80 predictions written/m);
    const fromCsv = await cli(["predict", "--model", model, "--input", bundledCsv, "--output", at("p-csv.csv")]);
    expect(fromCsv.code, fromCsv.stderr).toBe(0);
    const strip = (rows: Record<string, string>[]) => rows.map(({ file: _file, ...rest }) => rest);
    const book80 = parseCsv(readFileSync(at("p-book.csv"), "utf8"));
    expect(book80).toHaveLength(80);
    expect(book80[0]).toMatchObject({ id: "r2", file: book, line: "2" });
    expect(strip(book80)).toEqual(strip(parseCsv(readFileSync(at("p-csv.csv"), "utf8"))));
    // standard input is told a workbook by its first bytes
    const fromStdin = await cli(["predict", "--model", model, "--input", "-", "--output", "-"], [readFileSync(book)]);
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(strip(parseCsv(fromStdin.stdout)).map((r) => r.category)).toEqual(strip(book80).map((r) => r.category));
  });
});

describe("train --data book.xlsx", () => {
  it("learns what train --data on the CSV export learns (the model differs only in the file it names)", async () => {
    const rows = Papa.parse<string[]>(readFileSync(fixture("tiny-labeled.csv"), "utf8"), { skipEmptyLines: true }).data;
    const book = workbook("tiny.xlsx", [["Cover", sheetOf([["see the next sheet"]])], ["Labels", sheetOf(rows)]]);
    const env = { SOURCE_DATE_EPOCH: "1700000000" };
    const a = await cli(["train", "--data", book, "--sheet", "labels", "--out", at("m-book.json"), ...TINY_TAXONOMY], "", env);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toContain(`${book}: sheet "Labels" read (of 2`);
    const b = await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", at("m-csv.json"), ...TINY_TAXONOMY], "", env);
    expect(b.code, b.stderr).toBe(0);
    const model = (f: string) => {
      const m = JSON.parse(readFileSync(at(f), "utf8"));
      expect(m.training.rows).toBe(18);
      delete m.training.path;
      delete m.training.sha256;
      return m;
    };
    expect(model("m-book.json")).toEqual(model("m-csv.json"));
  });
});

describe("review and accept --data book.xlsx", () => {
  it("read the workbook as training does: accept finds its rows (a conflicting answer is refused) and writes reviewed.csv beside it", async () => {
    const rows = Papa.parse<string[]>(readFileSync(fixture("tiny-labeled.csv"), "utf8"), { skipEmptyLines: true }).data;
    // in a folder of its own: accept writes reviewed.csv beside the book, and training reads it beside any labeled file there
    mkdirSync(at("accept"));
    const book = workbook(join("accept", "book.xlsx"), [["Labels", sheetOf(rows)]]);
    const known = rows[1]![5]!; // labeled Feedback in the workbook
    const sheet = (category: string, abstract: string) => {
      const file = at(`answers-${category}.csv`);
      writeFileSync(file, Papa.unparse([{ id: "q1", file: "dump.txt", line: "1", predicted_category: "Feedback", confidence: "0.6", runner_up: "Robustness",
        margin: "0.2", needs_review: "1", reason: "", abstract, reviewer_category: category, reviewer: "ana" }]));
      return file;
    };
    const conflict = await cli(["accept", sheet("Robustness", known), "--data", book, ...TINY_TAXONOMY]);
    expect(conflict.code, conflict.stderr).not.toBe(0);
    expect(conflict.stderr).toMatch(/already labeled "Feedback"/);
    const fresh = await cli(["accept", sheet("Interpretability", "Probing classifiers read which features a network holds in each layer."),
      "--data", book, ...TINY_TAXONOMY]);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(parseCsv(readFileSync(at(join("accept", "reviewed.csv")), "utf8")).map((r) => r.category)).toEqual(["Interpretability"]);
    // review --data reads it too (no category of the tiny taxonomy was split, so it queues nothing from it)
    const r = await cli(["review", "--model", model, "--data", book, "--output", at("queue.csv"), ...TINY_TAXONOMY]);
    expect(r.code, r.stderr).toBe(0);
  });
});

/** The labeled rows of a one-sheet workbook, read in-process. */
function rowsOf(name: string, rows: Row[], merges: string[] = [], options: Parameters<typeof workbook>[2] = {}) {
  return readLabeled(workbook(name, [["Papers", sheetOf(rows, merges)]], options));
}

const ABSTRACT = "We train reward models from human preference comparisons.";

describe("cells as a person sees them", () => {
  it("a date cell is the date its format shows, in ISO 8601, in the workbook's date system", () => {
    const day = serial("2024-06-17");
    const dated = (z: string, v = day): Cell => ({ t: "n", v, z });
    const read = rowsOf("dates.xlsx", [
      ["id", "date", "category", "abstract"],
      ["us", dated("m/d/yy"), "Feedback", ABSTRACT],
      ["eu", dated("dd/mm/yyyy"), "Feedback", ABSTRACT],
      ["named", dated("[$-409]mmmm d, yyyy;@"), "Feedback", ABSTRACT],
      ["time", dated("yyyy-mm-dd hh:mm", day + 0.396), "Feedback", ABSTRACT],
      ["month", dated("mmm yyyy"), "Feedback", ABSTRACT],
      ["text", "17 June 2024", "Feedback", ABSTRACT],
      ["number", 45460, "Feedback", ABSTRACT],
    ]);
    expect(read.problems).toEqual([]);
    expect(read.rows.map((r) => [r.id, r.date])).toEqual([
      ["us", "2024-06-17"], ["eu", "2024-06-17"], ["named", "2024-06-17"], ["time", "2024-06-17T09:30"],
        ["month", "2024-06"], ["text", "2024-06-17"], ["number", "45460"],
    ]);
    // the 1904 date system (old Mac workbooks) counts from 1904-01-01: the same day is 1462 less
    const mac =
      rowsOf("dates-1904.xlsx", [["id", "date", "category", "abstract"], ["mac", dated("d-mmm-yy", day - 1462), "Feedback", ABSTRACT]], [], { date1904: true });
    expect(mac.rows[0]!.date).toBe("2024-06-17");
  });

  it("numbers are as shown, except General integers, in full; a formula is its saved value", () => {
    const read = rowsOf("numbers.xlsx", [
      ["id", "title", "category", "abstract"],
      [1234567890123, { t: "n", v: 2.5, z: "0.00" }, "Feedback", { t: "s", v: ABSTRACT, f: 'CONCAT("We train ", "reward models")' }],
      [{ t: "n", v: 7, f: "3+4" }, { t: "b", v: true }, "Feedback", ABSTRACT],
    ]);
    expect(read.problems).toEqual([]);
    expect(read.rows.map((r) => [r.id, r.title, r.abstract])).toEqual([["1234567890123", "2.50", ABSTRACT], ["7", "TRUE", ABSTRACT]]);
  });

  it("a hyperlink is its shown text, and its address in the URL column", () => {
    const link = (v: string, Target: string): Cell => ({ t: "s", v, l: { Target } });
    const read = rowsOf("links.xlsx", [
      ["Title", "URL", "Safety_category", "Abstract"],
      [link("Reward models", "https://example.org/title-link"), link("arXiv", "https://arxiv.org/abs/2401.00001"), "Feedback", ABSTRACT],
      ["Second", { t: "s", v: "arXiv", f: 'HYPERLINK("https://arxiv.org/abs/2401.00002","arXiv")' }, "Feedback", ABSTRACT],
      ["Third", link("see Notes", "#Notes!A1"), "Feedback", ABSTRACT],
    ]);
    expect(read.rows.map((r) => [r.title, r.url])).toEqual([
      ["Reward models", "https://arxiv.org/abs/2401.00001"],
      ["Second", "https://arxiv.org/abs/2401.00002"],
      ["Third", "see Notes"], // a link to a place in the workbook has no address
    ]);
  });

  it("a merged header names the first column it covers; the others get a name of their own", () => {
    const book = workbook("merged.xlsx", [["Papers", sheetOf([["id", "Abstract", null, "category"], ["a", ABSTRACT, null, "Feedback"]], ["B1:C1"])]]);
    const sheet = readWorkbook(readFileSync(book), book, { fieldOf });
    expect(sheet.header).toEqual(["id", "Abstract", "Abstract (column C)", "category"]);
    expect(readLabeled(book).rows.map((r) => [r.id, r.abstract, r.category])).toEqual([["a", ABSTRACT, "Feedback"]]);
    // a header cell left empty above values is a column of its own, which the reader does not use
    expect(readWorkbook(readFileSync(book), book, { fieldOf }).csv.split("\n")[0]).toBe("id,Abstract,Abstract (column C),category");
    const unnamed = workbook("unnamed.xlsx", [["Papers", sheetOf([["id", "abstract", "category", null], ["a", ABSTRACT, "Feedback", "a note"]])]]);
    expect(readWorkbook(readFileSync(unnamed), unnamed, { fieldOf }).header).toEqual(["id", "abstract", "category", "column D"]);
    expect(readLabeled(unnamed).rows).toHaveLength(1);
  });
});

describe("bad workbook input: the file, sheet, row and column, and exit 65", () => {
  it("a merged header over a column that holds values is refused, naming the column", async () => {
    const book =
      workbook("merged-values.xlsx",
        [["Papers", sheetOf([["id", "Abstract", null, "category"], ["a", "First half.", "Second half.", "Feedback"]], ["B1:C1"])]]);
    const r = await cli(["ingest", book, "-o", at("o.csv"), ...TINY_TAXONOMY]);
    expect(r.code, r.stderr).toBe(65);
    expect(problemLine(r, "E_WORKBOOK_MERGED"))
      .toContain(
        `${book} (sheet "Papers"):2: column C (Abstract (column C)): [E_WORKBOOK_MERGED] the header "Abstract" is merged over ` +
          `B1:C1, and column C holds values too`);
  });

  it("a category merged down several rows is refused: its export gives it to the first row only", async () => {
    const book =
      workbook("merged-rows.xlsx",
        [["Papers", sheetOf([["id", "category", "abstract"], ["a", "Feedback", ABSTRACT], ["b", null, ABSTRACT], ["c", null, ABSTRACT]], ["B2:B4"])]]);
    const r = await cli(["ingest", book, "-o", at("o.csv"), ...TINY_TAXONOMY]);
    expect(r.code, r.stderr).toBe(65);
    expect(problemLine(r, "E_WORKBOOK_MERGED")).toContain(`${book} (sheet "Papers"):3: column B (category): [E_WORKBOOK_MERGED] cells B2:B4 are merged`);
    // the same merge in a column no reader uses is harmless
    const notes =
      workbook("merged-notes.xlsx",
        [["Papers", sheetOf([["id", "category", "abstract", "notes"], ["a", "Feedback", ABSTRACT, "both"], ["b", "Feedback", ABSTRACT, null]], ["D2:D3"])]]);
    expect(readLabeled(notes).rows).toHaveLength(2);
  });

  it("an error value or a formula without a saved value, in a column read: every cell named at once; elsewhere read as shown", async () => {
    const book = workbook("formulas.xlsx", [["Papers", sheetOf([
      ["id", "category", "abstract", "notes"],
      ["a", "Feedback", ABSTRACT, { t: "e", v: 42, w: "#N/A" }],
      ["b", { t: "e", v: 42, w: "#N/A" }, ABSTRACT, null],
      ["c", "Feedback", { t: "s", f: "A1&B1" } as Cell, null],
    ])]]);
    const r = await cli(["ingest", book, "-o", at("o.csv"), ...TINY_TAXONOMY]);
    expect(r.code, r.stderr).toBe(65);
    expect(r.stderr).toContain(`${book} (sheet "Papers"): 2 cells cannot be read as a person sees them (row 3, column B (category)); nothing was read`);
    const lines = r.stderr.split("\n").filter((l) => l.includes("[E_WORKBOOK_CELL]"));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`${book} (sheet "Papers"):3: column B (category): [E_WORKBOOK_CELL] row 3, column B (category): the cell shows the error #N/A`);
    expect(lines[1])
      .toContain(`${book} (sheet "Papers"):4: column C (abstract): [E_WORKBOOK_CELL] row 4, column C (abstract): the formula =A1&B1 has no saved value`);
  });

  it("problems the sheet reader finds name the sheet, and the column by letter and header", async () => {
    const book =
      workbook("problems.xlsx",
        [["Papers",
          sheetOf([["id", "title", "abstract", "category"], ["a", "T", ABSTRACT, "Feedback"],
            ["b", "No abstract", null, "Feedback"], ["c", "No category", ABSTRACT, null]])]]);
    const r = await cli(["ingest", book, "-o", at("o.csv"), ...TINY_TAXONOMY]);
    expect(r.code, r.stderr).toBe(0);
    expect(problemLine(r, "E_MISSING_CELL")).toContain(`${book} (sheet "Papers"):3: column C (abstract): [E_MISSING_CELL] row 3 has no abstract`);
    expect(r.stderr).toContain(`${book} (sheet "Papers"):4: column D (category): [E_MISSING_CELL] row 4 has no category; the row is left out`);
    const noAbstract = workbook("no-abstract.xlsx", [["Papers", sheetOf([["id", "summary"], ["a", ABSTRACT]])]]);
    const p = await cli(["predict", "--model", model, "--input", noAbstract, "--output", at("p.csv")]);
    expect(p.code, p.stderr).toBe(65);
    expect(p.stderr).toContain(`safetag: error E_INPUT_COLUMNS: ${noAbstract} (sheet "Papers"): no \`abstract\` column (found: id, summary)`);
  });

  it("--sheet NAME reads that sheet (any case); a missing name lists the sheets; a hidden first sheet is passed over", async () => {
    const rows = (category: string): Row[] => [["id", "category", "abstract"], ["a", category, ABSTRACT]];
    const book =
      workbook("sheets.xlsx", [["Old", sheetOf(rows("Robustness"))], ["2024 papers", sheetOf(rows("Feedback"))], ["Empty", sheetOf([])]], { hidden: ["Old"] });
    expect(readLabeled(book).rows[0]!.category).toBe("Feedback");
    expect(readLabeled(book, { sheet: "OLD" }).rows[0]!.category).toBe("Robustness");
    const missing = await cli(["ingest", book, "--sheet", "2025 papers", "-o", at("o.csv"), ...TINY_TAXONOMY]);
    expect(missing.code, missing.stderr).toBe(65);
    expect(missing.stderr).toContain(`safetag: error E_WORKBOOK_SHEET: ${book}: no sheet named "2025 papers"`);
    expect(missing.stderr).toContain(`hint: the workbook's sheets: "Old", "2024 papers", "Empty"; name one of them with --sheet (any case)`);
    const empty = await cli(["train", "--data", book, "--sheet", "empty", "--out", at("m.json"), ...TINY_TAXONOMY]);
    expect(empty.code, empty.stderr).toBe(65);
    expect(empty.stderr).toContain(`E_WORKBOOK_EMPTY: ${book} (sheet "Empty"): the sheet has no cells with values`);
    // --sheet on a CSV is a mistake, not ignored
    const csv = await cli(["predict", "--model", model, "--input", bundledCsv, "--sheet", "Papers", "--output", at("p.csv")]);
    expect(csv.code, csv.stderr).toBe(2);
    expect(csv.stderr).toContain("E_NOT_A_WORKBOOK");
  });

  it("a damaged, encrypted, empty or not-really-xlsx file is refused as such, by ingest, train and predict (a file or standard input)", async () => {
    const good = readFileSync(bundledWorkbook("good.xlsx"));
    const cfb = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(cfb, "/EncryptionInfo", Buffer.from([4, 0, 4, 0, 0x40, 0, 0, 0]));
    XLSX.CFB.utils.cfb_add(cfb, "/EncryptedPackage", Buffer.alloc(64, 7));
    const zipOf = (name: string, content: string) => {
      const z = XLSX.CFB.utils.cfb_new();
      XLSX.CFB.utils.cfb_add(z, `/${name}`, Buffer.from(content));
      return XLSX.CFB.write(z, { type: "buffer", fileType: "zip" }) as Buffer;
    };
    /** Local file headers naming workbook parts, with nothing readable behind them. */
    const fakeZip =
      Buffer.concat(
        ["[Content_Types].xml",
          "xl/workbook.xml"].flatMap((n) =>
            [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26, 0x14), Buffer.from(n), Buffer.from([0x8b, 0x00, 0xc3, 0x28])]));
    const cases: [string, Buffer, string, RegExp][] = [
      ["truncated.xlsx", good.subarray(0, Math.floor(good.length / 2)), "E_WORKBOOK_DAMAGED", /the workbook is damaged and cannot be read/],
      ["fake-parts.xlsx", fakeZip, "E_WORKBOOK_DAMAGED", /the workbook is damaged/],
      ["locked.xlsx", XLSX.CFB.write(cfb, { type: "buffer", fileType: "cfb" }) as Buffer, "E_WORKBOOK_ENCRYPTED", /password-protected/],
      ["empty.xlsx", Buffer.alloc(0), "E_EMPTY_INPUT", /the file is empty/],
      ["csv.xlsx", readFileSync(bundledCsv), "E_WORKBOOK_FORMAT",
        /not an Excel workbook: an \.xlsx is a zip archive, and this file starts with 0x69 0x64 0x2C 0x63/],
      ["notes.xlsx", zipOf("notes.txt", "hello"), "E_WORKBOOK_FORMAT", /a zip archive, but not an Excel workbook/],
    ];
    for (const [name, bytes, code, message] of cases) {
      writeFileSync(at(name), bytes);
      const runs: [string[], Buffer[] | string][] = [
        [["ingest", at(name), "-o", at("o.csv"), ...TINY_TAXONOMY], ""],
        [["train", "--data", at(name), "--out", at("m.json"), ...TINY_TAXONOMY], ""],
        [["predict", "--model", model, "--input", at(name), "--output", at("p.csv")], ""],
      ];
      // standard input has no name: only what its first bytes say is a workbook is read as one
      if (code === "E_WORKBOOK_DAMAGED") runs.push([["predict", "--model", model, "--input", "-", "--output", at("p.csv")], [bytes]]);
      for (const [args, stdin] of runs) {
        const r = await cli(args, stdin);
        expect(r.code, `${name} ${args[0]}: ${r.stderr}`).toBe(65);
        expect(problemLine(r, code)).toMatch(message);
        expect(r.stderr).not.toMatch(/NUL|Latin-1/);
      }
    }
  });

  it("a workbook over the size limit is refused before it is unpacked", () => {
    const big = Buffer.alloc(MAX_WORKBOOK_BYTES + 1);
    big.set([0x50, 0x4b, 0x03, 0x04]);
    const e = thrown(() => readWorkbook(big, "big.xlsx", { fieldOf }));
    expect(e.code).toBe("E_INPUT_TOO_LARGE");
    expect(e.message).toBe("big.xlsx: the workbook is 64 MiB; safetag reads workbooks of at most 64 MiB");
  });

  it("columns are named by their letters, as a spreadsheet names them", () => {
    expect([0, 2, 25, 26, 27, 51, 52, 701, 702, 16383].map(columnLetters)).toEqual(["A", "C", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]);
  });
});

describe("a `;`-delimited CSV reads the same everywhere", () => {
  it("train --data and predict --input read it as they read the comma one", async () => {
    const semi = (file: string, out: string) => {
      const rows = Papa.parse<string[]>(readFileSync(file, "utf8"), { skipEmptyLines: true }).data;
      writeFileSync(at(out), Papa.unparse(rows, { delimiter: ";" }) + "\n");
      return at(out);
    };
    const labeled = semi(fixture("tiny-labeled.csv"), "semi-labeled.csv");
    expect(readFileSync(labeled, "utf8").split(/\r?\n/)[0]).toBe("Company;Title;Date;URL;Safety_category;Abstract");
    const env = { SOURCE_DATE_EPOCH: "1700000000" };
    const a = await cli(["train", "--data", labeled, "--out", at("semi-model.json"), ...TINY_TAXONOMY], "", env);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/18 rows read/);
    const b = await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", at("comma-model.json"), ...TINY_TAXONOMY], "", env);
    expect(b.code, b.stderr).toBe(0);
    const model = (f: string) => {
      const m = JSON.parse(readFileSync(at(f), "utf8"));
      delete m.training.path;
      delete m.training.sha256;
      return m;
    };
    expect(model("semi-model.json")).toEqual(model("comma-model.json"));

    // abstracts full of semicolons, quoted as a spreadsheet program quotes them
    const abstracts =
      [["id", "abstract"], ["1", "Reward models; human feedback; preference comparisons."], ["2", "Sparse autoencoders find circuits; attention heads, too."]];
    writeFileSync(at("semi-input.csv"), Papa.unparse(abstracts, { delimiter: ";" }) + "\n");
    writeFileSync(at("comma-input.csv"), Papa.unparse(abstracts) + "\n");
    const p = await cli(["predict", "--model", at("semi-model.json"), "--input", at("semi-input.csv"), "--output", at("semi-p.csv")]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stderr).toMatch(/^2 abstracts read, 2 predictions written/m);
    const q = await cli(["predict", "--model", at("semi-model.json"), "--input", at("comma-input.csv"), "--output", at("comma-p.csv")]);
    expect(q.code, q.stderr).toBe(0);
    const strip = (f: string) => parseCsv(readFileSync(at(f), "utf8")).map(({ file: _file, ...rest }) => rest);
    expect(strip("semi-p.csv").map((r) => r.id)).toEqual(["1", "2"]);
    expect(strip("semi-p.csv")).toEqual(strip("comma-p.csv"));
  });
});
