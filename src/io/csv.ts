/**
 * CSV output. Every cell we write may end up in a spreadsheet program, and abstracts are
 * scraped from the web, so a cell that starts like a formula (= + - @, tab, CR) is prefixed
 * with a single quote, as OWASP recommends. `readCell` undoes exactly that prefix so our own
 * files round-trip.
 */
/** Starts like a formula, or is quotes in front of one: `'=x` gets a quote too, so `readCell` gives back `'=x`. */
const NEEDS_QUOTE = /^'*[=+\-@\t\r]/;

export function escapeFormula(value: string): string {
  return NEEDS_QUOTE.test(value) ? `'${value}` : value;
}

/** Inverse of escapeFormula for files we wrote ourselves. */
export function readCell(value: string): string {
  return value.length > 1 && value[0] === "'" && NEEDS_QUOTE.test(value.slice(1)) ? value.slice(1) : value;
}

/** What makes a cell quoted: a quote, a comma or a line break in it, or white space at either end (what `trim` would remove). */
const QUOTED = /[",\r\n]|^\s|\s$/;

function quote(value: string): string {
  return QUOTED.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export type CsvValue = string | number | boolean | undefined | null;

/** One CSV row. Built by concatenation, not an array of cells joined: every predicted row is one (a quarter faster). */
export function csvLine(values: readonly CsvValue[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    line += (i === 0 ? "" : ",") + quote(escapeFormula(v === undefined || v === null ? "" : String(v)));
  }
  return line + "\n";
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, CsvValue>[]): string {
  return csvLine(columns) + rows.map((r) => csvLine(columns.map((c) => r[c]))).join("");
}
