import type { Command } from "commander";
import { assertWritable } from "../../io/output.js";
import { serializeModel } from "../../modelfile/modelFile.js";
import type { ModelChoice } from "../../models/kinds.js";
import { trainModel } from "../../training/train.js";
import { checkTrainingCategories, type CategoryCounts } from "../../training/categories.js";
import { say, type CliContext } from "../context.js";
import { backgroundInput, labeledInputs, loadTrainingData, optionalTaxonomy, readUnlabeled, taxonomyInput } from "../data.js";
import { assertKeepable, keptOutputs, writeKeptModel } from "../keep.js";
import { modelKindOption, modelKindsHelp } from "../options.js";
import { createdAtClock } from "../clock.js";
import { checkOutputs } from "../paths.js";

export function registerTrain(program: Command, ctx: CliContext): void {
  program
    .command("train")
    .description("train a model on labeled rows (the spreadsheet paste, or a CSV/TSV with id, abstract, category)")
    .requiredOption("-d, --data <file>", "labeled data")
    .requiredOption("-o, --out <model.json>", "where to write the model")
    .addOption(modelKindOption())
    .addHelpText("after", modelKindsHelp())
    .option("--taxonomy <file>", "taxonomy file (default data/taxonomy.json when present)")
    .option("--titles", "also learn from titles (predictions see abstracts only)", false)
    .option("--unlabeled <files...>", "unlabeled dumps to learn from as well (semi-supervised EM)")
    .action(async (opts: { data: string; out: string; model: ModelChoice; taxonomy?: string; titles: boolean; unlabeled?: string[] }) => {
      checkOutputs(
        [{ path: opts.out, what: "--out" }, ...keptOutputs(opts.out, "--out")],
        [...labeledInputs(opts.data, "--data"), taxonomyInput(opts.taxonomy), backgroundInput(opts.taxonomy), ...(opts.unlabeled ?? []).map((path) => ({ path, what: "--unlabeled" }))],
      );
      assertWritable(opts.out); // fail in a second, not after the work
      assertKeepable(opts.out);
      const now = createdAtClock();
      const taxonomy = optionalTaxonomy(opts.taxonomy, ctx);
      const data = loadTrainingData(ctx, opts.data, taxonomy);
      warnIfSparse(ctx, checkTrainingCategories(data.rows, opts.data), opts.data);
      const unlabeled = await readUnlabeled(ctx, opts.unlabeled);
      const model = trainModel(data.rows, { kind: opts.model, taxonomy: data.taxonomy, titles: opts.titles, unlabeled, background: data.background, source: { path: opts.data, sha256: data.sha256 }, now });
      const text = serializeModel(model);
      writeKeptModel(ctx, opts.out, model, text, data);
      const r = model.report;
      say(ctx, `model ${r?.kind ?? opts.model} with ${model.categories.length} categories written to ${opts.out}`);
      if (r && r.innerFolds > 0) {
        say(ctx, `  chosen by inner ${r.innerFolds}-fold cross-validation: taxonomy weight ${r.priorWeight}${r.requested === "auto" ? `, kind ${r.kind}` : ""}`);
        for (const s of r.selection) say(ctx, `    ${s.kind.padEnd(16)} weight ${String(s.priorWeight).padStart(3)}  macro-F1 ${s.macroF1.toFixed(3)}  accuracy ${s.accuracy.toFixed(3)}`);
        say(ctx, `  temperature ${r.calibration.temperature.toPrecision(3)}; review below confidence ${r.review.threshold.toFixed(3)} (target precision ${r.review.targetPrecision}, ${(r.review.coverage * 100).toFixed(0)}% auto-labeled out of fold)`);
      }
    });
}

/** Said loudly: the model trains, but it has learned too little to label anything on its own. */
function warnIfSparse(ctx: CliContext, counts: CategoryCounts, file: string): void {
  if (!counts.sparse) return;
  say(ctx, `warning W_FEW_ROWS_PER_CATEGORY: ${file}: ${counts.categories} categories for ${counts.rows} rows (${counts.singletons} with a single row)`);
  say(ctx, "  held out, a category's only row can never be predicted right, so the inner cross-validation was not run:");
  say(ctx, "  the model keeps its default settings and sends every prediction to review");
  say(ctx, "  hint: merge small categories or label more rows of them (at least two rows per category on average)");
}
