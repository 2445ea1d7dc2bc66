import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { DEFAULT_NB_PARAMS, fitNaiveBayes } from "../src/models/naiveBayes.js";
import { probabilities, logSumExp, scoreTokens } from "../src/models/scoring.js";
import { trainingSet } from "../src/models/contract.js";

const require = createRequire(import.meta.url);
const { MultinomialNB } = require("ml-naivebayes");

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

  it("picks the same class as ml-naivebayes' own dense predict", () => {
    // ml-naivebayes fits on one dense row per document and predicts densely; our model scores sparse tokens.
    const vocab = ["a", "b", "c", "d", "e"];
    const docs = [
      { tokens: ["a", "a", "b"], category: "x" },
      { tokens: ["a", "c"], category: "x" },
      { tokens: ["d", "e", "e"], category: "y" },
      { tokens: ["c", "d"], category: "y" },
      { tokens: ["b", "b", "e"], category: "z" },
    ];
    const dense = (tokens: string[]) => vocab.map((t) => tokens.filter((x) => x === t).length);
    const reference = new MultinomialNB();
    reference.train(docs.map((d) => dense(d.tokens)), docs.map((d) => ["x", "y", "z"].indexOf(d.category)));
    const ours = fitNaiveBayes(trainingSet(docs), { ...DEFAULT_NB_PARAMS, alpha: 1, prior: "empirical" }, ["x", "y", "z"]);
    const tests = [["a"], ["e", "e"], ["b"], ["c", "d", "a"], ["b", "e", "a", "a"], ["d"]];
    const theirs: number[] = reference.predict(tests.map(dense));
    const mine = tests.map((t) => {
      const s = scoreTokens(ours, t);
      return s.indexOf(Math.max(...s));
    });
    expect(mine).toEqual(theirs);
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
