import type { Command } from "commander";
import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { assertWritable } from "../../io/output.js";
import { serializeModel } from "../../modelfile/modelFile.js";
import { DEFAULT_MODEL_KIND } from "../../models/kinds.js";
import { say, type CliContext } from "../context.js";
import { backgroundInput, DEFAULT_TAXONOMY, loadTrainingData, optionalTaxonomy, reviewedInput } from "../data.js";
import { assertKeepable, keptOutputs, writeKeptModel } from "../keep.js";
import { checkOutputs } from "../paths.js";
import { LABELED_FORMATS, outputFormat, PREDICTION_FORMATS } from "../formats.js";
import { freshInput, outOfScopeInput, reportFiles, runEval } from "./eval.js";
import { runIngest } from "./ingest.js";
import { predictToFile, reportPredictSummary } from "./predict.js";

interface RunOptions {
  sheet: string;
  dumps?: string[];
  labeled: string;
  model: string;
  reportDir: string;
  predictions: string;
}

const BUNDLED_SHEET = "data/raw/001_65e12ee1781831be.txt";

/**
 * Every `.txt` and `.csv` in the sheet's folder except the sheet itself: the bundled unlabeled dumps
 * (none when there is no such folder: ingest then says the sheet is missing).
 */
function bundledDumps(sheet: string): string[] {
  const dir = join(sheet, "..");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(txt|csv)$/.test(f) && f !== basename(sheet))
    .sort()
    .map((f) => join(dir, f));
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command("run")
    .description("the whole pipeline on the bundled data: ingest, train, eval, predict (what `npm start` runs)")
    .option("--sheet <file>", "labeled spreadsheet paste or export", BUNDLED_SHEET)
    .option("--dumps <files...>", "unlabeled dumps to label (default: the other .txt and .csv files beside the sheet)")
    .option("--labeled <file>", "canonical labeled CSV to write", "data/labeled.csv")
    .option("--model <file>", "model to write", "models/model.json")
    .option("--report-dir <dir>", "folder for the eval reports", "eval")
    .option("--predictions <file>", "predictions to write: CSV (.csv) or JSON lines (.jsonl), by the extension", "data/predictions.csv")
    .action(async (opts: RunOptions) => {
      const page = join(opts.reportDir, "predictions.html");
      const dumps = opts.dumps ?? bundledDumps(opts.sheet);
      // --labeled is written, then read by train: it is an output here, not an input
      checkOutputs(
        [
          { path: opts.labeled, what: "--labeled" },
          { path: opts.model, what: "--model" },
          ...keptOutputs(opts.model, "--model"),
          ...reportFiles(opts.reportDir).map((path) => ({ path, what: "a report in --report-dir" })),
          { path: page, what: "the review page in --report-dir" },
          { path: opts.predictions, what: "--predictions" },
        ],
        [
          { path: opts.sheet, what: "--sheet" },
          ...dumps.map((path) => ({ path, what: opts.dumps ? "--dumps" : "a dump beside --sheet" })),
          { path: DEFAULT_TAXONOMY, what: "the taxonomy (read, or created when missing)" },
          reviewedInput(opts.labeled, "--labeled"),
          outOfScopeInput(undefined),
          backgroundInput(undefined),
          freshInput(undefined),
        ],
      );
      // the files are named as they are written (formats.ts): --predictions x.jsonl writes JSON lines
      outputFormat(opts.labeled, undefined, LABELED_FORMATS, { option: "--labeled" });
      const predictionsFormat = outputFormat(opts.predictions, undefined, PREDICTION_FORMATS, { option: "--predictions" });
      [opts.labeled, opts.model, opts.predictions, page].forEach(assertWritable);
      assertKeepable(opts.model);
      say(ctx, "== ingest");
      runIngest(ctx, opts.sheet, { output: opts.labeled, taxonomy: DEFAULT_TAXONOMY });
      say(ctx, "== train");
      const taxonomy = optionalTaxonomy(undefined, ctx);
      const data = loadTrainingData(ctx, opts.labeled, taxonomy);
      say(ctx, "== eval (cross-validation)");
      const { model } =
        await runEval(ctx, data, { data: opts.labeled, reportDir: opts.reportDir, folds: 5, repeats: 5, seed: 1, kind: DEFAULT_MODEL_KIND }, data.taxonomy);
      const text = serializeModel(model);
      writeKeptModel(ctx, opts.model, model, text, data);
      say(ctx, `model written to ${opts.model}`);
      say(ctx, "== predict");
      const summary = await predictToFile(ctx, model, dumps, opts.predictions, predictionsFormat, {}, { path: page, modelPath: opts.model });
      reportPredictSummary(ctx, summary, opts.predictions);
      say(ctx, "");
      say(ctx, `done: ${opts.labeled},` +
        ` ${opts.model},` +
          ` ${join(opts.reportDir, "report.md")},` +
            ` ${join(opts.reportDir, "report.json")}, ${join(opts.reportDir, "report.html")}, ${opts.predictions}, ${page}`);
    });
}
