/**
 * What Label Studio and Prodigy have in common once their files are read: tasks (one abstract
 * each), each with the annotations people gave it, and the categories offered as choices. This
 * module turns those annotations into review answers (review/accept.ts), the same for both tools:
 *
 * - a task nobody annotated is listed, and left unlabeled (like an empty `reviewer_category`);
 * - an annotation the annotator skipped (Label Studio's `was_cancelled`, Prodigy's `ignore` and
 *   `reject`) is listed with why, and counts for nothing;
 * - an annotation with no choice, or with more than one, is a problem: safetag takes one category
 *   per abstract;
 * - annotators who agree give one answer, by all of them; annotators who disagree are a problem
 *   naming each of them and their choice, since safetag cannot know who is right.
 *
 * Whether a choice is a category at all (unknown, retired, a lookalike spelling) is decided by
 * acceptReviews, as for a CSV sheet.
 */
import type { Category, InputProblem, Taxonomy } from "../domain.js";
import { categoryKey } from "../taxonomy/names.js";
import { isActive } from "../taxonomy/active.js";
import { resolveCategory } from "../taxonomy/changes.js";
import type { ReviewAnswer } from "./accept.js";

/** One person's answer to one task, as the tool exported it. */
export interface ToolAnnotation {
  annotator: string;
  /** The categories chosen (one, when all is well). */
  choices: string[];
  /** ISO 8601 UTC time the tool gives for the annotation, when it gives one. */
  time?: string;
  /** 1-based line of the file where the annotation is. */
  line: number;
  /** Where in the task the choice is (`annotations[0].result[0].value.choices`, `accept`), for problems. */
  column: string;
  /** Where the annotation is, when not where its task starts ("line 7" of a JSONL export). */
  where?: string;
}

/** One abstract of the export, with its annotations. */
export interface ToolTask {
  /** 1-based line of the file where the task starts. */
  line: number;
  /** The task as a person finds it in the tool's file ("task 3 (Label Studio id 17)", "line 5"). */
  place: string;
  /** The safetag id the review queue gave it (empty when the task did not come from safetag). */
  id: string;
  abstract: string;
  /** Where the abstract came from (`file:line`, as the review queue wrote it), or "". */
  source: string;
  annotations: ToolAnnotation[];
}

/** An annotation that counts for nothing, and why. */
export interface SkippedAnnotation {
  place: string;
  annotator: string;
  why: string;
}

/** A tool's export, read: the answers to accept and everything that is not one, each listed. */
export interface ToolExport {
  answers: ReviewAnswer[];
  /** Tasks with no annotation left to read: unlabeled, for a later round. */
  unanswered: { place: string; id: string }[];
  skipped: SkippedAnnotation[];
  problems: InputProblem[];
}

/** The answers of annotated tasks (see the module comment); problems go to `problems`. */
export function reconcile(tasks: readonly ToolTask[], file: string, problems: InputProblem[]): Pick<ToolExport, "answers" | "unanswered"> {
  const answers: ReviewAnswer[] = [];
  const unanswered: ToolExport["unanswered"] = [];
  for (const task of tasks) {
    if (task.annotations.length === 0) {
      unanswered.push({ place: task.place, id: task.id });
      continue;
    }
    const bad = task.annotations.filter((a) => a.choices.length !== 1);
    for (const a of bad) {
      problems.push({
        code: "E_REVIEW_CHOICES", file, line: a.line, column: a.column, value: a.choices.join(", "),
        message: `${task.place}: ${by(a)} ${a.choices.length === 0 ? "chose nothing" : `chose ${a.choices.length} categories`}`,
        hint: "safetag takes one category per abstract: pick one in the tool (or skip the task) and export again",
      });
    }
    if (bad.length > 0) continue;
    const distinct = new Map<string, ToolAnnotation[]>();
    for (const a of task.annotations) {
      const k = categoryKey(a.choices[0]!);
      distinct.set(k, [...(distinct.get(k) ?? []), a]);
    }
    if (distinct.size > 1) {
      const first = task.annotations[0]!;
      problems.push({
        code: "E_REVIEW_CONFLICT", file, line: task.line, column: first.column, value: [...distinct.values()].map((g) => g[0]!.choices[0]!).join(" / "),
        message: `${task.place}: the annotators disagree: ${task.annotations.map((a) => `${by(a)} chose "${a.choices[0]}"`).join(", ")}`,
        hint: "settle it in the tool (keep one annotation, or make them agree) and export again",
      });
      continue;
    }
    const first = task.annotations[0]!;
    const annotators = [...new Set(task.annotations.map((a) => a.annotator).filter((a) => a !== ""))];
    const times = task.annotations.flatMap((a) => (a.time ? [a.time] : [])).sort();
    answers.push({
      row: first.line,
      id: task.id,
      abstract: task.abstract,
      category: first.choices[0]!,
      reviewer: annotators.join(", "),
      source: task.source,
      place: task.place,
      column: first.column,
      ...(times.length > 0 ? { reviewedAt: times.at(-1)! } : {}),
    });
  }
  return { answers, unanswered };
}

const by = (a: ToolAnnotation) => `${a.annotator ? a.annotator : "an annotator with no name"}${a.where ? ` (${a.where})` : ""}`;

/**
 * The categories a tool offers as choices, and the choice for a model's pick. With a taxonomy
 * that applies to the model (it names one of its categories), its active categories, the
 * "not safety research" entry among them, in its order; a pick under an old name is given as
 * today's, and a pick the taxonomy no longer has (retired, split) is not pre-selected. Without
 * one, the model's categories.
 */
export function toolChoices(modelCategories: readonly Category[], taxonomy: Taxonomy |
  undefined): { choices: Category[]; pick: (c: Category) => Category | undefined } {
  const applies = taxonomy !== undefined && modelCategories.some((c) => resolveCategory(c, taxonomy).status !== "unknown");
  if (!applies) {
    const choices = [...modelCategories];
    return { choices, pick: (c) => (choices.includes(c) ? c : undefined) };
  }
  const choices = taxonomy.categories.filter(isActive).map((e) => e.name);
  return {
    choices,
    pick: (c) => {
      const s = resolveCategory(c, taxonomy);
      return s.status === "active" ? s.category : undefined;
    },
  };
}

/** A tool's time as ISO 8601 UTC to the second (`2024-03-09T22:16:08Z`), or undefined when it is not a time. */
export function isoSeconds(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * A probability as tools show it: four decimals, never exactly 1 (a model is never certain; a
 * softmax rounds to 1 in floating point long before it is), and not 0 when it is above 0.
 */
export function shownProbability(p: number): number {
  const r = Math.round(p * 1e4) / 1e4;
  if (r >= 1) return 0.9999;
  if (r <= 0 && p > 0) return 0.0001;
  return r;
}

/** Where the queue found the abstract, `file:line`, as accept records it. */
export function sourceOf(file: unknown, line: unknown): string {
  const f = typeof file === "string" ? file : "";
  const l = typeof line === "number" || (typeof line === "string" && line !== "") ? String(line) : "";
  return f && l ? `${f}:${l}` : f;
}
