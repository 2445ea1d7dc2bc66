import { Option, type Command } from "commander";
import { Readable } from "node:stream";
import { openAbstractFile, readAbstracts, readHead, sniffFormat, ABSTRACT_FORMATS, type AbstractFormat } from "../../ingest/abstracts.js";
import { assertWritable, openAtomicStream, writeFileAtomic } from "../../io/atomic.js";
import { EXIT, SafetagError } from "../../errors.js";
import { parseModel, type LoadedModel } from "../../models/modelFile.js";
import type { LabeledPrediction } from "../../predict/label.js";
import type { OutputFormat } from "../../predict/output.js";
import { predictSources, type PredictSource, type PredictSummary } from "../../predict/run.js";
import { collectPredictions, renderPredictionsPage } from "../../report/predictionsPage.js";
import { say, type CliContext } from "../context.js";
import { startProgress } from "../progress.js";
import { readInputText } from "../data.js";
import { resolve } from "node:path";

interface PredictOptions {
  model: string;
  input: string[];
  output: string;
  format: OutputFormat;
  inputFormat?: AbstractFormat;
  html?: string;
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
    .description("label abstracts: `Abstract:` dumps, CSV/TSV with an abstract column (id optional), or JSONL; `-` is stdin/stdout")
    .requiredOption("--model <model.json>", "a model written by `safetag train`")
    .requiredOption("-i, --input <files...>", "one or more inputs; `-` reads standard input")
    .option("-o, --output <file>", "where to write predictions; `-` is standard output", "-")
    .addOption(new Option("-f, --format <format>", "output format").choices(["csv", "jsonl"]).default("csv"))
    .addOption(new Option("--input-format <format>", "input format (default: guessed from name and content)").choices([...ABSTRACT_FORMATS]))
    .option("--html <file>", "also write an HTML page of the predictions, least confident first, for review")
    .action(async (opts: PredictOptions) => {
      const page = opts.html ? { path: opts.html, modelPath: opts.model } : undefined;
      const summary = await predictToFile(ctx, loadModel(opts.model), opts.input, opts.output, opts.format, opts.inputFormat, page);
      reportPredictSummary(ctx, summary, opts.output);
      if (page) say(ctx, `review page written to ${page.path}`);
    });
}

function sourceFor(ctx: CliContext, path: string, forced?: AbstractFormat): PredictSource {
  if (path === "-") {
    const stdin = Readable.from(ctx.stdin as AsyncIterable<Buffer | string>, { objectMode: false });
    return { file: "stdin", records: readStdin(stdin, forced) };
  }
  let head: string;
  try {
    head = readHead(path);
  } catch (e) {
    throw new SafetagError("E_NO_INPUT", `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      exitCode: EXIT.noInput,
      hint: "check the path",
    });
  }
  return { file: path, records: readAbstracts(openAbstractFile(path), path, forced ?? sniffFormat(head, path)) };
}

/** Standard input cannot be re-read, so its first chunk is sniffed and then put back in front. */
async function* readStdin(stdin: Readable, forced?: AbstractFormat) {
  const it = stdin[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? "" : String(first.value);
  const rest = Readable.from(
    (async function* () {
      if (head) yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield String(r.value);
    })(),
  );
  yield* readAbstracts(rest, "stdin", forced ?? sniffFormat(head));
}

export async function predictToFile(
  ctx: CliContext,
  model: LoadedModel,
  inputs: readonly string[],
  output: string,
  format: OutputFormat,
  inputFormat?: AbstractFormat,
  page?: PredictionsPageOptions,
): Promise<PredictSummary> {
  for (const i of inputs) {
    for (const o of [output, page?.path ?? "-"]) {
      if (i !== "-" && o !== "-" && resolve(i) === resolve(o)) {
        throw new SafetagError("E_OUTPUT_IS_INPUT", `output ${o} is also an input`, { exitCode: EXIT.usage, hint: "write predictions to another file" });
      }
    }
  }
  if (page) assertWritable(page.path); // fail before the work, not after
  const sources = inputs.map((p) => sourceFor(ctx, p, inputFormat));
  const collector = page ? collectPredictions() : undefined;
  const progress = startProgress(ctx, "predicting: abstracts labeled");
  let labeled = 0;
  const onPrediction = (p: LabeledPrediction): void => {
    collector?.add(p);
    progress.update(++labeled);
  };
  let summary: PredictSummary;
  try {
    summary = await predictInto(model, sources, output, format, ctx, onPrediction);
  } finally {
    progress.done();
  }
  if (page && collector) {
    const inputNames = inputs.map((i) => (i === "-" ? "standard input" : i));
    writeFileAtomic(page.path, renderPredictionsPage(collector.result(), { model: page.modelPath, inputs: inputNames, output: output === "-" ? undefined : output }));
  }
  return summary;
}

async function predictInto(
  model: LoadedModel,
  sources: PredictSource[],
  output: string,
  format: OutputFormat,
  ctx: CliContext,
  onPrediction: (p: LabeledPrediction) => void,
): Promise<PredictSummary> {
  if (output === "-") return predictSources(model, sources, ctx.stdout, format, onPrediction);
  const sink = openAtomicStream(output);
  try {
    const summary = await predictSources(model, sources, sink.stream, format, onPrediction);
    await sink.commit();
    return summary;
  } catch (e) {
    sink.abort();
    throw e;
  }
}

export function reportPredictSummary(ctx: CliContext, s: PredictSummary, output: string): void {
  const where = output === "-" ? "standard output" : output;
  say(ctx, `${s.abstracts} abstracts read, ${s.written} predictions written to ${where} (${s.known} already labeled, ${s.empty} empty), ${s.skipped.length} non-abstract lines skipped`);
  for (const k of s.skipped) say(ctx, `  skipped ${k.file}:${k.line}: ${k.reason}: ${JSON.stringify(k.text.slice(0, 60))}`);
  const cats = Object.entries(s.perCategory).sort((a, b) => b[1] - a[1]);
  for (const [c, n] of cats) say(ctx, `  ${String(n).padStart(5)}  ${c || "(none)"}`);
}
