import { describe, expect, it } from "vitest";
import Papa from "papaparse";
import { csvLine, escapeFormula, readCell, toCsv } from "../src/io/csv.js";

describe("CSV writing", () => {
  it("escapes cells that a spreadsheet would run as formulas", () => {
    for (const bad of ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"]) expect(escapeFormula(bad)).toBe(`'${bad}`);
    expect(escapeFormula("plain = text")).toBe("plain = text");
  });

  it("round-trips through a CSV parser, formulas and quotes included", () => {
    const rows = [{ a: '=HYPERLINK("http://x")', b: 'say "hi", then\nleave' }, { a: "-1", b: "ok" }];
    const parsed = Papa.parse<Record<string, string>>(toCsv(["a", "b"], rows), { header: true, skipEmptyLines: true }).data;
    expect(parsed.map((r) => ({ a: readCell(r.a!), b: readCell(r.b!) }))).toEqual(rows);
    expect(parsed[0]!.a!.startsWith("'=")).toBe(true);
  });

  it("writes numbers and empty values plainly", () => {
    expect(csvLine([1.5, undefined, null, true])).toBe("1.5,,,true\n");
  });
});
