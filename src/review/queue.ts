/**
 * The review queue: the predictions a person should label first, as a CSV with two empty columns
 * to fill in (`reviewer_category`, `reviewer`), read back by `safetag accept`. Order:
 *
 * 1. labeled rows whose category was split (they cannot train until someone picks a new label);
 * 2. predictions marked needs_review (below the review threshold, or unlike every category);
 * 3. the rest, most uncertain first: smallest margin between the two most probable categories
 *    (margin uncertainty sampling, Scheffer et al. 2001), where a label teaches the model most.
 *
 * Ties keep the input order, so the queue is the same every time for the same inputs.
 */
import type { Category } from "../domain.js";
import { toCsv } from "../io/csv.js";
import type { LabeledPrediction } from "../predict/label.js";
import { shownProbability } from "../predict/shown.js";
import { abstractKey } from "../text/normalize.js";

export const REVIEW_COLUMNS = [
  "id", "file", "line", "predicted_category", "confidence", "runner_up", "margin", "needs_review", "reason", "abstract",
  "reviewer_category", "reviewer",
] as const;

export interface ReviewItem {
  id: string;
  file: string;
  line?: number;
  predicted: Category;
  confidence: number;
  runnerUp: Category;
  /** Probability of the top category minus the runner-up's. */
  margin: number;
  needsReview: boolean;
  reason: string;
  abstract: string;
  /** 0: needs a new label (split category); 1: needs review; 2: the rest. */
  priority: 0 | 1 | 2;
}

/**
 * A prediction as a queue item; none for an abstract that is already labeled (the model just
 * repeats its label) or empty (nothing to label). `newLabel` marks a labeled row whose category
 * was split, with the reason.
 */
export function reviewItem(p: LabeledPrediction, newLabel?: string): ReviewItem | undefined {
  if (p.source !== "model") return undefined;
  return {
    id: p.id,
    file: p.input.source ?? "",
    ...(p.input.line === undefined ? {} : { line: p.input.line }),
    predicted: p.category,
    confidence: p.confidence,
    runnerUp: p.runnerUp,
    margin: p.confidence - p.runnerUpConfidence,
    needsReview: newLabel !== undefined || p.needsReview,
    reason: [newLabel, p.reason].filter(Boolean).join("; "),
    abstract: p.input.abstract,
    priority: newLabel !== undefined ? 0 : p.needsReview ? 1 : 2,
  };
}

/**
 * The queue order (see the module comment), at most `limit` items. An abstract found in several
 * dumps is listed once (where it comes first), so nobody labels it twice.
 */
export function reviewOrder(items: readonly ReviewItem[], limit?: number): ReviewItem[] {
  const seen = new Set<string>();
  const unique = items.filter((item) => {
    const key = abstractKey(item.abstract);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const sorted = unique
    .map((item, i) => ({ item, i }))
    .sort((a, b) => a.item.priority - b.item.priority || a.item.margin - b.item.margin || a.i - b.i)
    .map((x) => x.item);
  return limit === undefined ? sorted : sorted.slice(0, limit);
}

/**
 * A prediction narrowed to some of the model's categories (the parts of a split category): the
 * most probable of them, and the next, their probabilities renormalised over those categories.
 * The prediction is unchanged when the model knows none of them.
 */
export function amongCategories<P extends Pick<LabeledPrediction, "category" | "confidence" | "runnerUp" |
  "runnerUpConfidence">>(p: P, proba: ArrayLike<number>, categories: readonly Category[], among: readonly Category[]): P {
  const parts = among.flatMap((c) => {
    const i = categories.indexOf(c);
    return i < 0 ? [] : [{ c, p: proba[i]! }];
  });
  if (parts.length === 0) return p;
  const total = parts.reduce((a, x) => a + x.p, 0);
  const ranked = parts.map((x, i) => ({ ...x, i })).sort((a, b) => b.p - a.p || a.i - b.i);
  const share = (x: number) => (total > 0 ? x / total : 1 / parts.length);
  const second = ranked[1] ?? ranked[0]!;
  return { ...p, category: ranked[0]!.c, confidence: share(ranked[0]!.p), runnerUp: second.c, runnerUpConfidence: ranked[1] ? share(second.p) : 0 };
}

/** The sheet is read by a person: the confidence as predict/shown.ts shows it, and a margin that never says the runner-up had no chance at all. */
const shownMargin = (x: number) => Math.min(Math.round(x * 1e3) / 1e3, shownProbability(1));

export function reviewQueueCsv(items: readonly ReviewItem[]): string {
  return toCsv(REVIEW_COLUMNS, items.map((q) => ({
    id: q.id,
    file: q.file,
    line: q.line,
    predicted_category: q.predicted,
    confidence: shownProbability(q.confidence),
    runner_up: q.runnerUp,
    margin: shownMargin(q.margin),
    needs_review: q.needsReview ? 1 : 0,
    reason: q.reason,
    abstract: q.abstract,
    reviewer_category: "",
    reviewer: "",
  })));
}
