import { describe, expect, it } from "vitest";
import type { LabeledAbstract } from "../src/domain.js";
import { DEFAULT_NB_PARAMS, fitNaiveBayes } from "../src/models/naiveBayes.js";
import { probabilities, logSumExp, scoreTokens } from "../src/models/scoring.js";
import { trainingSet } from "../src/models/contract.js";
import { modelPredictor, trainModel } from "../src/training/train.js";

/**
 * Manning, Raghavan & Schütze, Introduction to Information Retrieval, Example 13.1.
 * Training: d1 "Chinese Beijing Chinese" (China), d2 "Chinese Chinese Shanghai" (China),
 * d3 "Chinese Macao" (China), d4 "Tokyo Japan Chinese" (not China). V = 6.
 * China has 8 tokens, 5 of them "Chinese": P(Chinese|c) = (5+1)/(8+6) = 3/7,
 * P(Tokyo|c) = P(Japan|c) = 1/14. Not-China has 3 tokens: P(Chinese|~c) = (1+1)/(3+6) = 2/9,
 * P(Tokyo|~c) = P(Japan|~c) = 2/9. Priors 3/4 and 1/4.
 * d5 "Chinese Chinese Chinese Tokyo Japan":
 *   P(c|d5)  ∝ 3/4 · (3/7)^3 · 1/14 · 1/14 ≈ 0.0003
 *   P(~c|d5) ∝ 1/4 · (2/9)^3 · 2/9 · 2/9  ≈ 0.0001
 */
const train = [
  { tokens: ["chinese", "beijing", "chinese"], category: "china" },
  { tokens: ["chinese", "chinese", "shanghai"], category: "china" },
  { tokens: ["chinese", "macao"], category: "china" },
  { tokens: ["tokyo", "japan", "chinese"], category: "not-china" },
];
const d5 = ["chinese", "chinese", "chinese", "tokyo", "japan"];

describe("multinomial naive Bayes", () => {
  it("reproduces IIR Example 13.1 exactly", () => {
    const nb = fitNaiveBayes(trainingSet(train), { ...DEFAULT_NB_PARAMS, alpha: 1, prior: "empirical" }, ["china", "not-china"]);
    const jll = scoreTokens(nb, d5);
    expect(Math.exp(jll[0]!)).toBeCloseTo((3 / 4) * (3 / 7) ** 3 * (1 / 14) ** 2, 12);
    expect(Math.exp(jll[1]!)).toBeCloseTo((1 / 4) * (2 / 9) ** 5, 12);
    expect(Math.exp(jll[0]!)).toBeCloseTo(0.0003, 4);
    expect(Math.exp(jll[1]!)).toBeCloseTo(0.0001, 4);
    expect(jll[0]!).toBeGreaterThan(jll[1]!);
    expect(nb.termWeights("chinese")![0]).toBeCloseTo(Math.log(3 / 7), 12);
    expect(nb.termWeights("chinese")![1]).toBeCloseTo(Math.log(2 / 9), 12);
  });

  it("applies Lidstone smoothing alpha: (n + a) / (N + aV)", () => {
    const nb = fitNaiveBayes(trainingSet(train), { ...DEFAULT_NB_PARAMS, alpha: 0.5, prior: "empirical" }, ["china", "not-china"]);
    expect(nb.termWeights("chinese")![0]).toBeCloseTo(Math.log((5 + 0.5) / (8 + 0.5 * 6)), 12);
    expect(nb.termWeights("tokyo")![1]).toBeCloseTo(Math.log((1 + 0.5) / (3 + 0.5 * 6)), 12);
  });

  it("uniform prior gives each category log(1/k)", () => {
    const nb = fitNaiveBayes(trainingSet(train), { ...DEFAULT_NB_PARAMS, alpha: 1, prior: "uniform" }, ["china", "not-china"]);
    const empty = scoreTokens(nb, []);
    expect(empty[0]).toBeCloseTo(Math.log(0.5), 12);
    expect(empty[1]).toBeCloseTo(Math.log(0.5), 12);
  });

  it("ignores terms it never saw in training", () => {
    const nb = fitNaiveBayes(trainingSet(train), { ...DEFAULT_NB_PARAMS, alpha: 1, prior: "empirical" }, ["china", "not-china"]);
    expect(Array.from(scoreTokens(nb, [...d5, "osaka", "kyoto"]))).toEqual(Array.from(scoreTokens(nb, d5)));
  });
});

/*
 * The same maths through the public entry points (trainModel, modelPredictor): a multinomial
 * naive Bayes model file, inner cross-validation off (so the temperature stays 1), rows as they
 * are (balance 0), words neither stemmed nor dropped. predictProba is then P(c | d) itself.
 */
const row = (id: string, category: string, abstract: string): LabeledAbstract => ({
  id, company: "", title: "", date: "", url: "", category, abstract, duplicate: false, abstractMissing: false,
});
const PLAIN_WORDS = { lowercase: true, stopWords: "none" as const, stem: "none" as const, minLength: 1, ngrams: 1 };
const handModel = (rows: LabeledAbstract[]) =>
  trainModel(rows, { kind: "multinomial-nb", balance: 0, innerFolds: 0, tokenizer: PLAIN_WORDS, now: () => new Date(0) });

describe("multinomial naive Bayes, trained and scored as safetag does (worked by hand)", () => {
  it("IIR Example 13.1: P(China | d5) = 0.000301 / (0.000301 + 0.000135) = 0.690", () => {
    // joint likelihoods from the comment at the top: 3/4 · (3/7)^3 · (1/14)^2 and 1/4 · (2/9)^5
    const china = (3 / 4) * (3 / 7) ** 3 * (1 / 14) ** 2;
    const japan = (1 / 4) * (2 / 9) ** 5;
    const model = handModel([
      row("d1", "china", "Chinese Beijing Chinese"),
      row("d2", "china", "Chinese Chinese Shanghai"),
      row("d3", "china", "Chinese Macao"),
      row("d4", "not-china", "Tokyo Japan Chinese"),
    ]);
    expect(model.temperature).toBe(1);
    const p = modelPredictor(model).predictProba("Chinese Chinese Chinese Tokyo Japan");
    expect(p[0]).toBeCloseTo(china / (china + japan), 12);
    expect(p[0]).toBeCloseTo(0.6898, 4);
    expect(p[1]).toBeCloseTo(japan / (china + japan), 12);
  });

  it("three categories: the prior decides a close call, and the words a clear one", () => {
    /*
     * x: "a a b", "a c"    counts a3 b1 c1 d0 e0, N = 5
     * y: "d e e", "c d"    counts a0 b0 c1 d2 e2, N = 5
     * z: "b b e"           counts a0 b2 c0 d0 e1, N = 3          V = 5, alpha 1, priors 2/5 2/5 1/5
     *
     * P(t | x) = (n + 1) / 10: a .4  b .2  c .2  d .1  e .1
     * P(t | y) = (n + 1) / 10: a .1  b .1  c .2  d .3  e .3
     * P(t | z) = (n + 1) / 8:  a 1/8 b 3/8 c 1/8 d 1/8 e 2/8
     *
     * "b":   x .4·.2 = .08      y .4·.1 = .04      z .2·3/8 = .075       sum .195   -> x (the prior beats z's .375)
     * "e e": x .4·.01 = .004    y .4·.09 = .036    z .2·1/16 = .0125     sum .0525  -> y
     * "b b": x .4·.04 = .016    y .4·.01 = .004    z .2·9/64 = .028125   sum .048125 -> z
     * a word never seen: the priors, .4 .4 .2
     */
    const model = handModel([row("1", "x", "a a b"), row("2", "x", "a c"), row("3", "y", "d e e"), row("4", "y", "c d"), row("5", "z", "b b e")]);
    expect(model.categories).toEqual(["x", "y", "z"]);
    const p = (text: string) => Array.from(modelPredictor(model).predictProba(text));
    const close = (values: number[]) => values.map((v) => expect.closeTo(v, 12));
    expect(p("b")).toEqual(close([0.08 / 0.195, 0.04 / 0.195, 0.075 / 0.195]));
    expect(p("e e")).toEqual(close([0.004 / 0.0525, 0.036 / 0.0525, 0.0125 / 0.0525]));
    expect(p("b b")).toEqual(close([0.016 / 0.048125, 0.004 / 0.048125, 0.028125 / 0.048125]));
    expect(p("never")).toEqual(close([0.4, 0.4, 0.2]));
  });
});

describe("scoring", () => {
  it("log-sum-exp does not overflow and probabilities sum to 1", () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 10);
    const p = probabilities([-1000, -1001, -1002]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[0]! / p[1]!).toBeCloseTo(Math.E, 10);
  });

  it("temperature flattens probabilities without changing their order", () => {
    const sharp = probabilities([0, -2, -4]);
    const flat = probabilities([0, -2, -4], 4);
    expect(flat[0]!).toBeLessThan(sharp[0]!);
    expect(flat[0]!).toBeGreaterThan(flat[1]!);
    expect(flat[1]!).toBeGreaterThan(flat[2]!);
  });
});
