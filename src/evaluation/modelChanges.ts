/**
 * What changed from one model to another: the training rows each learned from, its categories,
 * and how it did on the fresh set. A model file keeps every training row it learned from as a
 * hash of the abstract's normalised text, with the row's id and category (modelfile/knownAbstracts.ts),
 * so rows are told apart by their abstract, not their position: a row added by a review round is
 * "added", a row whose label a reviewer changed is "relabeled", and a category renamed in the
 * taxonomy (`renamedFrom`, `mergedInto`, `splitInto`, `retired`) is said as such, not as one
 * category removed and another added.
 */
import type { Category, Taxonomy } from "../domain.js";
import { checkCategories, checkEvaluation, checkKnown } from "../modelfile/checks.js";
import type { KnownState } from "../modelfile/knownAbstracts.js";
import { MODEL_FORMAT, type LoadedModel } from "../modelfile/modelFile.js";
import { modelError } from "../models/numbers.js";
import { resolveCategory } from "../taxonomy/changes.js";

/** The fresh-set figures a model file records when it was evaluated on the fresh set (see evaluate.ts). */
export interface FreshFigures {
  path: string;
  rows: number;
  accuracy: number;
  macroF1: number;
}

/** What a model says of what it learned from: its categories, its training rows (see above), its fresh-set figures. */
export interface ModelSummary {
  categories: readonly Category[];
  known: KnownState;
  fresh?: FreshFigures;
}

export function summaryOf(model: LoadedModel): ModelSummary {
  const fresh = freshOf(model.evaluation);
  return { categories: model.categories, known: model.known.toJSON(), ...(fresh ? { fresh } : {}) };
}

/**
 * The summary of a model file's text, without restoring its classifier (listing many kept models
 * should not fit each one back together). The fields read are checked as parseModel checks them.
 */
export function readModelSummary(text: string, file: string): ModelSummary {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw modelError(file, `not a JSON model file (${(e as Error).message})`);
  }
  const m = raw as { format?: unknown; categories?: unknown; known?: unknown; evaluation?: unknown } | null;
  if (typeof m !== "object" || m === null || Array.isArray(m) ||
    m.format !== MODEL_FORMAT) throw modelError(file, `not a safetag model (expected "format": "${MODEL_FORMAT}")`);
  const categories = checkCategories(m.categories, file);
  const known = checkKnown(m.known, categories, file);
  checkEvaluation(m.evaluation, file);
  const fresh = freshOf(m.evaluation);
  return { categories, known, ...(fresh ? { fresh } : {}) };
}

/** A checked `evaluation` section's fresh-set figures (checks.ts checks them). */
function freshOf(evaluation: unknown): FreshFigures | undefined {
  const fresh = (evaluation as { fresh?: FreshFigures } | undefined)?.fresh;
  return fresh && { path: fresh.path, rows: fresh.rows, accuracy: fresh.accuracy, macroF1: fresh.macroF1 };
}

export interface CategoryChanges {
  added: Category[];
  removed: Category[];
  renamed: { from: Category; to: Category }[];
  merged: { from: Category; into: Category }[];
  split: { from: Category; into: Category[] }[];
  retired: Category[];
}

/**
 * How `b`'s categories differ from `a`'s. A category of `a` that `b` lacks is renamed, merged,
 * split or retired when the taxonomy says so (and what it became is in `b`), else removed; one of
 * `b` that `a` lacks is added, unless it is what a rename or split of `a`'s made.
 */
export function categoryChanges(a: readonly Category[], b: readonly Category[], taxonomy?: Taxonomy): CategoryChanges {
  const inA = new Set(a);
  const inB = new Set(b);
  const changes: CategoryChanges = { added: [], removed: [], renamed: [], merged: [], split: [], retired: [] };
  const madeFromA = new Set<Category>();
  for (const c of a) {
    if (inB.has(c)) continue;
    const status = taxonomy ? resolveCategory(c, taxonomy) : undefined;
    if (status?.status === "active" && status.change && inB.has(status.category)) {
      if (status.change === "renamed") changes.renamed.push({ from: c, to: status.category });
      else changes.merged.push({ from: c, into: status.category });
      madeFromA.add(status.category);
    } else if (status?.status === "split" && status.into.some((p) => inB.has(p))) {
      const into = status.into.filter((p) => inB.has(p));
      changes.split.push({ from: c, into });
      for (const p of into) madeFromA.add(p);
    } else if (status?.status === "retired") changes.retired.push(c);
    else changes.removed.push(c);
  }
  for (const c of b) if (!inA.has(c) && !madeFromA.has(c)) changes.added.push(c);
  return changes;
}

/**
 * `a`'s category as `b` calls it: renamed and merged ones by their new name. With the taxonomy,
 * any label under an old name (a fresh set's gold label) is first read as today's category.
 */
export function asRenamed(changes: CategoryChanges, taxonomy?: Taxonomy): (c: Category) => Category {
  const to = new Map<Category, Category>([...changes.renamed.map((r) => [r.from, r.to] as const), ...changes.merged.map((m) => [m.from, m.into] as const)]);
  const today = (c: Category) => {
    const status = taxonomy && resolveCategory(c, taxonomy);
    return status?.status === "active" ? status.category : c;
  };
  return (c) => to.get(c) ?? to.get(today(c)) ?? today(c);
}

export interface RowChange {
  id: string;
  category: Category;
}

export interface TrainingRowChanges {
  /** Rows of `b` whose abstract `a` did not learn from, in `b`'s order. */
  added: RowChange[];
  /** Rows of `a` whose abstract `b` did not learn from, in `a`'s order. */
  removed: RowChange[];
  /** Abstracts both learned from, with another category in `b` (a renamed or merged category is not a relabeling). */
  relabeled: { id: string; from: Category; to: Category }[];
  /** Abstracts both learned from with the same category. */
  kept: number;
}

/** The training rows `b` learned from against `a`'s, by abstract (see above). */
export function trainingRowChanges(a: ModelSummary, b: ModelSummary, categories: CategoryChanges): TrainingRowChanges {
  const asB = asRenamed(categories);
  const inA = new Map<string, number>();
  a.known.hashes.forEach((h, i) => inA.set(h, i));
  const changes: TrainingRowChanges = { added: [], removed: [], relabeled: [], kept: 0 };
  const inB = new Set<string>();
  b.known.hashes.forEach((h, j) => {
    inB.add(h);
    const to = b.categories[b.known.categories[j]!]!;
    const i = inA.get(h);
    if (i === undefined) {
      changes.added.push({ id: b.known.ids[j]!, category: to });
      return;
    }
    const from = a.categories[a.known.categories[i]!]!;
    if (asB(from) === to) changes.kept++;
    else changes.relabeled.push({ id: b.known.ids[j]!, from, to });
  });
  a.known.hashes.forEach((h, i) => {
    if (!inB.has(h)) changes.removed.push({ id: a.known.ids[i]!, category: a.categories[a.known.categories[i]!]! });
  });
  return changes;
}

/** Ids in a line: the first `shown`, then how many more. */
function someIds(ids: readonly string[], shown = 5): string {
  const more = ids.length - shown;
  return ids.slice(0, shown).join(", ") + (more > 0 ? ` and ${more} more` : "");
}

/** "2 added (rev-1, rev-2), none removed, 1 relabeled (r12 "A" -> "B")". */
export function formatRowChanges(c: TrainingRowChanges): string {
  const part = (n: number, what: string, detail: string) => (n === 0 ? `none ${what}` : `${n} ${what} (${detail})`);
  return [
    part(c.added.length, "added", someIds(c.added.map((r) => r.id))),
    part(c.removed.length, "removed", someIds(c.removed.map((r) => r.id))),
    part(c.relabeled.length, "relabeled", someIds(c.relabeled.map((r) => `${r.id} ${JSON.stringify(r.from)} -> ${JSON.stringify(r.to)}`), 3)),
  ].join(", ");
}

export function sameCategories(c: CategoryChanges): boolean {
  return c.added.length + c.removed.length + c.renamed.length + c.merged.length + c.split.length + c.retired.length === 0;
}

/** `renamed "X" -> "Y"; added "Z"`, or "unchanged". */
export function formatCategoryChanges(c: CategoryChanges): string {
  const q = (x: Category) => JSON.stringify(x);
  const parts = [
    ...c.renamed.map((r) => `renamed ${q(r.from)} -> ${q(r.to)}`),
    ...c.merged.map((m) => `merged ${q(m.from)} into ${q(m.into)}`),
    ...c.split.map((s) => `split ${q(s.from)} into ${s.into.map(q).join(", ")}`),
    ...c.retired.map((r) => `retired ${q(r)}`),
    ...c.removed.map((r) => `removed ${q(r)}`),
    ...c.added.map((r) => `added ${q(r)}`),
  ];
  return parts.length === 0 ? "unchanged" : parts.join("; ");
}
