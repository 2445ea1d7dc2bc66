import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { EXIT, SafetagError } from "../../errors.js";
import { checkCrossValidatable } from "../../evaluation/evaluate.js";
import { compareSettings, formatSettingsComparison, recordedTrainOptions, describeSettings } from "../../evaluation/compareModels.js";
import { parseModel, type LoadedModel } from "../../modelfile/modelFile.js";
import { findEntry, inUse, loadRegistry, modelKindOf } from "../../modelfile/kept.js";
import { formatPredictionChanges, predictionChanges } from "../../predict/changes.js";
import { say, show, type CliContext } from "../context.js";
import { readAbstractInputs } from "../../ingest/abstracts.js";
import { loadTrainingData, optionalTaxonomy, readInputText } from "../data.js";
import { intArg, seedArg } from "../options.js";
import { DEFAULT_MODELS_DIR } from "./models.js";

interface CompareOptions {
  dir: string;
  data?: string;
  input?: string[];
  taxonomy?: string;
  folds: number;
  repeats: number;
  seed: number;
}

/** A model file path, or a kept model's id (or its start, or `current`). */
function openModel(ref: string, dir: string): { name: string; model: LoadedModel } {
  if (existsSync(ref) && statSync(ref).isFile()) return { name: ref, model: parseModel(readInputText(ref), ref) };
  const indexPath = join(dir, "registry.json");
  const entry = findEntry(inUse(loadRegistry(indexPath), indexPath), ref);
  if (!entry) {
    throw new SafetagError("E_MODEL_NOT_FOUND", `${ref}: no such model file, nor a model kept in ${indexPath}`, {
      exitCode: EXIT.noInput,
      hint: "give a model file, or an id that `safetag models` lists (the start of it is enough)",
    });
  }
  const path = join(dir, entry.file);
  return { name: entry.id, model: parseModel(readInputText(path), path) };
}

function describe(label: string, name: string, m: LoadedModel): string {
  const inner = m.report?.selection.find((s) => s.priorWeight === m.report?.priorWeight && s.kind === m.report?.kind);
  const evaluation = m.evaluation as { macroF1?: number } | undefined;
  return `${label}: ${name}  ${modelKindOf(m)}, ${m.training.rows} rows (${m.training.path || "?"}, sha256 ${m.training.sha256.slice(0, 12) || "?"}), ${m.categories.length} categories` +
    (inner ? `, inner macro-F1 ${inner.macroF1.toFixed(3)}` : "") +
    (typeof evaluation?.macroF1 === "number" ? `, cross-validated macro-F1 ${evaluation.macroF1.toFixed(3)}` : "") +
    `, created ${m.createdAt}`;
}

export function registerCompare(program: Command, ctx: CliContext): void {
  program
    .command("compare")
    .description("compare two models: their settings cross-validated on the same data and folds (--data), and the predictions that changed (--input)")
    .argument("<a>", "model file, or id of a kept model (`safetag models`)")
    .argument("<b>", "model file, or id of a kept model")
    .option("--dir <folder>", "folder holding registry.json", DEFAULT_MODELS_DIR)
    .option("-d, --data <file>", "labeled data to cross-validate both models' settings on")
    .option("-i, --input <files...>", "dumps to predict with both models, listing the abstracts whose category changed")
    .option("--taxonomy <file>", "taxonomy file (default data/taxonomy.json when present)")
    .option("--folds <n>", "folds", intArg("--folds", 2), 3)
    .option("--repeats <n>", "repeats", intArg("--repeats", 1), 1)
    .option("--seed <n>", "random seed (same seed, same folds)", seedArg(), 1)
    .action(async (ra: string, rb: string, opts: CompareOptions) => {
      const a = openModel(ra, opts.dir);
      const b = openModel(rb, opts.dir);
      const out: string[] = [describe("A", a.name, a.model), describe("B", b.name, b.model)];
      const onlyA = a.model.categories.filter((c) => !b.model.categories.includes(c));
      const onlyB = b.model.categories.filter((c) => !a.model.categories.includes(c));
      if (onlyA.length || onlyB.length) out.push(`categories: only in A: ${onlyA.join(", ") || "-"}; only in B: ${onlyB.join(", ") || "-"}`);
      const rows = b.model.training.rows - a.model.training.rows;
      out.push(`training rows: ${a.model.training.rows} -> ${b.model.training.rows} (${rows >= 0 ? "+" : ""}${rows})${a.model.training.sha256 === b.model.training.sha256 ? ", same data" : ", different data"}`);
      if (opts.data) {
        const taxonomy = optionalTaxonomy(opts.taxonomy, ctx);
        const data = loadTrainingData(ctx, opts.data, taxonomy);
        checkCrossValidatable(data.rows, opts.data);
        const oa = recordedTrainOptions(a.model, data.taxonomy, data.background);
        const ob = recordedTrainOptions(b.model, data.taxonomy, data.background);
        const tokenizers = JSON.stringify(oa.tokenizer) !== JSON.stringify(ob.tokenizer);
        say(ctx, `cross-validating A (${describeSettings(oa, tokenizers)}) and B (${describeSettings(ob, tokenizers)}) on ${data.rows.length} rows`);
        out.push("", ...formatSettingsComparison(compareSettings(data.rows, oa, ob, { folds: opts.folds, repeats: opts.repeats, seed: opts.seed }), { a: a.name, b: b.name }));
      } else say(ctx, "give --data to cross-validate both models' settings on the same rows and folds");
      if (opts.input?.length) out.push("", ...formatPredictionChanges(predictionChanges(a.model, b.model, await readAbstractInputs(opts.input, ctx.stdin))));
      show(ctx, `${out.join("\n")}\n`);
    });
}
