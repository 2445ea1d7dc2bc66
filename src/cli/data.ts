import { existsSync } from "node:fs";
import type { Taxonomy } from "../domain.js";
import { openAbstractSource } from "../ingest/abstracts.js";
import type { Background } from "../ingest/background.js";
import { reviewedPathFor } from "../ingest/reviewed.js";
import { formatAccount } from "../ingest/rowAccount.js";
import { readTrainingData, type LabeledReading, type TrainingData } from "../ingest/trainingData.js";
import { summarizeIngest } from "../ingest/labeled.js";
import { readTextFile } from "../io/decode.js";
import { describeSheet, type WorkbookSheet } from "../ingest/workbook.js";
import { BUNDLED_TAXONOMY } from "../taxonomy/bundled.js";
import { formatTaxonomyApplication } from "../taxonomy/changeSummary.js";
import { loadTaxonomy } from "../taxonomy/file.js";
import { backgroundPath } from "../taxonomy/outside.js";
import { say, sayProblems, type CliContext } from "./context.js";
import type { CommandPath } from "./paths.js";

export const DEFAULT_TAXONOMY = "data/taxonomy.json";

/** Every whole-file input is read through io/decode.ts: one policy for encodings, NULs and empty files. */
export function readInputText(path: string): string {
  return readTextFile(path);
}

/**
 * The taxonomy at `path` if there is one; a missing default is fine, a missing explicit one is
 * not. With `ctx`, says which file it is (every command that uses a taxonomy says so).
 */
export function optionalTaxonomy(path: string | undefined, ctx?: CliContext): Taxonomy | undefined {
  const source = taxonomyPath(path);
  const taxonomy = source === undefined ? undefined : loadTaxonomy(source);
  if (ctx) say(ctx, taxonomyUsed(source, !path && source === BUNDLED_TAXONOMY ? " (the one safetag ships with: there is no data/taxonomy.json here)" : ""));
  return taxonomy;
}

/** The taxonomy file a command reads: the one given, else data/taxonomy.json when present, else the bundled one. */
export function taxonomyPath(path: string | undefined): string | undefined {
  if (path) return path;
  if (existsSync(DEFAULT_TAXONOMY)) return DEFAULT_TAXONOMY;
  // Run from another folder, fall back to the taxonomy safetag ships with. It is harmless for
  // other data: a taxonomy that names none of the data's categories is not applied.
  return existsSync(BUNDLED_TAXONOMY) ? BUNDLED_TAXONOMY : undefined;
}

/** The taxonomy as an input to check outputs against (see paths.ts). */
export function taxonomyInput(path: string | undefined): CommandPath | undefined {
  const file = taxonomyPath(path);
  return file === undefined ? undefined : { path: file, what: path ? "--taxonomy" : "the taxonomy read by default" };
}

/** The background set the taxonomy names, as an input to check outputs against; a taxonomy that cannot be read is reported when it is read. */
export function backgroundInput(taxonomyOption: string | undefined): CommandPath | undefined {
  const file = taxonomyPath(taxonomyOption);
  if (file === undefined) return undefined;
  let taxonomy: Taxonomy;
  try {
    taxonomy = loadTaxonomy(file);
  } catch {
    return undefined;
  }
  const background = backgroundPath(taxonomy);
  return background === undefined ? undefined : { path: background, what: `the background set named by ${file}` };
}

/** What loadTrainingData reads: the labeled file (`what` is its option), and the reviewed labels beside it. */
export function labeledInputs(path: string, what: string): CommandPath[] {
  return [{ path, what }, reviewedInput(path, what)];
}

/** The reviewed labels beside a labeled file, read with it (see ingest/trainingData.ts). */
export function reviewedInput(labeledPath: string, what: string): CommandPath {
  return { path: reviewedPathFor(labeledPath), what: `the reviewed labels beside ${what}` };
}

/** "taxonomy: data/taxonomy.json": the line that says which taxonomy file a command used. */
export function taxonomyUsed(source: string | undefined, note = ""): string {
  return source === undefined ? "taxonomy: none (no data/taxonomy.json here, and none bundled with safetag)" : `taxonomy: ${source}${note}`;
}

/**
 * Reads what a model is trained on (see ingest/trainingData.ts) and says what was found as each
 * part is read: the labeled file's counts and problems, relabeled and set-aside rows, the count
 * line that adds up, and the background set.
 */
export function loadTrainingData(ctx: CliContext, path: string, taxonomy: Taxonomy | undefined, sheet?: string): TrainingData {
  const observer =
    { sheet: (book: WorkbookSheet) => say(ctx, describeSheet(book)), labeled: (r: LabeledReading) => sayLabeled(ctx, r),
      background: (b: Background) => sayBackground(ctx, b) };
  return readTrainingData(path, taxonomy, observer, sheet);
}

/**
 * One line per file read, with the rows read from it (those left out included) and its problems;
 * then the "in all" line, whose rows read are the sum of those lines, broken down into the rows
 * used and each kind set aside. No other line counts rows, so the counts cannot disagree.
 */
function sayLabeled(ctx: CliContext, r: LabeledReading): void {
  const reviewed = r.reviewed;
  say(ctx, `${r.path}: ${rows(r.summary.rowsRead)} read, ${problems(r.result.problems.length)}`);
  sayProblems(ctx, r.result.problems);
  if (reviewed) {
    say(ctx, `${reviewed.path}: ${rows(summarizeIngest(reviewed.result).rowsRead, "reviewed row")} read, ${problems(reviewed.result.problems.length)}`);
    sayProblems(ctx, reviewed.result.problems);
  }
  for (const o of r.prepared.merge?.overridden ??
    []) say(ctx, `  reviewed: row ${o.row.id} relabeled "${o.from}" -> "${o.row.category}" by ${o.row.reviewer || "a reviewer"}`);
  for (const line of r.prepared.changes ? formatTaxonomyApplication(r.prepared.changes) : []) say(ctx, `  ${line}`);
  say(ctx, `  in all: ${formatAccount(r.account, "used for training")}`);
}

const rows = (n: number, what = "row") => `${n} ${what}${n === 1 ? "" : "s"}`;
const problems = (n: number) => `${n} problem${n === 1 ? "" : "s"}`;

function sayBackground(ctx: CliContext, b: Background): void {
  const aside = b.setAside.length + b.problems.length;
  say(ctx, `${b.path}: ${b.rows.length} "${b.category}" abstracts ` +
    `and ${b.safety.length} safety papers learned as background${aside ? `, ${b.setAside.length} set aside, ${b.problems.length} problems` : ""}`);
  for (const a of b.setAside) say(ctx, `  set aside: ${a.row.id}: ${a.reason}`);
  sayProblems(ctx, b.problems);
}

/** Every abstract of the given dumps or CSV/JSONL files (for semi-supervised training). */
export async function readUnlabeled(ctx: CliContext, paths: readonly string[] | undefined): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths ?? []) {
    let skipped = 0;
    let read = 0;
    for await (const batch of openAbstractSource(path, ctx.stdin).batches) {
      for (const rec of batch) {
        if (rec.kind === "abstract") {
          read++;
          out.push(rec.item.abstract);
        } else {
          skipped++;
          say(ctx, `  ${path}:${rec.line}: skipped: ${rec.reason}`);
        }
      }
    }
    say(ctx, `${path}: ${read} unlabeled abstracts read, ${skipped} other lines skipped`);
  }
  return out;
}
