import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Papa from "papaparse";
import type { LabeledAbstract } from "../src/domain.js";
import { modelText, parseModel, serializeModel, MODEL_VERSION } from "../src/modelfile/modelFile.js";
import { MODEL_KINDS } from "../src/models/kinds.js";
import { trainModel, modelPredictor } from "../src/training/train.js";
import { makeLabeler } from "../src/predict/label.js";
import { fitNaiveBayes, DEFAULT_NB_PARAMS } from "../src/models/naiveBayes.js";
import { minimize } from "../src/models/lbfgs.js";
import { RAW_COUNTS } from "../src/features/featureSpace.js";
import { trainingSet } from "../src/models/contract.js";
import { scoreTokens } from "../src/models/scoring.js";
import { KnownAbstracts } from "../src/modelfile/knownAbstracts.js";

const rows: LabeledAbstract[] = Papa.parse<Record<string,
  string>>(readFileSync(join(__dirname, "fixtures", "tiny-labeled.csv"), "utf8"), { header: true, skipEmptyLines: true }).data.map((r, i) => ({
  id: `r${i + 2}`, company: r.Company!, title: r.Title!, date: r.Date!, url: r.URL!, category: r.Safety_category!,
    abstract: r.Abstract!, duplicate: false, abstractMissing: false,
}));
const probes = ["attention heads and circuits", "human preference feedback", "adversarial perturbation defenses", "an unrelated text about cooking", ""];
const fixedClock = () => new Date("2026-01-01T00:00:00Z");
const row = (id: string, category: string, abstract: string): LabeledAbstract => ({
  id, company: "", title: "", date: "", url: "", category, abstract, duplicate: false, abstractMissing: false,
});
const PLAIN_WORDS = { lowercase: true, stopWords: "none" as const, stem: "none" as const, minLength: 1, ngrams: 1 };

describe("model files", () => {
  for (const kind of MODEL_KINDS) {
    it(`${kind}: save, load, identical predictions (overfit a tiny set first)`, () => {
      const model = trainModel(rows, { kind, now: fixedClock });
      // the model must at least learn its own training data
      const labeler = makeLabeler({ ...model, known: KnownAbstracts.none(model.categories) });
      const own = rows.map((r) => labeler({ id: r.id, abstract: r.abstract }).category);
      expect(own.filter((c, i) => c === rows[i]!.category).length).toBeGreaterThanOrEqual(16);
      const text = serializeModel(model);
      const loaded = parseModel(text, "model.json");
      expect(serializeModel(loaded)).toBe(text);
      const a = modelPredictor(model);
      const b = modelPredictor(loaded);
      for (const p of probes) expect(Array.from(b.predictProba(p))).toEqual(Array.from(a.predictProba(p)));
      // and what they predict is a probability distribution over the model's categories
      for (const p of probes) {
        const proba = Array.from(a.predictProba(p));
        expect(proba).toHaveLength(model.categories.length);
        expect(proba.every((x) => x >= 0 && x <= 1)).toBe(true);
        expect(proba.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
      }
    });
  }

  it("records how it was made", () => {
    const m = JSON.parse(serializeModel(trainModel(rows, { now: fixedClock, source: { path: "x.csv", sha256: "abc" } })));
    expect(m).toMatchObject(
      { format: "safetag-model", version: MODEL_VERSION, createdAt: "2026-01-01T00:00:00.000Z", training: { path: "x.csv", rows: 18, sha256: "abc" } });
    expect(m.categories).toEqual(["Feedback", "Interpretability", "Robustness"]);
    expect(m.tokenizer).toMatchObject({ stem: "porter", stopWords: "english" });
    expect(m.report.calibration.temperature).toBeGreaterThan(0);
  });

  it("recognises a labeled abstract however it is cased, spaced or typeset, and only a labeled one", () => {
    const model = parseModel(serializeModel(trainModel(rows, { now: fixedClock })), "m.json");
    const label = makeLabeler(model);
    const r = rows[3]!;
    const variants = [r.abstract, `  ${r.abstract.toUpperCase()}\n`, r.abstract.replace(/ /g, "\u00a0 "), r.abstract.replace(/fi/g, "\ufb01")];
    for (const abstract of variants) expect(label({ id: "x", abstract }))
      .toMatchObject({ source: "known", matchedId: r.id, category: r.category, confidence: 1 });
    // one word more, or one word fewer, is another text
    for (const abstract of [`${r.abstract} models`, r.abstract.split(" ").slice(1).join(" ")]) expect(label({ id: "x", abstract }).source).toBe("model");
    // the fingerprints only spare the hash: without them, the same answers
    const json = JSON.parse(serializeModel(model));
    delete json.known.fingerprints;
    const plain = makeLabeler(parseModel(JSON.stringify(json), "m.json"));
    for (const abstract of [...variants, ...rows.map((x) => x.abstract), ...probes]) expect(plain({ id: "x", abstract })).toEqual(label({ id: "x", abstract }));
  });

  it("recognises a labeled abstract with dashes and typographic quotes (plain text, fingerprinted like ASCII)", () => {
    const typeset = rows.map((r, i) => (i === 4 ? { ...r, abstract: `We study the model’s “reward” — and its ${r.abstract}` } : r));
    const model = parseModel(serializeModel(trainModel(typeset, { now: fixedClock })), "m.json");
    const label = makeLabeler(model);
    const r = typeset[4]!;
    for (const abstract of [r.abstract,
      ` ${r.abstract.toUpperCase()}  `, r.abstract.replace(/ /g, "\u00a0")]) expect(label({ id: "x", abstract }))
        .toMatchObject({ source: "known", matchedId: r.id });
    // the typographic characters are part of the text: without them, or with others, it is another text
    for (const abstract of [r.abstract.replace("—", "-"), r.abstract.replace("’", "'"),
      r.abstract.replace("“", "\"")]) expect(label({ id: "x", abstract }).source).toBe("model");
    const json = JSON.parse(serializeModel(model));
    delete json.known.fingerprints;
    const plain = makeLabeler(parseModel(JSON.stringify(json), "m.json"));
    for (const abstract of [r.abstract, r.abstract.replace("—", "-"), ...probes]) expect(plain({ id: "x", abstract })).toEqual(label({ id: "x", abstract }));
  });

  it("hands on the text a model was parsed from, and a trained model's serialization", () => {
    const trained = trainModel(rows, { now: fixedClock });
    expect(modelText(trained)).toBe(serializeModel(trained));
    const spaced = JSON.stringify(JSON.parse(serializeModel(trained)), null, 1); // any text of the model, as read
    const loaded = parseModel(spaced, "m.json");
    expect(modelText(loaded)).toBe(spaced);
    expect(modelText({ ...loaded })).toBe(serializeModel(loaded)); // a changed copy is serialized
  });

  it("reads a version 1 model file (known abstracts as an object of hash -> row) with the same predictions", () => {
    const text = serializeModel(trainModel(rows, { now: fixedClock }));
    const v2 = JSON.parse(text);
    const k = v2.known;
    const v1 =
      { ...v2, version: 1, known: Object.fromEntries(k.hashes.map((h: string, i: number) => [h, { id: k.ids[i], category: v2.categories[k.categories[i]] }])) };
    const a = makeLabeler(parseModel(text, "v2.json"));
    const b = makeLabeler(parseModel(JSON.stringify(v1), "v1.json"));
    for (const abstract of [...rows.map((x) => x.abstract), ...probes]) expect(b({ id: "x", abstract })).toEqual(a({ id: "x", abstract }));
    expect(rows.every((x) => b({ id: "x", abstract: x.abstract }).source === "known")).toBe(true);
  });
});

describe("complement naive Bayes", () => {
  it("matches a hand-computed example", () => {
    // A: "x x y", B: "y z". Complement of A = B's counts (x0 y1 z1, N=2); alpha 1, V 3:
    // theta~A = (1/5, 2/5, 2/5); w = log theta~A; normalised by sum |w| = log5 + 2 log(5/2).
    const nb = fitNaiveBayes(
      trainingSet([{ tokens: ["x", "x", "y"], category: "A" }, { tokens: ["y", "z"], category: "B" }]),
      { ...DEFAULT_NB_PARAMS, complement: true, alpha: 1, features: RAW_COUNTS },
      ["A", "B"],
    );
    const z = Math.log(5) + 2 * Math.log(5 / 2);
    expect(nb.termWeights("x")![0]).toBeCloseTo(-Math.log(1 / 5) / z, 12);
    expect(nb.termWeights("y")![0]).toBeCloseTo(-Math.log(2 / 5) / z, 12);
    const s = scoreTokens(nb, ["x"]);
    expect(s[0]!).toBeGreaterThan(s[1]!);
  });
});

describe("logistic regression", () => {
  it("L-BFGS finds the minimum of a quadratic", () => {
    const { x } = minimize((v, g) => {
      g[0] = 2 * (v[0]! - 3);
      g[1] = 4 * (v[1]! + 1);
      return (v[0]! - 3) ** 2 + 2 * (v[1]! + 1) ** 2;
    }, new Float64Array(2));
    expect(x[0]).toBeCloseTo(3, 5);
    expect(x[1]).toBeCloseTo(-1, 5);
  });

  it("gives the probabilities of a worked example (one word per category, L2 penalty, C = 10)", () => {
    /*
     * "a" is X, "b" is Y: each TF-IDF vector is one unit coordinate, the classes weigh the same,
     * and by symmetry the fit is W_Xa = W_Yb = u, W_Ya = W_Xb = -u, no bias. scikit-learn's
     * objective over Σw = 2 with C = 10 is  log(1 + e^(-2u)) + ½ · 1/(C·Σw) · 4u² = log(1 + e^(-2u)) + 0.1 u²,
     * whose minimum has 0.2 u = 2 / (1 + e^(2u)), i.e. u = 10 (1 - p) for p = P(X | "a") = 1 / (1 + e^(-2u)).
     * Iterating u <- 10 / (1 + e^(2u)) by hand: 1.0 -> 1.19, 1.1 -> 0.998, 1.06 -> 1.072, 1.065 -> 1.062: u = 1.064, p = 0.8936.
     */
    const lr = trainModel([row("1", "X", "a"), row("2", "Y", "b")], { kind: "logistic", balance: 0, innerFolds: 0, tokenizer: PLAIN_WORDS, now: fixedClock });
    expect(lr.temperature).toBe(1);
    const predictor = modelPredictor(lr);
    const [p, q] = Array.from(predictor.predictProba("a"));
    expect(p).toBeCloseTo(0.8936, 4);
    expect(p! + q!).toBeCloseTo(1, 12);
    const u = Math.log(p! / (1 - p!)) / 2;
    expect(u).toBeCloseTo(10 * (1 - p!), 4); // the stationarity condition above
    expect(Array.from(predictor.predictProba("b"))).toEqual([expect.closeTo(q!, 8), expect.closeTo(p!, 8)]);
    expect(Array.from(predictor.predictProba("unseen"))).toEqual([expect.closeTo(0.5, 8), expect.closeTo(0.5, 8)]);
  });
});
