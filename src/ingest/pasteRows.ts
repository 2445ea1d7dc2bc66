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

/** The `ABCDEF...` header a spreadsheet adds when its column letters are selected too (`...XYZAAAB` past Z). */
function isColumnLetters(line: string): boolean {
  if (line.length < 2) return false;
  return COLUMN_LETTERS.startsWith(line) || new RegExp(`^${COLUMN_LETTERS}(?:A[A-Z])+$`).test(line);
}

/**
 * Indices of the lines that are row numbers: the longest increasing run of number lines. Among
 * equally long runs the one with the smallest steps wins (the product of the gaps, as a sum of
 * logs), since a spreadsheet's rows mostly follow each other: in `1, 22, 2023, 23` the abstract
 * line `2023` loses to row 23, and in `30, 5, 31` the abstract line `5` loses to row 30.
 */
function rowNumberIndices(lines: readonly SourceLine[]): Set<number> {
  const numbered = lines.flatMap((l, i) => (ROW_NUMBER.test(l.text) ? [{ i, n: Number(l.text) }] : []));
  // The usual case, and the search below is quadratic: every number line is a row number.
  if (numbered.every(({ n }, k) => k === 0 || n > numbered[k - 1]!.n)) return new Set(numbered.map(({ i }) => i));
  const best = numbered.map(({ n }) => ({ count: 1, cost: Math.log(n + 1), previous: -1 }));
  numbered.forEach(({ n }, j) => {
    for (let k = 0; k < j; k++) {
      const from = numbered[k]!.n;
      if (from >= n) continue;
      const count = best[k]!.count + 1;
      const cost = best[k]!.cost + Math.log(n - from);
      if (count > best[j]!.count || (count === best[j]!.count && cost < best[j]!.cost)) best[j] = { count, cost, previous: k };
    }
  });
  let end = -1;
  best.forEach((b, j) => {
    const e = best[end];
    if (!e || b.count > e.count || (b.count === e.count && b.cost < e.cost)) end = j;
  });
  const starts = new Set<number>();
  for (let k = end; k >= 0; k = best[k]!.previous) starts.add(numbered[k]!.i);
  return starts;
}
