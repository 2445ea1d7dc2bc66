import { InvalidArgumentError, Option, type Command } from "commander";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Taxonomy } from "../../domain.js";
import { checkCrossValidatable, evaluate } from "../../evaluation/evaluate.js";
import { renderJson, renderMarkdown, renderTerminal, type EvaluationReport } from "../../evaluation/report.js";
import { assertWritable, writeFileAtomic } from "../../io/atomic.js";
import type { LoadedModel } from "../../models/modelFile.js";
import { MODEL_CHOICES, type ModelChoice } from "../../models/registry.js";
import { renderHtml } from "../../report/html.js";
import { summarizeTaxonomyApplication } from "../../ingest/taxonomyChanges.js";
import { say, type CliContext } from "../context.js";
import { createdAtClock } from "../clock.js";
import { startProgress } from "../progress.js";
import { loadTrainingData, optionalTaxonomy, readInputText, readUnlabeled, type TrainingData } from "../data.js";
import { intArg, seedArg, modelKindOption } from "../options.js";
import { refuseOutputOverInput } from "../paths.js";

export interface EvalOptions {
  data: string;
  reportDir: string;
  folds: number;
  repeats: number;
  seed: number;
  model: ModelChoice;
  compare?: ModelChoice[];
  taxonomy?: string;
  titles?: boolean;
  outOfScope?: string;
  learningCurve?: boolean;
  /** Print report.json to standard output instead of the table. */
  json?: boolean;
  unlabeled?: string[];
}

export const DEFAULT_OUT_OF_SCOPE = "data/eval/out-of-scope.txt";

/** `Abstract:` lines of a dump, for measuring the out-of-scope score. */
function readOutOfScope(path: string | undefined): string[] {
  const file = path ?? (existsSync(DEFAULT_OUT_OF_SCOPE) ? DEFAULT_OUT_OF_SCOPE : undefined);
  if (!file) return [];
  return readInputText(file)
    .split(/\r?\n/)
    .flatMap((l) => {
      const m = /^\s*abstract\s*:(.*)$/i.exec(l);
      return m && m[1]!.trim() ? [m[1]!.trim()] : [];
    });
}

/** Cross-validates on the labeled rows and writes every rendering of the one report. */
export function runEval(ctx: CliContext, data: TrainingData, opts: EvalOptions, taxonomy?: Taxonomy, unlabeled?: string[]): { report: EvaluationReport; model: LoadedModel } {
  const files = ["report.md", "report.json", "report.html"].map((f) => join(opts.reportDir, f));
  checkCrossValidatable(data.rows, data.path); // before the report folder is made
  const progress = startProgress(ctx, "cross-validation");
  for (const f of files) refuseOutputOverInput(f, [data.path]);
  files.forEach(assertWritable);
  const result = evaluate(data.rows, {
    now: createdAtClock(),
    model: opts.model,
    compare: opts.compare,
    taxonomy,
    titles: opts.titles,
    folds: opts.folds,
    repeats: opts.repeats,
    seed: opts.seed,
    dataPath: data.path,
    dataSha256: data.sha256,
    outOfScope: readOutOfScope(opts.outOfScope),
    learningCurve: opts.learningCurve,
    unlabeled,
    onProgress: (p) => progress.update(p.done, p.total),
  });
  progress.done();
  if (data.changes?.applied) result.report.taxonomy = summarizeTaxonomyApplication(data.changes);
  writeFileAtomic(files[0]!, renderMarkdown(result.report));
  writeFileAtomic(files[1]!, renderJson(result.report));
  writeFileAtomic(files[2]!, renderHtml(result.report));
  if (opts.json) ctx.stdout.write(renderJson(result.report));
  else if (!ctx.quiet) ctx.stdout.write(renderTerminal(result.report));
  say(ctx, `reports written to ${files.join(", ")}`);
  return result;
}

function modelList(value: string): ModelChoice[] {
  const kinds = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const k of kinds) if (!(MODEL_CHOICES as readonly string[]).includes(k)) throw new InvalidArgumentError(`unknown model kind ${k}; choose from ${MODEL_CHOICES.join(", ")}`);
  return kinds as ModelChoice[];
}

export function registerEval(program: Command, ctx: CliContext): void {
  program
    .command("eval")
    .description("cross-validate on labeled rows and write eval reports (Markdown, JSON, HTML)")
    .option("-d, --data <file>", "labeled data", "data/labeled.csv")
    .option("-r, --report-dir <dir>", "folder for the reports", "eval")
    .option("--folds <n>", "folds per repeat", intArg("--folds", 2), 5)
    .option("--repeats <n>", "repeats of k-fold with new shuffles", intArg("--repeats", 1), 5)
    .option("--seed <n>", "random seed (same seed, same folds)", seedArg(), 1)
    .addOption(modelKindOption())
    .addOption(new Option("--compare <kinds>", `also cross-validate these model kinds on the same folds (comma-separated: ${MODEL_CHOICES.join(", ")})`).argParser(modelList))
    .option("--taxonomy <file>", "taxonomy file (default data/taxonomy.json when present)")
    .option("--titles", "also learn from titles (predictions see abstracts only)", false)
    .option("--out-of-scope <file>", `abstracts outside every category, to measure the out-of-scope score (default ${DEFAULT_OUT_OF_SCOPE} when present)`)
    .option("--no-learning-curve", "skip the learning curve (saves time)")
    .option("--json", "print report.json to standard output instead of the table", false)
    .option("--unlabeled <files...>", "unlabeled dumps every fold also learns from (semi-supervised EM)")
    .action(async (opts: EvalOptions) => {
      const taxonomy = optionalTaxonomy(opts.taxonomy);
      const data = loadTrainingData(ctx, opts.data, taxonomy);
      runEval(ctx, data, opts, data.taxonomy, await readUnlabeled(ctx, opts.unlabeled));
    });
}
