import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { LabeledAbstract, Taxonomy } from "../../domain.js";
import { EXIT, formatProblem, SafetagError } from "../../errors.js";
import { checkCrossValidatable } from "../../evaluation/evaluate.js";
import { compareOnFresh, compareSettings, describeSettings, formatFreshComparison, formatSettingsComparison,
  recordedTrainOptions, sameRecipe } from "../../evaluation/compareModels.js";
import { asRenamed, categoryChanges, formatCategoryChanges, formatRowChanges, sameCategories, summaryOf,
  trainingRowChanges, type TrainingRowChanges } from "../../evaluation/modelChanges.js";
import { readLabeled, usableForTraining } from "../../ingest/labeled.js";
import { parseModel, type LoadedModel } from "../../modelfile/modelFile.js";
import { findEntry, inUse, loadRegistry, modelKindOf } from "../../modelfile/kept.js";
import { formatPredictionChanges, predictionChanges } from "../../predict/changes.js";
import { readingTaxonomy } from "../../taxonomy/changes.js";
import { say, show, type CliContext } from "../context.js";
import { readAbstractInputs } from "../../ingest/abstracts.js";
import { loadTrainingData, optionalTaxonomy, readInputText } from "../data.js";
import { intArg, seedArg } from "../options.js";
import { DEFAULT_FRESH } from "./eval.js";
import { DEFAULT_MODELS_DIR } from "./models.js";

interface CompareOptions {
  dir: string;
  data?: string;
  input?: string[];
  taxonomy?: string;
  /** The fresh validation set; false = none. */
  fresh?: string | false;
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
  const fresh = summaryOf(m).fresh;
  return `${label}` +
    `: ${name}  ${modelKindOf(m)},` +
      ` ${m.training.rows} rows (${m.training.path || "?"}, sha256 ${m.training.sha256.slice(0, 12) || "?"}), ${m.categories.length} categories` +
    (inner ? `, inner macro-F1 ${inner.macroF1.toFixed(3)}` : "") +
    (typeof evaluation?.macroF1 === "number" ? `, cross-validated macro-F1 ${evaluation.macroF1.toFixed(3)}` : "") +
    (fresh ? `, fresh-set macro-F1 ${fresh.macroF1.toFixed(3)} when evaluated` : "") +
    `, created ${m.createdAt}`;
}

/** The fresh validation set (see evaluation/fresh.ts), read as `eval` reads it: the default one when present, unless turned off. */
function readFresh(ctx: CliContext, option: string | false | undefined, taxonomy: Taxonomy | undefined): { path: string; rows: LabeledAbstract[] } | undefined {
  if (option === false) return undefined;
  const path = option ?? (existsSync(DEFAULT_FRESH) ? DEFAULT_FRESH : undefined);
  if (!path) {
    say(ctx, `no fresh set to score both models on (there is no ${DEFAULT_FRESH} here): give --fresh <file>`);
    return undefined;
  }
  const result = readLabeled(path, { taxonomy: taxonomy && readingTaxonomy(taxonomy), text: readInputText(path) });
  const rows = usableForTraining(result.rows);
  const left = result.rows.length - rows.length;
  say(ctx, `${path}` +
    `: ${rows.length} fresh abstracts to score both models ` +
      `on${left ? `, ${left} without abstract or duplicate set aside` : ""}${result.problems.length ? `, ${result.problems.length} problems` : ""}`);
  for (const p of result.problems) say(ctx, `  ${formatProblem(p)}`);
  return { path, rows };
}

/** "training rows: 18 -> 20 (+2), different data: 2 added (...), none removed, none relabeled". */
function trainingLine(a: LoadedModel, b: LoadedModel, rows: TrainingRowChanges): string {
  const n = b.training.rows - a.training.rows;
  const same = a.training.sha256 !== "" && a.training.sha256 === b.training.sha256;
  return `training ` +
    `rows: ${a.training.rows} ->` +
      ` ${b.training.rows} (${n >= 0 ? "+" : ""}${n}), ${same ? "same data" : "different data"}: ${formatRowChanges(rows)} (told apart by abstract)`;
}

export function registerCompare(program: Command, ctx: CliContext): void {
  program
    .command("compare")
    .description(
      "compare two models: both scored on the fresh validation set, with the papers whose label changed; their settings cross-validated on the same data " +
        "and folds (--data); the predictions that changed on dumps (--input)")
    .argument("<a>", "model file, or id of a kept model (`safetag models`)")
    .argument("<b>", "model file, or id of a kept model")
    .option("--dir <folder>", "folder holding registry.json", DEFAULT_MODELS_DIR)
    .option("--fresh <file>", `fresh labeled abstracts in no training file, to score both models on (default ${DEFAULT_FRESH} when present)`)
    .option("--no-fresh", "leave out the fresh-set comparison")
    .option("-d, --data <file>", "labeled data to cross-validate both models' settings on")
    .option("-i, --input <files...>", "dumps to predict with both models, listing the abstracts whose category changed")
    .option("--taxonomy <file>", "taxonomy file (default data/taxonomy.json when present)")
    .option("--folds <n>", "folds", intArg("--folds", 2), 3)
    .option("--repeats <n>", "repeats", intArg("--repeats", 1), 1)
    .option("--seed <n>", "random seed (same seed, same folds)", seedArg(), 1)
    .action(async (ra: string, rb: string, opts: CompareOptions) => {
      const a = openModel(ra, opts.dir);
      const b = openModel(rb, opts.dir);
      const taxonomy = optionalTaxonomy(opts.taxonomy, ctx);
      const out: string[] = [describe("A", a.name, a.model), describe("B", b.name, b.model)];
      const categories = categoryChanges(a.model.categories, b.model.categories, taxonomy);
      if (!sameCategories(categories)) out.push(`categories (A -> B): ${formatCategoryChanges(categories)}`);
      const rows = trainingRowChanges(summaryOf(a.model), summaryOf(b.model), categories);
      out.push(trainingLine(a.model, b.model, rows));
      const fresh = readFresh(ctx, opts.fresh, taxonomy);
      if (fresh) out.push("", ...formatFreshComparison(compareOnFresh(a.model, b.model, fresh, asRenamed(categories, taxonomy)), { a: a.name, b: b.name }));
      if (opts.data) {
        const data = loadTrainingData(ctx, opts.data, taxonomy);
        checkCrossValidatable(data.rows, opts.data);
        const oa = recordedTrainOptions(a.model, data.taxonomy, data.background);
        const ob = recordedTrainOptions(b.model, data.taxonomy, data.background);
        const tokenizers = JSON.stringify(oa.tokenizer) !== JSON.stringify(ob.tokenizer);
        if (sameRecipe(oa, ob)) {
          // the same recipe on the same folds gives the same figures: a table of zeros would hide what did change
          out.push(
            "",
            `--data: not cross-validated: both models have the same settings ` +
              `(${describeSettings(oa)}), so on the same ${data.rows.length} rows and folds they would score the same.`,
            `  What changed is their training ` +
              `data: ${formatRowChanges(rows)}${fresh ? "; the fresh set above shows what that did" : "; give --fresh <file> to see what that did"}.`,
          );
        } else {
          say(ctx, `cross-validating A (${describeSettings(oa, tokenizers)}) and B (${describeSettings(ob, tokenizers)}) on ${data.rows.length} rows`);
          out.push("",
            ...formatSettingsComparison(
              compareSettings(data.rows, oa, ob, { folds: opts.folds, repeats: opts.repeats, seed: opts.seed }), { a: a.name, b: b.name }));
        }
      } else say(ctx, "give --data to cross-validate both models' settings on the same rows and folds");
      if (opts.input?.length) out.push("", ...formatPredictionChanges(predictionChanges(a.model, b.model, await readAbstractInputs(opts.input, ctx.stdin))));
      show(ctx, `${out.join("\n")}\n`);
    });
}
