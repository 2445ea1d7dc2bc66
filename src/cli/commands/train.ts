import type { Command } from "commander";
import { assertWritable } from "../../io/output.js";
import { serializeModel } from "../../modelfile/modelFile.js";
import type { ModelChoice } from "../../models/kinds.js";
import { trainModel } from "../../training/train.js";
import { checkTrainingCategories, type CategoryCounts } from "../../training/categories.js";
import { say, type CliContext } from "../context.js";
import { backgroundInput, labeledInputs, loadTrainingData, optionalTaxonomy, readUnlabeled, taxonomyInput } from "../data.js";
import { assertKeepable, keptOutputs, writeKeptModel } from "../keep.js";
import { kindOption, oldModelKindOption, refuseModelAsKind, modelKindsHelp } from "../options.js";
import { createdAtClock } from "../clock.js";
import { checkOutputs } from "../paths.js";

export function registerTrain(program: Command, ctx: CliContext): void {
  program
    .command("train")
    .description("train a model on labeled rows (an .xlsx workbook, the spreadsheet paste, or a CSV/TSV with id, abstract, category)")
    .requiredOption("-d, --data <file>", "labeled data")
    .option("--sheet <name>", "the sheet of an .xlsx --data to read (default: the first)")
    .requiredOption("-o, --out <model.json>", "where to write the model")
    .addOption(kindOption())
    .addOption(oldModelKindOption())
    .addHelpText("after", modelKindsHelp())
    .option("--taxonomy <file>", "taxonomy file (default data/taxonomy.json when present)")
    .option("--titles", "also learn from titles (predictions see abstracts only)", false)
    .option("--unlabeled <files...>", "unlabeled dumps to learn from as well (semi-supervised EM)")
    .action(async (
      opts: { data: string; out: string; kind: ModelChoice; model?: string; taxonomy?: string; titles: boolean; unlabeled?: string[]; sheet?: string }) => {
      refuseModelAsKind("train", opts.model);
      checkOutputs(
        [{ path: opts.out, what: "--out" }, ...keptOutputs(opts.out, "--out")],
        [...labeledInputs(opts.data, "--data"), taxonomyInput(opts.taxonomy), backgroundInput(opts.taxonomy),
          ...(opts.unlabeled ?? []).map((path) => ({ path, what: "--unlabeled" }))],
      );
      assertWritable(opts.out); // fail in a second, not after the work
      assertKeepable(opts.out);
      const now = createdAtClock();
      const taxonomy = optionalTaxonomy(opts.taxonomy, ctx);
      const data = loadTrainingData(ctx, opts.data, taxonomy, opts.sheet);
      warnIfSparse(ctx, checkTrainingCategories(data.rows, opts.data), opts.data);
      const unlabeled = await readUnlabeled(ctx, opts.unlabeled);
      const model =
        trainModel(data.rows,
          { kind: opts.kind, taxonomy: data.taxonomy, titles: opts.titles, unlabeled, background: data.background,
            source: { path: opts.data, sha256: data.sha256 }, now });
      const text = serializeModel(model);
      writeKeptModel(ctx, opts.out, model, text, data);
      const r = model.report;
      say(ctx, `model ${r?.kind ?? opts.kind} with ${model.categories.length} categories written to ${opts.out}`);
      if (r && r.innerFolds > 0) {
        // every figure says what it is; the calibration temperature is left in the model file (it means nothing to read)
        say(ctx, `  chosen by ` +
          `inner ${r.innerFolds}-fold cross-validation on the training rows: taxonomy ` +
            `weight ${r.priorWeight}${r.requested === "auto" ? `, kind ${r.kind}` : ""} (each category's taxonomy description ` +
              `counts as that many labeled rows)`);
        say(ctx, `    ${"candidate".padEnd(16)} ${"taxonomy weight".padStart(15)}  macro-F1  accuracy  (out of fold)`);
        for (const s of r.selection) say(ctx,
          `    ${s.kind.padEnd(16)} ${String(s.priorWeight).padStart(15)}  ${s.macroF1.toFixed(3).padStart(8)}  ${s.accuracy.toFixed(3).padStart(8)}`);
        const outside = r.review.outsideThreshold === undefined || !model.outside ? ""
          : ` (a "${model.outside}" answer below ${thresholdText(r.review.outsideThreshold)})`;
        say(ctx, `  confidences calibrated on those out-of-fold predictions; a prediction below ` +
          `confidence ${thresholdText(r.review.threshold)}${outside} is marked needs_review`);
        const automatic = r.review.coverage > 0
          ? `${(r.review.coverage * 100).toFixed(0)}% of the rows were labeled automatically, at ` +
            `precision ${r.review.precision.toFixed(3)}` : "none of the rows would have been labeled automatically";
        say(ctx, `  (the threshold${outside ? "s aim" : " aims"} at precision ${r.review.targetPrecision} for the rest: out of fold, ${automatic})`);
      }
    });
}

/** A review threshold with the decimals it needs not to read as 1 (a threshold of 1 would send everything to review): 0.803, 0.99996. */
function thresholdText(t: number): string {
  for (let digits = 3; digits <= 6; digits++) if (t.toFixed(digits) !== (1).toFixed(digits) || t >= 1) return t.toFixed(digits);
  return "0.999999+"; // closer to 1 than that: still not 1
}

/** Said loudly: the model trains, but it has learned too little to label anything on its own. */
function warnIfSparse(ctx: CliContext, counts: CategoryCounts, file: string): void {
  if (!counts.sparse) return;
  say(ctx, `warning W_FEW_ROWS_PER_CATEGORY: ${file}: ${counts.categories} categories for ${counts.rows} rows (${counts.singletons} with a single row)`);
  say(ctx, "  held out, a category's only row can never be predicted right, so the inner cross-validation was not run:");
  say(ctx, "  the model keeps its default settings and sends every prediction to review");
  say(ctx, "  hint: merge small categories or label more rows of them (at least two rows per category on average)");
}
