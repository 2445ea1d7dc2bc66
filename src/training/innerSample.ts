import { mulberry32, shuffle } from "../sampling/random.js";

/** About how many rows the inner cross-validation of training uses at most, unless told otherwise. */
export const DEFAULT_INNER_ROWS = 5_000;

/**
 * The rows training's inner cross-validation runs on: choosing settings, calibrating, setting the
 * review and scope thresholds and the drift baseline. Up to `max` rows that is all of them, as
 * they are. Past it, a seeded sample of about `max` rows that keeps each category's share, and at
 * least `min` rows of every category (all it has when fewer), so that this part of training costs
 * the same on a million rows as on `max`: it needs enough held-out predictions, not all of them.
 * Its 15 or so fits were most of the time of training on large data. The final model is still
 * fitted on every row.
 */
export function innerSample<T extends { category: string }>(rows: readonly T[], max: number, min: number, seed: number): readonly T[] {
  if (rows.length <= max) return rows;
  const byCategory = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const list = byCategory.get(r.category);
    if (list) list.push(i);
    else byCategory.set(r.category, [i]);
  });
  const random = mulberry32(seed);
  const chosen: number[] = [];
  for (const category of [...byCategory.keys()].sort()) {
    const members = byCategory.get(category)!;
    const share = Math.max(min, Math.round((members.length * max) / rows.length));
    chosen.push(...shuffle(members, random).slice(0, share));
  }
  return chosen.sort((a, b) => a - b).map((i) => rows[i]!);
}
