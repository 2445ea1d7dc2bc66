import { InvalidArgumentError, Option } from "commander";
import { MAX_SEED } from "../sampling/random.js";
import { DEFAULT_MODEL_KIND, describeModelChoices, MODEL_CHOICES } from "../models/kinds.js";

/** `--model`; its default can be set with SAFETAG_MODEL, so tools that call `train` as is (crossval.mjs) can try another kind. */
export function modelKindOption(): Option {
  return new Option("-m, --model <kind>", "model kind").choices([...MODEL_CHOICES]).default(DEFAULT_MODEL_KIND).env("SAFETAG_MODEL");
}

/** What each model kind is, for the help of a command that takes `--model` (the kinds table's descriptions). */
export function modelKindsHelp(): string {
  return `\nModel kinds (--model):\n${describeModelChoices().map((line) => `  ${line}`).join("\n")}\n`;
}

/** A whole number option with a lower bound, parsed strictly ("5x" is an error, not 5). */
export function intArg(name: string, min: number): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}, got ${JSON.stringify(value)}`);
    return Number(value);
  };
}

/** `--seed`: a whole number from 0 to 2^32 - 1, what the generators take (evaluation/random.ts); 2^32 is not wrapped round to 0. */
export function seedArg(name = "--seed"): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) > MAX_SEED) throw new InvalidArgumentError(`${name} must be a whole number from 0 to ${MAX_SEED}, got ${JSON.stringify(value)}`);
    return Number(value);
  };
}
