/**
 * Everything a model is trained and evaluated on, read the one way train, eval, run and compare
 * read it: the labeled file, the reviewed labels beside it, the taxonomy's category changes, and
 * the background set the taxonomy names. What each part found (counts, problems, relabeled rows,
 * rows set aside) comes back as data for the caller to say, so nothing disappears silently.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { LabeledAbstract, Taxonomy } from "../domain.js";
import { EXIT, SafetagError } from "../errors.js";
import { readTextFile } from "../io/decode.js";
import { sha256 } from "../io/hash.js";
import { readingTaxonomy, type TaxonomyApplication } from "../taxonomy/changes.js";
import { backgroundPath } from "../taxonomy/outside.js";
import { backgroundRows, type Background } from "./background.js";
import type { WorkbookSheet } from "./workbook.js";
import { readLabeled, readLabeledInput, summarizeIngest, type IngestResult, type IngestSummary } from "./labeled.js";
import { reviewedPathFor } from "./reviewed.js";
import { trainingAccount, type RowAccount } from "./rowAccount.js";
import { trainingRows, type TrainingRows } from "./trainingRows.js";

/** What reading the labeled file and the reviewed labels beside it found. */
export interface LabeledReading {
  path: string;
  result: IngestResult;
  /** Of `result`: rows read, duplicates and rows without abstract, problems. */
  summary: IngestSummary;
  /** The reviewed labels beside the labeled file, when there is such a file. */
  reviewed?: { path: string; result: IngestResult };
  /** The rows a model learns from, with the reviews merged and the taxonomy's changes applied. */
  prepared: TrainingRows;
  /** Rows read against rows used and set aside, by kind: the numbers add up (see rowAccount.ts). */
  account: RowAccount;
}

export interface TrainingData {
  path: string;
  /** Of the labeled file, followed by the reviewed file's text when there is one: what was trained on. */
  sha256: string;
  rows: LabeledAbstract[];
  /** The reviewed labels merged in (reviewed.csv beside the labeled file), when there are any. */
  reviewed?: { path: string; sha256: string; rows: number };
  /** The taxonomy a model should learn: active categories only; undefined without a taxonomy. */
  taxonomy?: Taxonomy;
  /** How the taxonomy's category changes moved or set aside rows. */
  changes?: TaxonomyApplication;
  /** The non-safety abstracts every model learns the outside answer from (see background.ts), with the rows it set aside and its problems. */
  background?: Background;
  /** What reading the labeled and reviewed files found. */
  reading: LabeledReading;
}

/**
 * Told each part as soon as it is read, so that what was read can be said before a later part
 * fails (a background file that is not there, no usable rows at all).
 */
export interface TrainingDataObserver {
  /** A workbook's sheet was read (its CSV export is what is hashed and read). */
  sheet?(book: WorkbookSheet): void;
  labeled?(reading: LabeledReading): void;
  background?(background: Background): void;
}

/**
 * Reads a labeled file (paste or sheet export) and the reviewed labels beside it, applies the
 * taxonomy's category changes, keeps the rows a model can learn from and reads the background
 * set the taxonomy names. Throws E_NO_ROWS when no row is left to learn from.
 */
export function readTrainingData(path: string, taxonomy: Taxonomy | undefined, observer: TrainingDataObserver = {}, sheet?: string): TrainingData {
  const { text, workbook } = readLabeledInput(path, sheet);
  if (workbook) observer.sheet?.(workbook);
  const reading = taxonomy ? readingTaxonomy(taxonomy) : undefined;
  const result = readLabeled(path, { taxonomy: reading, text, workbook });
  const reviewed = readReviewed(path, reading);
  const prepared = trainingRows(result.rows, reviewed?.result.rows, taxonomy);
  const rows = prepared.rows;
  const labeled: LabeledReading = {
    path,
    result,
    summary: summarizeIngest(result),
    ...(reviewed ? { reviewed: { path: reviewed.path, result: reviewed.result } } : {}),
    prepared,
    account: trainingAccount(result, reviewed?.result, prepared),
  };
  observer.labeled?.(labeled);
  const background = prepared.taxonomy && readBackground(prepared.taxonomy, rows);
  if (background) observer.background?.(background);
  if (rows.length === 0) {
    throw new SafetagError("E_NO_ROWS", `${path}: no usable labeled rows (need an abstract and a category)`, {
      problems: result.problems,
      hint: "the file should be the spreadsheet paste, or a CSV/TSV with `abstract` and `category` columns",
    });
  }
  return {
    path,
    sha256: sha256(reviewed ? text + reviewed.text : text),
    rows,
    ...(reviewed ? { reviewed: { path: reviewed.path, sha256: sha256(reviewed.text), rows: reviewed.result.rows.length } } : {}),
    taxonomy: prepared.taxonomy,
    changes: prepared.changes,
    ...(background ? { background } : {}),
    reading: labeled,
  };
}

/**
 * A labeled file's rows (a paste, a sheet export or an .xlsx workbook, as training reads it) and
 * the reviewed labels beside it, read against the taxonomy's names: what review and accept work
 * on. Nothing is applied or dropped here.
 */
export function readLabeledAndReviewed(path: string, taxonomy: Taxonomy | undefined, sheet?: string):
  { labeled: LabeledAbstract[]; reviewed?: LabeledAbstract[] } {
  const { text, workbook } = readLabeledInput(path, sheet);
  const reading = taxonomy ? readingTaxonomy(taxonomy) : undefined;
  const labeled = readLabeled(path, { taxonomy: reading, text, workbook }).rows;
  const reviewed = readReviewed(path, reading);
  return { labeled, ...(reviewed ? { reviewed: reviewed.result.rows } : {}) };
}

/** The background set the taxonomy names (see taxonomy/outside.ts), read against the labeled rows; undefined when it names none. */
function readBackground(taxonomy: Taxonomy, labeled: readonly LabeledAbstract[]): Background | undefined {
  const path = backgroundPath(taxonomy);
  if (!path) return undefined;
  if (!existsSync(path)) {
    throw new SafetagError("E_BACKGROUND_READ", `${path}: the background set named by ${taxonomy.source ?? "the taxonomy"} is not there`, {
      exitCode: EXIT.noInput,
      hint: 'point the "not safety research" entry\'s "background" at a labeled CSV (id, abstract, category), or set it to false',
    });
  }
  const text = readTextFile(path);
  return backgroundRows(readLabeled(path, { taxonomy: readingTaxonomy(taxonomy), text }), { path, sha256: sha256(text) }, taxonomy, labeled);
}

/** reviewed.csv beside the labeled file, when there is one (and it is not the labeled file itself). */
function readReviewed(labeledPath: string, taxonomy: Taxonomy | undefined): { path: string; text: string; result: IngestResult } | undefined {
  const path = reviewedPathFor(labeledPath);
  if (resolve(path) === resolve(labeledPath) || !existsSync(path)) return undefined;
  const text = readTextFile(path);
  return { path, text, result: readLabeled(path, { taxonomy, text }) };
}
