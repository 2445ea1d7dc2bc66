import { Option, type Command } from "commander";
import type { Taxonomy, UnlabeledAbstract } from "../../domain.js";
import { EXIT, SafetagError } from "../../errors.js";
import { readLabeledAndReviewed } from "../../ingest/trainingData.js";
import { resolveCategory } from "../../taxonomy/changes.js";
import { trainingRows } from "../../ingest/trainingRows.js";
import { assertWritable, outputName, writeOutput } from "../../io/output.js";
import { parseModel, type LoadedModel } from "../../modelfile/modelFile.js";
import { makeLabeler } from "../../predict/label.js";
import { amongCategories, reviewItem, reviewOrder, reviewQueueCsv, type ReviewItem } from "../../review/queue.js";
import { labelStudioConfig, labelStudioTasks } from "../../review/labelStudio.js";
import { prodigyTasks } from "../../review/prodigy.js";
import { toolChoices } from "../../review/toolAnswers.js";
import { compactTime } from "../../modelfile/kept.js";
import { sha256 } from "../../io/hash.js";
import { modelPredictor } from "../../training/train.js";
import { say, type CliContext } from "../context.js";
import { readAbstractInputs } from "../../ingest/abstracts.js";
import { labeledInputs, optionalTaxonomy, readInputText, taxonomyInput } from "../data.js";
import { intArg } from "../options.js";
import { checkOutputs } from "../paths.js";
import { formatByName, outputFormat, type OutputFormats } from "../formats.js";
import { KnownAbstracts } from "../../modelfile/knownAbstracts.js";

type QueueFormat = "csv" | "label-studio" | "prodigy";
const FORMATS: readonly QueueFormat[] = ["csv", "label-studio", "prodigy"];
const DEFAULT_OUTPUT: Record<QueueFormat, string> = { csv: "review.csv", "label-studio": "review.json", prodigy: "review.jsonl" };

const QUEUE_FORMATS: OutputFormats<QueueFormat> = {
  byExtension: { csv: "csv", json: "label-studio", jsonl: "prodigy" },
  names: { csv: "a CSV sheet", "label-studio": "Label Studio tasks", prodigy: "Prodigy tasks" },
  fallback: "csv",
  what: "the review queue",
};

/**
 * `--format`, else the output's extension (`.json` Label Studio, `.jsonl` Prodigy, `.csv` or none CSV;
 * another is refused after checkOutputs, see formats.ts).
 */
function queueFormat(format: QueueFormat | undefined, output: string | undefined): QueueFormat {
  return output === undefined ? (format ?? "csv") : (formatByName(output, format, QUEUE_FORMATS) ?? "csv");
}

/** Where the Label Studio labeling config goes: `--label-config`, else beside the tasks (`review.json` -> `review.label-config.xml`). */
function labelConfigPath(given: string | undefined, output: string): string | undefined {
  if (given) return given;
  if (outputName(output) !== output) return undefined; // the tasks go to a standard stream: no file to put it beside
  return `${output.replace(/\.json$/i, "")}.label-config.xml`;
}

interface ReviewOptions {
  model: string;
  input?: string[];
  output?: string;
  format?: QueueFormat;
  labelConfig?: string;
  limit?: number;
  data?: string;
  taxonomy?: string;
}

/**
 * Labeled rows whose category the taxonomy split: they need a person to pick a new label. The
 * model scores them afresh (it may have learned them under the old label), so its suggestion is
 * among today's categories.
 */
function splitRowItems(model: LoadedModel, dataPath: string, taxonomy: Taxonomy | undefined): ReviewItem[] {
  if (!taxonomy) return [];
  const { labeled, reviewed } = readLabeledAndReviewed(dataPath, taxonomy);
  const split = trainingRows(labeled, reviewed, taxonomy).changes?.setAside.filter((s) => s.kind === "split") ?? [];
  const label = makeLabeler({ ...model, known: KnownAbstracts.none(model.categories) });
  const predictor = modelPredictor(model);
  return split.flatMap((s) => {
    const input: UnlabeledAbstract =
      { id: s.row.id, abstract: s.row.abstract, source: dataPath, ...(s.row.sourceLine === undefined ? {} : { line: s.row.sourceLine }) };
    // the suggestion is the best of the new parts, not the whole model's pick
    const status = resolveCategory(s.row.category, taxonomy);
    const parts = status.status === "split" ? status.into : [];
    const item = reviewItem(amongCategories(label(input), predictor.predictProba(input.abstract), model.categories, parts), s.reason);
    return item ? [item] : [];
  });
}

export function registerReview(program: Command, ctx: CliContext): void {
  program
    .command("review")
    .description(
      "write a review queue: the predictions a person should label first (needs_review, then the most uncertain), as a sheet with " +
        "columns to fill in, or as Label Studio or Prodigy tasks, for `safetag accept`")
    .requiredOption("--model <model.json>", "a model written by `safetag train`")
    .option("-i, --input <files...>", "dumps (or CSV/JSONL) of abstracts to review")
    .option("-o, --output <file>",
      "review queue to write; `-` is standard output (default: review.csv, review.json for Label Studio, review.jsonl for Prodigy)")
    .addOption(
      new Option("--format <format>",
        "csv (a sheet to fill in), label-studio (tasks with pre-annotations) or prodigy (choice tasks); default from the --output " +
          "extension (.json, .jsonl), else csv").choices([...FORMATS]))
    .option("--label-config <file>", "label-studio: where to write the labeling config XML (default beside --output: review.label-config.xml)")
    .option("--limit <n>", "at most this many rows", intArg("--limit", 1))
    .option("-d, --data <file>", "also queue this labeled file's rows whose category was split (they need a new label)")
    .option("--taxonomy <file>",
      "taxonomy file, for --data and for the categories a label-studio or prodigy queue offers (default data/taxonomy.json when present)")
    .action(async (opts: ReviewOptions) => {
      const format = queueFormat(opts.format, opts.output);
      const output = opts.output ?? DEFAULT_OUTPUT[format];
      const configPath = format === "label-studio" ? labelConfigPath(opts.labelConfig, output) : undefined;
      if (opts.labelConfig && format !== "label-studio") {
        throw new SafetagError("E_USAGE", "--label-config is for --format label-studio",
          { exitCode: EXIT.usage, hint: "leave it out, or write Label Studio tasks with --format label-studio" });
      }
      if (!opts.input?.length && !opts.data) {
        throw new SafetagError("E_USAGE", "nothing to review",
          { exitCode: EXIT.usage, hint: "give --input with dumps to review, or --data to queue labeled rows that need a new label" });
      }
      checkOutputs(
        [{ path: output, what: "--output" }, configPath === undefined ? undefined : { path: configPath, what: "the labeling config" }],
        [
          { path: opts.model, what: "--model" },
          ...(opts.input ?? []).map((path) => ({ path, what: "--input" })),
          ...(opts.data ? labeledInputs(opts.data, "--data") : []),
          ...(opts.data || format !== "csv" ? [taxonomyInput(opts.taxonomy)] : []),
        ],
      );
      if (opts.output !== undefined) outputFormat(opts.output, opts.format, QUEUE_FORMATS,
        { option: "--output", formatOption: "--format" }); // an unknown extension, refused
      assertWritable(output);
      if (configPath !== undefined) assertWritable(configPath);
      const modelText = readInputText(opts.model);
      const model = parseModel(modelText, opts.model);
      const label = makeLabeler(model);
      const inputs = await readAbstractInputs(opts.input ?? [], ctx.stdin);
      const fromInputs = inputs.flatMap((a) => {
        const item = reviewItem(label(a));
        return item ? [item] : [];
      });
      // read once: for the rows that need a new label, and for the categories a tool offers
      const taxonomy = opts.data || format !== "csv" ? optionalTaxonomy(opts.taxonomy, ctx) : undefined;
      const fromData = opts.data ? splitRowItems(model, opts.data, taxonomy) : [];
      const queue = reviewOrder([...fromData, ...fromInputs], opts.limit);
      const already = inputs.length - fromInputs.length;
      say(ctx, `${inputs.length} abstracts ` +
        `read (${already} already labeled or empty, left out)${opts.data ? `, ${fromData.length} labeled rows need a new label` : ""}`);
      const counts =
        `${queue.filter((q) => q.priority === 0).length} need a new ` +
          `label, ${queue.filter((q) => q.priority === 1).length} need review, ${queue.filter((q) => q.priority === 2).length} most uncertain next`;
      if (format === "csv") {
        writeOutput(output, reviewQueueCsv(queue), ctx);
        say(ctx, `review queue of ${queue.length} rows written to ${outputName(output)}: ${counts}`);
        say(ctx, "fill in `reviewer_category` (and `reviewer`) on the rows you label, then run `safetag accept` on the file");
        return;
      }
      // the categories offered are the taxonomy's today (the "not safety research" answer among them), else the model's
      const { choices, pick } = toolChoices(model.categories, taxonomy);
      // the id `safetag models` lists for this model file (modelfile/kept.ts, registryEntry)
      const tool = { choices, pick, modelVersion: `${compactTime(model.createdAt)}-${sha256(modelText).slice(0, 8)}` };
      const written = format === "label-studio" ? labelStudioTasks(queue, tool) : prodigyTasks(queue, tool);
      writeOutput(output, "json" in written ? written.json : written.jsonl, ctx);
      const name = format === "label-studio" ? "Label Studio" : "Prodigy";
      say(ctx, `${name} review ` +
        `queue of ${queue.length} tasks ` +
          `written to ${outputName(output)}: ${counts}; the model's pick pre-selected, ${choices.length} categories to choose from`);
      if (written.withoutPrediction > 0) say(ctx,
        `  ${written.withoutPrediction} tasks have nothing pre-selected: the model's pick is no longer a category of the taxonomy`);
      if (format === "label-studio") {
        if (configPath !== undefined) {
          writeOutput(configPath, labelStudioConfig(choices), ctx);
          say(ctx, `labeling config ` +
            `written to ${configPath}: paste it into the project's Settings > Labeling Interface > Code, then import ${outputName(output)}`);
        } else say(ctx, "labeling config not written (the tasks went to a standard stream): give --label-config FILE to write it");
        say(ctx, "label the tasks, Export the project as JSON, then run `safetag accept` on the export");
      } else {
        say(ctx, `annotate with \`prodigy mark ` +
          `DATASET ${outputName(output)} --view-id choice\` ("choice_style": "single"), then run \`safetag accept\` on what \`prodigy db-out DATASET\` writes`);
      }
    });
}
