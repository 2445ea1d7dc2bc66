import { describe, expect, it } from "vitest";
import { bootstrapIntervals, quantile } from "../src/evaluation/bootstrap.js";
import { classificationReport } from "../src/metrics/metrics.js";
import { mulberry32 } from "../src/sampling/random.js";

const labels = ["a", "b", "c"];

/** 120 items, about 70% correct, errors spread over the other labels. */
function sample(seed: number): { gold: string[]; predicted: string[] } {
  const random = mulberry32(seed);
  const gold: string[] = [];
  const predicted: string[] = [];
  for (let i = 0; i < 120; i++) {
    const g = labels[i % 3]!;
    gold.push(g);
    predicted.push(random() < 0.7 ? g : labels[(i + 1 + (random() < 0.5 ? 0 : 1)) % 3]!);
  }
  return { gold, predicted };
}

describe("bootstrapIntervals", () => {
  const { gold, predicted } = sample(4);
  const result = bootstrapIntervals(gold, predicted, labels, { seed: 1 });
  const point = classificationReport(gold, predicted, labels);

  it("reports the point estimates of the data as given", () => {
    expect(result.accuracy.estimate).toBe(point.accuracy);
    expect(result.macroF1.estimate).toBe(point.macro.f1);
    expect(result.perCategory.map((c) => [c.category, c.estimate])).toEqual(point.perCategory.map((c) => [c.category, c.f1]));
    expect([result.resamples, result.level, result.seed, result.unit]).toEqual([1000, 0.95, 1, "rows"]);
  });

  it("gives intervals that contain the point estimate", () => {
    for (const iv of [result.accuracy, result.macroF1, ...result.perCategory]) {
      expect(iv.lower).toBeLessThanOrEqual(iv.estimate);
      expect(iv.upper).toBeGreaterThanOrEqual(iv.estimate);
      expect(iv.lower).toBeLessThan(iv.upper);
      expect(iv.lower).toBeGreaterThanOrEqual(0);
      expect(iv.upper).toBeLessThanOrEqual(1);
    }
  });

  it("is deterministic for a seed and changes with the seed", () => {
    expect(bootstrapIntervals(gold, predicted, labels, { seed: 1 })).toEqual(result);
    // Accuracy bounds sit on a 1/120 grid and may coincide; macro-F1 bounds are finer-grained.
    expect(bootstrapIntervals(gold, predicted, labels, { seed: 2 }).macroF1).not.toEqual(result.macroF1);
  });

  it("narrows as the level drops", () => {
    const narrow = bootstrapIntervals(gold, predicted, labels, { seed: 1, level: 0.5 });
    expect(narrow.accuracy.lower).toBeGreaterThanOrEqual(result.accuracy.lower);
    expect(narrow.accuracy.upper).toBeLessThanOrEqual(result.accuracy.upper);
  });

  it("gives [1, 1] everywhere when every prediction is right", () => {
    const all = ["a", "a", "b", "c", "c", "c", "b", "a"];
    const r = bootstrapIntervals(all, all, labels, { seed: 3, resamples: 500 });
    for (const iv of [r.accuracy, r.macroF1, ...r.perCategory]) expect(iv).toMatchObject({ estimate: 1, lower: 1, upper: 1 });
  });

  it("leaves a category out of a resample it was not drawn into, instead of scoring it 0", () => {
    // "rare" has one row: it is missing from about a third of the resamples. Counting it as 0
    // there would pull macro-F1 below 1 although every prediction is right.
    const g = [...Array.from({ length: 30 }, (_, i) => labels[i % 3]!), "rare"];
    const r = bootstrapIntervals(g, g, [...labels, "rare"], { seed: 5, resamples: 300 });
    expect(r.macroF1).toMatchObject({ lower: 1, upper: 1 });
    const rare = r.perCategory.find((c) => c.category === "rare")!;
    expect(rare.drawn).toBeGreaterThan(150);
    expect(rare.drawn).toBeLessThan(250);
  });

  it("counts a label absent from all the data as 0 in every resample, like the point estimate", () => {
    const r = bootstrapIntervals(["a", "b"], ["a", "b"], ["a", "b", "never"], { seed: 1, resamples: 200 });
    expect(r.macroF1.estimate).toBeCloseTo(2 / 3, 12);
    // A resample of only "a" rows leaves "b" out (not drawn) but keeps "never" as 0: (1 + 0) / 2.
    expect(r.macroF1.lower).toBeCloseTo(1 / 2, 12);
    expect(r.macroF1.upper).toBeCloseTo(2 / 3, 12);
    expect(r.perCategory.find((c) => c.category === "never")).toMatchObject({ estimate: 0, lower: 0, upper: 0, drawn: 0 });
  });

  it("resamples whole clusters when asked", () => {
    // Two rows, each predicted 5 times (as over 5 repeats): row x always right, row y always wrong.
    const g = [...Array(5).fill("a"), ...Array(5).fill("b")] as string[];
    const p = [...Array(5).fill("a"), ...Array(5).fill("a")] as string[];
    const clusters = [...Array(5).fill("x"), ...Array(5).fill("y")] as string[];
    const r = bootstrapIntervals(g, p, ["a", "b"], { seed: 1, resamples: 400, clusters });
    expect(r.unit).toBe("clusters");
    // Resampling 2 clusters gives accuracy 0, 1/2 or 1 only.
    expect([0, 0.5, 1]).toContain(r.accuracy.lower);
    expect([0, 0.5, 1]).toContain(r.accuracy.upper);
    expect([r.accuracy.lower, r.accuracy.upper]).toEqual([0, 1]);
  });

  it("rejects a bad level or resample count", () => {
    expect(() => bootstrapIntervals(gold, predicted, labels, { seed: 1, level: 1 })).toThrowError(
      expect.objectContaining({ code: "EVAL_BAD_OPTION" }),
    );
    expect(() => bootstrapIntervals(gold, predicted, labels, { seed: 1, resamples: 0 })).toThrowError(
      expect.objectContaining({ code: "EVAL_BAD_OPTION" }),
    );
  });
});

describe("quantile", () => {
  it("interpolates linearly between order statistics, as numpy does", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    expect(quantile([0, 10], 0.025)).toBeCloseTo(0.25, 12);
  });
});
