/**
 * Repeated, stratified, grouped k-fold splits.
 *
 * - Stratified: each category is spread over the folds as evenly as possible, so every fold's
 *   count of a category differs from another fold's by at most one when no groups are given. A
 *   category with fewer rows than folds is spread one row per fold (round-robin), so it is
 *   tested in as many folds as it has rows, never all in one.
 * - Grouped: items that share a `group` key always land in the same fold. This keeps a
 *   `[Duplicate]` row and its twin together: a model tested on a row whose twin it trained on
 *   would be scored on memory, not on generalisation. Groups can make perfect stratification
 *   impossible; they are placed first (largest first) and the rest balances around them.
 * - Repeated: each repeat is a fresh random assignment; repeat `r` depends only on (seed, r),
 *   so running 3 repeats gives the first 3 of a 10-repeat run.
 */
import type { Category } from "../domain.js";
import { EXIT, SafetagError } from "../errors.js";
import { deriveSeed, mulberry32, randomInt, shuffle, type Random } from "./random.js";

export interface FoldItem {
  category: Category;
  /** Items with the same key always share a fold; undefined means the item stands alone. */
  group?: string;
}

export interface Fold {
  /** 0-based repeat number. */
  repeat: number;
  /** 0-based fold number within the repeat. */
  index: number;
  /** Positions in the input list, ascending. */
  trainIdx: number[];
  testIdx: number[];
}

export interface FoldOptions {
  folds: number;
  repeats: number;
  seed: number;
}

/** `result[r][k]` is fold `k` of repeat `r`; within a repeat the test parts partition the items. */
export function repeatedStratifiedKFold(items: readonly FoldItem[], options: FoldOptions): Fold[][] {
  const { folds, repeats, seed } = options;
  checkCount("folds", folds, 2);
  checkCount("repeats", repeats, 1);
  const units = groupUnits(items);
  if (units.length < folds) {
    throw new SafetagError(
      "EVAL_TOO_FEW_ROWS",
      `Cannot make ${folds} folds from ${items.length} rows in ${units.length} independent groups: some test folds would be empty.`,
      { exitCode: EXIT.dataError, hint: `Use at most ${Math.max(2, units.length)} folds, or label more rows.` },
    );
  }
  const categories = [...new Set(items.map((it) => it.category))].sort();
  const result: Fold[][] = [];
  for (let r = 0; r < repeats; r++) {
    const foldOf = assignFolds(items, units, categories, folds, mulberry32(deriveSeed(seed, r)));
    const repeat: Fold[] = [];
    for (let k = 0; k < folds; k++) {
      const trainIdx: number[] = [];
      const testIdx: number[] = [];
      foldOf.forEach((f, i) => (f === k ? testIdx : trainIdx).push(i));
      repeat.push({ repeat: r, index: k, trainIdx, testIdx });
    }
    result.push(repeat);
  }
  return result;
}

/** Indices of items that must travel together, in input order of their first member. */
function groupUnits(items: readonly FoldItem[]): number[][] {
  const units: number[][] = [];
  const byGroup = new Map<string, number[]>();
  items.forEach((item, i) => {
    if (item.group === undefined) {
      units.push([i]);
      return;
    }
    const unit = byGroup.get(item.group);
    if (unit) unit.push(i);
    else {
      const fresh = [i];
      byGroup.set(item.group, fresh);
      units.push(fresh);
    }
  });
  return units;
}

/**
 * Greedy placement: each unit (in the order below) goes into the fold that currently
 * holds the fewest rows of the unit's categories, then the fewest rows overall, then a random
 * choice among ties. For single rows this is exactly a balanced deal per category: a row always
 * goes to a fold with the minimum count for its category, so counts never differ by more than one.
 */
function assignFolds(
  items: readonly FoldItem[],
  units: readonly number[][],
  categories: readonly Category[],
  folds: number,
  random: Random,
): number[] {
  const catIndex = new Map(categories.map((c, i) => [c, i]));
  const perCategory = Array.from({ length: folds }, () => new Array<number>(categories.length).fill(0));
  const size = new Array<number>(folds).fill(0);
  const foldOf = new Array<number>(items.length).fill(-1);

  // Groups first, largest first, while there is most room to balance around them. Then single
  // rows one category at a time (categories and rows in random order): dealing a category in a
  // block into the smallest folds keeps fold sizes within one of each other as well.
  const groups = shuffle(
    units.filter((u) => u.length > 1),
    random,
  ).sort((a, b) => b.length - a.length);
  const singles = new Map<number, number[][]>();
  for (const unit of units) {
    if (unit.length !== 1) continue;
    const c = catIndex.get((items[unit[0] as number] as FoldItem).category) as number;
    const block = singles.get(c);
    if (block) block.push(unit);
    else singles.set(c, [unit]);
  }
  const order = [...groups];
  for (const c of shuffle([...singles.keys()].sort((a, b) => a - b), random)) {
    order.push(...shuffle(singles.get(c) as number[][], random));
  }
  for (const unit of order) {
    const cats = unit.map((i) => catIndex.get((items[i] as FoldItem).category) as number);
    let best: number[] = [];
    let bestKey: [number, number] = [Infinity, Infinity];
    for (let k = 0; k < folds; k++) {
      const counts = perCategory[k] as number[];
      const key: [number, number] = [cats.reduce((s, c) => s + (counts[c] as number), 0), size[k] as number];
      const cmp = key[0] - bestKey[0] || key[1] - bestKey[1];
      if (cmp < 0) {
        best = [k];
        bestKey = key;
      } else if (cmp === 0) best.push(k);
    }
    const k = best[randomInt(random, best.length)] as number;
    for (const i of unit) foldOf[i] = k;
    for (const c of cats) (perCategory[k] as number[])[c]! += 1;
    size[k]! += unit.length;
  }
  return foldOf;
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new SafetagError("EVAL_BAD_OPTION", `The number of ${name} must be a whole number of at least ${min}, got ${value}.`, {
      exitCode: EXIT.usage,
    });
  }
}
