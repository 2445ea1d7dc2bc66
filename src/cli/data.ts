import { existsSync, readFileSync } from "node:fs";
import type { LabeledAbstract, Taxonomy } from "../domain.js";
import { EXIT, SafetagError, formatProblem } from "../errors.js";
import { readLabeled, summarizeIngest, usableForTraining, type IngestResult } from "../ingest/labeled.js";
import { loadTaxonomy } from "../ingest/taxonomy.js";
import { sha256 } from "../models/modelFile.js";
import { openAbstractFile, readAbstracts, readHead, sniffFormat } from "../ingest/abstracts.js";
import { say, type CliContext } from "./context.js";

export const DEFAULT_TAXONOMY = "data/taxonomy.json";

export function readInputText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SafetagError("E_NO_INPUT", `${path}: cannot read (${code ?? (e as Error).message})`, {
      exitCode: EXIT.noInput,
      hint: code === "ENOENT" ? `check the path; it is relative to ${process.cwd()}` : undefined,
    });
  }
}

/** The taxonomy at `path` if there is one; a missing default is fine, a missing explicit one is not. */
export function optionalTaxonomy(path: string | undefined): Taxonomy | undefined {
  if (path) return loadTaxonomy(path);
  return existsSync(DEFAULT_TAXONOMY) ? loadTaxonomy(DEFAULT_TAXONOMY) : undefined;
}

export interface TrainingData {
  path: string;
  sha256: string;
  result: IngestResult;
  rows: LabeledAbstract[];
}

/**
 * Reads a labeled file (paste or sheet export) and keeps the rows a model can learn from.
 * Everything set aside is counted and said, so nothing disappears silently.
 */
export function loadTrainingData(ctx: CliContext, path: string, taxonomy: Taxonomy | undefined): TrainingData {
  const text = readInputText(path);
  const result = readLabeled(path, { taxonomy, text });
  const rows = usableForTraining(result.rows);
  const s = summarizeIngest(result);
  say(ctx, `${path}: ${s.rowsRead} rows read, ${rows.length} used for training, ${s.duplicates} duplicates and ${s.missingAbstracts} without abstract set aside, ${s.problems.length} problems`);
  for (const p of result.problems) say(ctx, `  ${formatProblem(p)}`);
  if (rows.length === 0) {
    throw new SafetagError("E_NO_ROWS", `${path}: no usable labeled rows (need an abstract and a category)`, {
      problems: result.problems,
      hint: "the file should be the spreadsheet paste, or a CSV/TSV with `abstract` and `category` columns",
    });
  }
  return { path, sha256: sha256(text), result, rows };
}

/** Every abstract of the given dumps or CSV/JSONL files (for semi-supervised training). */
export async function readUnlabeled(paths: readonly string[] | undefined): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths ?? []) {
    readInputText(path); // same clear error as every other input when the file is missing
    for await (const rec of readAbstracts(openAbstractFile(path), path, sniffFormat(readHead(path), path))) {
      if (rec.kind === "abstract") out.push(rec.item.abstract);
    }
  }
  return out;
}
