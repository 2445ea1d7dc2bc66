import type { Writable } from "node:stream";
import type { InputProblem } from "../domain.js";
import { formatProblem } from "../errors.js";
import { visible } from "../text/visible.js";

/** What a command may touch of the outside world; tests pass their own. */
export interface CliContext {
  stdout: Writable;
  stderr: Writable;
  stdin: NodeJS.ReadableStream;
  /** Global flags. */
  quiet: boolean;
  debug: boolean;
  /** Print every input problem, not the first few of each kind (see sayProblems). */
  allProblems?: boolean;
}

/** A line for the person at the terminal (standard error), with control characters made visible (text/visible.ts). */
export function say(ctx: CliContext, line = ""): void {
  if (!ctx.quiet) ctx.stderr.write(visible(line) + "\n");
}

/** A report for the person reading standard output (a table, a listing): control characters made visible, as in `say`. */
export function show(ctx: CliContext, text: string): void {
  ctx.stdout.write(visible(text));
}

/** How many problems of one kind (one code) are printed before the rest are counted instead. */
export const PROBLEMS_SHOWN = 10;

/**
 * An input's problems, one line each, indented: the first PROBLEMS_SHOWN of each code, then one
 * line that counts the rest of that code and says which rows they are on (all of them with
 * `--all-problems`). Nothing is dropped: every problem is printed or counted.
 */
export function sayProblems(ctx: CliContext, problems: readonly InputProblem[]): void {
  const seen = new Map<string, InputProblem[]>();
  for (const p of problems) {
    const same = seen.get(p.code) ?? [];
    seen.set(p.code, same);
    same.push(p);
    if (ctx.allProblems || same.length <= PROBLEMS_SHOWN) say(ctx, `  ${formatProblem(p)}`);
  }
  if (ctx.allProblems) return;
  for (const [code, same] of seen) {
    const rest = same.slice(PROBLEMS_SHOWN);
    if (rest.length === 0) continue;
    const lines = rest.flatMap((p) => (p.line === undefined ? [] : [p.line]));
    const where = lines.length ? ` (between lines ${Math.min(...lines)} and ${Math.max(...lines)})` : "";
    say(ctx, `  ... and ${rest.length} more [${code}] problems like these${where}; --all-problems prints every one`);
  }
}
