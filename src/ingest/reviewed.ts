/**
 * Labels given in review rounds live in their own file, `reviewed.csv` beside the labeled file,
 * in the canonical labeled format with provenance (reviewer, reviewed_at, source). The labeled
 * file stays a pure function of the spreadsheet, so re-ingesting it (as `npm start` does on every
 * run) never loses a review; training merges the two.
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import type { Category, LabeledAbstract } from "../domain.js";
import { abstractKey } from "../text/normalize.js";

export const REVIEWED_FILE = "reviewed.csv";

/** The reviewed labels that belong to a labeled file. */
export function reviewedPathFor(labeledPath: string): string {
  return join(dirname(labeledPath), REVIEWED_FILE);
}

/** A reviewed row's id: stable for its abstract, so accepting the same review twice finds it again. */
export function reviewId(abstract: string): string {
  return `rev-${createHash("sha256").update(abstractKey(abstract)).digest("hex").slice(0, 12)}`;
}

export interface ReviewMerge {
  rows: LabeledAbstract[];
  /** Spreadsheet rows whose label a reviewer replaced (the same abstract, reviewed since). */
  overridden: { row: LabeledAbstract; from: Category }[];
  /** Reviewed rows that are new abstracts. */
  added: number;
}

/**
 * The labeled rows with the reviewed ones merged in. A reviewed abstract that is already a
 * labeled row relabels that row (keeping its title and other cells): a review is the newer
 * human judgement, and `safetag accept` only writes one that disagrees when told to (--force)
 * or when the old label no longer trains (a split or retired category). Other reviewed rows are
 * added after the labeled ones. Pure: no input row is changed.
 */
export function mergeReviewed(labeled: readonly LabeledAbstract[], reviewed: readonly LabeledAbstract[]): ReviewMerge {
  const byAbstract = new Map<string, LabeledAbstract>();
  for (const r of reviewed) if (!r.abstractMissing) byAbstract.set(abstractKey(r.abstract), r);
  const used = new Set<LabeledAbstract>();
  const overridden: ReviewMerge["overridden"] = [];
  const rows = labeled.map((row) => {
    const review = row.abstractMissing ? undefined : byAbstract.get(abstractKey(row.abstract));
    if (!review) return row;
    used.add(review);
    const provenance =
      Object.fromEntries(
        Object.entries({ reviewer: review.reviewer, reviewedAt: review.reviewedAt, source: review.source }).filter(([, v]) => v !== undefined));
    if (review.category === row.category) return { ...row, ...provenance };
    const moved = { ...row, category: review.category, ...provenance };
    overridden.push({ row: moved, from: row.category });
    return moved;
  });
  const fresh = reviewed.filter((r) => !used.has(r));
  return { rows: [...rows, ...fresh], overridden, added: fresh.length };
}
