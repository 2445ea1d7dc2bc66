/**
 * Cutting a spreadsheet paste into its rows. A spreadsheet copied as text puts each row number
 * alone on a line before the row's cells, and the numbers only go up. An abstract can also hold a
 * line that is just a number, so a number counts as a row number only if it fits that sequence.
 * What follows a number line decides the rest: a row starts with its company, title, date and URL,
 * so the number line that starts a row has a date or a URL after it before the next row, where a
 * number in an abstract has the rest of the abstract. Of two lines holding the same row number,
 * the one the cells follow starts the row; a number that skips rows (the sheet may be filtered)
 * and has no cells after it is a line of the row before. When that cannot tell (the same number
 * twice, each followed by a date or by none), the sequence decides and the doubt is reported; the
 * next number with no cells after it stays a row, which is reported as unreadable (E_PASTE_ROW).
 */
import { splitRowCells } from "./pasteCells.js";

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
  /** Number lines whose reading is worth a warning (see `RowNumberNote`). */
  notes: RowNumberNote[];
}

/**
 * `folded`: a number line that fits the sequence but has no row's cells after it, read as a line
 * of the row before (`into`). `ambiguous`: a number on several lines (`lines`) that the cells
 * after them cannot tell apart; the one on `line` was taken as the row number.
 */
export type RowNumberNote =
  | { kind: "folded"; row: number; line: number; into: number }
  | { kind: "ambiguous"; row: number; line: number; lines: number[] };

const ROW_NUMBER = /^\d+$/;
const COLUMN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

export function splitPasteRows(text: string): PasteRows {
  const lines = text.split(/\r?\n/).map((t, i) => ({ text: t.trim(), line: i + 1 }));
  const body = isColumnLetters(lines[0]?.text ?? "") ? lines.slice(1) : lines;
  const { starts, notes } = withRowCells(body, rowNumberIndices(body));
  const rows: PasteRow[] = [];
  const stray: SourceLine[] = [];
  body.forEach((l, i) => {
    if (starts.has(i)) rows.push({ row: Number(l.text), line: l.line, lines: [] });
    else if (l.text === "") return;
    else if (rows.length > 0) rows[rows.length - 1]!.lines.push(l);
    else stray.push(l);
  });
  return { rows, stray, notes };
}

/** A row's cells can be told apart: it has a date or a URL (pasteCells.ts). */
function hasCells(lines: readonly SourceLine[]): boolean {
  const filled = lines.filter((l) => l.text !== "");
  return filled.length > 0 && splitRowCells({ lines: filled }) !== undefined;
}

/**
 * The row starts among `chosen` (indices of number lines in increasing order of number), checked
 * against what follows each: of the lines holding a row's number between its neighbours, the one
 * followed by the row's cells; and a number line that skips rows and has no cells after it, after
 * a row that has cells, is a line of that row (a number in its abstract), not a row of its own.
 */
function withRowCells(lines: readonly SourceLine[], chosen: ReadonlySet<number>): { starts: Set<number>; notes: RowNumberNote[] } {
  const notes: RowNumberNote[] = [];
  const sorted = [...chosen].sort((a, b) => a - b);
  const resolved = sorted.map((s, k) => {
    const next = sorted[k + 1] ?? lines.length;
    const same: number[] = [];
    for (let i = (sorted[k - 1] ?? -1) + 1; i < next; i++) if (lines[i]!.text === lines[s]!.text) same.push(i);
    if (same.length < 2) return s;
    const followed = same.filter((c, j) => hasCells(lines.slice(c + 1, same[j + 1] ?? next)));
    if (followed.length === 1) return followed[0]!;
    notes.push({ kind: "ambiguous", row: Number(lines[s]!.text), line: lines[s]!.line, lines: same.map((i) => lines[i]!.line) });
    return s;
  });
  const starts: number[] = [];
  resolved.forEach((s, k) => {
    const previous = starts[starts.length - 1];
    const own = lines.slice(s + 1, resolved[k + 1] ?? lines.length);
    const skips = previous !== undefined && Number(lines[s]!.text) !== Number(lines[previous]!.text) + 1;
    if (previous !== undefined && skips && own.some((l) => l.text !== "") && !hasCells(own) && hasCells(lines.slice(previous + 1, s))) {
      notes.push({ kind: "folded", row: Number(lines[s]!.text), line: lines[s]!.line, into: Number(lines[previous]!.text) });
      return;
    }
    starts.push(s);
  });
  return { starts: new Set(starts), notes };
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
