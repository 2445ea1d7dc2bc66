import { InvalidArgumentError, Option } from "commander";
import { EXIT, SafetagError } from "../errors.js";
import { MAX_SEED } from "../sampling/random.js";
import { DEFAULT_MODEL_KIND, describeModelChoices, MODEL_CHOICES } from "../models/kinds.js";

/**
 * `--kind`, the classifier kind of `train` and `eval`; `--model` is always a model file. Its default
 * can still be set with SAFETAG_MODEL (its name from when the option was `--model`), so tools that
 * call `train` as is can try another kind.
 */
export function kindOption(): Option {
  return new Option("-k, --kind <kind>", "classifier kind").choices([...MODEL_CHOICES]).default(DEFAULT_MODEL_KIND).env("SAFETAG_MODEL");
}

/**
 * The old `--model <kind>` of `train` and `eval`, kept out of the help, so that using it gets an
 * answer (see refuseModelAsKind) rather than "unknown option".
 */
export function oldModelKindOption(): Option {
  return new Option("-m, --model <kind>").hideHelp();
}

/**
 * `--model` on a command that takes a kind: a usage error that says what to write instead. It is
 * not taken as `--kind`, so that one flag keeps one meaning (a model file) everywhere.
 */
export function refuseModelAsKind(command: string, model: string | undefined): void {
  if (model === undefined) return;
  const isKind = (MODEL_CHOICES as readonly string[]).includes(model);
  throw new SafetagError("E_USAGE",
    `${command}: --model ${JSON.stringify(model)}: --model names a model file (predict, review, run, compare); the classifier kind is --kind`, {
    exitCode: EXIT.usage,
    hint: isKind
      ? `write --kind ${model}`
      : `give the classifier kind with --kind (${MODEL_CHOICES.join(", ")})${command === "train" ? "; train writes its model file to --out" : ""}`,
  });
}

/** What each model kind is, for the help of a command that takes `--model` (the kinds table's descriptions). */
export function modelKindsHelp(): string {
  return `\nClassifier kinds (--kind):\n${describeModelChoices().map((line) => `  ${line}`).join("\n")}\n`;
}

/** A whole number option with a lower bound, parsed strictly ("5x" is an error, not 5). */
export function intArg(name: string, min: number): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}, got ${JSON.stringify(value)}`);
    return Number(value);
  };
}

/** `--seed`: a whole number from 0 to 2^32 - 1, what the generators take (sampling/random.ts); 2^32 is not wrapped round to 0. */
export function seedArg(name = "--seed"): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value) ||
      Number(value) > MAX_SEED) throw new InvalidArgumentError(`${name} must be a whole number from 0 to ${MAX_SEED}, got ${JSON.stringify(value)}`);
    return Number(value);
  };
}
