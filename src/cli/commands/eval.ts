import { InvalidArgumentError, Option, type Command } from "commander";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { LabeledAbstract, Taxonomy } from "../../domain.js";
import { formatProblem } from "../../errors.js";
import { readDumpAbstracts } from "../../ingest/abstracts.js";
import { readLabeled, usableForTraining } from "../../ingest/labeled.js";
import { readingTaxonomy } from "../../taxonomy/changes.js";
import { checkCrossValidatable, evaluate } from "../../evaluation/evaluate.js";
import type { EvaluationReport } from "../../evaluation/report.js";
import { renderJson } from "../../report/json.js";
import { renderMarkdown } from "../../report/markdown.js";
import { renderTerminal } from "../../report/terminal.js";
import { assertWritable, writeOutput } from "../../io/output.js";
import type { LoadedModel } from "../../modelfile/modelFile.js";
import { MODEL_CHOICES, type ModelChoice } from "../../models/kinds.js";
import { renderHtml } from "../../report/html.js";
import { say, show, type CliContext } from "../context.js";
import { createdAtClock } from "../clock.js";
import { startProgress } from "../progress.js";
import { backgroundInput, labeledInputs, loadTrainingData, optionalTaxonomy, readInputText, readUnlabeled, taxonomyInput } from "../data.js";
import type { TrainingData } from "../../ingest/trainingData.js";
import { intArg, seedArg, kindOption, oldModelKindOption, refuseModelAsKind, modelKindsHelp } from "../options.js";
import { checkOutputs, type CommandPath } from "../paths.js";

export interface EvalOptions {
  data: string;
  reportDir: string;
  folds: number;
  repeats: number;
  seed: number;
  /** The classifier kind (`--kind`). */
  kind: ModelChoice;
  /** The old `--model <kind>`, refused (see refuseModelAsKind). */
  model?: string;
  compare?: ModelChoice[];
  taxonomy?: string;
  titles?: boolean;
  outOfScope?: string;
  learningCurve?: boolean;
  /** Fresh labeled abstracts in no training file, scored by the final model; false = none. */
  fresh?: string | false;
  /** Print report.json to standard output instead of the table. */
  json?: boolean;
  unlabeled?: string[];
}

export const DEFAULT_OUT_OF_SCOPE = "data/eval/out-of-scope.txt";
export const DEFAULT_FRESH = "data/eval/fresh.csv";

/** The fresh validation set, as an input to check outputs against. */
export function freshInput(option: string | false | undefined): CommandPath | undefined {
  if (option === false) return undefined;
  const path = option ?? (existsSync(DEFAULT_FRESH) ? DEFAULT_FRESH : undefined);
  return path === undefined ? undefined : { path, what: option ? "--fresh" : "the fresh abstracts read by default" };
}

/** The fresh validation set (see evaluation/fresh.ts): the default one when present, unless turned off. */
function readFresh(ctx: CliContext, option: string | false | undefined, taxonomy: Taxonomy | undefined): { path: string; rows: LabeledAbstract[] } | undefined {
  if (option === false) return undefined;
  const path = option ?? (existsSync(DEFAULT_FRESH) ? DEFAULT_FRESH : undefined);
  if (!path) return undefined;
  const result = readLabeled(path, { taxonomy: taxonomy && readingTaxonomy(taxonomy), text: readInputText(path) });
  const rows = usableForTraining(result.rows);
  const left = result.rows.length - rows.length;
  say(ctx, `${path}: ${rows.length} fresh abstracts to score the final ` +
    `model on${left ? `, ${left} without abstract or duplicate set aside` : ""}${result.problems.length ? `, ${result.problems.length} problems` : ""}`);
  for (const p of result.problems) say(ctx, `  ${formatProblem(p)}`);
  return { path, rows };
}

/** The out-of-scope abstracts eval reads: the file given, else the default one when present. */
function outOfScopePath(path: string | undefined): string | undefined {
  return path ?? (existsSync(DEFAULT_OUT_OF_SCOPE) ? DEFAULT_OUT_OF_SCOPE : undefined);
}

/** The out-of-scope abstracts as an input to check outputs against (see paths.ts). */
export function outOfScopeInput(path: string | undefined): CommandPath | undefined {
  const file = outOfScopePath(path);
  return file === undefined ? undefined : { path: file, what: path ? "--out-of-scope" : "the out-of-scope abstracts read by default" };
}

/** The reports eval writes into `reportDir`. */
export function reportFiles(reportDir: string): string[] {
  return ["report.md", "report.json", "report.html"].map((f) => join(reportDir, f));
}

/** The abstracts of an `Abstract:` dump, for measuring the out-of-scope score; the lines left out are said. */
async function readOutOfScope(ctx: CliContext, path: string | undefined): Promise<string[]> {
  const file = outOfScopePath(path);
  if (!file) return [];
  const { abstracts, leftOut } = await readDumpAbstracts(file);
  for (const l of leftOut) say(ctx, `  ${file}:${l.line}: skipped: ${l.reason}`);
  return abstracts;
}

/** Cross-validates on the labeled rows and writes every rendering of the one report. */
export async function runEval(ctx: CliContext, data: TrainingData, opts: EvalOptions, taxonomy?: Taxonomy,
  unlabeled?: string[]): Promise<{ report: EvaluationReport; model: LoadedModel }> {
  const files = reportFiles(opts.reportDir);
  checkCrossValidatable(data.rows, data.path); // before the report folder is made
  const progress = startProgress(ctx, "eval");
  files.forEach(assertWritable);
  const outOfScope = await readOutOfScope(ctx, opts.outOfScope);
  const result = evaluate(data.rows, {
    now: createdAtClock(),
    model: opts.kind,
    compare: opts.compare,
    taxonomy,
    titles: opts.titles,
    folds: opts.folds,
    repeats: opts.repeats,
    seed: opts.seed,
    dataPath: data.path,
    dataSha256: data.sha256,
    outOfScope,
    learningCurve: opts.learningCurve,
    unlabeled,
    background: data.background,
    fresh: readFresh(ctx, opts.fresh, taxonomy),
    ...(data.changes ? { taxonomyChanges: data.changes } : {}),
    onProgress: (p) => (p.done === undefined ? progress.stage(p.stage) : progress.update(p.done, p.total)),
  });
  progress.done();
  writeOutput(files[0]!, renderMarkdown(result.report), ctx);
  writeOutput(files[1]!, renderJson(result.report), ctx);
  writeOutput(files[2]!, renderHtml(result.report), ctx);
  if (opts.json) ctx.stdout.write(renderJson(result.report));
  else if (!ctx.quiet) show(ctx, renderTerminal(result.report));
  say(ctx, `reports written to ${files.join(", ")}`);
  return result;
}

function kindList(value: string): ModelChoice[] {
  const kinds = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const k of kinds) if (!(MODEL_CHOICES as readonly string[]).includes(k)) throw new InvalidArgumentError(
    `unknown model kind ${k}; choose from ${MODEL_CHOICES.join(", ")}`);
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
    .addOption(kindOption())
    .addOption(oldModelKindOption())
    .addHelpText("after", modelKindsHelp())
    .addOption(
      new Option("--compare <kinds>",
        `also cross-validate these classifier kinds on the same folds (comma-separated: ${MODEL_CHOICES.join(", ")})`).argParser(kindList))
    .option("--taxonomy <file>", "taxonomy file (default data/taxonomy.json when present)")
    .option("--titles", "also learn from titles (predictions see abstracts only)", false)
    .option("--out-of-scope <file>", `abstracts outside every category, to measure the out-of-scope score (default ${DEFAULT_OUT_OF_SCOPE} when present)`)
    .option("--fresh <file>", `fresh labeled abstracts in no training file, to score the final model on (default ${DEFAULT_FRESH} when present)`)
    .option("--no-fresh", "leave out the fresh-abstract figures")
    .option("--no-learning-curve", "skip the learning curve (saves time)")
    .option("--json", "print report.json to standard output instead of the table", false)
    .option("--unlabeled <files...>", "unlabeled dumps every fold also learns from (semi-supervised EM)")
    .action(async (opts: EvalOptions) => {
      refuseModelAsKind("eval", opts.model);
      checkOutputs(
        reportFiles(opts.reportDir).map((path) => ({ path, what: "a report in --report-dir" })),
        [...labeledInputs(opts.data, "--data"), taxonomyInput(opts.taxonomy), backgroundInput(opts.taxonomy),
          outOfScopeInput(opts.outOfScope), freshInput(opts.fresh), ...(opts.unlabeled ?? []).map((path) => ({ path, what: "--unlabeled" }))],
      );
      const taxonomy = optionalTaxonomy(opts.taxonomy, ctx);
      const data = loadTrainingData(ctx, opts.data, taxonomy);
      await runEval(ctx, data, opts, data.taxonomy, await readUnlabeled(ctx, opts.unlabeled));
    });
}
