import type { InputProblem } from "./domain.js";

/**
 * Exit codes follow BSD sysexits so scripts can tell bad data from a bad path.
 * The CLI is the only place that turns these into process exit codes.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  dataError: 65,
  noInput: 66,
  software: 70,
  cannotCreate: 73,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the user can act on. `problems` lists every issue found in a file, not just the first. */
export class SafetagError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly problems: InputProblem[];
  readonly hint?: string;

  constructor(code: string, message: string, opts: { exitCode?: ExitCode; problems?: InputProblem[]; hint?: string } = {}) {
    super(message);
    this.name = "SafetagError";
    this.code = code;
    this.exitCode = opts.exitCode ?? EXIT.dataError;
    this.problems = opts.problems ?? [];
    this.hint = opts.hint;
  }
}

/** "file:line: column: message (value) — hint", the one way a problem is shown to a person. */
export function formatProblem(p: InputProblem): string {
  const where = [p.file, p.line !== undefined ? String(p.line) : undefined].filter(Boolean).join(":");
  const col = p.column ? ` column ${p.column}:` : "";
  const value = p.value !== undefined ? ` (value: ${JSON.stringify(truncate(p.value, 80))})` : "";
  const hint = p.hint ? ` Hint: ${p.hint}` : "";
  return `${where}:${col} [${p.code}] ${p.message}${value}${hint}`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
