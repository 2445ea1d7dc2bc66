import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { Readable } from "node:stream";
import type { LabeledAbstract, Taxonomy, UnlabeledAbstract } from "../domain.js";
import { EXIT, SafetagError, formatProblem } from "../errors.js";
import { readLabeled, summarizeIngest, type IngestResult } from "../ingest/labeled.js";
import { reviewedPathFor } from "../ingest/reviewed.js";
import { loadTaxonomy } from "../taxonomy/taxonomy.js";
import { formatTaxonomyApplication, readingTaxonomy, type TaxonomyApplication } from "../taxonomy/changes.js";
import { trainingRows } from "../ingest/trainingRows.js";
import { formatAccount, trainingAccount } from "../ingest/rowAccount.js";
import { sha256 } from "../io/hash.js";
import { backgroundFile, backgroundRows, type Background } from "../ingest/background.js";
import { openAbstractFile, readAbstractInput, type AbstractFormat, type AbstractRecord } from "../ingest/abstracts.js";
import { readTextFile } from "../io/decode.js";
import { INSTALL_ROOT } from "../io/installation.js";
import { say, type CliContext } from "./context.js";
import type { CommandPath } from "./paths.js";
import { readLabeledInput } from "../ingest/labeled.js";
import { describeSheet } from "../ingest/workbook.js";

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
  const background = backgroundFile(taxonomy);
  return background === undefined ? undefined : { path: resolveBackgroundPath(taxonomy, background), what: `the background set named by ${file}` };
}

/** What loadTrainingData reads: the labeled file (`what` is its option), and the reviewed labels beside it. */
export function labeledInputs(path: string, what: string): CommandPath[] {
  return [{ path, what }, reviewedInput(path, what)];
}

/** The reviewed labels beside a labeled file, read with it (see readReviewed). */
export function reviewedInput(labeledPath: string, what: string): CommandPath {
  return { path: reviewedPathFor(labeledPath), what: `the reviewed labels beside ${what}` };
}

/** "taxonomy: data/taxonomy.json": the line that says which taxonomy file a command used. */
export function taxonomyUsed(source: string | undefined, note = ""): string {
  return source === undefined ? "taxonomy: none (no data/taxonomy.json here, and none bundled with safetag)" : `taxonomy: ${source}${note}`;
}

/** data/taxonomy.json of the safetag installation itself. */
export const BUNDLED_TAXONOMY = join(INSTALL_ROOT, "data", "taxonomy.json");

/** The taxonomy safetag ships with, to describe a new taxonomy's categories; undefined when it is missing or is `except` itself. */
export function bundledTaxonomy(except: string): Taxonomy | undefined {
  if (!existsSync(BUNDLED_TAXONOMY) || resolve(except) === BUNDLED_TAXONOMY) return undefined;
  return loadTaxonomy(BUNDLED_TAXONOMY);
}

export interface TrainingData {
  path: string;
  /** Of the labeled file, followed by the reviewed file's text when there is one: what was trained on. */
  sha256: string;
  result: IngestResult;
  rows: LabeledAbstract[];
  /** The reviewed labels merged in (reviewed.csv beside the labeled file), when there are any. */
  reviewed?: { path: string; sha256: string; rows: number };
  /** The taxonomy a model should learn: active categories only; undefined without a taxonomy. */
  taxonomy?: Taxonomy;
  /** How the taxonomy's category changes moved or set aside rows. */
  changes?: TaxonomyApplication;
  /** The non-safety abstracts every model learns the outside answer from (see ingest/background.ts). */
  background?: Background;
}

/**
 * Reads a labeled file (paste or sheet export) and the reviewed labels beside it, applies the
 * taxonomy's category changes and keeps the rows a model can learn from. Everything set aside
 * is counted and said, so nothing disappears silently.
 */
export function loadTrainingData(ctx: CliContext, path: string, taxonomy: Taxonomy | undefined, sheet?: string): TrainingData {
  const { text, workbook } = readLabeledInput(path, sheet); // a workbook's sheet as its CSV export: what is hashed and read
  if (workbook) say(ctx, describeSheet(workbook));
  const reading = taxonomy ? readingTaxonomy(taxonomy) : undefined;
  const result = readLabeled(path, { taxonomy: reading, text, workbook });
  const reviewed = readReviewed(path, reading);
  const prepared = trainingRows(result.rows, reviewed?.result.rows, taxonomy);
  const rows = prepared.rows;
  const s = summarizeIngest(result);
  const fromReviews = reviewed ? ` (with ${reviewed.result.rows.length} reviewed rows from ${reviewed.path})` : "";
  say(ctx, `${path}: ${s.rowsRead} rows read${fromReviews}, ${rows.length} used for training, ${s.duplicates} duplicates and ${s.missingAbstracts} without abstract set aside, ${s.problems.length} problems`);
  for (const p of [...result.problems, ...(reviewed?.result.problems ?? [])]) say(ctx, `  ${formatProblem(p)}`);
  for (const o of prepared.merge?.overridden ?? []) say(ctx, `  reviewed: row ${o.row.id} relabeled "${o.from}" -> "${o.row.category}" by ${o.row.reviewer || "a reviewer"}`);
  for (const line of prepared.changes ? formatTaxonomyApplication(prepared.changes) : []) say(ctx, `  ${line}`);
  say(ctx, `  in all: ${formatAccount(trainingAccount(result, reviewed?.result, prepared), "used for training")}`);
  const background = prepared.taxonomy && readBackground(ctx, prepared.taxonomy, rows);
  if (rows.length === 0) {
    throw new SafetagError("E_NO_ROWS", `${path}: no usable labeled rows (need an abstract and a category)`, {
      problems: result.problems,
      hint: "the file should be the spreadsheet paste, or a CSV/TSV with `abstract` and `category` columns",
    });
  }
  return {
    path,
    sha256: sha256(reviewed ? text + reviewed.text : text),
    result,
    rows,
    ...(reviewed ? { reviewed: { path: reviewed.path, sha256: sha256(reviewed.text), rows: reviewed.result.rows.length } } : {}),
    taxonomy: prepared.taxonomy,
    changes: prepared.changes,
    ...(background ? { background } : {}),
  };
}

/**
 * The taxonomy's background file, relative to the taxonomy file; when it is not there, the one
 * bundled with safetag (a taxonomy copied from the bundled one keeps its relative path).
 */
export function resolveBackgroundPath(taxonomy: Taxonomy, file: string): string {
  if (isAbsolute(file)) return file;
  const beside = join(taxonomy.source ? dirname(taxonomy.source) : ".", file);
  if (existsSync(beside)) return beside;
  const bundled = join(dirname(BUNDLED_TAXONOMY), file);
  return existsSync(bundled) ? bundled : beside;
}

function readBackground(ctx: CliContext, taxonomy: Taxonomy, labeled: readonly LabeledAbstract[]): Background | undefined {
  const file = backgroundFile(taxonomy);
  if (!file) return undefined;
  const path = resolveBackgroundPath(taxonomy, file);
  if (!existsSync(path)) {
    throw new SafetagError("E_BACKGROUND_READ", `${path}: the background set named by ${taxonomy.source ?? "the taxonomy"} is not there`, {
      exitCode: EXIT.noInput,
      hint: 'point the "not safety research" entry\'s "background" at a labeled CSV (id, abstract, category), or set it to false',
    });
  }
  const text = readInputText(path);
  const background = backgroundRows(readLabeled(path, { taxonomy: readingTaxonomy(taxonomy), text }), { path, sha256: sha256(text) }, taxonomy, labeled);
  const aside = background.setAside.length + background.problems.length;
  say(ctx, `${path}: ${background.rows.length} "${background.category}" abstracts and ${background.safety.length} safety papers learned as background${aside ? `, ${background.setAside.length} set aside, ${background.problems.length} problems` : ""}`);
  for (const a of background.setAside) say(ctx, `  set aside: ${a.row.id}: ${a.reason}`);
  for (const p of background.problems) say(ctx, `  ${formatProblem(p)}`);
  return background;
}

/** reviewed.csv beside the labeled file, when there is one (and it is not the labeled file itself). */
function readReviewed(labeledPath: string, taxonomy: Taxonomy | undefined): { path: string; text: string; result: IngestResult } | undefined {
  const path = reviewedPathFor(labeledPath);
  if (resolve(path) === resolve(labeledPath) || !existsSync(path)) return undefined;
  const text = readInputText(path);
  return { path, text, result: readLabeled(path, { taxonomy, text }) };
}

/** The records of one input to label, a batch at a time: a file, a pipe or `-` (standard input), each read once, as a stream. */
export function abstractBatches(ctx: CliContext, path: string, forced?: AbstractFormat, sheet?: string): { file: string; batches: AsyncIterable<AbstractRecord[]> } {
  if (path === "-") {
    const stdin = Readable.from(ctx.stdin as AsyncIterable<Buffer | string>, { objectMode: false });
    return { file: "stdin", batches: readAbstractInput(stdin, "stdin", "", { format: forced, sheet }) };
  }
  return { file: path, batches: readAbstractInput(openAbstractFile(path), path, path, { format: forced, sheet }) };
}

/** Every record of one input to label, read once (see abstractBatches). */
async function* abstractRecords(ctx: CliContext, path: string): AsyncGenerator<AbstractRecord> {
  for await (const batch of abstractBatches(ctx, path).batches) yield* batch;
}

/** Every abstract of the given dumps or CSV/JSONL files, with where it was (file and line). */
export async function readAbstractInputs(ctx: CliContext, paths: readonly string[]): Promise<UnlabeledAbstract[]> {
  const out: UnlabeledAbstract[] = [];
  for (const path of paths) {
    for await (const rec of abstractRecords(ctx, path)) {
      if (rec.kind === "abstract") out.push(rec.item);
    }
  }
  return out;
}

/** Every abstract of the given dumps or CSV/JSONL files (for semi-supervised training). */
export async function readUnlabeled(ctx: CliContext, paths: readonly string[] | undefined): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths ?? []) {
    let skipped = 0;
    let read = 0;
    for await (const rec of abstractRecords(ctx, path)) {
      if (rec.kind === "abstract") {
        read++;
        out.push(rec.item.abstract);
      } else {
        skipped++;
        say(ctx, `  ${path}:${rec.line}: skipped: ${rec.reason}`);
      }
    }
    say(ctx, `${path}: ${read} unlabeled abstracts read, ${skipped} other lines skipped`);
  }
  return out;
}
