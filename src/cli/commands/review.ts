import type { Command } from "commander";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { UnlabeledAbstract } from "../../domain.js";
import { EXIT, SafetagError } from "../../errors.js";
import { readLabeled } from "../../ingest/labeled.js";
import { reviewedPathFor } from "../../ingest/reviewed.js";
import { readingTaxonomy, resolveCategory } from "../../taxonomy/changes.js";
import { trainingRows } from "../../ingest/trainingRows.js";
import { assertWritable, outputName, writeOutput } from "../../io/output.js";
import { parseModel, type LoadedModel } from "../../modelfile/modelFile.js";
import { makeLabeler } from "../../predict/label.js";
import { amongCategories, reviewItem, reviewOrder, reviewQueueCsv, type ReviewItem } from "../../review/queue.js";
import { modelPredictor } from "../../training/train.js";
import { say, type CliContext } from "../context.js";
import { readAbstractInputs } from "../../ingest/abstracts.js";
import { labeledInputs, optionalTaxonomy, readInputText, taxonomyInput } from "../data.js";
import { intArg } from "../options.js";
import { checkOutputs } from "../paths.js";
import { KnownAbstracts } from "../../modelfile/knownAbstracts.js";

interface ReviewOptions {
  model: string;
  input?: string[];
  output: string;
  limit?: number;
  data?: string;
  taxonomy?: string;
}

/**
 * Labeled rows whose category the taxonomy split: they need a person to pick a new label. The
 * model scores them afresh (it may have learned them under the old label), so its suggestion is
 * among today's categories.
 */
function splitRowItems(ctx: CliContext, model: LoadedModel, dataPath: string, taxonomyPath: string | undefined): ReviewItem[] {
  const taxonomy = optionalTaxonomy(taxonomyPath, ctx);
  if (!taxonomy) return [];
  const reading = readingTaxonomy(taxonomy);
  const labeled = readLabeled(dataPath, { taxonomy: reading, text: readInputText(dataPath) }).rows;
  const reviewedPath = reviewedPathFor(dataPath);
  const reviewed = existsSync(reviewedPath) && resolve(reviewedPath) !== resolve(dataPath) ? readLabeled(reviewedPath, { taxonomy: reading }).rows : undefined;
  const split = trainingRows(labeled, reviewed, taxonomy).changes?.setAside.filter((s) => s.kind === "split") ?? [];
  const label = makeLabeler({ ...model, known: KnownAbstracts.none(model.categories) });
  const predictor = modelPredictor(model);
  return split.flatMap((s) => {
    const input: UnlabeledAbstract = { id: s.row.id, abstract: s.row.abstract, source: dataPath, ...(s.row.sourceLine === undefined ? {} : { line: s.row.sourceLine }) };
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
    .description("write a review queue: the predictions a person should label first (needs_review, then the most uncertain), with columns to fill in for `safetag accept`")
    .requiredOption("--model <model.json>", "a model written by `safetag train`")
    .option("-i, --input <files...>", "dumps (or CSV/JSONL) of abstracts to review")
    .option("-o, --output <file>", "review sheet to write; `-` is standard output", "review.csv")
    .option("--limit <n>", "at most this many rows", intArg("--limit", 1))
    .option("-d, --data <file>", "also queue this labeled file's rows whose category was split (they need a new label)")
    .option("--taxonomy <file>", "taxonomy file, for --data (default data/taxonomy.json when present)")
    .action(async (opts: ReviewOptions) => {
      if (!opts.input?.length && !opts.data) {
        throw new SafetagError("E_USAGE", "nothing to review", { exitCode: EXIT.usage, hint: "give --input with dumps to review, or --data to queue labeled rows that need a new label" });
      }
      checkOutputs(
        [{ path: opts.output, what: "--output" }],
        [
          { path: opts.model, what: "--model" },
          ...(opts.input ?? []).map((path) => ({ path, what: "--input" })),
          ...(opts.data ? [...labeledInputs(opts.data, "--data"), taxonomyInput(opts.taxonomy)] : []),
        ],
      );
      assertWritable(opts.output);
      const model = parseModel(readInputText(opts.model), opts.model);
      const label = makeLabeler(model);
      const inputs = await readAbstractInputs(opts.input ?? [], ctx.stdin);
      const fromInputs = inputs.flatMap((a) => {
        const item = reviewItem(label(a));
        return item ? [item] : [];
      });
      const fromData = opts.data ? splitRowItems(ctx, model, opts.data, opts.taxonomy) : [];
      const queue = reviewOrder([...fromData, ...fromInputs], opts.limit);
      const csv = reviewQueueCsv(queue);
      writeOutput(opts.output, csv, ctx);
      const already = inputs.length - fromInputs.length;
      say(ctx, `${inputs.length} abstracts read (${already} already labeled or empty, left out)${opts.data ? `, ${fromData.length} labeled rows need a new label` : ""}`);
      say(ctx, `review queue of ${queue.length} rows written to ${outputName(opts.output)}: ` +
        `${queue.filter((q) => q.priority === 0).length} need a new label, ${queue.filter((q) => q.priority === 1).length} need review, ${queue.filter((q) => q.priority === 2).length} most uncertain next`);
      say(ctx, "fill in `reviewer_category` (and `reviewer`) on the rows you label, then run `safetag accept` on the file");
    });
}
