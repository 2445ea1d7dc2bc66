import { describe, expect, it } from "vitest";
import Papa from "papaparse";
import fc from "fast-check";
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

  it("quotes a cell exactly when it has a quote, a comma or a line break, or white space at either end", () => {
    // the definition as first written: each cell escaped, then quoted when trimming would change it
    const quoted = (v: string) => (/[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v);
    const plain = (values: (string | number | undefined)[]) => values.map((v) => quoted(escapeFormula(v === undefined ? "" : String(v)))).join(",") + "\n";
    const piece = fc.constantFrom("a", " ", "\t", "\n", "\r", '"', ",", "=", "-", "'", "\u00a0", "\u2028", "\ufeff", "\u3000", "x y", "");
    const cell = fc.oneof(fc.string(), fc.array(piece, { maxLength: 6 }).map((p) => p.join("")), fc.double(), fc.constant(undefined));
    fc.assert(fc.property(fc.array(cell, { maxLength: 8 }), (values) => csvLine(values) === plain(values)), { numRuns: 2000 });
  });
});
