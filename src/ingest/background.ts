/**
 * The background set: real abstracts that are not safety research, labeled by us, that every
 * model learns the taxonomy's "not safety research" answer from (see data/background/README.md).
 * A sheet is a list of safety papers; without such rows a model could only ever answer with a
 * safety category. The taxonomy's outside entry names the file; `"background": false` turns it
 * off, and rows the user labeled "No" (or any alias) are learned as well, in either case.
 *
 * The file also holds safety papers we labeled (rows with any other label). They teach the gate,
 * the stage that tells safety research from the rest (models/gated.ts), and the category they carry
 * when the user's taxonomy has it: their labels follow its renames and merges here, and a label it
 * does not have (retired, split, or never ours) teaches the gate only.
 */
import type { Category, InputProblem, LabeledAbstract, Taxonomy } from "../domain.js";
import { abstractKey } from "../text/normalize.js";
import type { IngestResult } from "./result.js";
import { outsideEntry } from "../taxonomy/outside.js";
import { todaysName } from "../taxonomy/changes.js";

export interface Background {
  path: string;
  sha256: string;
  /** The outside category every row trains as. */
  category: Category;
  /** Rows to learn from, labeled `category`. */
  rows: LabeledAbstract[];
  /** Safety papers (any other label, under today's name when the taxonomy has it): the gate learns from them that they are safety research. */
  safety: LabeledAbstract[];
  /** Rows of the file left out, each with why (no abstract, the same abstract as a labeled row). */
  setAside: { row: LabeledAbstract; reason: string }[];
  problems: InputProblem[];
}

/**
 * The rows of a read background file that a model learns from: the outside category's, and the
 * safety papers (any other label). A row without an abstract is set aside, and so is a row whose
 * abstract is also in the labeled data: the user's own label wins.
 */
export function backgroundRows(read: IngestResult, file: { path: string; sha256: string }, taxonomy: Taxonomy,
  labeled: readonly LabeledAbstract[]): Background {
  const category = outsideEntry(taxonomy)!.name;
  const labeledKeys = new Set(labeled.map((r) => abstractKey(r.abstract)));
  const rows: LabeledAbstract[] = [];
  const safety: LabeledAbstract[] = [];
  const setAside: Background["setAside"] = [];
  const today = todaysName(taxonomy);
  for (const row of read.rows) {
    if (row.abstractMissing || row.abstract.trim() === "") setAside.push({ row, reason: "no abstract" });
    else if (labeledKeys.has(abstractKey(row.abstract))) setAside.push({ row, reason: "the same abstract is a labeled row" });
    else {
      const name = today(row.category) ?? row.category;
      const moved = name === row.category ? row : { ...row, category: name };
      (name === category ? rows : safety).push(moved);
    }
  }
  // any other label is a safety paper's: a label the taxonomy lacks is no problem here
  const problems = read.problems.filter((p) => p.code !== "E_UNKNOWN_CATEGORY");
  return { ...file, category, rows, safety, setAside, problems };
}
