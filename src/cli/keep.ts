import { writeFileAtomic } from "../io/atomic.js";
import type { LoadedModel } from "../models/modelFile.js";
import { keepModel, loadRegistry, registryLocation } from "../models/modelRegistry.js";
import { say, type CliContext } from "./context.js";
import type { TrainingData } from "./data.js";

/** Fails before the work when the registry beside `path` cannot be read (a damaged registry.json). */
export function assertKeepable(path: string): void {
  loadRegistry(registryLocation(path).index);
}

/**
 * Writes a trained model to `path`, listed in the registry beside it (see models/modelRegistry.ts)
 * before it is written, so a run killed in between leaves it listed and the previous model in use.
 */
export function writeKeptModel(ctx: CliContext, path: string, model: LoadedModel, text: string, data?: TrainingData): void {
  const entry = keepModel(path, model, text, data?.reviewed);
  writeFileAtomic(path, text);
  say(ctx, `kept as ${entry.id} in ${registryLocation(path).index} (\`safetag models\` lists the kept models)`);
}
