import type { LoadedModel } from "../models/modelFile.js";
import { keepModel, registryLocation } from "../models/modelRegistry.js";
import { outputTarget } from "../io/output.js";
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

/** Lists a model just written to `path` in the registry beside it (see models/modelRegistry.ts). */
export function keepTrainedModel(ctx: CliContext, path: string, model: LoadedModel, text: string, data?: TrainingData): void {
  if (!keeps(path)) {
    say(ctx, `not kept in a model registry: ${path} is not a regular file`);
    return;
  }
  const entry = keepModel(path, model, text, data?.reviewed);
  say(ctx, `kept as ${entry.id} in ${registryLocation(path).index} (\`safetag models\` lists the kept models)`);
}
