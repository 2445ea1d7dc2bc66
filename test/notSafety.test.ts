/**
 * "Not safety research" as an answer: the taxonomy's outside entry and its spellings, the
 * background set, the two-stage model, the review rule for categories never evaluated, and the
 * fresh-abstract figures (worked by hand).
 */
import { describe, expect, it } from "vitest";
import type { LabeledAbstract, Taxonomy } from "../src/domain.js";
import { freshSection, type FreshOutcome } from "../src/evaluation/fresh.js";
import { confusionMatrix, reportFromConfusion } from "../src/metrics/metrics.js";
import { backgroundRows } from "../src/ingest/background.js";
import { parseTaxonomy } from "../src/taxonomy/file.js";
import { taxonomyFromCategories } from "../src/taxonomy/create.js";
import { activeTaxonomy as activeTaxonomyOf } from "../src/taxonomy/active.js";
import { applyTaxonomy } from "../src/taxonomy/changes.js";
import { amongCategories } from "../src/review/queue.js";
import { combineStages, Gated } from "../src/models/gated.js";
import { parseModel, serializeModel } from "../src/modelfile/modelFile.js";
import { trainModel } from "../src/training/train.js";
import { makeLabeler } from "../src/predict/label.js";
import { SafetagError } from "../src/errors.js";

const OUT = "Not safety research";
const row = (id: string, category: string, abstract: string): LabeledAbstract =>
  ({ id, company: "", title: "", date: "", url: "", category, abstract, duplicate: false, abstractMissing: false });

/** Six safety papers of two categories and six that are not safety research, in plain words. */
const safety = [
  row("s1", "Feedback", "reward model trained on human preference comparisons for fine tuning language models"),
  row("s2", "Feedback", "human feedback preferences reward model improves helpful harmless assistant"),
  row("s3", "Feedback", "scalable oversight with debate and human preference judgments of answers"),
  row("s4", "Interpretability", "sparse autoencoder features and circuits inside the residual stream of a transformer"),
  row("s5", "Interpretability", "attention heads neurons and circuits explain how the transformer computes"),
  row("s6", "Interpretability", "features in superposition found by dictionary learning on activations"),
];
const outside = [
  row("n1", "No", "protein structure prediction from amino acid sequences with deep networks"),
  row("n2", "No", "weather forecasting with graph neural networks beats numerical prediction"),
  row("n3", "No", "quadruped robot locomotion learned in simulation and transferred to hardware"),
  row("n4", "No", "image segmentation of medical scans with a convolutional encoder decoder"),
  row("n5", "No", "speech recognition at scale from weakly supervised web audio"),
  row("n6", "No", "materials discovery with graph networks predicts stable crystal structures"),
];
const TAXONOMY: Taxonomy = parseTaxonomy(
  JSON.stringify({
    format: "safetag-taxonomy",
    version: 1,
    categories: [
      { name: "Feedback", description: "human feedback, reward models and preferences" },
      { name: "Interpretability", description: "circuits, features and neurons inside networks" },
      { name: OUT, description: "capability work and science applications", scope: "outside", aliases: ["No", "Out of scope"], background: false },
    ],
  }),
  "taxonomy.json",
);

describe("the outside entry of the taxonomy", () => {
  it("reads its spellings as the category itself, not as a rename", () => {
    const applied = applyTaxonomy([...outside.slice(0, 2), { ...outside[2]!, category: "out of scope" }], TAXONOMY);
    expect(applied.rows.map((r) => r.category)).toEqual([OUT, OUT, OUT]);
    expect(applied.relabeled).toEqual([]);
  });

  it("refuses two outside entries, and a scope that is not \"outside\"", () => {
    const file = (categories: unknown[]) => JSON.stringify({ format: "safetag-taxonomy", version: 1, categories });
    expect(() => parseTaxonomy(file([{ name: "A", scope: "outside" }, { name: "B", scope: "outside" }]), "t.json"))
      .toThrow(/only one category can be the "not safety research" answer/);
    expect(() => parseTaxonomy(file([{ name: "A", scope: "inside" }]), "t.json")).toThrow(SafetagError);
    expect(() => parseTaxonomy(file([{ name: "A", aliases: ["B"] }, { name: "B" }]), "t.json")).toThrow(/already categories\[1\]/);
  });
});

describe("the background set", () => {
  it("keeps the outside rows, hands safety papers to the gate, and sets aside what the sheet already has", () => {
    const read =
      { rows: [row("b1", OUT, "a weather model"), row("b2", "Robustness", "adversarial examples"),
        row("b3", OUT, "REWARD model trained on human preference comparisons for fine tuning language models"),
          { ...row("b4", OUT, ""), abstractMissing: true }], problems: [] };
    const bg = backgroundRows(read as never, { path: "bg.csv", sha256: "x" }, TAXONOMY, safety);
    expect(bg.rows.map((r) => r.id)).toEqual(["b1"]);
    expect(bg.safety.map((r) => r.id)).toEqual(["b2"]);
    expect(bg.setAside.map((a) => [a.row.id, a.reason]))
      .toEqual([["b4", "no abstract"], ["b3", "the same abstract is a labeled row"]].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
  });

  it("gives its safety papers today's name of their category: renamed and merged labels follow the taxonomy, others stay as they are", () => {
    const changed = parseTaxonomy(JSON.stringify({
      format: "safetag-taxonomy", version: 1,
      categories: [
        { name: "Human feedback", description: "preferences", renamedFrom: ["Feedback"] },
        { name: "Insides", description: "circuits" },
        { name: "Probing", description: "probes", mergedInto: "Insides" },
        { name: "Old", description: "gone", retired: true },
        { name: OUT, description: "the rest", scope: "outside", aliases: ["No"], background: false },
      ],
    }), "t.json");
    const read = { rows: [row("b1", "Feedback", "one"), row("b2", "Probing", "two"), row("b3", "Old", "three"), row("b4", "Theirs", "four"),
      row("b5", "No", "five")], problems: [] };
    const bg = backgroundRows(read as never, { path: "bg.csv", sha256: "x" }, changed, []);
    expect(bg.safety.map((r) => [r.id, r.category])).toEqual([["b1", "Human feedback"], ["b2", "Insides"], ["b3", "Old"], ["b4", "Theirs"]]);
    expect(bg.rows.map((r) => [r.id, r.category])).toEqual([["b5", OUT]]);
  });
});

describe("training the outside answer", () => {
  const sheet = [...safety, ...applyTaxonomy(outside, TAXONOMY).rows];

  it("a sheet with \"No\" rows trains it as a category, in two stages", () => {
    const model = trainModel(sheet, { taxonomy: TAXONOMY, innerFolds: 3 });
    expect(model.categories).toEqual(["Feedback", "Interpretability", OUT]);
    expect(model.outside).toBe(OUT);
    expect(model.classifier).toBeInstanceOf(Gated);
    expect(model.unevaluated).toBeUndefined();
    const label = makeLabeler(model);
    expect(label({ id: "x", abstract: "graph networks forecast the weather from satellite data" }).category).toBe(OUT);
    expect(label({ id: "y", abstract: "circuits and neurons of a transformer found with sparse features" }).category).toBe("Interpretability");
    // and the model file keeps all of it
    const loaded = parseModel(serializeModel(model), "m.json");
    expect(loaded.outside).toBe(OUT);
    expect(Array.from(makeLabeler(loaded)({ id: "x", abstract: "protein structure" }).confidence.toFixed(12)))
      .toEqual(Array.from(label({ id: "x", abstract: "protein structure" }).confidence.toFixed(12)));
  });

  it("a sheet without them learns it from background rows", () => {
    const background = applyTaxonomy(outside, TAXONOMY).rows;
    const model = trainModel(safety, { taxonomy: TAXONOMY, innerFolds: 3, background: { rows: background, path: "bg.csv", sha256: "abc" } });
    expect(model.outside).toBe(OUT);
    expect(model.training.rows).toBe(6); // the sheet's rows; the background is recorded apart
    expect(model.report?.background).toEqual({ path: "bg.csv", sha256: "abc", rows: 6, weight: 0.5 });
    expect(makeLabeler(model)({ id: "x", abstract: "speech recognition from web audio at scale" }).category).toBe(OUT);
  });

  it("without rows or background the outside answer is known from its description only, and always goes to review", () => {
    const model = trainModel(safety, { taxonomy: TAXONOMY, innerFolds: 3 });
    expect(model.unevaluated).toEqual([OUT]);
    expect(model.classifier).not.toBeInstanceOf(Gated);
    const p = makeLabeler(model)({ id: "x", abstract: "capability work and science applications" });
    expect(p.category).toBe(OUT);
    expect(p.needsReview).toBe(true);
    expect(p.reason).toMatch(/has no labeled rows yet/);
  });
});

describe("the review rule of a two-stage model", () => {
  const model = trainModel([...safety, ...applyTaxonomy(outside, TAXONOMY).rows], { taxonomy: TAXONOMY, innerFolds: 3 });

  it("has a threshold for the outside answer apart from the categories', both kept in the model file", () => {
    expect(model.outsideReviewThreshold).toBeDefined();
    expect(model.report?.review.outsideThreshold).toBe(model.outsideReviewThreshold);
    expect(parseModel(serializeModel(model), "m.json").outsideReviewThreshold).toBe(model.outsideReviewThreshold);
  });

  it("marks an outside answer for review by its own threshold, and says which", () => {
    // the same model with the outside threshold set above any confidence, then below: only outside answers change
    const strict = makeLabeler({ ...model, outsideReviewThreshold: 1, reviewThreshold: 0 });
    const lax = makeLabeler({ ...model, outsideReviewThreshold: 0, reviewThreshold: 1 });
    const weather = { id: "x", abstract: "graph networks forecast the weather from satellite data" };
    const circuits = { id: "y", abstract: "circuits and neurons of a transformer found with sparse features" };
    expect(strict(weather)).toMatchObject({ category: OUT, needsReview: true });
    expect(strict(weather).reason).toMatch(/below review threshold 1\.00/);
    expect(strict(circuits)).toMatchObject({ category: "Interpretability", needsReview: false });
    expect(lax(weather)).toMatchObject({ category: OUT, needsReview: false });
    expect(lax(circuits)).toMatchObject({ category: "Interpretability", needsReview: true });
  });

  it("a model file without it (older versions) uses the one threshold for every answer", () => {
    const json = JSON.parse(serializeModel(model));
    delete json.outsideReviewThreshold;
    const old = parseModel(JSON.stringify(json), "old.json");
    expect(old.outsideReviewThreshold).toBeUndefined();
    const p = makeLabeler({ ...old, reviewThreshold: 1 })({ id: "x", abstract: "graph networks forecast the weather from satellite data" });
    expect(p).toMatchObject({ category: OUT, needsReview: true });
  });
});

describe("the background's safety papers", () => {
  const background = applyTaxonomy(outside, TAXONOMY).rows;
  // a Feedback paper in words no sheet row uses, and one of a category the model does not have
  const papers = [row("b1", "Feedback", "annotators rank chatbot replies pairwise to steer the policy"), row("b2", "Elsewhere", "a paper of another taxonomy")];
  const train = (categorySafetyWeight: number) =>
    trainModel(safety, { taxonomy: TAXONOMY, innerFolds: 3, background: { rows: background, safety: papers }, categorySafetyWeight });

  it("teach the gate alone at category weight 0; above it, also the category they carry when the model has it", () => {
    const words = "annotators rank chatbot replies pairwise";
    const scoreOf = (m: ReturnType<typeof train>) => {
      const g = m.classifier as Gated;
      return g.parts(g.features.vectorize(words.split(" ")));
    };
    const off = scoreOf(train(0)), on = scoreOf(train(2));
    // the gate is fitted on the same weights either way
    expect(Array.from(on.gate)).toEqual(Array.from(off.gate));
    // the category classifier now prefers Feedback for the paper's words ([Feedback, Interpretability])
    expect(on.inner[0]! - on.inner[1]!).toBeGreaterThan(off.inner[0]! - off.inner[1]!);
    expect(on.inner[0]!).toBeGreaterThan(on.inner[1]!);
  });
});

describe("the two stages combined (worked by hand)", () => {
  // categories [A, B, OUT]; gate scores over [safety, outside]; temperatures 1
  it("P(outside) = g and P(c) = (1 - g) q(c)", () => {
    // g = 3/4 (gate scores 0 and ln 3), q = (1/4, 3/4)
    const out = combineStages([0, Math.log(3)], [0, Math.log(3)], 1, 1, 1, 3, 2, [0, 1]);
    expect(Array.from(out, Math.exp).map((p) => p.toFixed(6))).toEqual([(1 / 16).toFixed(6), (3 / 16).toFixed(6), (3 / 4).toFixed(6)]);
  });

  it("the gate decides first: below even odds the outside answer stays below the best category", () => {
    // g = 0.4, q = (1/2, 1/2): joint (1 - g) q = 0.3 < 0.4 would pick the outside answer; the gate says safety
    const out = combineStages([Math.log(0.6), Math.log(0.4)], [0, 0], 1, 1, 1, 3, 2, [0, 1]);
    expect(Math.exp(out[0]!)).toBeCloseTo(0.3, 12);
    expect(out[2]!).toBeLessThan(out[0]!);
    expect(Math.exp(out[2]!)).toBeCloseTo(0.3, 6);
  });
});

describe("macro averages over the rows' own categories", () => {
  it("an answer no row has is charged as wrong but not averaged in", () => {
    // gold A A B; predicted A OUT B. Over [A, B]: F1(A) = 2/3, F1(B) = 1 → macro 5/6; over all three it would be 5/9
    const m = confusionMatrix(["A", "A", "B"], ["A", "OUT", "B"], ["A", "B", "OUT"]);
    expect(reportFromConfusion(m, ["A", "B"]).macro.f1).toBeCloseTo(5 / 6, 12);
    expect(reportFromConfusion(m).macro.f1).toBeCloseTo(5 / 9, 12);
  });
});

describe("fresh-abstract figures (worked by hand)", () => {
  /*
   *   id  gold  predicted  review
   *   1   A     A          no      right, automatic
   *   2   A     OUT        yes     a safety paper called outside
   *   3   B     B          no      right, automatic
   *   4   OUT   OUT        no      outside answered automatically
   *   5   OUT   A          no      a false safety tag nobody sees
   *   6   OUT   OUT        yes     right, but to review
   *
   * accuracy 4/6; per category: A P 1/2 R 1/2 F1 1/2; B 1 1 1; OUT P 2/3 R 2/3 F1 2/3; macro (5/6 + ... ) = (1/2 + 1 + 2/3)/3 = 13/18
   * safety papers (1-3): accuracy 2/3; labels [A, B] averaged, OUT shown: F1(A) = 2/3 (TP 1, support 2, predicted 1), F1(B) = 1 → 5/6
   * automatic: 1, 3, 4, 5 = 4 of 6, right 3 → precision 3/4
   * outside tagged safety automatically: 5 → 1 of 3; outside answered automatically: 4 → 1 of 3; safety called outside: 2 → 1 of 3
   */
  const outcomes: FreshOutcome[] = [
    { id: "1", gold: "A", predicted: "A", confidence: 0.9, needsReview: false },
    { id: "2", gold: "A", predicted: "OUT", confidence: 0.4, needsReview: true },
    { id: "3", gold: "B", predicted: "B", confidence: 0.9, needsReview: false },
    { id: "4", gold: "OUT", predicted: "OUT", confidence: 0.9, needsReview: false },
    { id: "5", gold: "OUT", predicted: "A", confidence: 0.9, needsReview: false },
    { id: "6", gold: "OUT", predicted: "OUT", confidence: 0.3, needsReview: true },
  ];
  const f = freshSection("fresh.csv", outcomes, "OUT");

  it("gives the worked example", () => {
    expect(f.rows).toBe(6);
    expect(f.report.accuracy).toBeCloseTo(4 / 6, 12);
    expect(f.report.macro.f1).toBeCloseTo(13 / 18, 12);
    expect(f.report.perCategory.map((c) => [c.category, c.support, c.predicted])).toEqual([["A", 2, 2], ["B", 1, 1], ["OUT", 3, 3]]);
    expect(f.confusion.counts).toEqual([[1, 0, 1], [0, 1, 0], [1, 0, 2]]);
    expect(f.safety).toEqual({ rows: 3, accuracy: 2 / 3, macroF1: expect.closeTo(5 / 6, 12) });
    expect(f.automatic).toEqual({ count: 4, of: 6, share: 4 / 6, precision: 3 / 4 });
    expect(f.outsideTaggedSafety).toEqual({ count: 1, of: 3, share: 1 / 3 });
    expect(f.outsideAnswered).toEqual({ count: 1, of: 3, share: 1 / 3 });
    expect(f.safetyCalledOutside).toEqual({ count: 1, of: 3, share: 1 / 3 });
  });
});

describe("categories never evaluated go to review", () => {
  it("the parts of a split, known from their descriptions only, are never labeled automatically", () => {
    const taxonomy = parseTaxonomy(JSON.stringify({
      format: "safetag-taxonomy",
      version: 1,
      categories: [
        { name: "Feedback", description: "human feedback, reward models and preferences" },
        { name: "Interpretability", splitInto: ["Circuits", "Features"] },
        { name: "Circuits", description: "circuits, attention heads and neurons inside a transformer" },
        { name: "Features", description: "features in superposition found by sparse dictionary learning" },
      ],
    }), "t.json");
    const applied = applyTaxonomy(safety, taxonomy);
    expect(applied.setAside.map((s) => s.kind)).toEqual(["split", "split", "split"]);
    const model = trainModel(applied.rows, { taxonomy: activeTaxonomyOf(taxonomy), innerFolds: 2 });
    expect(model.unevaluated).toEqual(["Circuits", "Features"]);
    const p = makeLabeler(model)({ id: "x", abstract: "circuits attention heads and neurons inside a transformer" });
    expect(p.category).toBe("Circuits");
    expect(p.needsReview).toBe(true);
    expect(p.reason).toContain('"Circuits" has no labeled rows yet');
  });

  it("the review sheet offers the best of the new parts, renormalised over them", () => {
    // model categories [Circuits, Features, Feedback] with probabilities 0.2, 0.1, 0.7: the whole model picks Feedback
    const p = { category: "Feedback", confidence: 0.7, runnerUp: "Circuits", runnerUpConfidence: 0.2 };
    expect(amongCategories(p, [0.2, 0.1, 0.7], ["Circuits", "Features", "Feedback"], ["Circuits", "Features"])).toEqual({
      category: "Circuits", confidence: expect.closeTo(2 / 3, 12), runnerUp: "Features", runnerUpConfidence: expect.closeTo(1 / 3, 12),
    });
    expect(amongCategories(p, [0.2, 0.1, 0.7], ["Circuits", "Features", "Feedback"], ["Gone"])).toBe(p);
  });
});

describe("a new taxonomy", () => {
  it("takes the bundled outside entry along, with its spellings and background set, whether or not the data uses it", () => {
    const bundled: Taxonomy =
      { categories: [{ name: "Feedback", description: "feedback" },
        { name: OUT, description: "not safety", scope: "outside", aliases: ["No"], background: "background/background.csv" }] };
    const outsideEntry = { name: OUT, description: "not safety", scope: "outside", aliases: ["No"], background: "background/background.csv" };
    expect(taxonomyFromCategories(["Feedback", "Brand new"], bundled).categories)
      .toEqual([{ name: "Feedback", description: "feedback" }, { name: "Brand new" }, outsideEntry]);
    // a sheet that labels rows "No" gets the entry under its own name, once
    expect(taxonomyFromCategories(["No", "Feedback"], bundled).categories).toEqual([outsideEntry, { name: "Feedback", description: "feedback" }]);
  });
});
