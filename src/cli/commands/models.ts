import type { Command } from "commander";
import { join } from "node:path";
import { formatRegistry, inUse, loadRegistry, registryNotes } from "../../modelfile/kept.js";
import { show, type CliContext } from "../context.js";

export const DEFAULT_MODELS_DIR = "models";

export function registerModels(program: Command, ctx: CliContext): void {
  program
    .command("models")
    .description("list the models kept by `train` and `run` (the current one marked *)")
    .option("--dir <folder>", "folder holding registry.json (the folder models are written to)", DEFAULT_MODELS_DIR)
    .action((opts: { dir: string }) => {
      const path = join(opts.dir, "registry.json");
      const index = inUse(loadRegistry(path), path);
      show(ctx, `${[...formatRegistry(index), ...registryNotes(index, path)].join("\n")}\n`);
    });
}
