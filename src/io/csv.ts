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

function quote(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

export type CsvValue = string | number | boolean | undefined | null;

export function csvLine(values: readonly CsvValue[]): string {
  return values.map((v) => quote(escapeFormula(v === undefined || v === null ? "" : String(v)))).join(",") + "\n";
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, CsvValue>[]): string {
  return csvLine(columns) + rows.map((r) => csvLine(columns.map((c) => r[c]))).join("");
}
