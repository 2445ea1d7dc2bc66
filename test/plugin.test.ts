/**
 * A classifier plugs in behind the one contract: a throwaway one, defined here and nowhere in
 * src/, is added to a kinds table of this test's own, and goes through training, the model file's
 * text, parsing and labeling, alone and as a stage of the two-stage model. The built-in table is
 * not changed by it.
 */
import { describe, expect, it } from "vitest";
import type { Category, LabeledAbstract, Taxonomy } from "../src/domain.js";
import { FeatureSpace, TFIDF, type FeatureState } from "../src/features/featureSpace.js";
import type { SparseVector } from "../src/features/vocabulary.js";
import type { Fit, FittedClassifier, ModelKindEntry, Restore } from "../src/models/contract.js";
import { Gated } from "../src/models/gated.js";
import { BUILT_IN_KINDS, describeModelChoices, kindOfClassifier, MODEL_KINDS, type ModelKinds } from "../src/models/kinds.js";
import { checkMatrix, COEFFICIENT, modelError } from "../src/models/numbers.js";
import { modelText, parseModel, serializeModel } from "../src/modelfile/modelFile.js";
import { makeLabeler } from "../src/predict/label.js";
import { parseTaxonomy } from "../src/taxonomy/file.js";
import { trainModel } from "../src/training/train.js";
import { thrown } from "./thrown.js";

/**
 * Nearest centroid: a category's score is the dot product of a text's TF-IDF vector with the mean
 * vector of its training examples. Simple enough to check by eye, unlike every built-in kind.
 */
class Centroids implements FittedClassifier {
  readonly type = "test-centroids";

  constructor(
    readonly categories: readonly Category[],
    readonly features: FeatureSpace,
    /** centroids[c][t] */
    readonly centroids: readonly (readonly number[])[],
  ) {}

  jointLogLikelihood(x: SparseVector): Float64Array {
    return Float64Array.from(this.centroids, (row) => {
      let s = 0;
      for (let j = 0; j < x.indices.length; j++) s += x.values[j]! * row[x.indices[j]!]!;
      return s;
    });
  }

  termWeights(term: string): Float64Array | undefined {
    const t = this.features.termIndex(term);
    return t === undefined ? undefined : Float64Array.from(this.centroids, (row) => row[t]!);
  }

  toJSON(): unknown {
    return { kind: this.type, features: this.features.state, centroids: this.centroids };
  }
}

const fitCentroids: Fit<Record<string, never>> = (set, _params, categories) => {
  const { space, vectors } = set.texts.inSpace(TFIDF);
  const sums = categories.map(() => new Array<number>(space.size).fill(0));
  const weights = categories.map(() => 0);
  set.labels.forEach((label, i) => {
    const c = categories.indexOf(label);
    weights[c]! += set.weights[i]!;
    const x = vectors[i]!;
    for (let j = 0; j < x.indices.length; j++) sums[c]![x.indices[j]!]! += set.weights[i]! * x.values[j]!;
  });
  return new Centroids(categories, space, sums.map((row, c) => row.map((v) => (weights[c]! > 0 ? v / weights[c]! : 0))));
};

const restoreCentroids: Restore = (json, categories, at) => {
  const features = json.features as FeatureState | undefined;
  if (!features || !Array.isArray(features.terms) || !Array.isArray(features.idf)) {
    throw modelError(at.file, `${at.field}.features are missing`);
  }
  const centroids = checkMatrix(json.centroids, `${at.field}.centroids`, categories.length, features.terms.length, COEFFICIENT, at.file);
  return new Centroids(categories, new FeatureSpace(TFIDF, features), centroids);
};

const CENTROIDS: ModelKindEntry = {
  description: "nearest centroid on TF-IDF (a test's own)",
  type: "test-centroids",
  fit: (set, categories) => fitCentroids(set, {}, categories),
  restore: restoreCentroids,
};
/** The built-in kinds and this test's, one line more. */
const KINDS: ModelKinds = { ...BUILT_IN_KINDS, "test-centroids": CENTROIDS };

const row = (id: string, category: string, abstract: string): LabeledAbstract =>
  ({ id, company: "", title: "", date: "", url: "", category, abstract, duplicate: false, abstractMissing: false });
const safety = [
  row("s1", "Feedback", "reward model trained on human preference comparisons for fine tuning language models"),
  row("s2", "Feedback", "human feedback preferences reward model improves helpful harmless assistant"),
  row("s3", "Feedback", "scalable oversight with debate and human preference judgments of answers"),
  row("s4", "Interpretability", "sparse autoencoder features and circuits inside the residual stream of a transformer"),
  row("s5", "Interpretability", "attention heads neurons and circuits explain how the transformer computes"),
  row("s6", "Interpretability", "features in superposition found by dictionary learning on activations"),
];
const OUT = "Not safety research";
const outside = [
  row("n1", OUT, "protein structure prediction from amino acid sequences with deep networks"),
  row("n2", OUT, "weather forecasting with graph neural networks beats numerical prediction"),
  row("n3", OUT, "quadruped robot locomotion learned in simulation and transferred to hardware"),
  row("n4", OUT, "image segmentation of medical scans with a convolutional encoder decoder"),
];
const TAXONOMY: Taxonomy = parseTaxonomy(
  JSON.stringify({
    format: "safetag-taxonomy",
    version: 1,
    categories: [
      { name: "Feedback", description: "human feedback, reward models and preferences" },
      { name: "Interpretability", description: "circuits, features and neurons inside networks" },
      { name: OUT, description: "capability work and science applications", scope: "outside", background: false },
    ],
  }),
  "taxonomy.json",
);
const probes =
  ["reward models from human preferences", "circuits and neurons of a transformer",
    "weather forecasting with graph networks", "an unrelated text about cooking", ""];
const fixedClock = () => new Date("2026-01-01T00:00:00Z");
const labels = (model: ReturnType<typeof trainModel>) => {
  const label = makeLabeler(model);
  return probes.map((abstract, i) => label({ id: `p${i}`, abstract }));
};

describe("a classifier plugged in by a kinds table of its own", () => {
  it("is trained, written, read back and labels as it did before it was written", () => {
    const model = trainModel(safety, { kind: "test-centroids", kinds: KINDS, innerFolds: 3, now: fixedClock });
    expect(model.classifier).toBeInstanceOf(Centroids);
    expect(model.report?.kind).toBe("test-centroids");
    expect(kindOfClassifier(model.classifier, KINDS)).toBe("test-centroids");
    // it learned its rows: each is its own category's
    const label = makeLabeler(model);
    for (const r of safety) expect([r.id, label({ id: r.id, abstract: `${r.abstract} and more` }).category]).toEqual([r.id, r.category]);
    const text = serializeModel(model);
    expect((JSON.parse(text) as { model: { kind: string } }).model.kind).toBe("test-centroids");
    const loaded = parseModel(text, "m.json", KINDS);
    expect(loaded.classifier).toBeInstanceOf(Centroids);
    expect(serializeModel(loaded)).toBe(text);
    expect(modelText(loaded)).toBe(text);
    expect(labels(loaded)).toEqual(labels(model));
  });

  it("serves as the category classifier and the gate of the two-stage model", () => {
    const options = { kind: "test-centroids", gateKind: "test-centroids", kinds: KINDS, taxonomy: TAXONOMY, innerFolds: 3, now: fixedClock };
    const model = trainModel([...safety, ...outside], options);
    expect(model.classifier).toBeInstanceOf(Gated);
    const gated = model.classifier as Gated;
    expect([gated.gate, gated.classifier].map((c) => c.type)).toEqual(["test-centroids", "test-centroids"]);
    expect(gated.features).toBe(gated.gate.features); // one space, fitted once for both stages
    expect(makeLabeler(model)({ id: "x", abstract: "graph networks forecast the weather" }).category).toBe(OUT);
    const text = serializeModel(model);
    const loaded = parseModel(text, "m.json", KINDS);
    expect(serializeModel(loaded)).toBe(text);
    expect(labels(loaded)).toEqual(labels(model));
  });

  it("is unknown to a table that does not have it, and the built-in table is left as it was", () => {
    const text = serializeModel(trainModel(safety, { kind: "test-centroids", kinds: KINDS, innerFolds: 3, now: fixedClock }));
    expect(() => parseModel(text, "m.json")).toThrow(/m\.json: unknown model kind "test-centroids"/);
    const e = thrown(() => trainModel(safety, { kind: "test-centroids" }));
    expect([e.code, e.exitCode, e.message]).toEqual(["E_MODEL_KIND", 2, 'unknown model kind "test-centroids"']);
    expect(e.hint).toBe(`the kinds are ${MODEL_KINDS.join(", ")}`);
    expect(Object.keys(BUILT_IN_KINDS)).toEqual(["multinomial-nb", "complement-nb", "tfidf-nb", "logistic", "ensemble"]);
    // what --help lists is the table's: the plug-in's line is in its table's list only
    expect(describeModelChoices(KINDS)).toContain("test-centroids  nearest centroid on TF-IDF (a test's own)");
    expect(describeModelChoices().some((line) => line.includes("test-centroids"))).toBe(false);
    expect("test-centroids" in BUILT_IN_KINDS).toBe(false);
  });
});
