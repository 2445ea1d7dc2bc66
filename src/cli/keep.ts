import type { LoadedModel } from "../models/modelFile.js";
import { keepModel, registryLocation } from "../models/modelRegistry.js";
import { say, type CliContext } from "./context.js";
import type { TrainingData } from "./data.js";

/** Lists a model just written to `path` in the registry beside it (see models/modelRegistry.ts). */
export function keepTrainedModel(ctx: CliContext, path: string, model: LoadedModel, text: string, data?: TrainingData): void {
  const entry = keepModel(path, model, text, data?.reviewed);
  say(ctx, `kept as ${entry.id} in ${registryLocation(path).index} (\`safetag models\` lists the kept models)`);
}
