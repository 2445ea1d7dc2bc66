/**
 * The header row of a CSV/TSV input: which delimiter it uses, and whether it names a column twice.
 * One rule for every reader (the labeled sheet, reviewed labels, review sheets, predict's CSV
 * input), so a file one command reads is read the same way by every other.
 *
 * The delimiter is the one under which the header names the columns the reader needs. Guessing
 * from how regular the rows are (as papaparse does) fails on the files safetag itself writes: a
 * reviewed.csv of one or two rows with empty company, title, date and url cells and an abstract
 * full of semicolons splits more regularly at `;` than at `,`. The header has no such doubt:
 * `id,company,...,abstract` names an abstract column only when split at commas.
 */
import type { InputProblem } from "../domain.js";
import { EXIT, SafetagError } from "../errors.js";

/** The delimiters a CSV/TSV may use; on a tie, the earlier wins. */
export const DELIMITERS: readonly string[] = [",", "\t", ";", "|"];

/**
 * The cells of the first record of `text` split at `delimiter`, trimmed and unquoted (a quoted cell
 * may hold the delimiter or a line break; `""` inside it is one quote). A byte-order mark is dropped.
 */
export function headerCells(text: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let inQuotes = false;
  let quoted = false;
  const s = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (inQuotes) {
      if (c !== '"') cell += c;
      else if (s[i + 1] === '"') {
        cell += '"';
        i++;
      } else inQuotes = false;
      continue;
    }
    if (c === delimiter) {
      cells.push(cell.trim());
      cell = "";
      quoted = false;
    } else if (c === "\n" || c === "\r") break;
    else if (c === '"' && !quoted && cell.trim() === "") {
      inQuotes = quoted = true;
      cell = "";
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

/**
 * How well a header's cells fit a reader, compared in order: e.g. [required columns found, known
 * columns found]. The delimiter whose split scores highest wins.
 */
export type HeaderScore = (cells: readonly string[]) => readonly number[];

/**
 * The delimiter under which the first record of `text` names the columns the reader needs
 * (`score`), then the one giving the most header cells; ties go to `preferred` (a `.tsv` file's
 * tab, say), then to the order of DELIMITERS. Leading blank lines are skipped.
 */
export function chooseDelimiter(text: string, score: HeaderScore, preferred?: string): string {
  return splitHeader(text, score, preferred).delimiter;
}

/** `chooseDelimiter`, with the header's cells under that delimiter. */
export function splitHeader(text: string, score: HeaderScore, preferred?: string): { delimiter: string; cells: string[] } {
  // a header is a line of names: its first 64 KiB are plenty (a quote that never closes would otherwise run to the end)
  const head = text.slice(0, 64 * 1024).replace(/^\uFEFF/, "").replace(/^(?:[ \t]*(?:\r\n|\n|\r))+/, "");
  const candidates = preferred ? [preferred, ...DELIMITERS.filter((d) => d !== preferred)] : DELIMITERS;
  let best: { delimiter: string; cells: string[]; key: number[] } | undefined;
  for (const delimiter of candidates) {
    const cells = headerCells(head, delimiter);
    const key = [...score(cells), cells.filter((c) => c !== "").length];
    if (!best || greater(key, best.key)) best = { delimiter, cells, key };
  }
  return { delimiter: best!.delimiter, cells: best!.cells };
}

function greater(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return false;
}

/**
 * Refuses a header that names a column the reader uses twice (`id,abstract,abstract`): one of
 * them would be read without a word and the other ignored. `fieldOf` says which column a header
 * cell names (undefined for one the reader does not use); `row` is the header's 1-based row.
 */
export function refuseDuplicateColumns(header: readonly string[], fieldOf: (name: string) => string | undefined, file: string, row = 1): void {
  const code = "E_DUPLICATE_COLUMN";
  const first = new Map<string, number>();
  const problems: InputProblem[] = [];
  header.forEach((name, i) => {
    const field = fieldOf(name);
    if (field === undefined) return;
    const earlier = first.get(field);
    if (earlier === undefined) first.set(field, i);
    else {
      problems.push({
        code, file, line: row, column: name.trim(),
          value: `columns ${earlier + 1} (${JSON.stringify(header[earlier]!.trim())}) and ${i + 1} (${JSON.stringify(name.trim())})`,
        message: `the header names the ${field} column twice; safetag cannot tell which one holds the ${field}`,
        hint: "rename or delete one of the two columns",
      });
    }
  });
  if (problems.length === 0) return;
  const names = [...new Set(problems.map((p) => p.column))].join(", ");
  throw new SafetagError(code, `${file}: row ${row} names a column twice (${names})`, { exitCode: EXIT.dataError, problems, hint: problems[0]!.hint });
}
