import { describe, expect, it } from "vitest";
import type { LabeledAbstract } from "../src/domain.js";
import { abstractGroupKey, crossValidate, type CrossValidationProgress } from "../src/evaluation/crossValidate.js";
import type { Predictor, Trainer } from "../src/models/contract.js";

function row(id: string, category: string, abstract: string, extra: Partial<LabeledAbstract> = {}): LabeledAbstract {
  return {
    id,
    company: "Lab",
    title: `Paper ${id}`,
    date: "2024-01-01",
    url: `https://example.org/${id}`,
    category,
    abstract,
    duplicate: false,
    abstractMissing: false,
    ...extra,
  };
}

const KEYWORDS: Record<string, string> = { honest: "lie", interp: "neuron", robust: "attack" };

/**
 * A fake model: the category whose keyword the abstract contains gets 0.7, the other training
 * categories share the rest. It knows only the categories of its training part, and records
 * what it was trained on.
 */
function keywordTrainer(log: LabeledAbstract[][] = []): Trainer {
  return {
    train(rows): Predictor {
      log.push([...rows]);
      const categories = [...new Set(rows.map((r) => r.category))].sort();
      return {
        categories,
        predictProba(abstract) {
          const hit = categories.find((c) => abstract.includes(KEYWORDS[c] ?? "\u0000"));
          const p = new Float64Array(categories.length);
          categories.forEach((c, i) => {
            p[i] = hit === undefined ? 1 / categories.length : c === hit ? 0.7 : 0.3 / (categories.length - 1);
          });
          return p;
        },
      };
    },
  };
}

/*
 * Twelve rows, each abstract holding exactly one keyword, so every prediction is the same in
 * whichever fold the row is tested:
 *
 *   interp (5 rows): 4 say "neuron" → interp, 1 says "attack" → robust
 *   robust (4 rows): 3 say "attack" → robust, 1 says "lie"    → honest
 *   honest (3 rows): 2 say "lie"    → honest, 1 says "neuron" → interp
 *
 * Per repeat, labels sorted [honest, interp, robust], rows true, columns predicted:
 *
 *   honest  2 1 0
 *   interp  0 4 1
 *   robust  1 0 3          accuracy 9/12
 *
 * Pooled over 4 repeats: every cell × 4.
 */
const rows: LabeledAbstract[] = [
  row("r1", "interp", "a neuron study one"),
  row("r2", "interp", "a neuron study two"),
  row("r3", "interp", "a neuron study three"),
  row("r4", "interp", "a neuron study four"),
  row("r5", "interp", "an attack on features"),
  row("r6", "robust", "an attack study one"),
  row("r7", "robust", "an attack study two"),
  row("r8", "robust", "an attack study three"),
  row("r9", "robust", "models that lie under attack? no: lie"),
  row("r10", "honest", "when models lie one"),
  row("r11", "honest", "when models lie two"),
  row("r12", "honest", "a neuron for honesty"),
];

describe("crossValidate", () => {
  const progress: CrossValidationProgress[] = [];
  const cv = crossValidate(rows, keywordTrainer(), { folds: 3, repeats: 4, seed: 7, onProgress: (p) => progress.push(p) });

  it("sorts the categories and records the settings", () => {
    expect(cv.categories).toEqual(["honest", "interp", "robust"]);
    expect([cv.folds, cv.repeats, cv.seed, cv.rowCount, cv.groupedRowCount]).toEqual([3, 4, 7, 12, 0]);
  });

  it("pools the out-of-fold predictions into the confusion matrix computed by hand", () => {
    for (const r of cv.model.perRepeat) {
      expect(r.confusion.counts).toEqual([
        [2, 1, 0],
        [0, 4, 1],
        [1, 0, 3],
      ]);
      expect(r.report.accuracy).toBeCloseTo(9 / 12, 12);
    }
    expect(cv.model.confusion).toEqual({
      labels: ["honest", "interp", "robust"],
      counts: [
        [8, 4, 0],
        [0, 16, 4],
        [4, 0, 12],
      ],
    });
    expect(cv.model.pooled.accuracy).toBeCloseTo(9 / 12, 12);
    expect(cv.model.pooled.total).toBe(48);
    // honest: P = 2/3, R = 2/3; interp: P = 4/5, R = 4/5; robust: P = 3/4, R = 3/4.
    expect(cv.model.pooled.macro.f1).toBeCloseTo((2 / 3 + 4 / 5 + 3 / 4) / 3, 12);
  });

  it("keeps one out-of-fold prediction per row and repeat, with confidence and runner-up", () => {
    expect(cv.predictions).toHaveLength(48);
    expect(cv.predictions.map((p) => `${p.repeat}:${p.id}`)).toEqual(
      [0, 1, 2, 3].flatMap((r) => rows.map((x) => `${r}:${x.id}`)),
    );
    const r5 = cv.predictions.find((p) => p.id === "r5")!;
    expect(r5).toMatchObject({ gold: "interp", predicted: "robust", title: "Paper r5", runnerUp: "honest" });
    expect(r5.confidence).toBeCloseTo(0.7, 12);
    expect(r5.runnerUpConfidence).toBeCloseTo(0.15, 12);
    expect(r5.probabilities).toHaveLength(3);
    expect(r5.probabilities[2]).toBeCloseTo(0.7, 12);
    for (const p of cv.predictions) expect(p.fold).toBeGreaterThanOrEqual(0);
  });

  it("reports progress after each fold", () => {
    expect(progress).toHaveLength(12);
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(progress.every((p) => p.total === 12)).toBe(true);
  });

  it("scores the majority baseline the same way", () => {
    // Every training part holds at least 3 interp rows and at most 3 robust rows (ties go to
    // "interp", first in sorted order), so the baseline always says interp.
    expect(cv.baseline.majority).toHaveLength(12);
    expect(cv.baseline.majority.every((m) => m.category === "interp")).toBe(true);
    expect(cv.baseline.confusion.counts).toEqual([
      [0, 12, 0],
      [0, 20, 0],
      [0, 16, 0],
    ]);
    expect(cv.baseline.pooled.accuracy).toBeCloseTo(5 / 12, 12);
    // interp F1 = 2·5 / (5 + 12) = 10/17; the others 0.
    expect(cv.baseline.pooled.macro.f1).toBeCloseTo(10 / 17 / 3, 12);
  });

  it("takes the baseline's majority from each training part, not from all rows", () => {
    // x: 4 rows, m: 3 rows, 2 folds. A fold testing (x, x, m, m) trains on x, x, m → "x"; a fold
    // testing (x, x, m) trains on x, x, m, m → a tie, which goes to "m" (sorted first).
    const data = [..."xxxx"].map((c, i) => row(`x${i}`, c, `neuron ${i}`)).concat([..."mmm"].map((c, i) => row(`m${i}`, c, `lie ${i}`)));
    const result = crossValidate(data, keywordTrainer(), { folds: 2, repeats: 3, seed: 1 });
    for (const r of result.baseline.perRepeat) {
      expect(r.confusion.labels).toEqual(["m", "x"]);
      expect(r.confusion.counts).toEqual([
        [1, 2],
        [2, 2],
      ]);
    }
    expect(result.baseline.majority.map((m) => m.category).sort()).toEqual(["m", "m", "m", "x", "x", "x"]);
  });

  it("never trains on a duplicate's twin while testing it", () => {
    const twins = [
      ...rows,
      row("d1", "interp", "A  neuron study ONE.", { duplicate: true, title: "Other title" }),
      row("d2", "robust", "an attack study\ntwo", { duplicate: true }),
      row("d3", "honest", "when models lie one", { duplicate: true }),
    ];
    const log: LabeledAbstract[][] = [];
    const result = crossValidate(twins, keywordTrainer(log), { folds: 3, repeats: 5, seed: 3 });
    expect(result.groupedRowCount).toBe(6);
    expect(log).toHaveLength(15);
    const byRepeatFold = new Map(result.predictions.map((p) => [`${p.repeat}/${p.fold}/${p.id}`, p]));
    log.forEach((training, n) => {
      const repeat = Math.floor(n / 3);
      const fold = n % 3;
      const trainedKeys = new Set(training.map(abstractGroupKey));
      const tested = twins.filter((t) => byRepeatFold.has(`${repeat}/${fold}/${t.id}`));
      expect(tested.length).toBeGreaterThan(0);
      for (const t of tested) expect(trainedKeys.has(abstractGroupKey(t))).toBe(false);
    });
  });

  it("would leak twins without grouping (so the test above has teeth)", () => {
    const twins = [...rows, row("d1", "interp", "a neuron study one", { duplicate: true })];
    const log: LabeledAbstract[][] = [];
    const result = crossValidate(twins, keywordTrainer(log), { folds: 3, repeats: 5, seed: 3, groupOf: () => undefined });
    const leaks = result.predictions.filter((p) => {
      const training = log[p.repeat * 3 + p.fold]!;
      return (p.id === "d1" || p.id === "r1") && training.some((t) => t.id === (p.id === "d1" ? "r1" : "d1"));
    });
    expect(leaks.length).toBeGreaterThan(0);
  });

  it("puts zero probability on a category missing from a training part", () => {
    // "solo" has one row: whenever it is tested, its fold's training part lacks it.
    const data = [...rows, row("s1", "solo", "a neuron alone")];
    const result = crossValidate(data, keywordTrainer(), { folds: 3, repeats: 1, seed: 1 });
    const solo = result.predictions.find((p) => p.id === "s1")!;
    expect(result.categories).toEqual(["honest", "interp", "robust", "solo"]);
    expect(solo.probabilities[3]).toBe(0);
    expect(solo.predicted).toBe("interp");
    expect(result.model.pooled.perCategory[3]).toMatchObject({ category: "solo", support: 1, f1: 0 });
  });

  it("is deterministic for a seed, and its folds change with the seed", () => {
    expect(crossValidate(rows, keywordTrainer(), { folds: 3, repeats: 4, seed: 7 })).toEqual(cv);
    const folds = (r: typeof cv) => r.predictions.map((p) => `${p.repeat}/${p.fold}/${p.id}`);
    expect(folds(crossValidate(rows, keywordTrainer(), { folds: 3, repeats: 4, seed: 8 }))).not.toEqual(folds(cv));
  });

  it("rejects a predictor that answers in categories it was never shown", () => {
    const bad: Trainer = {
      train: () => ({ categories: ["elsewhere"], predictProba: () => Float64Array.of(1) }),
    };
    expect(() => crossValidate(rows, bad, { folds: 3, repeats: 1 })).toThrowError(
      expect.objectContaining({ code: "EVAL_BAD_PREDICTOR" }),
    );
  });
});

describe("abstractGroupKey", () => {
  it("ignores case, punctuation and spacing, and leaves missing abstracts alone", () => {
    expect(abstractGroupKey(row("a", "c", "Sparse  autoencoders,\nprovide."))).toBe(abstractGroupKey(row("b", "c", "sparse autoencoders provide")));
    expect(abstractGroupKey(row("a", "c", "Abstract not found", { abstractMissing: true }))).toBeUndefined();
    expect(abstractGroupKey(row("a", "c", "  ...  "))).toBeUndefined();
  });
});
