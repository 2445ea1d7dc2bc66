import { EXIT, SafetagError } from "../errors.js";
import { fileIdentity, outputName, outputTarget, sameFile } from "../io/output.js";

/** A path a command reads or writes, and what it is to the command ("--out", "the taxonomy read by default"). */
export interface CommandPath {
  path: string;
  what: string;
}

/**
 * Refuses (exit 2) an output that is one of the command's inputs, named on the command line or
 * read without being named (the default taxonomy, reviewed.csv beside the labeled data, the model
 * registry), and two outputs that are the same file: the input would be gone before anyone could
 * see what was read from it, and one output would replace the other. Files are compared by real
 * path (symbolic links, `./x` and `x`) and by inode (hard links), before any work.
 *
 * A device or a pipe is never replaced (io/output.ts), so it may be an input and an output at
 * once (`-i /dev/null -o /dev/null`); `-` as input is standard input, not a file. Two outputs to
 * standard output would be mixed into one stream, so they are refused too.
 */
export function checkOutputs(outputs: readonly (CommandPath | undefined)[], inputs: readonly (CommandPath | undefined)[]): void {
  const files = inputs.filter((i): i is CommandPath => i !== undefined && i.path !== "-").map((i) => ({ ...i, id: fileIdentity(i.path) }));
  const written: { out: CommandPath; id: Identity }[] = [];
  for (const out of outputs) {
    if (out === undefined) continue;
    const target = outputTarget(out.path);
    if (target.kind === "direct") continue;
    const id: Identity = target.kind === "standard" ? target.stream : fileIdentity(target.path);
    const input = typeof id === "string" ? undefined : files.find((i) => sameFile(i.id, id));
    if (input) {
      throw new SafetagError("E_OUTPUT_IS_INPUT", `output ${out.path} (${out.what}) is also an input: ${input.what} (${input.path})`, {
        exitCode: EXIT.usage,
        hint: "write to another file; the input stays as it is",
      });
    }
    const twice = written.find((w) => same(w.id, id));
    if (twice) {
      const also = out.path === twice.out.path ? "" : ` (${twice.out.path})`;
      throw new SafetagError("E_OUTPUT_TWICE", `${twice.out.what} and ${out.what} would both be written to ${outputName(out.path)}${also}`, {
        exitCode: EXIT.usage,
        hint: "give each output its own file",
      });
    }
    written.push({ out, id });
  }
}

/** A file, or one of the command's standard streams. */
type Identity = ReturnType<typeof fileIdentity> | "stdout" | "stderr";

function same(a: Identity, b: Identity): boolean {
  return typeof a === "string" || typeof b === "string" ? a === b : sameFile(a, b);
}
