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
  const given = <T>(xs: readonly (T | undefined)[]) => xs.filter((x): x is T => x !== undefined);
  const files = given(inputs).filter((i) => i.path !== "-").map((i) => ({ ...i, id: fileIdentity(i.path) }));
  const written: { out: CommandPath; key: string | ReturnType<typeof fileIdentity> }[] = [];
  for (const out of given(outputs)) {
    const target = outputTarget(out.path);
    if (target.kind === "direct") continue;
    const key = target.kind === "standard" ? target.stream : fileIdentity(target.path);
    if (typeof key !== "string") {
      const input = files.find((i) => sameFile(i.id, key));
      if (input) {
        throw new SafetagError("E_OUTPUT_IS_INPUT", `output ${out.path} (${out.what}) is also an input: ${input.what} (${input.path})`, {
          exitCode: EXIT.usage,
          hint: "write to another file; the input stays as it is",
        });
      }
    }
    const twice = written.find((w) => (typeof w.key === "string" || typeof key === "string" ? w.key === key : sameFile(w.key, key)));
    if (twice) {
      throw new SafetagError("E_OUTPUT_TWICE", `${twice.out.what} and ${out.what} would both be written to ${outputName(out.path)}${out.path === twice.out.path ? "" : ` (${twice.out.path})`}`, {
        exitCode: EXIT.usage,
        hint: "give each output its own file",
      });
    }
    written.push({ out, key });
  }
}
