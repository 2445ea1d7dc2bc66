import { describe, expect, it } from "vitest";
import { repeatedStratifiedKFold, type Fold, type FoldItem } from "../src/sampling/folds.js";
import { mulberry32, randomInt } from "../src/sampling/random.js";

/** Shaped like the real data: a few big categories and several with only 1-3 rows. */
function dataset(seed: number, withGroups: boolean): FoldItem[] {
  const sizes: [string, number][] = [
    ["big", 25],
    ["mid", 17],
    ["small", 11],
    ["seven", 7],
    ["four", 4],
    ["three", 3],
    ["two", 2],
    ["one", 1],
  ];
  const random = mulberry32(seed);
  const items: FoldItem[] = [];
  for (const [category, n] of sizes) for (let i = 0; i < n; i++) items.push({ category });
  // Scramble the input order so nothing depends on rows arriving sorted.
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  if (withGroups) {
    // Pairs and a triple of twins, some sharing a category and some not.
    const pairs = [
      [0, 1],
      [2, 3],
      [10, 40],
      [50, 51, 52],
    ];
    pairs.forEach((members, g) => members.forEach((i) => (items[i] = { ...items[i]!, group: `g${g}` })));
  }
  return items;
}

const settings = [
  { folds: 5, repeats: 5, seed: 1 },
  { folds: 3, repeats: 2, seed: 42 },
  { folds: 10, repeats: 3, seed: 7 },
];

function countsByCategory(items: readonly FoldItem[], idx: readonly number[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of idx) m.set(items[i]!.category, (m.get(items[i]!.category) ?? 0) + 1);
  return m;
}

describe("repeatedStratifiedKFold", () => {
  for (const opts of settings) {
    for (const withGroups of [false, true]) {
      const items = dataset(opts.seed + 100, withGroups);
      const split = repeatedStratifiedKFold(items, opts);
      const label = `${opts.folds} folds × ${opts.repeats} repeats, seed ${opts.seed}${withGroups ? ", with groups" : ""}`;

      it(`has the requested shape (${label})`, () => {
        expect(split).toHaveLength(opts.repeats);
        split.forEach((repeat, r) => {
          expect(repeat).toHaveLength(opts.folds);
          repeat.forEach((fold, k) => expect([fold.repeat, fold.index]).toEqual([r, k]));
        });
      });

      it(`puts every item in exactly one test fold per repeat (${label})`, () => {
        for (const repeat of split) {
          const seen = repeat.flatMap((f) => f.testIdx).sort((a, b) => a - b);
          expect(seen).toEqual(items.map((_, i) => i));
        }
      });

      it(`keeps train and test disjoint and together complete (${label})`, () => {
        for (const fold of split.flat()) {
          const test = new Set(fold.testIdx);
          expect(fold.trainIdx.some((i) => test.has(i))).toBe(false);
          expect(fold.trainIdx.length + fold.testIdx.length).toBe(items.length);
          expect(fold.testIdx.length).toBeGreaterThan(0);
          expect([...fold.trainIdx].sort((a, b) => a - b)).toEqual(fold.trainIdx);
          expect([...fold.testIdx].sort((a, b) => a - b)).toEqual(fold.testIdx);
        }
      });

      if (!withGroups) {
        it(`stratifies: a category's count per test fold differs by at most 1 (${label})`, () => {
          const categories = [...new Set(items.map((it) => it.category))];
          for (const repeat of split) {
            const perFold = repeat.map((f) => countsByCategory(items, f.testIdx));
            for (const c of categories) {
              const counts = perFold.map((m) => m.get(c) ?? 0);
              expect(Math.max(...counts) - Math.min(...counts), `${c}: ${counts.join(",")}`).toBeLessThanOrEqual(1);
            }
            const sizes = repeat.map((f) => f.testIdx.length);
            expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          }
        });
      } else {
        it(`never splits a group across folds (${label})`, () => {
          for (const repeat of split) {
            // the test fold of every member of each group: one fold per group
            const foldsOf = new Map<string, Set<number>>();
            for (const fold of repeat) {
              for (const i of fold.testIdx) {
                const g = items[i]!.group;
                if (g !== undefined) foldsOf.set(g, (foldsOf.get(g) ?? new Set()).add(fold.index));
              }
            }
            expect([...foldsOf].map(([g, f]) => [g, f.size]).sort()).toEqual([["g0", 1], ["g1", 1], ["g2", 1], ["g3", 1]]);
          }
        });

        it(`stays close to stratified around the groups (${label})`, () => {
          const categories = [...new Set(items.map((it) => it.category))];
          for (const repeat of split) {
            const perFold = repeat.map((f) => countsByCategory(items, f.testIdx));
            for (const c of categories) {
              const counts = perFold.map((m) => m.get(c) ?? 0);
              expect(Math.max(...counts) - Math.min(...counts), `${c}: ${counts.join(",")}`).toBeLessThanOrEqual(2);
            }
          }
        });
      }
    }
  }

  it("spreads a category with fewer rows than folds one row per fold", () => {
    const items: FoldItem[] = [
      ...Array.from({ length: 10 }, () => ({ category: "common" })),
      { category: "rare" },
      { category: "rare" },
      { category: "rare" },
    ];
    for (const repeat of repeatedStratifiedKFold(items, { folds: 5, repeats: 4, seed: 3 })) {
      const rarePerFold = repeat.map((f) => f.testIdx.filter((i) => items[i]!.category === "rare").length);
      expect(Math.max(...rarePerFold)).toBe(1);
      expect(rarePerFold.filter((n) => n === 1)).toHaveLength(3);
    }
  });

  it("keeps a duplicate out of training while its twin is tested", () => {
    const items: FoldItem[] = Array.from({ length: 20 }, (_, i) => ({ category: i % 2 ? "x" : "y" }));
    items[3] = { category: "x", group: "twin" };
    items[16] = { category: "y", group: "twin" };
    for (const fold of repeatedStratifiedKFold(items, { folds: 4, repeats: 5, seed: 9 }).flat()) {
      expect(fold.testIdx.includes(3)).toBe(fold.testIdx.includes(16));
      expect(fold.trainIdx.includes(3)).toBe(fold.trainIdx.includes(16));
    }
  });

  it("is deterministic for a seed and changes with the seed", () => {
    const items = dataset(5, true);
    const a = repeatedStratifiedKFold(items, { folds: 5, repeats: 3, seed: 1 });
    const b = repeatedStratifiedKFold(items, { folds: 5, repeats: 3, seed: 1 });
    const c = repeatedStratifiedKFold(items, { folds: 5, repeats: 3, seed: 2 });
    expect(b).toEqual(a);
    expect(testSets(c)).not.toEqual(testSets(a));
  });

  it("shuffles each repeat afresh", () => {
    const split = repeatedStratifiedKFold(dataset(5, false), { folds: 5, repeats: 2, seed: 1 });
    expect(testSets([split[1]!])).not.toEqual(testSets([split[0]!]));
  });

  it("gives repeat r the same folds however many repeats are run", () => {
    const items = dataset(6, true);
    const three = repeatedStratifiedKFold(items, { folds: 5, repeats: 3, seed: 11 });
    const five = repeatedStratifiedKFold(items, { folds: 5, repeats: 5, seed: 11 });
    expect(five.slice(0, 3)).toEqual(three);
  });

  it("rejects fewer independent rows than folds", () => {
    const items: FoldItem[] = [{ category: "a" }, { category: "b", group: "g" }, { category: "a", group: "g" }];
    expect(() => repeatedStratifiedKFold(items, { folds: 3, repeats: 1, seed: 1 })).toThrowError(
      expect.objectContaining({ code: "EVAL_TOO_FEW_ROWS" }),
    );
  });

  it("rejects fewer than 2 folds and fewer than 1 repeat", () => {
    const items = dataset(1, false);
    expect(() => repeatedStratifiedKFold(items, { folds: 1, repeats: 1, seed: 1 })).toThrowError(
      expect.objectContaining({ code: "EVAL_BAD_OPTION" }),
    );
    expect(() => repeatedStratifiedKFold(items, { folds: 5, repeats: 0, seed: 1 })).toThrowError(
      expect.objectContaining({ code: "EVAL_BAD_OPTION" }),
    );
    expect(() => repeatedStratifiedKFold(items, { folds: 2.5, repeats: 1, seed: 1 })).toThrowError(
      expect.objectContaining({ code: "EVAL_BAD_OPTION" }),
    );
  });
});

/** Test sets as sorted index lists, for comparing assignments regardless of fold numbering. */
function testSets(split: Fold[][]): string[][] {
  return split.map((repeat) => repeat.map((f) => f.testIdx.join(",")).sort());
}
