/**
 * A one-line progress indicator on standard error, rewritten in place with `\r`. Shown only to a
 * person watching: stderr must be a terminal, `--quiet` off and `CI` unset, so logs, pipes and
 * CI output never get carriage-return noise. Redraws are throttled so a fast loop costs nothing.
 */
import type { Writable } from "node:stream";
import type { CliContext } from "./context.js";

export interface Progress {
  /** `total` undefined: a counter without a bar (a streamed dump of unknown size). */
  update(done: number, total?: number): void;
  /** A new stage starts: the line names it ("eval: learning curve"), with no count until `update`. */
  stage(name: string): void;
  /** Erases the line, so what is printed next starts clean. */
  done(): void;
}

const SILENT: Progress = { update() {}, stage() {}, done() {} };
const BAR = 24;

export function progressEnabled(stream: Writable, quiet: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "0" && env.CI.toLowerCase() !== "false";
  return !quiet && !ci && (stream as { isTTY?: boolean }).isTTY === true;
}

/**
 * `label` prefixes the line, e.g. "eval", and each stage's name follows it. `delayMs`: nothing is
 * drawn before that much time has passed, so quick runs print nothing at all.
 */
export function startProgress(ctx: CliContext, label: string, opts: { delayMs?: number; intervalMs?: number; now?: () => number } = {}): Progress {
  if (!progressEnabled(ctx.stderr, ctx.quiet)) return SILENT;
  const now = opts.now ?? Date.now;
  const started = now();
  const delay = opts.delayMs ?? 300;
  const interval = opts.intervalMs ?? 100;
  let last = -Infinity;
  let width = 0;
  // Some terminals (and `script`) report 0 columns; assume the classic 80 then.
  const reported = (ctx.stderr as { columns?: number }).columns ?? 0;
  const columns = reported >= 20 ? reported : 80;
  let current = label;
  const draw = (done: number | undefined, total: number | undefined, force: boolean) => {
    const t = now();
    if (t - started < delay || (!force && t - last < interval)) return;
    last = t;
    const line = formatProgress(current, done, total, t - started).slice(0, columns - 1);
    ctx.stderr.write(`\r${line.padEnd(width)}`);
    width = line.length;
  };
  return {
    update(done, total) {
      draw(done, total, total !== undefined && done >= total);
    },
    stage(name) {
      current = `${label}: ${name}`;
      draw(undefined, undefined, true); // a stage that reports no count (the final model's training) still says what it is
    },
    done() {
      if (width > 0) ctx.stderr.write(`\r${" ".repeat(width)}\r`);
      width = 0;
    },
  };
}

/** "label [#######.........] 7/25 (3s)"; without a total, "label 1234 (3s)"; without a count, "label (3s)". */
export function formatProgress(label: string, done: number | undefined, total: number | undefined, elapsedMs: number): string {
  const secs = `${Math.round(elapsedMs / 1000)}s`;
  if (done === undefined) return `${label} (${secs})`;
  if (total === undefined || total <= 0) return `${label} ${done} (${secs})`;
  const filled = Math.round((Math.min(done, total) / total) * BAR);
  return `${label} [${"#".repeat(filled)}${".".repeat(BAR - filled)}] ${done}/${total} (${secs})`;
}
