/**
 * Category changes, applied to labeled rows without touching the labeled file. The taxonomy
 * file says what happened to a category (renamed, merged, split, retired, or added); training
 * and evaluation see the rows as if they had been relabeled by hand, and everything that cannot
 * be relabeled automatically is set aside and said. The labeled data stays as the spreadsheet
 * has it, so a category change is one small, reviewable edit of the taxonomy file.
 */
import type { Category, LabeledAbstract, Taxonomy, TaxonomyEntry } from "../domain.js";
import { isActive } from "./active.js";
import { undescribedWarning } from "./described.js";
import { categoryKey, closestCategory, otherNames } from "./names.js";

/** Where a label stands under today's taxonomy. */
export type CategoryStatus =
  /** Trains as `category`; `change` says how the label got there when it is not its own name. */
  | { status: "active"; category: Category; change?: "renamed" | "merged" }
  | { status: "retired"; entry: Category }
  /** `into`: today's names of the categories it was split into. */
  | { status: "split"; entry: Category; into: Category[] }
  | { status: "unknown"; closest?: Category };

/**
 * Every name the labeled data may use: today's categories, the inactive ones and the old names.
 * The readers take this one, so an old label is read (and split from a pasted abstract) as
 * itself, not reported as unknown; applyTaxonomy then maps it.
 */
export function readingTaxonomy(taxonomy: Taxonomy): Taxonomy {
  const names = new Set(taxonomy.categories.map((c) => categoryKey(c.name)));
  const old: TaxonomyEntry[] = [];
  for (const entry of taxonomy.categories) {
    for (const name of otherNames(entry)) {
      if (names.has(categoryKey(name))) continue;
      names.add(categoryKey(name));
      old.push({ name });
    }
  }
  return { categories: [...taxonomy.categories, ...old] };
}

function entryIndex(taxonomy: Taxonomy): (name: string) => TaxonomyEntry | undefined {
  const byKey = new Map<string, TaxonomyEntry>();
  for (const e of taxonomy.categories) byKey.set(categoryKey(e.name), e);
  for (const e of taxonomy.categories) {
    for (const old of otherNames(e)) if (!byKey.has(categoryKey(old))) byKey.set(categoryKey(old), e);
  }
  return (name) => byKey.get(categoryKey(name));
}

/** Follows renames and merges to today's category; case and spacing variants are the same name. */
export function resolveCategory(label: string, taxonomy: Taxonomy): CategoryStatus {
  const lookup = entryIndex(taxonomy);
  return resolveWith(label, taxonomy, lookup);
}

function resolveWith(label: string, taxonomy: Taxonomy, lookup: (name: string) => TaxonomyEntry | undefined): CategoryStatus {
  const found = lookup(label);
  if (!found) {
    return { status: "unknown", closest: closestCategory(label, taxonomy.categories.filter(isActive).map((c) => c.name)) };
  }
  const { entry, merged } = followMerges(found, lookup);
  if (entry.retired === true) return { status: "retired", entry: entry.name };
  if (entry.splitInto !== undefined) {
    // today's names of the parts (a part renamed or merged since the split is shown as it is now)
    const into = entry.splitInto.map((n) => {
      const part = lookup(n);
      return part ? followMerges(part, lookup).entry.name : n;
    });
    return { status: "split", entry: entry.name, into };
  }
  if (entry.mergedInto !== undefined) return { status: "unknown" }; // a merge cycle, rejected on reading
  // another spelling (an alias) is the category's own name, not a change
  const spelled = categoryKey(entry.name) === categoryKey(label) || (entry.aliases ?? []).some((a) => categoryKey(a) === categoryKey(label));
  const change = merged ? "merged" : spelled ? undefined : "renamed";
  return change ? { status: "active", category: entry.name, change } : { status: "active", category: entry.name };
}

function followMerges(start: TaxonomyEntry, lookup: (name: string) => TaxonomyEntry | undefined): { entry: TaxonomyEntry; merged: boolean } {
  let entry = start;
  const seen = new Set<TaxonomyEntry>();
  while (entry.mergedInto !== undefined && !seen.has(entry)) {
    seen.add(entry);
    const next = lookup(entry.mergedInto);
    if (!next) break; // parseTaxonomy rejects this; stop rather than guess
    entry = next;
  }
  return { entry, merged: entry !== start };
}

export interface RelabeledRow {
  /** The row as training sees it (new label). */
  row: LabeledAbstract;
  /** The label in the labeled file. */
  from: Category;
  change: "renamed" | "merged";
}

export interface SetAsideRow {
  row: LabeledAbstract;
  kind: "retired" | "split" | "unknown";
  /** For a person: what happened and what to do. */
  reason: string;
}

export interface TaxonomyApplication {
  /** Rows to train and evaluate on, labeled with today's active categories. */
  rows: LabeledAbstract[];
  relabeled: RelabeledRow[];
  setAside: SetAsideRow[];
  warnings: string[];
  /** False when the taxonomy names none of the data's categories and was left out. */
  applied: boolean;
}

/** Today's name of a label that names an active category (itself, an old name or a merged one); undefined for any other label. */
export function todaysName(taxonomy: Taxonomy): (label: string) => Category | undefined {
  const lookup = entryIndex(taxonomy);
  return (label) => {
    const s = resolveWith(label, taxonomy, lookup);
    return s.status === "active" ? s.category : undefined;
  };
}

/**
 * Applies the taxonomy's category changes to labeled rows: renamed and merged labels take
 * today's name; rows of retired and split categories, and labels that look like a typo of a
 * taxonomy name, are set aside with a reason; a label unlike any taxonomy name is kept as a new
 * category with a warning. Pure: the input rows are not changed.
 *
 * A taxonomy that names none of the data's categories describes some other data set (a stray
 * data/taxonomy.json beside an unrelated file): it is not applied, and a warning says so.
 */
export function applyTaxonomy(rows: readonly LabeledAbstract[], taxonomy: Taxonomy): TaxonomyApplication {
  const lookup = entryIndex(taxonomy);
  const statuses = new Map<string, CategoryStatus>();
  const statusOf = (label: string): CategoryStatus => {
    let s = statuses.get(label);
    if (!s) statuses.set(label, (s = resolveWith(label, taxonomy, lookup)));
    return s;
  };
  const labels = [...new Set(rows.map((r) => r.category))];
  if (labels.length > 0 && labels.every((l) => statusOf(l).status === "unknown")) {
    return {
      rows: [...rows],
      relabeled: [],
      setAside: [],
      warnings: [
        `the taxonomy names none of the data's ` +
          `categories (${labels.slice(0, 5).map((l) => JSON.stringify(l)).join(", ")}${labels.length > 5 ? ", ..." : ""}); it is not applied`],
      applied: false,
    };
  }
  const out: LabeledAbstract[] = [];
  const relabeled: RelabeledRow[] = [];
  const setAside: SetAsideRow[] = [];
  const unknown = new Map<Category, string[]>();
  for (const row of rows) {
    const s = statusOf(row.category);
    switch (s.status) {
      case "active":
        if (s.change) {
          const moved = { ...row, category: s.category };
          relabeled.push({ row: moved, from: row.category, change: s.change });
          out.push(moved);
        } else out.push(row.category === s.category ? row : { ...row, category: s.category });
        break;
      case "retired":
        setAside.push({ row, kind: "retired", reason: `"${s.entry}" is retired` });
        break;
      case "split":
        setAside.push({ row, kind: "split", reason: `"${s.entry}" was split into ${s.into.map((n) => `"${n}"`).join(", ")}: the row needs a new label` });
        break;
      case "unknown":
        // Close to a known name, it is most likely a typo: set aside rather than guessed, with the
        // likely name. Close to nothing, it is a category the user just started using: learned as
        // it is (dropping labeled rows would be worse), with a warning to describe it.
        if (s.closest) setAside.push({ row, kind: "unknown", reason: `"${row.category}" is not in the taxonomy (did you mean "${s.closest}"?)` });
        else {
          out.push(row);
          unknown.set(row.category, [...(unknown.get(row.category) ?? []), row.id]);
        }
        break;
    }
  }
  const unknownWarnings = [...unknown].map(
    ([label, ids]) =>
      `"${label}" (${ids.length} row${ids.length === 1 ? "" : "s"}: ${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", ..." : ""}) is not in the taxonomy;` +
        ` it is learned as a new category of its own: add it to the taxonomy with a description`,
  );
  const undescribed = undescribedWarning(out.map((r) => r.category), taxonomy);
  return { rows: out, relabeled, setAside,
    warnings: [...unknownWarnings, ...emptyCategoryWarnings(out, taxonomy), ...(undescribed ? [undescribed] : [])], applied: true };
}

/** An added category with no rows is learned from its description alone; with none, from nothing. */
function emptyCategoryWarnings(rows: readonly LabeledAbstract[], taxonomy: Taxonomy): string[] {
  const used = new Set(rows.map((r) => r.category));
  return taxonomy.categories
    // the outside entry with a background set learns from that set (see ingest/background.ts)
    .filter((c) => isActive(c) && !used.has(c.name) && !(c.scope === "outside" && typeof c.background === "string"))
    .map((c) =>
      c.description || c.keyPhrases?.length
        ? `"${c.name}" has no labeled rows yet: the model knows it from its description and key phrases only`
        : `"${c.name}" has no labeled rows and no description or key phrases: the model has nothing to learn it from; describe it in the taxonomy file`,
    );
}
