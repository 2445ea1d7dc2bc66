import { Option, type Command } from "commander";
import { availableParallelism } from "node:os";
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { EXIT, SafetagError } from "../../errors.js";
import { ABSTRACT_FORMATS, openAbstractSource, type AbstractFormat, type AbstractInputOptions } from "../../ingest/abstracts.js";
import { assertWritable, openOutput, outputName, writeOutput } from "../../io/output.js";
import { parseModel, type LoadedModel } from "../../modelfile/modelFile.js";
import type { LabeledPrediction } from "../../predict/label.js";
import type { OutputFormatName } from "../../predict/output.js";
import { DEFAULT_BATCH_SIZE, type ParallelOptions } from "../../predict/parallel.js";
import { predictInto, type PredictSummary } from "../../predict/run.js";
import { formatDrift } from "../../modelfile/drift.js";
import { collectPredictions, renderPredictionsPage } from "../../report/predictionsPage.js";
import { say, type CliContext } from "../context.js";
import { startProgress } from "../progress.js";
import { readInputText } from "../data.js";
import { intArg } from "../options.js";
import { checkOutputs } from "../paths.js";
import { outputFormat, PREDICTION_FORMATS } from "../formats.js";

interface PredictOptions {
  model: string;
  input: string[];
  output: string;
  /** Given, or undefined: the --output extension says (see formats.ts). */
  format?: OutputFormatName;
  inputFormat?: AbstractFormat;
  sheet?: string;
  html?: string;
  workers: number;
}

/** The HTML review page to write beside the predictions (least confident first). */
export interface PredictionsPageOptions {
  path: string;
  /** The model file, named on the page. */
  modelPath?: string;
}

export function loadModel(path: string): LoadedModel {
  return parseModel(readInputText(path), path);
}

export function registerPredict(program: Command, ctx: CliContext): void {
  program
    .command("predict")
    .description("label abstracts: `Abstract:` dumps, CSV/TSV or an .xlsx sheet with an abstract column (id optional), or JSONL; `-` is stdin/stdout")
    .requiredOption("--model <model.json>", "a model written by `safetag train`")
    .requiredOption("-i, --input <files...>", "one or more inputs; `-` reads standard input")
    .option("-o, --output <file>", "where to write predictions; `-` is standard output", "-")
    .addOption(
      new Option("-f, --format <format>",
        "output format (default: from the --output extension, .csv or .jsonl; csv for standard output or a name with no extension)").choices(["csv", "jsonl"]))
    .addOption(new Option("--input-format <format>", "input format (default: guessed from name and content)").choices([...ABSTRACT_FORMATS]))
    .option("--sheet <name>", "the sheet of .xlsx inputs to read (default: the first)")
    .option("--html <file>", "also write an HTML page of the predictions, least confident first, for review; `-` is standard output")
    .addOption(
      new Option("--workers <n>",
        `threads that label; an input under ${DEFAULT_BATCH_SIZE} abstracts uses one`).argParser(intArg("--workers", 1))
          .default(availableParallelism(), "the number of cores"),
    )
    .action(async (opts: PredictOptions) => {
      const page = opts.html ? { path: opts.html, modelPath: opts.model } : undefined;
      checkOutputs(
        [{ path: opts.output, what: "--output" }, page && { path: page.path, what: "--html" }],
        [{ path: opts.model, what: "--model" }, ...opts.input.map((path) => ({ path, what: "--input" }))],
      );
      const format = outputFormat(opts.output, opts.format, PREDICTION_FORMATS, { option: "--output", formatOption: "--format csv|jsonl" });
      const summary =
        await predictToFile(ctx, loadModel(opts.model), opts.input, opts.output, format,
          { format: opts.inputFormat, sheet: opts.sheet }, page, { workers: workerCount(ctx, opts.workers) });
      reportPredictSummary(ctx, summary, opts.output);
      if (page) say(ctx, `review page written to ${outputName(page.path)}`);
    });
}

/** More threads than cores only cost memory (a worker parses its own copy of the model), so `--workers` stops at the number of cores. */
function workerCount(ctx: CliContext, asked: number): number {
  const cores = availableParallelism();
  if (asked <= cores) return asked;
  say(ctx, `warning: --workers ${asked} is more than the ${cores} cores of this machine; labeling on ${cores} threads`);
  return cores;
}

/** Labels `inputs` into `output` (and the review page), streaming; the caller has checked the outputs against the inputs (paths.ts). */
export async function predictToFile(
  ctx: CliContext,
  model: LoadedModel,
  inputs: readonly string[],
  output: string,
  format: OutputFormatName,
  input: AbstractInputOptions = {},
  page?: PredictionsPageOptions,
  parallel: ParallelOptions = {},
): Promise<PredictSummary> {
  if (page) assertWritable(page.path); // fail before the work, not after
  refuseRepeatedInputs(inputs);
  const sources = inputs.map((p) => openAbstractSource(p, ctx.stdin, input));
  const collector = page ? collectPredictions() : undefined;
  const progress = startProgress(ctx, "predicting: abstracts labeled");
  let summary: PredictSummary;
  try {
    summary = await predictInto(model, sources, openOutput(output, ctx), {
      format,
      onProgress: (labeled) => progress.update(labeled),
      ...(collector ? { onPrediction: (p: LabeledPrediction) => collector.add(p) } : {}),
      parallel,
    });
  } finally {
    progress.done();
  }
  if (page && collector) {
    const inputNames = inputs.map((i) => (i === "-" ? "standard input" : i));
    writeOutput(page.path,
      renderPredictionsPage(collector.result(), { model: page.modelPath, inputs: inputNames, output: output === "-" ? undefined : output }), ctx);
  }
  return summary;
}

/**
 * One input given twice (by the same path or another way to it) would be labeled twice, under
 * the same ids; every other pair of inputs has different names, so the ids made from them
 * (`<input>:<line>`, see ingest/abstracts.ts) differ.
 */
function refuseRepeatedInputs(inputs: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const path of inputs) {
    let key = path;
    if (path !== "-") {
      try {
        key = realpathSync(path);
      } catch {
        key = resolve(path); // missing: said when it is opened
      }
    }
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new SafetagError("E_INPUT_TWICE", `${path}: given twice as an input${earlier === path ? "" : ` (also as ${earlier})`}`, {
        exitCode: EXIT.usage,
        hint: "give each input once: its abstracts would be labeled twice, under the same ids",
      });
    }
    seen.set(key, path);
  }
}

export function reportPredictSummary(ctx: CliContext, s: PredictSummary, output: string): void {
  const where = outputName(output);
  const threads = s.workers > 1 ? ` by ${s.workers} threads (${s.workers - 1} worker${s.workers > 2 ? "s" : ""} and this one)` : "";
  say(ctx, `${s.abstracts} abstracts ` +
    `read, ${s.written} predictions ` +
      `written to ${where}${threads} (${s.known} already labeled, ${s.empty} empty), ${s.skipped.length} non-abstract lines skipped`);
  for (const k of s.skipped) say(ctx, `  skipped ${k.file}:${k.line}: ${k.reason}: ${JSON.stringify(k.text.slice(0, 60))}`);
  if (s.repeated > 0) say(ctx, `  ${s.repeated} of them repeat an abstract read before: labeled as that row, which duplicate_of names`);
  const cats = [...s.perCategory].sort((a, b) => b[1] - a[1]);
  for (const [c, n] of cats) say(ctx, `  ${String(n).padStart(5)}  ${c || "(none)"}`);
  const review = `${s.needsReview} marked needs_review for a person (${s.outOfScope} unlike every category)`;
  if (s.outside === undefined) say(ctx, `${review}; ${s.written - s.needsReview} labeled automatically`);
  else say(ctx, `${s.automatic.outside} found to be "${s.outside}" and ${s.automatic.other} tagged with a safety category, automatically; ${review}`);
  if (s.drift) say(ctx, `${s.drift.drifted ? "warning: " : ""}${formatDrift(s.drift)}`);
}
