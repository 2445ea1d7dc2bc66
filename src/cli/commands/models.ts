import type { Command } from "commander";
import { join } from "node:path";
import { readModelSummary } from "../../evaluation/modelChanges.js";
import { formatModelSteps, modelSteps } from "../../evaluation/modelHistory.js";
import { inUse, loadRegistry, registryNotes } from "../../modelfile/kept.js";
import { show, type CliContext } from "../context.js";
import { optionalTaxonomy, readInputText } from "../data.js";

export const DEFAULT_MODELS_DIR = "models";

export function registerModels(program: Command, ctx: CliContext): void {
  program
    .command("models")
    .description("list the models kept by `train` and `run` (the current one marked *), each with what changed since the one before")
    .option("--dir <folder>", "folder holding registry.json (the folder models are written to)", DEFAULT_MODELS_DIR)
    .option("--taxonomy <file>", "taxonomy file, to tell renamed, merged and split categories (default data/taxonomy.json when present)")
    .action((opts: { dir: string; taxonomy?: string }) => {
      const path = join(opts.dir, "registry.json");
      const index = inUse(loadRegistry(path), path);
      const taxonomy = index.models.length > 1 ? optionalTaxonomy(opts.taxonomy, ctx) : undefined;
      const steps = modelSteps(index, (entry) => {
        const file = join(opts.dir, entry.file);
        return readModelSummary(readInputText(file), file);
      }, taxonomy);
      show(ctx, `${[...formatModelSteps(steps, index.current), ...registryNotes(index, path)].join("\n")}\n`);
    });
}
