#!/usr/bin/env node
import { Command, CommanderError, Help, type Option } from "commander";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EXIT, SafetagError, formatProblem } from "../errors.js";
import { cannotWrite } from "../io/atomic.js";
import { TOOL_VERSION } from "../io/installation.js";
import { visible } from "../text/visible.js";
import { PROBLEMS_SHOWN, type CliContext } from "./context.js";
import { registerIngest } from "./commands/ingest.js";
import { registerTrain } from "./commands/train.js";
import { registerEval } from "./commands/eval.js";
import { registerPredict } from "./commands/predict.js";
import { registerRun } from "./commands/run.js";
import { registerReview } from "./commands/review.js";
import { registerAccept } from "./commands/accept.js";
import { registerModels } from "./commands/models.js";
import { registerCompare } from "./commands/compare.js";

export function buildProgram(ctx: CliContext): Command {
  const program = new Command()
    .name("safetag")
    .description("Sort AI-safety research abstracts into safety categories: ingest, train, eval, predict.")
    .version(TOOL_VERSION, "-V, --version", "print safetag's version")
    .option("-q, --quiet", "print only errors", false)
    .option("--debug", "show stack traces for unexpected errors", false)
    .option("--all-problems", `print every problem found in an input, not the first ${PROBLEMS_SHOWN} of each kind`, false)
    .showHelpAfterError()
    .configureHelp({ optionDescription: markRequired }) // before the commands are added: they inherit it
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .hook("preAction", (cmd) => {
      const opts = cmd.opts<{ quiet?: boolean; debug?: boolean; allProblems?: boolean }>();
      ctx.quiet = Boolean(opts.quiet);
      ctx.debug = Boolean(opts.debug);
      ctx.allProblems = Boolean(opts.allProblems);
    });
  for (const register of [registerIngest, registerTrain, registerEval, registerPredict, registerRun, registerReview,
    registerAccept, registerModels, registerCompare]) register(program, ctx);
  return program;
}

/** Commander's description of an option, with "(required)" after an option that must be given. */
function markRequired(this: Help, option: Option): string {
  const description = Help.prototype.optionDescription.call(this, option);
  return option.mandatory ? `${description} (required)` : description;
}

/** Runs the CLI and returns the exit code; the only place errors become exit codes. */
export async function main(argv: string[], partial: Partial<CliContext> = {}): Promise<number> {
  const ctx: CliContext = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, quiet: false, debug: false, ...partial };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    return reportError(e, ctx);
  }
}

function reportError(e: unknown, ctx: CliContext): number {
  if (e instanceof CommanderError) {
    return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  // The reader of our output went away (`safetag predict ... | head`): not an error of ours.
  if ((e as NodeJS.ErrnoException)?.code === "EPIPE") return EXIT.ok;
  if (e instanceof SafetagError) {
    // messages quote the data (a category, a cell, a path): control characters are made visible
    ctx.stderr.write(visible(`safetag: error ${e.code}: ${e.message}\n`));
    const shown = ctx.allProblems ? e.problems : e.problems.slice(0, 50);
    for (const p of shown) ctx.stderr.write(visible(`  ${formatProblem(p)}\n`));
    if (e.problems.length > shown.length) ctx.stderr.write(`  … and ${e.problems.length - shown.length} more problems; --all-problems prints every one\n`);
    if (e.hint) ctx.stderr.write(visible(`  hint: ${e.hint}\n`));
    if (ctx.debug && e.stack) ctx.stderr.write(e.stack + "\n");
    return e.exitCode;
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === "ENOENT" && err.path) {
    ctx.stderr.write(visible(`safetag: error E_NO_INPUT: ${err.path}: no such file\n  hint: check the path; paths are relative to ${process.cwd()}\n`));
    return EXIT.noInput;
  }
  // A write that fails part-way (disk full, a stream's late EACCES) is a cannot-write, not a bug.
  if (typeof err?.code === "string" && (err.syscall === "write" || err.syscall === "open" || err.syscall === "rename")) {
    return reportError(cannotWrite(err.path ?? "the output", err), ctx);
  }
  ctx.stderr.write(visible(`safetag: unexpected error: ${err?.message ?? String(e)}\n`));
  if (ctx.debug && err?.stack) ctx.stderr.write(err.stack + "\n");
  else ctx.stderr.write("  (run with --debug for the stack trace)\n");
  return EXIT.software;
}

/** The process entry point (bin/safetag.js and `node dist/src/cli/main.js`). */
export function runAsProcess(): void {
  // `safetag predict ... | head` closes our stdout early; stop quietly instead of crashing.
  // Any other failure of standard output (`> /dev/full`) is a cannot-write, said once, never a stack trace.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(EXIT.ok);
    const ctx: CliContext = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, quiet: false, debug: process.argv.includes("--debug") };
    process.exit(reportError(cannotWrite("standard output", e), ctx));
  });
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) runAsProcess();
