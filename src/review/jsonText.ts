/**
 * JSON as the annotation tools' files hold it, read so that a problem can name its line: the
 * line of a parse error, and the line each element of a top-level array starts on (a Label Studio
 * export is one array of tasks, written on one line or many).
 */
import type { InputProblem } from "../domain.js";

export type Parsed = { ok: true; value: unknown } | { ok: false; problem: InputProblem };

/** JSON.parse, with a parse error as a problem at its line (`line` is the first line of `text` in the file). */
export function parseJson(text: string, file: string, hint: string, line = 1): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const message = (e as Error).message;
    const at = /line (\d+) column (\d+)/.exec(message);
    const position = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) - 1 : position ? lineOf(text, Number(position[1])) - 1 : 0;
    return { ok: false,
      problem: { code: "E_REVIEW_EXPORT", file, line: line + offset,
        message: `not valid JSON (${message.replace(/\s*\(line \d+ column \d+\)$/, "")})`, hint } };
  }
}

/** The 1-based line of character `index`. */
function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The 1-based line on which each element of the top-level array in `text` starts. `text` must be
 * valid JSON (parse it first): a raw line break cannot be inside a string, so counting them
 * outside strings is enough.
 */
export function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expecting = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") line++;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\uFEFF") continue;
    if (depth === 1 && expecting && c !== "]") {
      lines.push(line);
      expecting = false;
    }
    if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth === 1 && c === "[") expecting = true;
    } else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 1) expecting = true;
  }
  return lines;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
