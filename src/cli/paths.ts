import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { EXIT, SafetagError } from "../errors.js";

/** The same file, following symbolic links when the file exists. */
function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

/**
 * Refuses to write an output over one of the command's inputs (exit 2): the input would be gone
 * before the user could see what was read from it. `-` (standard input/output) is never a file.
 */
export function refuseOutputOverInput(output: string, inputs: readonly string[]): void {
  if (output === "-") return;
  const input = inputs.find((i) => i !== "-" && samePath(i, output));
  if (input !== undefined) {
    throw new SafetagError("E_OUTPUT_IS_INPUT", `output ${output} is also an input (${input})`, {
      exitCode: EXIT.usage,
      hint: "write to another file; the input stays as it is",
    });
  }
}
