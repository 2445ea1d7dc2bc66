import type { Command } from "commander";
import { join } from "node:path";
import { crossValidate } from "../../evaluation/crossValidate.js";
import { buildEvaluationReport, renderJson, renderMarkdown, renderTerminal, type EvaluationReport } from "../../evaluation/report.js";
import { assertWritable, writeFileAtomic } from "../../io/atomic.js";
import type { ModelKind } from "../../models/registry.js";
import type { Taxonomy } from "../../domain.js";
import { modelTrainer } from "../../models/train.js";
import type { CliContext } from "../context.js";
import { loadTrainingData, optionalTaxonomy, type TrainingData } from "../data.js";
import { intArg, modelKindOption } from "../options.js";

export interface EvalOptions {
  data: string;
  reportDir: string;
  folds: number;
  repeats: number;
  seed: number;
  model: ModelKind;
  taxonomy?: string;
  titles?: boolean;
}

/** Cross-validates on the labeled rows and writes every rendering of the one report. */
export function runEval(ctx: CliContext, data: TrainingData, opts: EvalOptions, taxonomy?: Taxonomy): EvaluationReport {
  const files = ["report.md", "report.json"].map((f) => join(opts.reportDir, f));
  files.forEach(assertWritable);
  const cv = crossValidate(data.rows, modelTrainer({ kind: opts.model, taxonomy, titles: opts.titles }), { folds: opts.folds, repeats: opts.repeats, seed: opts.seed });
  const report = buildEvaluationReport(cv, { model: opts.model, dataPath: data.path, dataSha256: data.sha256 });
  writeFileAtomic(files[0]!, renderMarkdown(report));
  writeFileAtomic(files[1]!, renderJson(report));
  if (!ctx.quiet) ctx.stdout.write(renderTerminal(report));
  return report;
}

export function registerEval(program: Command, ctx: CliContext): void {
  program
    .command("eval")
    .description("cross-validate on labeled rows and write eval reports (Markdown, JSON)")
    .option("-d, --data <file>", "labeled data", "data/labeled.csv")
    .option("-r, --report-dir <dir>", "folder for the reports", "eval")
    .option("--folds <n>", "folds per repeat", intArg("--folds", 2), 5)
    .option("--repeats <n>", "repeats of k-fold with new shuffles", intArg("--repeats", 1), 5)
    .option("--seed <n>", "random seed (same seed, same folds)", intArg("--seed", 0), 1)
    .addOption(modelKindOption())
    .option("--taxonomy <file>", "taxonomy file (default data/taxonomy.json when present)")
    .option("--titles", "also learn from titles (predictions see abstracts only)", false)
    .action((opts: EvalOptions) => {
      const taxonomy = optionalTaxonomy(opts.taxonomy);
      runEval(ctx, loadTrainingData(ctx, opts.data, taxonomy), opts, taxonomy);
    });
}
