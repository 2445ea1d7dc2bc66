/**
 * Cutting a spreadsheet paste into its rows. A spreadsheet copied as text puts each row number
 * alone on a line before the row's cells, and the numbers only go up. An abstract can also hold a
 * line that is just a number, so a number counts as a row number only if it fits that sequence.
 */

export interface SourceLine {
  text: string;
  /** 1-based line in the file. */
  line: number;
}

export interface PasteRow {
  /** The spreadsheet's row number. */
  row: number;
  /** 1-based line of the row number in the file. */
  line: number;
  /** The row's non-blank lines, trimmed. */
  lines: SourceLine[];
}

export interface PasteRows {
  rows: PasteRow[];
  /** Non-blank lines before the first row number (other than the column letters). */
  stray: SourceLine[];
}

const ROW_NUMBER = /^\d+$/;
const COLUMN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

export function splitPasteRows(text: string): PasteRows {
  const lines = text.split(/\r?\n/).map((t, i) => ({ text: t.trim(), line: i + 1 }));
  const body = isColumnLetters(lines[0]?.text ?? "") ? lines.slice(1) : lines;
  const starts = rowNumberIndices(body);
  const rows: PasteRow[] = [];
  const stray: SourceLine[] = [];
  body.forEach((l, i) => {
    if (starts.has(i)) rows.push({ row: Number(l.text), line: l.line, lines: [] });
    else if (l.text === "") return;
    else if (rows.length > 0) rows[rows.length - 1]!.lines.push(l);
    else stray.push(l);
  });
  return { rows, stray };
}

/** The `ABCDEF...` header a spreadsheet adds when its column letters are selected too. */
function isColumnLetters(line: string): boolean {
  return line.length >= 2 && COLUMN_LETTERS.startsWith(line);
}

/**
 * Indices of the lines that are row numbers. A number line is one if it is above the last row
 * number and no later number line falls between the two: an abstract line `2023` inside row 22 is
 * skipped because the next row, 23, is lower than 2023.
 */
function rowNumberIndices(lines: readonly SourceLine[]): Set<number> {
  const numbered = lines.flatMap((l, i) => (ROW_NUMBER.test(l.text) ? [{ i, n: Number(l.text) }] : []));
  const starts = new Set<number>();
  let last = 0;
  numbered.forEach(({ i, n }, k) => {
    if (n <= last) return;
    for (let j = k + 1; j < numbered.length; j++) {
      const m = numbered[j]!.n;
      if (m > last && m < n) return;
    }
    starts.add(i);
    last = n;
  });
  return starts;
}
