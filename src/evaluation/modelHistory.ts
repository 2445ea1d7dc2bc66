/**
 * The kept models as a story (`safetag models`): each model of the registry with what it was
 * trained on and how well it did, and what changed since the model kept before it (training rows
 * added, removed and relabeled, categories changed; see modelChanges.ts). One kept model file is
 * read at a time, and only the one before is held, so a long history of large models is listed
 * in the memory of two.
 */
import type { Taxonomy } from "../domain.js";
import { SafetagError } from "../errors.js";
import type { RegistryEntry, RegistryIndex } from "../modelfile/kept.js";
import { categoryChanges, formatCategoryChanges, formatRowChanges, trainingRowChanges, type CategoryChanges,
  type FreshFigures, type ModelSummary, type TrainingRowChanges } from "./modelChanges.js";

export interface ModelStep {
  entry: RegistryEntry;
  fresh?: FreshFigures;
  /** Why its kept copy could not be read: its rows cannot be compared. */
  unreadable?: string;
  /** Against the model kept before it; absent for the first. */
  since?: {
    id: string;
    categories: CategoryChanges;
    /** Absent when either kept copy could not be read. */
    rows?: TrainingRowChanges;
  };
}

/**
 * Every model of the index, oldest first, each against the one before it. `read` gives a kept
 * model's summary (from its copy in registry/); a copy that is missing or damaged (a
 * SafetagError) is said in its step, and the rest of the history is still told.
 */
export function modelSteps(index: RegistryIndex, read: (entry: RegistryEntry) => ModelSummary, taxonomy?: Taxonomy): ModelStep[] {
  const steps: ModelStep[] = [];
  let before: { entry: RegistryEntry; summary?: ModelSummary } | undefined;
  for (const entry of index.models) {
    let summary: ModelSummary | undefined;
    let unreadable: string | undefined;
    try {
      summary = read(entry);
    } catch (e) {
      if (!(e instanceof SafetagError)) throw e;
      unreadable = e.message;
    }
    const step: ModelStep = { entry, ...(summary?.fresh ? { fresh: summary.fresh } : {}), ...(unreadable ? { unreadable } : {}) };
    if (before) {
      const categories = categoryChanges(before.summary?.categories ?? before.entry.categories, summary?.categories ?? entry.categories, taxonomy);
      step.since = { id: before.entry.id, categories, ...(before.summary && summary ? { rows: trainingRowChanges(before.summary, summary, categories) } : {}) };
    }
    steps.push(step);
    before = { entry, ...(summary ? { summary } : {}) };
  }
  return steps;
}

const fig = (x: number) => x.toFixed(3);

/** The story as terminal lines: one block per model, oldest first, the current one marked `*`. */
export function formatModelSteps(steps: readonly ModelStep[], current: string | undefined): string[] {
  if (steps.length === 0) return ["no models kept yet: `safetag train` and `safetag run` keep every model they write"];
  const lines: string[] = [];
  for (const { entry: m, fresh, unreadable, since } of steps) {
    const kind = m.kind + (m.requested ? ` (${m.requested})` : "");
    lines.push(`${m.id === current ? "*" : " "} ${m.id}  ${kind}  ${m.data.rows} rows  ${m.categories.length} categories  written to ${m.path}`);
    const reviewed = m.data.reviewed ? `, with ${m.data.reviewed.rows} reviewed rows from ${m.data.reviewed.path}` : "";
    lines.push(`    trained on ${m.data.path || "?"} (sha256 ${m.data.sha256.slice(0, 12) || "?"})${reviewed}, created ${m.createdAt || "?"}`);
    const figures = [
      m.training ? `inner ${fig(m.training.macroF1)} (${m.training.folds}-fold)` : undefined,
      m.evaluation ? `cross-validated ${fig(m.evaluation.macroF1)}` : undefined,
      fresh ? `fresh set ${fig(fresh.macroF1)} on ${fresh.rows} abstracts (${fresh.path})` : unreadable
        ? "fresh set unknown (kept copy unreadable)" : "fresh set: not evaluated",
    ].filter((f) => f !== undefined);
    lines.push(`    macro-F1: ${figures.join(", ")}`);
    if (unreadable) lines.push(`    kept copy ${m.file} unreadable: ${unreadable}`);
    if (!since) lines.push("    the first model kept here");
    else {
      const rows = since.rows ? formatRowChanges(since.rows) : "not compared (a kept copy is unreadable)";
      lines.push(`    since ${since.id}: rows ${rows}; categories ${formatCategoryChanges(since.categories)}`);
    }
  }
  lines.push(
    "",
    "* current: the model at the path it was written to (the latest such, when several were written to one path); a kept model is used by its path, e.g. " +
      "`safetag predict --model <folder>/registry/<id>.json`",
    "rows: the labeled rows trained on; rows added, removed and relabeled are told apart by their abstract (its normalised text), background rows included",
    "macro-F1: inner = training's own cross-validation, which chose its settings; cross-validated = `safetag run`'s (or `eval`'s); fresh set = papers in " +
      "no training file, labeled before any model saw them (`safetag run` scores the model on them)",
  );
  return lines;
}
