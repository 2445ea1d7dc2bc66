/**
 * One test per error code of the paste and sheet readers not already tested through the CLI:
 * what, where (file, 1-based line, column), the value and a hint. E_NO_INPUT, E_SHEET_COLUMNS,
 * E_SHEET_QUOTES, E_SHEET_PARSE, E_SHEET_DUPLICATE_ID and a sheet's E_MISSING_CELL are tested
 * through the CLI, with their exit codes, in hardening.test.ts.
 */
import { describe, expect, it } from "vitest";
import { formatProblem } from "../src/errors.js";
import { parsePaste } from "../src/ingest/paste.js";
import { parseSheetExport } from "../src/ingest/sheet.js";

const PASTE_HEAD = ["ABCDEFGHIJKLMNOPQRSTUVWXYZ", "1", "CompanyTitleDateURL", "Safety_category", "Abstract"];
const GOOD_ROW = ["2", "LabA good paper17-Jun-24https://l.org/aRobustnessWe study robustness."];

function pasteOf(...lines: string[]): string {
  return [...PASTE_HEAD, ...GOOD_ROW, ...lines].join("\n");
}

describe("paste problems", () => {
  it("E_PASTE_ROW: a row with neither date nor URL is reported, not dropped silently", () => {
    const result = parsePaste(pasteOf("3", "Just some words without cells"), "p.txt");
    expect(result.rows.map((r) => r.id)).toEqual(["r2"]);
    expect(result.problems).toEqual([expect.objectContaining({ code: "E_PASTE_ROW", file: "p.txt", line: 8, value: "Just some words without cells" })]);
    expect(formatProblem(result.problems[0]!)).toMatch(/^p\.txt:8: column Date: \[E_PASTE_ROW\] row 3 has neither a date/);
  });

  it("E_PASTE_STRAY: text before the first row number", () => {
    const result = parsePaste(["ABCDEFGHIJKLMNOPQRSTUVWXYZ", "copied from the sheet:", ...GOOD_ROW].join("\n"), "p.txt");
    expect(result.problems).toEqual([expect.objectContaining({ code: "E_PASTE_STRAY", line: 2, value: "copied from the sheet:" })]);
    expect(result.rows).toHaveLength(1);
  });

  it("E_PASTE_DATE: a row without a date is kept (the URL marks the title's end) and reported", () => {
    const result = parsePaste(pasteOf("3", "LabNo date herehttps://l.org/bRobustnessWe test."), "p.txt");
    expect(result.rows[1]).toMatchObject({ id: "r3", title: "No date here", date: "", url: "https://l.org/b", category: "Robustness" });
    expect(result.problems).toEqual([expect.objectContaining({ code: "E_PASTE_DATE", line: 8, column: "Date" })]);
  });

  it("E_MISSING_CELL: a row with no category is left out, one with no abstract is kept and flagged", () => {
    const result =
      parsePaste(pasteOf("3", "LabNo category1-Jan-24", "https://l.org/c", "4", "LabNo abstract2-Jan-24", "https://l.org/d", "Robustness"), "p.txt");
    expect(result.rows.map((r) => [r.id, r.abstractMissing])).toEqual([["r2", false], ["r4", true]]);
    expect(result.problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ["E_MISSING_CELL", 8, "Safety_category"],
      ["E_MISSING_CELL", 11, "Abstract"],
    ]);
  });
});

describe("sheet export problems", () => {
  it("E_SHEET_FIELDS: more cells than the header names (an unquoted delimiter) leaves the row out", () => {
    const result = parseSheetExport("category,abstract\nRobustness,We study this, and that\nRobustness,Fine\n", "s.csv");
    expect(result.rows.map((r) => r.id)).toEqual(["r3"]);
    expect(result.problems).toEqual([expect.objectContaining({ code: "E_SHEET_FIELDS", line: 2, value: "and that" })]);
  });
});
