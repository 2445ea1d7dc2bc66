import type { Writable } from "node:stream";

/** What a command may touch of the outside world; tests pass their own. */
export interface CliContext {
  stdout: Writable;
  stderr: Writable;
  stdin: NodeJS.ReadableStream;
  /** Global flags. */
  quiet: boolean;
  debug: boolean;
}

export function say(ctx: CliContext, line = ""): void {
  if (!ctx.quiet) ctx.stderr.write(line + "\n");
}
