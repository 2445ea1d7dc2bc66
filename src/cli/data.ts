import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { LabeledAbstract, Taxonomy, UnlabeledAbstract } from "../domain.js";
import { EXIT, SafetagError, formatProblem } from "../errors.js";
import { readLabeled, summarizeIngest, type IngestResult } from "../ingest/labeled.js";
import { reviewedPathFor } from "../ingest/reviewed.js";
import { loadTaxonomy } from "../ingest/taxonomy.js";
import { formatTaxonomyApplication, readingTaxonomy, type TaxonomyApplication } from "../ingest/taxonomyChanges.js";
import { trainingRows } from "../ingest/trainingRows.js";
import { formatAccount, trainingAccount } from "../ingest/rowAccount.js";
import { sha256 } from "../models/hash.js";
import { openAbstractFile, readAbstracts, readHead, sniffFormat } from "../ingest/abstracts.js";
import { readTextFile } from "../io/decode.js";
import { say, type CliContext } from "./context.js";

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
  // Run from another folder, fall back to the taxonomy safetag ships with. It is harmless for
  // other data: a taxonomy that names none of the data's categories is not applied.
  const source = path ?? (existsSync(DEFAULT_TAXONOMY) ? DEFAULT_TAXONOMY : existsSync(BUNDLED_TAXONOMY) ? BUNDLED_TAXONOMY : undefined);
  const taxonomy = source === undefined ? undefined : loadTaxonomy(source);
  if (ctx) say(ctx, taxonomyUsed(source, !path && source === BUNDLED_TAXONOMY ? " (the one safetag ships with: there is no data/taxonomy.json here)" : ""));
  return taxonomy;
}

/** "taxonomy: data/taxonomy.json": the line that says which taxonomy file a command used. */
export function taxonomyUsed(source: string | undefined, note = ""): string {
  return source === undefined ? "taxonomy: none (no data/taxonomy.json here, and none bundled with safetag)" : `taxonomy: ${source}${note}`;
}

/** data/taxonomy.json of the safetag installation itself (src/cli or dist/cli, two levels down). */
export const BUNDLED_TAXONOMY = fileURLToPath(new URL("../../data/taxonomy.json", import.meta.url));

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
}

/**
 * Reads a labeled file (paste or sheet export) and the reviewed labels beside it, applies the
 * taxonomy's category changes and keeps the rows a model can learn from. Everything set aside
 * is counted and said, so nothing disappears silently.
 */
export function loadTrainingData(ctx: CliContext, path: string, taxonomy: Taxonomy | undefined): TrainingData {
  const text = readInputText(path);
  const reading = taxonomy ? readingTaxonomy(taxonomy) : undefined;
  const result = readLabeled(path, { taxonomy: reading, text });
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
  };
}

/** reviewed.csv beside the labeled file, when there is one (and it is not the labeled file itself). */
function readReviewed(labeledPath: string, taxonomy: Taxonomy | undefined): { path: string; text: string; result: IngestResult } | undefined {
  const path = reviewedPathFor(labeledPath);
  if (resolve(path) === resolve(labeledPath) || !existsSync(path)) return undefined;
  const text = readInputText(path);
  return { path, text, result: readLabeled(path, { taxonomy, text }) };
}

/** Every abstract of the given dumps or CSV/JSONL files, with where it was (file and line). */
export async function readAbstractInputs(paths: readonly string[]): Promise<UnlabeledAbstract[]> {
  const out: UnlabeledAbstract[] = [];
  for (const path of paths) {
    readInputText(path); // same clear error as every other input when the file is missing
    for await (const rec of readAbstracts(openAbstractFile(path), path, sniffFormat(readHead(path), path))) {
      if (rec.kind === "abstract") out.push(rec.item);
    }
  }
  return out;
}

/** Every abstract of the given dumps or CSV/JSONL files (for semi-supervised training). */
export async function readUnlabeled(ctx: CliContext, paths: readonly string[] | undefined): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths ?? []) {
    readInputText(path); // same clear error as every other input when the file is missing
    let skipped = 0;
    let read = 0;
    for await (const rec of readAbstracts(openAbstractFile(path), path, sniffFormat(readHead(path), path))) {
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
