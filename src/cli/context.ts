import type { Writable } from "node:stream";
import { visible } from "../text/visible.js";

/** What a command may touch of the outside world; tests pass their own. */
export interface CliContext {
  stdout: Writable;
  stderr: Writable;
  stdin: NodeJS.ReadableStream;
  /** Global flags. */
  quiet: boolean;
  debug: boolean;
}

/** A line for the person at the terminal (standard error), with control characters made visible (text/visible.ts). */
export function say(ctx: CliContext, line = ""): void {
  if (!ctx.quiet) ctx.stderr.write(visible(line) + "\n");
}

/** A report for the person reading standard output (a table, a listing): control characters made visible, as in `say`. */
export function show(ctx: CliContext, text: string): void {
  ctx.stdout.write(visible(text));
}
