import type { LoadedModel } from "../modelfile/modelFile.js";
import { keepModel, loadRegistry, registryLocation } from "../modelfile/kept.js";
import { outputTarget, writeOutput } from "../io/output.js";
import { say, type CliContext } from "./context.js";
import type { TrainingData } from "./data.js";
import type { CommandPath } from "./paths.js";

/** A model written to a device, a pipe or standard output is not kept: its registry would be beside it, in /dev or the current folder. */
function keeps(path: string): boolean {
  return outputTarget(path).kind === "file";
}

/** The registry index that keeping a model written to `path` rewrites (it is read too), to check against the command's other paths. */
export function keptOutputs(path: string, what: string): CommandPath[] {
  return keeps(path) ? [{ path: registryLocation(path).index, what: `the model registry index beside ${what}` }] : [];
}

/** Fails before the work when the registry beside `path` cannot be read (a damaged registry.json); a model that is not kept has none. */
export function assertKeepable(path: string): void {
  if (keeps(path)) loadRegistry(registryLocation(path).index);
}

/**
 * Writes a trained model to `path` (through the output layer, io/output.ts), listed in the registry
 * beside it (see modelfile/kept.ts) before it is written, so a run killed in between leaves it
 * listed and the previous model in use. A model written to a device, a pipe or standard output is
 * written but not kept.
 */
export function writeKeptModel(ctx: CliContext, path: string, model: LoadedModel, text: string, data?: TrainingData): void {
  if (!keeps(path)) {
    writeOutput(path, text, ctx);
    say(ctx, `not kept in a model registry: ${path} is not a regular file`);
    return;
  }
  const entry = keepModel(path, model, text, data?.reviewed);
  writeOutput(path, text, ctx);
  say(ctx, `kept as ${entry.id} in ${registryLocation(path).index} (\`safetag models\` lists the kept models)`);
}
