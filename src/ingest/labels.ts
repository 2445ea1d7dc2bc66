/**
 * One category, one spelling. The labels of a sheet are typed by hand and copied from web pages,
 * so one category can arrive in spellings that look the same on screen (text/lookalike.ts) or
 * differ only in case or spacing. Left alone they would become categories of their own that no
 * one can tell apart, each with a share of the rows. After a file is read, each category's
 * spellings are folded into one, and every fold is reported:
 *
 * - invisible characters (zero-width spaces, joiners, bidi marks, control characters) are removed;
 * - spellings with the same key (`categoryKey`) become the most common one; on a tie, the one a
 *   taxonomy spells that way (the taxonomy in use, or on a first ingest the bundled one), then one
 *   written in a single script, then the first seen;
 * - a category whose name mixes Latin letters with Cyrillic, Greek or Armenian ones is named in a
 *   warning, since it looks like a name it is not.
 *
 * A taxonomy's own spelling of a category it names is applied before (taxonomy/checkLabels.ts
 * `checkAgainstTaxonomy`), so with a taxonomy the folding only concerns labels it lacks.
 */
import type { InputProblem, LabeledAbstract } from "../domain.js";
import { describeChar, invisibleIn, lookalikeDifferences, mixedScripts, withoutInvisible } from "../text/lookalike.js";
import { distinctCategories, normalizeSpace, type IngestResult } from "./result.js";
import { categoryKey } from "../taxonomy/names.js";

/** `result` with its categories folded as described above; problems added for each fold. */
export function foldLabels(result: IngestResult, file: string, preferred: readonly string[] = []): IngestResult {
  const problems: InputProblem[] = [];
  const rows = removeInvisible(result.rows, file, problems);
  foldSpellings(rows, file, new Set(preferred), problems);
  problems.push(...mixedScriptLabels(rows, file));
  if (problems.length === 0 && rows.length === result.rows.length) return result;
  return { ...result, rows, problems: [...result.problems, ...problems], categories: distinctCategories(rows) };
}

function ids(rows: readonly LabeledAbstract[]): string {
  const list = rows.map((r) => r.id);
  return `${rows.length} row${rows.length === 1 ? "" : "s"}: ${list.slice(0, 5).join(", ")}${list.length > 5 ? ", ..." : ""}`;
}

function byLabel<T>(items: readonly T[], label: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = label(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Rows are changed in place (the readers' rows are fresh); a label of nothing but invisible characters leaves its row out. */
function removeInvisible(rows: readonly LabeledAbstract[], file: string, problems: InputProblem[]): LabeledAbstract[] {
  const changed: { label: string; row: LabeledAbstract }[] = [];
  const kept = rows.filter((row) => {
    const clean = normalizeSpace(withoutInvisible(row.category));
    if (clean === row.category) return true;
    changed.push({ label: row.category, row });
    row.category = clean;
    return clean !== "";
  });
  for (const [label, group] of byLabel(changed, (c) => c.label)) {
    const labelRows = group.map((c) => c.row);
    const what = invisibleIn(label).map(({ char, at }) => `${describeChar(char)} at character ${at}`).join(", ");
    const at = { file, line: labelRows[0]!.sourceLine, column: "category", value: label };
    if (labelRows[0]!.category === "") {
      problems.push(
        { ...at, code: "E_MISSING_CELL",
          message: `the category holds only invisible characters (${what}); the row${labelRows.length === 1 ? " is" : "s are"} left out (${ids(labelRows)})`,
            hint: "type the category into the cell" });
    } else {
      problems.push({
        ...at, code: "W_CATEGORY_INVISIBLE",
        message: `invisible characters removed (${what}): read as "${labelRows[0]!.category}" (${ids(labelRows)})`,
        hint: "delete them from the cell; they come with text copied from web pages",
      });
    }
  }
  return kept;
}

function foldSpellings(rows: readonly LabeledAbstract[], file: string, preferred: ReadonlySet<string>, problems: InputProblem[]): void {
  for (const group of byLabel(rows, (r) => categoryKey(r.category)).values()) {
    const spellings = [...byLabel(group, (r) => r.category)]; // in the order first seen
    if (spellings.length < 2) continue;
    const rank = ([name, list]: [string, LabeledAbstract[]], first: number) =>
      [list.length, preferred.has(name) ? 1 : 0, mixedScripts(name).length === 0 ? 1 : 0, -first];
    const ranked = spellings.map((s, i) => ({ s, key: rank(s, i) })).sort((a, b) => compareKeys(b.key, a.key));
    const [kept, keptRows] = ranked[0]!.s;
    const decided = ranked[0]!.key.findIndex((k, i) => k !== ranked[1]!.key[i]);
    const why =
      ["the spelling most rows use", "the taxonomy's spelling (as many rows use another)",
        "the one written in one script (as many rows use another)", "the first seen (as many rows use another)"][decided]!;
    for (const [name, list] of spellings) {
      if (name === kept) continue;
      const differences = lookalikeDifferences(name);
      problems.push({
        code: "W_CATEGORY_FOLDED", file, line: list[0]!.sourceLine, column: "category", value: name,
        message: `read as "${kept}", ${why} (${ids(list)}; "${kept}": ${keptRows.length})` +
          (differences.length > 0 ? `; it looks the same but has ${differences.join(", ")}` : "; they differ only in case, spacing, - or _"),
        hint: `spell it "${kept}" in the sheet`,
      });
      for (const row of list) row.category = kept;
    }
  }
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function mixedScriptLabels(rows: readonly LabeledAbstract[], file: string): InputProblem[] {
  const out: InputProblem[] = [];
  for (const [label, list] of byLabel(rows, (r) => r.category)) {
    const scripts = mixedScripts(label);
    if (scripts.length === 0) continue;
    out.push({
      code: "W_CATEGORY_MIXED_SCRIPT", file, line: list[0]!.sourceLine, column: "category", value: label,
      message: `the category mixes ${scripts.join(" and ")} letters: it has ${lookalikeDifferences(label).join(", ")} (${ids(list)})`,
      hint: "retype the name in one script (a letter copied from another alphabet looks the same but is not)",
    });
  }
  return out;
}
