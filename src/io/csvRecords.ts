/**
 * CSV/TSV records from decoded text chunks, for inputs too large to hold whole (predict's CSV
 * inputs). Written out rather than taken from papaparse's stream mode because that mode drops
 * parse errors: a quote that never closes would turn the rest of a dump into one abstract
 * without a word. Here it is an error naming the row and line where the quoted cell began.
 *
 * RFC 4180 with the usual leniency: a record ends at CRLF, LF or CR outside quotes; a cell that
 * starts with `"` is quoted and `""` inside it is one quote; text after a closing quote, and
 * quotes inside an unquoted cell, are kept as they are.
 */
import { EXIT, SafetagError } from "../errors.js";

export interface CsvRecord {
  cells: string[];
  /** 1-based record number: the row as a spreadsheet shows it (blank rows count). */
  row: number;
  /** 1-based line where the record starts (a quoted cell may hold line breaks). */
  line: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

export async function* csvRecords(chunks: AsyncIterable<string> | Iterable<string>, delimiter: string, file: string): AsyncGenerator<CsvRecord> {
  const delim = delimiter.charCodeAt(0);
  let cells: string[] = [];
  let cell = "";
  /** Inside a quoted cell, before its closing quote. */
  let inQuotes = false;
  /** A quote inside a quoted cell: either the closing one or the first of `""`; the next character says. */
  let quotePending = false;
  let cellStarted = false;
  let skipLf = false;
  let line = 1;
  let row = 1;
  let recordLine = 1;
  let quoteLine = 1;
  let touched = false;

  const endRecord = (): CsvRecord => {
    cells.push(cell);
    const rec = { cells, row, line: recordLine };
    cells = [];
    cell = "";
    cellStarted = false;
    touched = false;
    row++;
    return rec;
  };

  for await (const chunk of chunks) {
    const out: CsvRecord[] = [];
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      if (skipLf) {
        skipLf = false;
        if (c === LF) {
          i++;
          continue;
        }
      }
      if (!touched) {
        touched = true;
        recordLine = line;
      }
      if (inQuotes) {
        if (quotePending) {
          quotePending = false;
          if (c === QUOTE) {
            cell += '"';
            i++;
            continue;
          }
          inQuotes = false; // that quote closed the cell; this character is read as outside quotes
          continue;
        }
        if (c === QUOTE) {
          quotePending = true;
          i++;
          continue;
        }
        // copy a run of ordinary characters at once
        let j = i;
        while (j < n) {
          const d = chunk.charCodeAt(j);
          if (d === QUOTE) break;
          if (d === LF) line++; // (a CR-only line break inside a quoted cell is not counted)
          j++;
        }
        cell += chunk.slice(i, j);
        i = j;
        continue;
      }
      if (c === delim) {
        cells.push(cell);
        cell = "";
        cellStarted = false;
        i++;
        continue;
      }
      if (c === LF || c === CR) {
        line++;
        if (c === CR) skipLf = true;
        out.push(endRecord());
        i++;
        continue;
      }
      if (c === QUOTE && !cellStarted) {
        inQuotes = true;
        cellStarted = true;
        quoteLine = line;
        i++;
        continue;
      }
      cellStarted = true;
      let j = i + 1;
      while (j < n) {
        const d = chunk.charCodeAt(j);
        if (d === delim || d === LF || d === CR) break;
        j++;
      }
      cell += chunk.slice(i, j);
      i = j;
    }
    yield* out;
  }
  if (inQuotes && !quotePending) {
    throw new SafetagError("E_CSV_QUOTE", `${file}: a quoted cell that starts in row ${row} (line ${quoteLine}) never closes`, {
      exitCode: EXIT.dataError,
      problems: [{
        code: "E_CSV_QUOTE", file, line: quoteLine, column: String(cells.length + 1), value: cell.slice(0, 80),
        message: `the quoted cell ${cells.length + 1} of row ${row} has no closing quote, so the rest of the file would be read as one cell`,
        hint: 'close the quote; a quote inside a quoted cell is written twice (""), and a cell that does not start with a quote needs none',
      }],
    });
  }
  if (touched) yield endRecord();
}
