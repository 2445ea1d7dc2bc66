/**
 * Labels read against the taxonomy: respelled as the taxonomy spells them, and each label it
 * lacks reported with its rows and the nearest taxonomy name. Every labeled-data reader calls
 * these, so a paste and a sheet export of the same spreadsheet say the same.
 */
import type { InputProblem, LabeledAbstract, Taxonomy } from "../domain.js";
import { lookalikeDifferences } from "../text/lookalike.js";
import { canonicalCategory, categoryKey, closestCategory } from "./names.js";

/** Respells the rows' categories as the taxonomy does (in place) and reports those it does not have. */
export function checkAgainstTaxonomy(rows: LabeledAbstract[], taxonomy: Taxonomy, file: string): InputProblem[] {
  const unknown: LabeledAbstract[] = [];
  const respelled: { label: string; row: LabeledAbstract }[] = [];
  for (const row of rows) {
    const canonical = canonicalCategory(row.category, taxonomy);
    if (canonical !== undefined && canonical !== row.category) respelled.push({ label: row.category, row });
    if (canonical !== undefined) row.category = canonical;
    else unknown.push(row);
  }
  return [...respelledCategories(respelled, file), ...unknownCategories(unknown, taxonomy, file)];
}

/**
 * A warning per label read as a taxonomy category spelt differently (case, spacing, `-` or `_`):
 * the row keeps its place under the taxonomy's name, and the user learns the sheet disagrees.
 * `row.category` is already the taxonomy's spelling.
 */
export function respelledCategories(respelled: readonly { label: string; row: LabeledAbstract }[], file: string): InputProblem[] {
  const byLabel = new Map<string, LabeledAbstract[]>();
  for (const { label, row } of respelled) byLabel.set(label, [...(byLabel.get(label) ?? []), row]);
  return [...byLabel].map(([label, rows]) => {
    const canonical = rows[0]!.category;
    const ids = rows.map((r) => r.id);
    const differences = lookalikeDifferences(label);
    return {
      code: "W_CATEGORY_SPELLING",
      file,
      line: rows[0]!.sourceLine,
      column: "category",
      value: label,
      message: `read as the ` +
        `taxonomy's "${canonical}" (${rows.length} row${rows.length === 1 ? "" : "s"}: ${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", ..." : ""})` +
        (differences.length > 0 ? `; it looks the same but has ${differences.join(", ")}` : ""),
      hint: `spell it "${canonical}" in the sheet to silence this warning`,
    };
  });
}

/** One E_UNKNOWN_CATEGORY per label the taxonomy lacks, naming its rows and the nearest taxonomy name. */
export function unknownCategories(rows: readonly LabeledAbstract[], taxonomy: Taxonomy, file: string): InputProblem[] {
  const names = taxonomy.categories.map((c) => c.name);
  const byLabel = new Map<string, LabeledAbstract[]>();
  for (const row of rows) {
    if (categoryKey(row.category) === "") continue; // nothing visible: left out by ingest/labels.ts, and said there
    byLabel.set(row.category, [...(byLabel.get(row.category) ?? []), row]);
  }
  return [...byLabel].map(([label, labelRows]) => unknownCategory(label, labelRows, names, file));
}

function unknownCategory(label: string, rows: readonly LabeledAbstract[], names: readonly string[], file: string): InputProblem {
  const near = closestCategory(label, names);
  const ids = rows.map((r) => r.id);
  return {
    code: "E_UNKNOWN_CATEGORY",
    file,
    line: rows[0]?.sourceLine,
    column: "category",
    value: label,
    message: `category not in the taxonomy (${rows.length} row${rows.length === 1 ? "" : "s"}: ${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", ..." : ""})`,
    hint: near
      ? `did you mean "${near}"? Fix the cell, or add "${label}" to the taxonomy file`
      : `add "${label}" to the taxonomy file, or relabel the rows with one of: ${names.join(", ")}`,
  };
}
