import { describe, expect, it } from "vitest";
import { calibrationSection, labelErrorCandidates, outOfScopeSection } from "../src/evaluation/quality.js";
import type { OutOfFoldPrediction } from "../src/evaluation/crossValidate.js";
import { fitTemperature, negativeLogLikelihood, reviewRule, reviewThreshold } from "../src/training/calibration.js";

describe("expected calibration error", () => {
  it("matches a worked example", () => {
    // Bin 0.9-1.0: confidences 0.95, 0.95 (1 correct): mean conf 0.95, accuracy 0.5 -> gap 0.45
    // Bin 0.5-0.6: confidence 0.55 (correct): gap 0.45; bin 0.7-0.8: 0.75 (correct): gap 0.25
    // ECE = (2/4)·0.45 + (1/4)·0.45 + (1/4)·0.25 = 0.225 + 0.1125 + 0.0625 = 0.4
    const s = calibrationSection([
      { confidence: 0.95, correct: true },
      { confidence: 0.95, correct: false },
      { confidence: 0.55, correct: true },
      { confidence: 0.75, correct: true },
    ]);
    expect(s.ece).toBeCloseTo(0.4, 12);
    expect(s.bins[9]).toEqual({ lower: 0.9, upper: 1, count: 2, meanConfidence: 0.95, accuracy: 0.5 });
    expect(s.bins.reduce((a, b) => a + b.count, 0)).toBe(4);
  });

  it("puts a confidence on a bin edge in the lower bin, and 1.0 in the last", () => {
    const s = calibrationSection([{ confidence: 0.5, correct: true }, { confidence: 1, correct: true }]);
    expect(s.bins[4]!.count).toBe(1);
    expect(s.bins[9]!.count).toBe(1);
  });

  it("is 0 for a perfectly calibrated set", () => {
    const preds = [...Array(8)].map((_, i) => ({ confidence: 0.75, correct: i < 6 }));
    expect(calibrationSection(preds).ece).toBeCloseTo(0, 12);
  });
});

describe("temperature scaling", () => {
  it("recovers the temperature that generated the labels' frequencies", () => {
    // Scores [2, 0] at T = 2 give p = softmax([1, 0]) = 0.731; make the gold label match that frequency.
    const scores: Float64Array[] = [];
    const gold: number[] = [];
    const p = 1 / (1 + Math.exp(-1));
    const n = 1000;
    for (let i = 0; i < n; i++) {
      scores.push(Float64Array.from([2, 0]));
      gold.push(i < Math.round(p * n) ? 0 : 1);
    }
    expect(fitTemperature(scores, gold)).toBeCloseTo(2, 1);
  });

  it("never raises the negative log-likelihood above T = 1", () => {
    const scores = [Float64Array.from([0.01, 0]), Float64Array.from([0, 0.02]), Float64Array.from([0.03, 0])];
    const gold = [0, 1, 0];
    const t = fitTemperature(scores, gold);
    expect(negativeLogLikelihood(scores, gold, t)).toBeLessThanOrEqual(negativeLogLikelihood(scores, gold, 1));
  });
});

describe("review threshold", () => {
  it("takes the lowest confidence that keeps the target precision", () => {
    // sorted: 0.9 ok, 0.8 ok, 0.7 wrong, 0.6 ok, 0.5 wrong
    // precision at >=0.8: 2/2; >=0.7: 2/3; >=0.6: 3/4; >=0.5: 3/5
    const conf = [0.5, 0.9, 0.7, 0.6, 0.8];
    const ok = [false, true, false, true, true];
    expect(reviewThreshold(conf, ok, 0.75)).toEqual({ threshold: 0.6, coverage: 0.8, precision: 0.75 });
    expect(reviewThreshold(conf, ok, 0.9)).toEqual({ threshold: 0.8, coverage: 0.4, precision: 1 });
  });

  it("sends everything to review when no threshold reaches the target", () => {
    expect(reviewThreshold([0.9, 0.8], [false, false], 0.5)).toEqual({ threshold: 1, coverage: 0, precision: 1 });
  });

  it("with an outside answer, gives each kind of answer its own threshold (worked by hand)", () => {
    // categories 0 and 1, outside answer 2; each row's best answer, its probability, and whether it is right:
    //   outside: 0.9 ok, 0.7 ok, 0.6 ok, 0.55 wrong   -> at target 0.75, >= 0.55 gives 3/4 = 0.75: threshold 0.55
    //   categories: 0.95 ok, 0.8 wrong, 0.7 ok        -> >= 0.7 gives 2/3, >= 0.8 gives 1/2, >= 0.95 gives 1/1: threshold 0.95
    // one threshold over all seven: >= 0.6 gives 5/6, >= 0.55 gives 5/7 = 0.71, so 0.6, which lets the categories at
    // 0.8 and 0.7 through (2 of 3 right). Split: 4 outside answers and 1 category labeled automatically, 4 of them right.
    const p = (best: number, q: number) => Float64Array.from([0, 1, 2], (j) => (j === best ? q : (1 - q) / 2));
    const calibrated = [p(2, 0.9), p(2, 0.7), p(2, 0.6), p(2, 0.55), p(0, 0.95), p(1, 0.8), p(0, 0.7)];
    const gold = [2, 2, 2, 0, 0, 0, 0];
    expect(reviewRule(calibrated, gold, 0.75, 2)).toEqual({ threshold: 0.95, outsideThreshold: 0.55, coverage: 5 / 7, precision: 4 / 5 });
    // without an outside answer, the one threshold of reviewThreshold
    expect(reviewRule(calibrated, gold, 0.75)).toEqual(reviewThreshold([0.9, 0.7, 0.6, 0.55, 0.95, 0.8, 0.7], [true, true, true, false, true, false, true], 0.75));
    expect(reviewRule(calibrated, gold, 0.75).threshold).toBe(0.6);
  });
});

describe("out-of-scope section", () => {
  it("computes AUROC with ties counted half", () => {
    // pairs (out, in): 0.1<0.5 win, 0.1<0.3 win, 0.3=0.3 half, 0.3<0.5 win -> 3.5/4
    const s = outOfScopeSection([0.5, 0.3], [0.1, 0.3], 0.2);
    expect(s.auroc).toBeCloseTo(0.875, 12);
    expect(s).toMatchObject({ inScopeFlagged: 0, outOfScopeFlagged: 1, inScopeTotal: 2, outOfScopeTotal: 2 });
  });
});

describe("label error candidates", () => {
  const pred = (id: string, repeat: number, predicted: string, confidence: number): OutOfFoldPrediction => ({
    repeat, fold: 0, id, title: `t${id}`, gold: "A", predicted, confidence, runnerUp: null, runnerUpConfidence: 0, probabilities: [],
  });

  it("lists rows confidently wrong in most repeats, most often wrong first", () => {
    const preds = [
      pred("x", 0, "B", 0.9), pred("x", 1, "B", 0.8), pred("x", 2, "A", 0.9),
      pred("y", 0, "B", 0.9), pred("y", 1, "C", 0.7), pred("y", 2, "C", 0.8),
      pred("z", 0, "B", 0.3), pred("z", 1, "B", 0.3), pred("z", 2, "B", 0.3),
      pred("w", 0, "B", 0.9), pred("w", 1, "A", 0.9), pred("w", 2, "A", 0.9),
    ];
    const c = labelErrorCandidates(preds, 3);
    expect(c.map((e) => [e.id, e.predicted, e.timesWrong])).toEqual([["y", "C", 3], ["x", "B", 2]]);
    expect(c[1]!.confidence).toBeCloseTo(0.85, 12);
  });
});
