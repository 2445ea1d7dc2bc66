import type { Category, LabeledAbstract, Taxonomy } from "../domain.js";
import { repeatedStratifiedKFold } from "../sampling/folds.js";
import { fittedExamples, shareFitted } from "../features/featureSpace.js";
import { abstractKey, isPlain } from "../text/normalize.js";
import { DEFAULT_TOKENIZER, makeTokenIds, makeTokenizer, rememberingTokenizer, type Tokenizer, type TokenizerSettings } from "../text/tokenize.js";
import { Vocabulary, type SparseVector } from "../features/vocabulary.js";
import { fitTemperature, negativeLogLikelihood, reviewThreshold } from "./calibration.js";
import type { FittedClassifier, Predictor, Trainer, TrainingExample } from "../models/contract.js";
import { abstractHash, KnownAbstracts } from "../modelfile/knownAbstracts.js";
import type { LoadedModel, TrainingReport } from "../modelfile/modelFile.js";
import { AUTO_CANDIDATES, DEFAULT_MODEL_KIND, fitClassifier, type ModelChoice, type ModelKind } from "../models/kinds.js";
import { combineStages, Gated, GATE_SAFETY } from "../models/gated.js";
import { probabilities, topTwo } from "../models/scoring.js";
import { taxonomyExamples } from "./taxonomyEvidence.js";
import { fitScope, quantileOf, ScopeModel } from "../models/scope.js";
import { DEFAULT_INNER_ROWS, innerSample } from "./innerSample.js";
import { driftBaseline } from "../modelfile/drift.js";
import { modelCategories } from "../taxonomy/active.js";
import { outsideEntry } from "../taxonomy/outside.js";
import { SafetagError } from "../errors.js";
import { MAX_CATEGORIES } from "../modelfile/checks.js";

export interface TrainOptions {
  /** A model kind, or "auto" to choose among AUTO_CANDIDATES by inner cross-validation. */
  kind?: ModelChoice;
  tokenizer?: TokenizerSettings;
  /** Category descriptions used as prior evidence (and to know categories with no rows yet). */
  taxonomy?: Taxonomy;
  /** Candidate weights of the taxonomy evidence, in labeled rows; chosen by inner cross-validation. */
  priorWeights?: number[];
  /** Also learn from titles (predictions only ever see abstracts). */
  titles?: boolean;
  /** Precision wanted among predictions not sent to review. */
  targetPrecision?: number;
  innerFolds?: number;
  /** The inner cross-validation uses at most this many rows: a seeded sample of larger data (see innerSample.ts). */
  innerRows?: number;
  seed?: number;
  /** Where the rows came from, recorded in the model file. */
  source?: { path: string; sha256: string };
  /** The clock, passed in so that tests and reruns can be byte-identical. */
  now?: () => Date;
  /** Unlabeled abstracts for semi-supervised EM (Nigam et al. 2000); none = supervised only. */
  unlabeled?: readonly string[];
  /** Weight of an unlabeled abstract relative to a labeled row (EM-λ). */
  unlabeledWeight?: number;
  emIterations?: number;
  /**
   * Abstracts of the outside ("not safety research") category that the model learns from besides
   * `rows`: the background set (see ingest/background.ts). They take part in the inner
   * cross-validation like any row, so calibration and the review threshold see non-safety text.
   */
  background?: { rows: readonly LabeledAbstract[]; path?: string; sha256?: string; safety?: readonly LabeledAbstract[] };
  /** How much one background row counts, relative to a labeled row. */
  backgroundWeight?: number;
  /** The kind of the gate that tells safety research from the outside answer (see gated.ts). */
  gateKind?: ModelKind;
  /** How much a taxonomy description counts in the gate, in labeled rows (the category classifier's weight is chosen by inner CV). */
  gatePriorWeight?: number;
  /** Only what predicting needs (cross-validation's fold models): no drift baseline, no known-abstract index. */
  predictorOnly?: boolean;
  /** How far the category classifier evens out category sizes (see balanced): 0 not at all, 1 fully. */
  balance?: number;
  /**
   * How much a safety paper of the background set counts in the gate, relative to one of its
   * non-safety rows: the set has about half as many, and 2 evens the gate's two sides out.
   */
  gateSafetyWeight?: number;
}

/**
 * The taxonomy weight, in labeled rows per description. One value, chosen on fresh abstracts
 * (data/eval/README.md): the inner cross-validation of the sheet favours lighter weights, because
 * the sheet's own rows were in view when the descriptions were written, while on new papers the
 * descriptions generalise better than eighty rows do. Give several to choose among them by inner
 * cross-validation.
 */
export const DEFAULT_PRIOR_WEIGHTS = [30];
export const DEFAULT_BACKGROUND_WEIGHT = 1;
export const DEFAULT_GATE_KIND: ModelKind = "tfidf-nb";
export const DEFAULT_GATE_PRIOR_WEIGHT = 5;
export const DEFAULT_BALANCE = 0.5;
export const DEFAULT_GATE_SAFETY_WEIGHT = 2;
/**
 * Precision asked of the predictions not sent to review, out of fold. Higher than what a user
 * gets: on fresh abstracts the precision came out 0.05 to 0.07 lower than the inner
 * cross-validation promised (the sheet flatters its own taxonomy), so asking 0.97 gives about
 * 0.90 to 0.92 on new papers (data/eval/README.md).
 */
export const DEFAULT_TARGET_PRECISION = 0.97;
/** Share of labeled (in-scope) abstracts allowed below the scope threshold, out of fold. */
export const DEFAULT_SCOPE_QUANTILE = 0.05;

/**
 * Interned tokenizing for training: a text's tokens as ids into `terms`, one table for the whole
 * training set (each distinct token gets the next id when first seen). The words are looked up as
 * they are tokenized (see makeTokenIds), so no token is looked up in a map, here or when a
 * feature space is fitted on the ids. Unigram tokenizers only.
 */
interface Interned {
  ids(text: string): Int32Array;
  terms: readonly string[];
  intern(token: string): number;
}

function internedTokenizer(settings: TokenizerSettings): Interned | undefined {
  if (settings.ngrams > 1) return undefined;
  const table = new Vocabulary();
  const intern = (token: string) => table.add(token);
  const tokenIds = makeTokenIds(settings, intern);
  return { ids: (text) => Int32Array.from(tokenIds(text)), terms: table.terms, intern };
}

interface Recipe {
  kind: ModelKind;
  tokenize: Tokenizer;
  /** The same tokens as ids, for unigram tokenizers: examples carry both. */
  interned?: Interned;
  /** Each row's token ids, made once: the inner cross-validation's rows are the same objects every time. */
  rowIds: WeakMap<LabeledAbstract, Int32Array>;
  taxonomy?: Taxonomy;
  titles: boolean;
  categories: Category[];
  /** Background rows, and how much each counts. */
  background: ReadonlySet<LabeledAbstract>;
  /** Safety papers of the background set: the gate learns from them that they are safety research, never their category. */
  gateSafety: readonly LabeledAbstract[];
  backgroundWeight: number;
  /** The outside answer, when rows teach it: the model is then two stages (see gated.ts). */
  outside?: Category;
  gateKind: ModelKind;
  gatePriorWeight: number;
  balance: number;
  gateSafetyWeight: number;
}

/** The two stages' temperatures, fitted out of fold (1 = not yet calibrated). */
interface StageTemperatures {
  gate: number;
  inner: number;
}

/**
 * The recipe's classifier fitted on `examples`: one classifier, or, when there is an outside
 * answer, a gate and a category classifier fitted in the examples' one feature space (the
 * examples are relabeled, not copied, so the space is fitted once; see shareFitted).
 */
function fitModel(recipe: Recipe, examples: readonly TrainingExample[], temperatures: StageTemperatures = { gate: 1, inner: 1 }): FittedClassifier {
  const outside = recipe.outside;
  if (outside === undefined) return fitClassifier(recipe.kind, inSpaceOf(balanced(examples, recipe.balance), examples), recipe.categories);
  const inner = recipe.categories.filter((c) => c !== outside);
  const gateExamples = examples.map((e) => relabeled(e, e.category === outside ? outside : GATE_SAFETY, e.evidence ? recipe.gatePriorWeight : e.weight));
  // the category classifier learns nothing from outside rows or the gate's own safety papers (weight 0), but they share its feature space
  const innerExamples = balanced(examples.map((e) => (e.category === outside || e.category === GATE_SAFETY ? relabeled(e, inner[0]!, 0) : e)), recipe.balance);
  inSpaceOf(gateExamples, examples);
  inSpaceOf(innerExamples, examples);
  const gate = fitClassifier(recipe.gateKind, gateExamples, [GATE_SAFETY, outside]);
  const classifier = fitClassifier(recipe.kind, innerExamples, inner);
  return new Gated(recipe.categories, outside, gate, classifier, temperatures.gate, temperatures.inner);
}

/**
 * Rows reweighted so that a large category does not drown the small ones: a row of a category
 * with n rows counts (mean n / n)^power (0 = as they are, 1 = every category's rows weigh the
 * same in all). Taxonomy descriptions and rows of weight 0 are left as they are.
 */
function balanced(examples: readonly TrainingExample[], power: number): readonly TrainingExample[] {
  if (power === 0) return examples;
  const counts = new Map<Category, number>();
  for (const e of examples) if (!e.evidence && (e.weight ?? 1) > 0) counts.set(e.category, (counts.get(e.category) ?? 0) + 1);
  const mean = [...counts.values()].reduce((a, b) => a + b, 0) / Math.max(1, counts.size);
  return examples.map((e) => (e.evidence || (e.weight ?? 1) === 0 ? e : relabeled(e, e.category, (e.weight ?? 1) * Math.pow(mean / counts.get(e.category)!, power))));
}

/** `examples`, the same texts as `reference` under other labels or weights, fitted in its feature space (see shareFitted). */
function inSpaceOf(examples: readonly TrainingExample[], reference: readonly TrainingExample[]): readonly TrainingExample[] {
  if (examples !== reference) shareFitted(examples, reference);
  return examples;
}

/** The same text under another label and weight; its tokens are made only when something asks for them. */
function relabeled(e: TrainingExample, category: Category, weight: number | undefined): TrainingExample {
  return {
    get tokens() {
      return e.tokens;
    },
    ...(e.termIds ? { termIds: e.termIds, terms: e.terms } : {}),
    category,
    ...(weight === undefined ? {} : { weight }),
  };
}

/**
 * The stage temperatures fitted on out-of-fold stage scores (the gate on every row, the
 * category classifier on the safety rows), and the combined scores they give.
 */
function calibrateStages(recipe: Recipe, oof: OutOfFold): { temperatures: StageTemperatures; scores: Float64Array[] } {
  const outside = recipe.outside!;
  const parts = oof.parts!;
  const outsideAt = recipe.categories.indexOf(outside);
  const inner = recipe.categories.filter((c) => c !== outside);
  const innerAt = Int32Array.from(inner, (c) => recipe.categories.indexOf(c));
  const innerIndex = new Map(inner.map((c, j) => [recipe.categories.indexOf(c), j]));
  const safety = oof.gold.flatMap((g, i) => (g === outsideAt ? [] : [i]));
  const temperatures = {
    gate: fitTemperature(parts.gate, oof.gold.map((g) => (g === outsideAt ? 1 : 0))),
    inner: fitTemperature(safety.map((i) => parts.inner[i]!), safety.map((i) => innerIndex.get(oof.gold[i]!)!)),
  };
  const scores = parts.gate.map((g, i) => combineStages(g, parts.inner[i]!, 1, temperatures.gate, temperatures.inner, recipe.categories.length, outsideAt, innerAt));
  return { temperatures, scores };
}

/** How much a row counts in training: 1, or the background weight for a background row. */
function rowWeight(recipe: Recipe, r: LabeledAbstract): number | undefined {
  return recipe.background.has(r) ? recipe.backgroundWeight : undefined;
}

/** What a row is trained on: its abstract, after its title when the recipe learns from titles. */
function trainingText(recipe: Recipe, r: LabeledAbstract): string {
  return recipe.titles && r.title ? `${r.title}. ${r.abstract}` : r.abstract;
}

function examplesFor(recipe: Recipe, rows: readonly LabeledAbstract[], priorWeight: number): TrainingExample[] {
  const known = new Set(recipe.categories);
  const prior = taxonomyExamples(recipe.taxonomy, recipe.tokenize, priorWeight).filter((e) => known.has(e.category));
  // the gate's own safety papers, after everything else (so row i is still example i)
  const gateOnly = recipe.outside === undefined ? [] : recipe.gateSafety;
  const interned = recipe.interned;
  if (!interned) {
    const plain = (r: LabeledAbstract, category: Category, weight: number | undefined) => ({ tokens: recipe.tokenize(trainingText(recipe, r)), category, weight });
    return [...rows.map((r) => plain(r, r.category, rowWeight(recipe, r))), ...prior, ...gateOnly.map((r) => plain(r, GATE_SAFETY, recipe.backgroundWeight * recipe.gateSafetyWeight))];
  }
  const fromRows = rows.map((r) => new InternedExample(rowIds(recipe, r), interned.terms, r.category, rowWeight(recipe, r)));
  const gateRows = gateOnly.map((r) => new InternedExample(rowIds(recipe, r), interned.terms, GATE_SAFETY, recipe.backgroundWeight * recipe.gateSafetyWeight));
  return [...fromRows, ...prior.map((e) => ({ ...e, termIds: Int32Array.from(e.tokens, interned.intern), terms: interned.terms })), ...gateRows];
}

/** A row's training text as token ids, made once per row. */
function rowIds(recipe: Recipe, r: LabeledAbstract): Int32Array {
  let ids = recipe.rowIds.get(r);
  if (!ids) recipe.rowIds.set(r, (ids = recipe.interned!.ids(trainingText(recipe, r))));
  return ids;
}

/** A labeled row's example, its tokens given as ids; the tokens themselves are made only if something asks for them. */
class InternedExample implements TrainingExample {
  private made?: string[];
  constructor(
    readonly termIds: Int32Array,
    readonly terms: readonly string[],
    readonly category: Category,
    readonly weight?: number,
  ) {}

  get tokens(): string[] {
    return (this.made ??= Array.from(this.termIds, (id) => this.terms[id]!));
  }
}


interface OutOfFold {
  scores: Float64Array[];
  /** A two-stage model's raw stage scores of every row (see gated.ts). */
  parts?: { gate: Float64Array[]; inner: Float64Array[] };
  gold: number[];
  /** Scope score of each row under a scope model that never saw it. */
  scope: number[];
}

/**
 * Scores every row with a model that never saw it: the evidence for choosing settings and
 * calibrating. `foldExamples` keeps each fold's examples from an earlier call on the same rows
 * and folds, so the feature spaces fitted for them serve this call too (see shareFitted).
 */
function outOfFold(recipe: Recipe, rows: readonly LabeledAbstract[], priorWeight: number, folds: number, seed: number, foldExamples: TrainingExample[][] = []): OutOfFold {
  const index = new Map(recipe.categories.map((c, i) => [c, i]));
  const scores: Float64Array[] = new Array(rows.length);
  const scope: number[] = new Array(rows.length);
  const parts = { gate: new Array<Float64Array>(rows.length), inner: new Array<Float64Array>(rows.length) };
  const [splits] = repeatedStratifiedKFold(rows.map((r) => ({ category: r.category })), { folds, repeats: 1, seed });
  for (const [f, fold] of splits!.entries()) {
    const examples = examplesFor(recipe, fold.trainIdx.map((i) => rows[i]!), priorWeight);
    const earlier = foldExamples[f];
    if (!earlier || !shareFitted(examples, earlier)) foldExamples[f] = examples;
    const model = fitModel(recipe, examples);
    const gated = model instanceof Gated ? model : undefined;
    const scopeModel = fitScope(examples, recipe.categories);
    const vectorize = interned(recipe, examples, model, scopeModel);
    for (const i of fold.testIdx) {
      const row = rows[i]!;
      // scored on its abstract alone, as predictions are
      const x = vectorize?.(recipe.titles ? recipe.interned!.ids(row.abstract) : rowIds(recipe, row));
      const tokens = x ? undefined : recipe.tokenize(row.abstract);
      scope[i] = x ? scopeModel.scoreVector(x) : scopeModel.score(tokens!);
      if (!gated) {
        scores[i] = x ? model.jointLogLikelihoodOf!(x) : model.jointLogLikelihood(tokens!);
        continue;
      }
      // a two-stage model is scored once, by stage: calibration refits the stages' temperatures on these
      const p = x ? gated.partsOf(x) : gated.parts(tokens!);
      parts.gate[i] = p.gate;
      parts.inner[i] = p.inner;
      scores[i] = gated.combine(p.gate, p.inner);
    }
  }
  return { scores, gold: rows.map((r) => index.get(r.category)!), scope, ...(recipe.outside === undefined ? {} : { parts }) };
}

/**
 * Vectorizes a held-out row given as token ids, without its tokens: possible when the classifier
 * and the scope model share one space fitted on these examples' ids (as TF-IDF models do). The
 * same vector as vectorizing its tokens; undefined when not possible.
 */
function interned(recipe: Recipe, examples: readonly TrainingExample[], model: FittedClassifier, scopeModel: ScopeModel): ((ids: Int32Array) => SparseVector | undefined) | undefined {
  const features = model.features;
  const table = recipe.interned?.terms;
  if (!features || !model.jointLogLikelihoodOf || !table || !scopeModel.features.sameAs(features)) return undefined;
  const fitted = fittedExamples(examples, features.settings);
  if (fitted?.space.state !== features.state) return undefined;
  return (ids) => fitted.space.vectorizeInterned(ids, table);
}

function macroF1(oof: OutOfFold, k: number): { macroF1: number; accuracy: number } {
  const tp = new Array<number>(k).fill(0);
  const fp = new Array<number>(k).fill(0);
  const fn = new Array<number>(k).fill(0);
  oof.scores.forEach((s, i) => {
    const p = topTwo(s).best;
    const g = oof.gold[i]!;
    if (p === g) tp[g]!++;
    else {
      fp[p]!++;
      fn[g]!++;
    }
  });
  const present = [...new Set(oof.gold)];
  const f1 = present.map((c) => (2 * tp[c]! === 0 ? 0 : (2 * tp[c]!) / (2 * tp[c]! + fp[c]! + fn[c]!)));
  return { macroF1: f1.reduce((a, b) => a + b, 0) / Math.max(1, f1.length), accuracy: tp.reduce((a, b) => a + b, 0) / Math.max(1, oof.gold.length) };
}

/**
 * More categories than half the rows: most categories have a single row, so held out, most rows
 * belong to a category the rest of the rows never show. A cross-validation then measures nothing
 * (macro-F1 near 0 whatever the settings) and costs minutes on thousands of categories, so
 * training's inner one is not run (the model keeps the default settings and sends every
 * prediction to review) and `evaluate` refuses.
 */
export function sparseCategories(rows: readonly { category: Category }[]): boolean {
  return isSparse(new Set(rows.map((r) => r.category)).size, rows.length);
}

const isSparse = (categories: number, rows: number) => categories * 2 > rows;

export interface CategoryCounts {
  rows: number;
  categories: number;
  /** Categories with a single row. */
  singletons: number;
  /** See sparseCategories. */
  sparse: boolean;
}

/**
 * Refuses training rows no model can learn from: all in one category (the model would give that
 * category as its own runner-up), or more categories than a model file may hold. What it returns
 * says whether the rows are sparse (see sparseCategories), for a warning.
 */
export function checkTrainingCategories(rows: readonly { category: Category }[], file: string): CategoryCounts {
  const counts = new Map<Category, number>();
  for (const r of rows) counts.set(r.category, (counts.get(r.category) ?? 0) + 1);
  if (counts.size < 2) {
    const only = [...counts.keys()][0];
    throw new SafetagError("E_ONE_CATEGORY", `${file}: all ${rows.length} rows used for training are in one category (${JSON.stringify(only)}); a model needs rows of at least two categories to tell them apart`, {
      hint: "label rows of other categories too",
    });
  }
  if (counts.size > MAX_CATEGORIES) {
    throw new SafetagError("E_TOO_MANY_CATEGORIES", `${file}: ${counts.size} categories; a model holds at most ${MAX_CATEGORIES}`, { hint: "check the category column: it may hold titles or ids" });
  }
  let singletons = 0;
  for (const n of counts.values()) if (n === 1) singletons++;
  return { rows: rows.length, categories: counts.size, singletons, sparse: isSparse(counts.size, rows.length) };
}

/**
 * Fits a model on labeled rows. Everything is learned from these rows (and the taxonomy) only:
 * the taxonomy weight is chosen, the temperature fitted and the review threshold set on
 * out-of-fold predictions of an inner cross-validation over the same rows, then the final model
 * is fitted on all of them.
 */
export function trainModel(sheetRows: readonly LabeledAbstract[], options: TrainOptions = {}): LoadedModel {
  const background = options.background?.rows ?? [];
  const rows = background.length > 0 ? [...sheetRows, ...background] : sheetRows;
  const tokenizerSettings = options.tokenizer ?? DEFAULT_TOKENIZER;
  const requested = options.kind ?? DEFAULT_MODEL_KIND;
  const kinds: ModelKind[] = requested === "auto" ? [...AUTO_CANDIDATES] : [requested];
  const recipe: Recipe = {
    kind: kinds[0]!,
    tokenize: rememberingTokenizer(makeTokenizer(tokenizerSettings)),
    interned: internedTokenizer(tokenizerSettings),
    rowIds: new WeakMap(),
    taxonomy: options.taxonomy,
    titles: options.titles ?? false,
    categories: modelCategories(rows, options.taxonomy),
    background: new Set(background),
    gateSafety: options.background?.safety ?? [],
    backgroundWeight: options.backgroundWeight ?? DEFAULT_BACKGROUND_WEIGHT,
    gateKind: options.gateKind ?? DEFAULT_GATE_KIND,
    gatePriorWeight: options.gatePriorWeight ?? DEFAULT_GATE_PRIOR_WEIGHT,
    balance: options.balance ?? DEFAULT_BALANCE,
    gateSafetyWeight: options.gateSafetyWeight ?? DEFAULT_GATE_SAFETY_WEIGHT,
  };
  const outside = outsideEntry(options.taxonomy)?.name;
  // two stages when rows teach the outside answer and there are safety categories to tell apart
  if (outside !== undefined && rows.some((r) => r.category === outside) && recipe.categories.filter((c) => c !== outside).length >= 1) recipe.outside = outside;
  const usesTaxonomy = recipe.categories.some((c) => options.taxonomy?.categories.some((t) => t.name === c));
  const weights = usesTaxonomy ? (options.priorWeights ?? DEFAULT_PRIOR_WEIGHTS) : [0];
  const candidates = kinds.flatMap((kind) => weights.map((priorWeight) => ({ kind, priorWeight })));
  const targetPrecision = options.targetPrecision ?? DEFAULT_TARGET_PRECISION;
  const seed = options.seed ?? 1;
  const driftFolds = Math.min(options.innerFolds ?? 5, rows.length);
  // held out, a row that is its category's only one can never be predicted right: nothing to choose or calibrate on
  // (the sheet's rows are counted: the background rows, all one category, would hide a sheet of one-row categories)
  const folds = sparseCategories(sheetRows) ? 0 : driftFolds;
  const inner = innerSample(rows, options.innerRows ?? DEFAULT_INNER_ROWS, driftFolds, seed);

  let training: TrainingReport;
  let priorWeight = weights[Math.floor((weights.length - 1) / 2)]!;
  let temperature = 1;
  let stages: StageTemperatures | undefined;
  let scopeThreshold = 0;
  if (folds >= 2) {
    const foldExamples: TrainingExample[][] = [];
    const tried = candidates.map((c) => {
      const raw = outOfFold({ ...recipe, kind: c.kind }, inner, c.priorWeight, folds, seed, foldExamples);
      // a two-stage model's choice depends on how its stages are calibrated: score it calibrated
      const calibrated = recipe.outside === undefined ? undefined : calibrateStages(recipe, raw);
      const oof = calibrated ? { ...raw, scores: calibrated.scores } : raw;
      return { ...c, oof, stages: calibrated?.temperatures, ...macroF1(oof, recipe.categories.length) };
    });
    // highest inner macro-F1; ties go to the more accurate, then to the earlier candidate
    const best = tried.reduce((a, b) => (b.macroF1 > a.macroF1 + 1e-12 || (Math.abs(b.macroF1 - a.macroF1) <= 1e-12 && b.accuracy > a.accuracy + 1e-12) ? b : a));
    priorWeight = best.priorWeight;
    recipe.kind = best.kind;
    stages = best.stages;
    temperature = fitTemperature(best.oof.scores, best.oof.gold);
    const calibrated = best.oof.scores.map((s) => probabilities(s, temperature));
    const review = reviewThreshold(
      calibrated.map((p) => p[topTwo(p).best]!),
      calibrated.map((p, i) => topTwo(p).best === best.oof.gold[i]),
      targetPrecision,
    );
    scopeThreshold = Math.min(1, quantileOf(best.oof.scope, DEFAULT_SCOPE_QUANTILE)); // a cosine may round to just above 1; model files hold shares in [0, 1]
    training = {
      innerFolds: folds,
      selection: tried.map(({ kind, priorWeight: w, macroF1: f, accuracy: a }) => ({ kind, priorWeight: w, macroF1: f, accuracy: a })),
      requested,
      kind: recipe.kind,
      priorWeight,
      calibration: {
        temperature,
        nllBefore: negativeLogLikelihood(best.oof.scores, best.oof.gold, 1),
        nllAfter: negativeLogLikelihood(best.oof.scores, best.oof.gold, temperature),
      },
      ...(stages ? { stages } : {}),
      review: { targetPrecision, ...review },
      scope: { quantile: DEFAULT_SCOPE_QUANTILE, threshold: scopeThreshold },
      titles: recipe.titles,
      ...(inner.length < rows.length ? { innerSample: { rows: inner.length, of: rows.length, seed } } : {}),
    };
  } else {
    training = { innerFolds: 0, selection: [], requested, kind: recipe.kind, priorWeight, calibration: { temperature, nllBefore: NaN, nllAfter: NaN }, review: { targetPrecision, threshold: 1, coverage: 0, precision: 1 }, scope: { quantile: DEFAULT_SCOPE_QUANTILE, threshold: 0 }, titles: recipe.titles };
  }

  if (background.length > 0) training.background = { path: options.background?.path ?? "", sha256: options.background?.sha256 ?? "", rows: background.length, weight: recipe.backgroundWeight };
  const examples = examplesFor(recipe, rows, priorWeight);
  const labeledTexts = options.unlabeled?.length ? new Set(rows.map((r) => abstractHash(r.abstract))) : undefined;
  const unlabeled = (options.unlabeled ?? []).filter((a) => a.trim() !== "" && !labeledTexts!.has(abstractHash(a))).map((a) => recipe.tokenize(a));
  let classifier = fitModel(recipe, examples, stages);
  if (unlabeled.length > 0) {
    const em = { unlabeled: unlabeled.length, weight: options.unlabeledWeight ?? 0.1, iterations: options.emIterations ?? 5 };
    classifier = expectationMaximisation(recipe, examples, unlabeled, classifier, temperature, em, stages);
    training.semiSupervised = em;
  }
  const scope = fitScope(examples, recipe.categories);
  const onlyPredict = options.predictorOnly === true;
  const known = KnownAbstracts.fromRows(onlyPredict ? [] : rows, recipe.categories, tokenizerSettings, onlyPredict ? undefined : knownTerms(recipe, rows, examples, classifier, tokenizerSettings));
  const withRows = new Set(rows.map((r) => r.category));
  const unevaluated = recipe.categories.filter((c) => !withRows.has(c));
  const drift = onlyPredict ? undefined : driftBaseline({ tokenize: recipe.tokenize, rows: inner, titles: recipe.titles, alwaysKnown: examplesFor(recipe, [], priorWeight).flatMap((e) => e.tokens), folds: driftFolds, seed });
  return {
    createdAt: (options.now ?? (() => new Date()))().toISOString(),
    training: { path: options.source?.path ?? "", rows: sheetRows.length, sha256: options.source?.sha256 ?? "" },
    tokenizer: tokenizerSettings,
    categories: recipe.categories,
    known,
    temperature,
    reviewThreshold: training.review.threshold,
    scopeThreshold,
    ...(outside !== undefined && recipe.categories.includes(outside) ? { outside } : {}),
    ...(unevaluated.length > 0 ? { unevaluated } : {}),
    report: training,
    ...(drift ? { drift } : {}),
    classifier,
    scope,
  };
}

/**
 * The terms of labeled rows' normalised texts in the classifier's feature space, for the
 * known-abstract fingerprints (see knownAbstracts.ts). A plain abstract's normalised text has
 * its tokens, so when the classifier was fitted on the rows' abstracts alone (no titles, no EM)
 * the fitted vectors already hold them; any other row is tokenized again.
 */
function knownTerms(recipe: Recipe, rows: readonly LabeledAbstract[], examples: readonly TrainingExample[], classifier: FittedClassifier, settings: TokenizerSettings): ((row: number) => ArrayLike<number>) | undefined {
  const features = classifier.features;
  if (!features) return undefined;
  const fitted = fittedExamples(examples, features.settings);
  const vectors = !recipe.titles && fitted?.space.state === features.state ? fitted.vectors : undefined;
  const tokenize = makeTokenizer(settings);
  return (row) => (vectors && isPlain(rows[row]!.abstract) ? vectors[row]!.indices : features.vectorize(tokenize(abstractKey(rows[row]!.abstract))).indices);
}

/**
 * Semi-supervised EM (Nigam, McCallum, Thrun & Mitchell 2000, with their λ down-weighting):
 * the E-step gives each unlabeled abstract calibrated category probabilities under the current
 * model; the M-step refits on the labeled rows plus every unlabeled abstract counted once per
 * category, weighted by λ times its probability. Labeled rows always dominate.
 */
function expectationMaximisation(
  recipe: Recipe,
  labeled: readonly TrainingExample[],
  unlabeled: readonly string[][],
  start: FittedClassifier,
  temperature: number,
  em: { weight: number; iterations: number },
  stages: StageTemperatures | undefined,
): FittedClassifier {
  let model = start;
  for (let it = 0; it < em.iterations; it++) {
    const soft: TrainingExample[] = [];
    for (const tokens of unlabeled) {
      const p = probabilities(model.jointLogLikelihood(tokens), temperature);
      p.forEach((pc, c) => {
        if (pc >= 0.01) soft.push({ tokens, category: recipe.categories[c]!, weight: em.weight * pc });
      });
    }
    model = fitModel(recipe, [...labeled, ...soft], stages);
  }
  return model;
}

/** Probabilities for one abstract under a model, temperature applied. */
export function modelPredictor(model: LoadedModel): Predictor {
  const tokenize = makeTokenizer(model.tokenizer);
  return {
    categories: model.categories,
    predictProba: (abstract: string) => probabilities(model.classifier.jointLogLikelihood(tokenize(abstract)), model.temperature),
    reviewThreshold: model.reviewThreshold,
    scope: model.scope ? (abstract: string) => (model.scope as ScopeModel).score(tokenize(abstract)) : undefined,
    scopeThreshold: model.scopeThreshold,
  };
}

/** Cross-validation's view of training: rows in, predictor out. */
export function modelTrainer(options: TrainOptions = {}): Trainer {
  return { train: (rows) => modelPredictor(trainModel(rows, { ...options, predictorOnly: true })) };
}
