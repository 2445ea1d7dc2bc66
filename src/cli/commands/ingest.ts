import type { Command } from "commander";
import { existsSync } from "node:fs";
import { SafetagError } from "../../errors.js";
import { formatIngestSummary, labeledToCsv, readLabeled, summarizeIngest, type IngestResult } from "../../ingest/labeled.js";
import { BUNDLED_TAXONOMY, bundledTaxonomy } from "../../taxonomy/bundled.js";
import { taxonomyFromCategories } from "../../taxonomy/create.js";
import { undescribedWarning } from "../../taxonomy/described.js";
import { loadTaxonomy, saveTaxonomy } from "../../taxonomy/file.js";
import { categoryKey, taxonomySpellings } from "../../taxonomy/names.js";
import { readingTaxonomy } from "../../taxonomy/changes.js";
import { assertWritable, writeOutput } from "../../io/output.js";
import { formatAccount, ingestAccount } from "../../ingest/rowAccount.js";
import { checkOutputs } from "../paths.js";
import { LABELED_FORMATS, outputFormat } from "../formats.js";
import { say, sayProblems, type CliContext } from "../context.js";
import { DEFAULT_TAXONOMY, taxonomyUsed } from "../data.js";
import { readLabeledInput } from "../../ingest/labeled.js";
import { describeSheet } from "../../ingest/workbook.js";

export interface IngestOptions {
  output: string;
  taxonomy: string;
  sheet?: string;
}

/**
 * Reads the spreadsheet (paste or export) and writes the canonical labeled CSV. The first run
 * creates the taxonomy file from the categories it finds, described as the taxonomy safetag ships
 * with describes them; later runs split categories with it. The caller has checked its outputs
 * against its inputs (paths.ts).
 */
export function runIngest(ctx: CliContext, file: string, opts: IngestOptions): IngestResult {
  const { text, workbook } = readLabeledInput(file, opts.sheet); // a workbook's sheet as its CSV export
  if (workbook) say(ctx, describeSheet(workbook));
  assertWritable(opts.output); // before the taxonomy file is created
  const hadTaxonomy = existsSync(opts.taxonomy);
  const taxonomy = hadTaxonomy ? loadTaxonomy(opts.taxonomy) : undefined;
  const bundled = hadTaxonomy ? undefined : bundledTaxonomy(opts.taxonomy);
  // Old names (renamedFrom) are read as themselves; training maps them (taxonomy/changes.ts).
  // Without a taxonomy yet, the bundled one's spelling wins a tie between spellings (labels.ts).
  let result = readLabeled(file, { taxonomy: taxonomy && readingTaxonomy(taxonomy), text, workbook, spellings: taxonomySpellings(bundled?.categories ?? []) });
  if (result.rows.length === 0) {
    throw new SafetagError("E_NO_ROWS", `${file}: no labeled rows could be read, so nothing was written`, {
      problems: result.problems,
      hint: "the file should be the spreadsheet paste (row numbers, then Company, Title, Date, URL, Safety_category, Abstract) or " +
        "a CSV/TSV with `abstract` and `category` columns",
    });
  }
  if (hadTaxonomy) say(ctx, taxonomyUsed(opts.taxonomy));
  else {
    const created = taxonomyFromCategories(result.categories, bundled);
    saveTaxonomy(opts.taxonomy, created);
    // the outside answer is added when the data does not use it (see taxonomyFromCategories)
    const outside = created.categories.find((c) => c.scope === "outside" && !result.categories.some((n) => categoryKey(n) === categoryKey(c.name)));
    const described = created.categories.filter((c) => c !== outside && (c.description !== undefined || c.keyPhrases !== undefined)).length;
    const from = bundled ? `, ${described} of them described as in ${BUNDLED_TAXONOMY} (the taxonomy safetag ships with)` : "";
    const answer = outside ? `, and the "${outside.name}" answer with its background set` : "";
    say(ctx, taxonomyUsed(opts.taxonomy,
      ` (created with the ${result.categories.length} categories found in the data${from}${answer}; edit it to rename, describe or add categories)`));
    result = readLabeled(file, { taxonomy: created, text, workbook });
    const warning = undescribedWarning(result.categories, created, opts.taxonomy);
    if (warning) say(ctx, warning);
  }
  writeOutput(opts.output, labeledToCsv(result.rows), ctx);
  for (const line of formatIngestSummary(summarizeIngest(result))) say(ctx, line);
  sayProblems(ctx, result.problems);
  say(ctx, `in all: ${formatAccount(ingestAccount(result), `written to ${opts.output}`)}`);
  return result;
}

export function registerIngest(program: Command, ctx: CliContext): void {
  program
    .command("ingest")
    .description("read the labeled spreadsheet (an .xlsx workbook, pasted as text, or a CSV/TSV export) into the canonical labeled CSV")
    .argument("<file>", "an .xlsx workbook, a spreadsheet paste or a CSV/TSV export")
    .option("--sheet <name>", "the workbook's sheet to read (default: the first)")
    .option("-o, --output <file>", "canonical labeled CSV to write", "data/labeled.csv")
    .option("--taxonomy <file>", "taxonomy file (created from the data when missing)", DEFAULT_TAXONOMY)
    .action((file: string, opts: IngestOptions) => {
      // the rows it sets aside would be gone from the file; the taxonomy is read, or created when missing
      checkOutputs([{ path: opts.output, what: "--output" }],
        [{ path: file, what: "the spreadsheet" }, { path: opts.taxonomy, what: "the taxonomy (--taxonomy)" }]);
      outputFormat(opts.output, undefined, LABELED_FORMATS, { option: "--output" }); // a CSV, whatever the name says, would surprise
      runIngest(ctx, file, opts);
    });
}
