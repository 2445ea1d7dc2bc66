/**
 * Cutting one pasted row into its cells. The columns are Company, Title, Date, URL,
 * Safety_category, Abstract, and the paste may have lost any separator between them. The date and
 * the URL have shapes of their own, so they are found first; company+title come before them and
 * category+abstract after. Splitting those two runs needs every row at once (see prefixes.ts).
 */
import { toIsoDate } from "./dates.js";
import type { CellRun, LabelMatcher } from "./prefixes.js";

/** A URL token (everything up to the next space) and the rest of the row after it. */
export interface UrlRun {
  token: string;
  rest: string;
}

export interface RowCells {
  /** Company and title, run together or on separate lines. */
  head: CellRun;
  /** The date as pasted; "" when the row has none. */
  dateText: string;
  url: string;
  /** Category and abstract. */
  body: CellRun;
  /** The URL token and what followed it: `url` and `body` are provisional until `resolveGluedUrl`. */
  urlRun?: UrlRun;
}

/**
 * A date as the sheet shows it (`17-Jun-24`, `2024-06-17`), ending its line or running into the
 * URL (or, when the URL cell is empty, into the category). The day is taken greedily
 * (`202324-May-23` is day 24); see `dateAt`.
 */
const DATE_IN_ROW = /(\d{1,2}-[A-Za-z]{3,9}-(?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})(?=[ \t]*(?:\n|$|https?:\/\/|\[|\p{Lu}))/gu;
const URL_START = /https?:\/\/\S+/;

/**
 * The cells of a row (its lines as pasteRows.ts cuts them; only their text is read), or undefined
 * when neither a date nor a URL shows where the title ends.
 */
export function splitRowCells(row: { readonly lines: readonly { readonly text: string }[] }): RowCells | undefined {
  const text = row.lines.map((l) => l.text).join("\n");
  const date = findDate(text);
  const anchor = date ?? findUrlStart(text);
  if (!anchor) return undefined;
  const head = text.slice(0, anchor.start);
  const tail = text.slice(anchor.end).replace(/^\s+/, "");
  return { head: { text: head.trim(), firstLineWhole: head.trim().includes("\n") }, dateText: date?.text ?? "", ...splitUrl(tail) };
}

interface Found {
  start: number;
  end: number;
  text: string;
}

function findDate(text: string): Found | undefined {
  for (const m of text.matchAll(DATE_IN_ROW)) {
    const found = dateAt(m[0], m.index);
    if (found) return found;
  }
  return wholeLineDate(text);
}

/**
 * A title may end in digits (`GPT-4`, `May 2023`) right before the day. The two-digit day is
 * preferred when it is a real date (`May 202324-May-23` -> `May 2023` + 24 May); otherwise the
 * first digit belongs to the title (`GPT-46-Jun-24` -> `GPT-4` + 6 June).
 */
function dateAt(match: string, index: number): Found | undefined {
  if (toIsoDate(match)) return { start: index, end: index + match.length, text: match };
  if (/^\d\d-/.test(match) && toIsoDate(match.slice(1))) return { start: index + 1, end: index + match.length, text: match.slice(1) };
  return undefined;
}

/** A line that is nothing but a date in another spelling (`17 June 2024`). */
function wholeLineDate(text: string): Found | undefined {
  let offset = 0;
  for (const line of text.split("\n")) {
    if (toIsoDate(line)) return { start: offset, end: offset + line.length, text: line };
    offset += line.length + 1;
  }
  return undefined;
}

function findUrlStart(text: string): Found | undefined {
  const m = URL_START.exec(text);
  return m ? { start: m.index, end: m.index, text: "" } : undefined;
}

/**
 * URL and category+abstract from what follows the date. Where the URL token ends is not yet where
 * the URL ends (`.../reward-tamperingPower-seeking`); that needs the category names of all rows.
 */
function splitUrl(tail: string): Pick<RowCells, "url" | "body" | "urlRun"> {
  const m = /^https?:\/\/\S+/.exec(tail);
  if (!m) return { url: "", body: bodyRun(tail) };
  const rest = tail.slice(m[0].length);
  return { url: m[0], body: bodyRun(rest.replace(/^\s+/, "")), urlRun: { token: m[0], rest } };
}

function bodyRun(text: string): CellRun {
  return { text, firstLineWhole: text.includes("\n") };
}

/**
 * Where the URL ends and the category begins in `token` + `rest` (`.../reward-tamperingPower-seeking`
 * + ` tendenciesIn reinforcement...`). A `[Duplicate]` mark cannot be part of a URL, so it starts
 * the category. Otherwise URLs are mostly lower case, so the category starts at a capital: the
 * first capital where a known category name starts, else a known name anywhere (the last such
 * place, since the URL's own path may contain the name), else the first capital. A URL alone on
 * its line, with more lines after it, is only split when a known name fills its end exactly:
 * real URLs have capitals too.
 */
export function resolveGluedUrl(urlRun: UrlRun, match: LabelMatcher): { url: string; body: CellRun } {
  const { token, rest } = urlRun;
  const joined = token + rest;
  const mark = token.search(/\[\s*duplicate/i);
  const split = mark > 0 ? mark
    : rest.startsWith("\n") ? splitAtLineEndName(token, match)
    : splitInsideToken(token, joined, match);
  const at = split ?? token.length;
  return { url: token.slice(0, at), body: bodyRun(joined.slice(at).replace(/^\s+/, "")) };
}

function splitAtLineEndName(token: string, match: LabelMatcher): number | undefined {
  return pathPositions(token).find((p) => /\p{Lu}/u.test(token[p]!) && match(token.slice(p))?.length === token.length - p);
}

function splitInsideToken(token: string, joined: string, match: LabelMatcher): number | undefined {
  const positions = pathPositions(token);
  const capitals = positions.filter((p) => /\p{Lu}/u.test(token[p]!));
  const named = (p: number) => match(joined.slice(p)) !== undefined;
  return capitals.find(named) ?? positions.filter(named).pop() ?? capitals[0];
}

/**
 * The ends of `token` that could be a category run into it: from a capital in the path to the end,
 * with a lower-case letter in them (so not `/PDF` or `/X1`).
 */
export function capitalTails(token: string): string[] {
  return pathPositions(token)
    .filter((p) => /\p{Lu}/u.test(token[p]!))
    .map((p) => token.slice(p))
    .filter((tail) => /\p{Ll}/u.test(tail));
}

/** Positions after the host, where a glued category can start. */
function pathPositions(token: string): number[] {
  const pathStart = token.indexOf("/", token.indexOf("://") + 3);
  if (pathStart < 0) return [];
  return Array.from({ length: token.length - pathStart - 1 }, (_, k) => pathStart + 1 + k);
}
