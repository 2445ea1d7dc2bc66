import { describe, expect, it } from "vitest";
import {
  accuracy,
  classificationReport,
  confusionMatrix,
  macroF1,
  reportFromConfusion,
  sumConfusionMatrices,
} from "../src/metrics/metrics.js";
import { EXIT, SafetagError } from "../src/errors.js";
import { thrown } from "./thrown.js";

/*
 * Worked example: 3 classes, 10 items, plus a label D with no support that is never predicted.
 *
 *   gold = A A A A A B B B C C
 *   pred = A A A B B B B C A C
 *
 * Confusion matrix (rows true, columns predicted):
 *
 *            A  B  C  D   support
 *       A    3  2  0  0     5
 *       B    0  2  1  0     3
 *       C    1  0  1  0     2
 *       D    0  0  0  0     0
 *   predicted 4  4  2  0    10
 *
 * accuracy = (3 + 2 + 1) / 10 = 3/5
 *
 *   A: P = 3/4, R = 3/5, F1 = 2·3 / (5 + 4) = 2/3
 *   B: P = 2/4 = 1/2, R = 2/3, F1 = 2·2 / (3 + 4) = 4/7
 *   C: P = 1/2, R = 1/2, F1 = 2·1 / (2 + 2) = 1/2
 *   D: P = 0/0 → 0, R = 0/0 → 0, F1 → 0          (zero_division = 0)
 *
 * Macro over [A, B, C, D] (D included as 0, as sklearn with labels=[A,B,C,D], zero_division=0):
 *   P = (3/4 + 1/2 + 1/2 + 0) / 4 = 7/16
 *   R = (3/5 + 2/3 + 1/2 + 0) / 4 = (53/30) / 4 = 53/120
 *   F1 = (2/3 + 4/7 + 1/2 + 0) / 4 = (73/42) / 4 = 73/168
 * Macro over [A, B, C]: P = 7/12, R = 53/90, F1 = 73/126
 *
 * Weighted by support (5, 3, 2, 0; total 10):
 *   P = (5·3/4 + 3·1/2 + 2·1/2) / 10 = (25/4) / 10 = 5/8
 *   R = (5·3/5 + 3·2/3 + 2·1/2) / 10 = 6/10 = 3/5   (weighted recall is always accuracy)
 *   F1 = (5·2/3 + 3·4/7 + 2·1/2) / 10 = (127/21) / 10 = 127/210
 *
 * Micro (pooled counts, single-label): P = R = F1 = 6/10 = 3/5.
 *
 * These are the numbers scikit-learn's precision_recall_fscore_support(gold, pred,
 * labels=["A","B","C","D"], zero_division=0) and f1_score(..., average=...) give.
 */
const gold = ["A", "A", "A", "A", "A", "B", "B", "B", "C", "C"];
const pred = ["A", "A", "A", "B", "B", "B", "B", "C", "A", "C"];
const labels = ["A", "B", "C", "D"];

describe("confusionMatrix", () => {
  it("confusion matrix rows are true labels and columns are predicted labels", () => {
    const m = confusionMatrix(["A"], ["B"], ["A", "B"]);
    expect(m.counts).toEqual([
      [0, 1], // true A, predicted B
      [0, 0],
    ]);
  });

  it("gives the worked example, with a zero row and column for a label with no support", () => {
    const m = confusionMatrix(gold, pred, labels);
    expect(m.labels).toEqual(labels);
    expect(m.counts).toEqual([
      [3, 2, 0, 0],
      [0, 2, 1, 0],
      [1, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
  });

  it("follows the order of the labels given", () => {
    const m = confusionMatrix(gold, pred, ["C", "B", "A"]);
    expect(m.counts).toEqual([
      [1, 0, 1],
      [1, 2, 0],
      [0, 2, 3],
    ]);
  });

  it("rejects labels outside the label list instead of dropping them", () => {
    expect(() => confusionMatrix(["A", "Z"], ["A", "A"], ["A"])).toThrowError(SafetagError);
    expect(() => confusionMatrix(["A"], ["Z"], ["A"])).toThrowError(expect.objectContaining({ code: "EVAL_UNKNOWN_LABEL" }));
  });

  it("rejects gold and predicted lists of different lengths", () => {
    expect(() => confusionMatrix(["A"], [], ["A"])).toThrowError(expect.objectContaining({ code: "EVAL_LENGTH_MISMATCH" }));
  });

  it("rejects a label listed twice", () => {
    expect(() => confusionMatrix(["A"], ["A"], ["A", "A"])).toThrowError(expect.objectContaining({ code: "EVAL_DUPLICATE_LABEL" }));
  });

  it("sums matrices cell by cell", () => {
    const a = confusionMatrix(["A", "B"], ["A", "A"], ["A", "B"]);
    const b = confusionMatrix(["B"], ["B"], ["A", "B"]);
    expect(sumConfusionMatrices([a, b], ["A", "B"]).counts).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });

  it("EVAL_LABELS_MISMATCH: refuses to add matrices over other labels, or the same labels in another order (a bug, exit 70)", () => {
    const a = confusionMatrix(["A"], ["A"], ["A", "B"]);
    for (const labels of [["B", "A"], ["A", "B", "C"]]) {
      const error = thrown(() => sumConfusionMatrices([a], labels));
      expect(error.code).toBe("EVAL_LABELS_MISMATCH");
      expect(error.exitCode).toBe(EXIT.software);
    }
  });
});

describe("classificationReport", () => {
  const r = classificationReport(gold, pred, labels);
  const by = (c: string) => r.perCategory.find((s) => s.category === c)!;

  it("gives the worked example's accuracy and per-category figures", () => {
    expect(r.total).toBe(10);
    expect(r.correct).toBe(6);
    expect(r.accuracy).toBeCloseTo(3 / 5, 12);
    expect(r.perCategory.map((s) => s.category)).toEqual(labels);

    expect(by("A")).toMatchObject({ support: 5, predicted: 4 });
    expect(by("A").precision).toBeCloseTo(3 / 4, 12);
    expect(by("A").recall).toBeCloseTo(3 / 5, 12);
    expect(by("A").f1).toBeCloseTo(2 / 3, 12);

    expect(by("B")).toMatchObject({ support: 3, predicted: 4 });
    expect(by("B").precision).toBeCloseTo(1 / 2, 12);
    expect(by("B").recall).toBeCloseTo(2 / 3, 12);
    expect(by("B").f1).toBeCloseTo(4 / 7, 12);

    expect(by("C")).toMatchObject({ support: 2, predicted: 2 });
    expect(by("C").precision).toBeCloseTo(1 / 2, 12);
    expect(by("C").recall).toBeCloseTo(1 / 2, 12);
    expect(by("C").f1).toBeCloseTo(1 / 2, 12);
  });

  it("scores a label with no support that is never predicted as 0, not NaN", () => {
    expect(by("D")).toEqual({ category: "D", precision: 0, recall: 0, f1: 0, support: 0, predicted: 0 });
  });

  it("macro-averages over every label given, counting a label with no support as F1 0", () => {
    expect(r.macro.precision).toBeCloseTo(7 / 16, 12);
    expect(r.macro.recall).toBeCloseTo(53 / 120, 12);
    expect(r.macro.f1).toBeCloseTo(73 / 168, 12);
    expect(macroF1(gold, pred, labels)).toBeCloseTo(73 / 168, 12);
    // Without D the same data scores higher: the unseen label is charged, as in scikit-learn.
    expect(macroF1(gold, pred, ["A", "B", "C"])).toBeCloseTo(73 / 126, 12);
  });

  it("gives the worked example's weighted and micro averages", () => {
    expect(r.weighted.precision).toBeCloseTo(5 / 8, 12);
    expect(r.weighted.recall).toBeCloseTo(3 / 5, 12);
    expect(r.weighted.f1).toBeCloseTo(127 / 210, 12);
    expect(r.micro.precision).toBeCloseTo(3 / 5, 12);
    expect(r.micro.recall).toBeCloseTo(3 / 5, 12);
    expect(r.micro.f1).toBeCloseTo(3 / 5, 12);
    expect([r.micro.support, r.macro.support, r.weighted.support]).toEqual([10, 10, 10]);
  });

  it("computes the same report from the confusion matrix", () => {
    expect(reportFromConfusion(confusionMatrix(gold, pred, labels))).toEqual(r);
  });

  it("scores a precision with nothing predicted as 0 while recall stays defined", () => {
    const s = classificationReport(["A", "B"], ["A", "A"], ["A", "B"]);
    const b = s.perCategory[1]!;
    expect([b.precision, b.recall, b.f1]).toEqual([0, 0, 0]);
    expect(s.perCategory[0]!.precision).toBeCloseTo(1 / 2, 12);
    expect(s.perCategory[0]!.recall).toBe(1);
  });

  it("scores nothing as 0 everywhere", () => {
    const empty = classificationReport([], [], ["A"]);
    expect(empty.accuracy).toBe(0);
    expect(empty.macro).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(empty.weighted).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });
});

describe("accuracy", () => {
  it("is the share of exact matches", () => {
    expect(accuracy(gold, pred)).toBeCloseTo(3 / 5, 12);
    expect(accuracy([], [])).toBe(0);
  });
});
