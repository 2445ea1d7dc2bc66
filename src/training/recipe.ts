/**
 * The training recipe: what a model is fitted on (a training set made of rows, the taxonomy's
 * descriptions and the gate's own safety papers) and how (a kind of the kinds table, the rows
 * balanced by category, two stages when rows teach the outside answer).
 */
import type { Category, LabeledAbstract, Taxonomy } from "../domain.js";
import type { SparseVector } from "../features/vocabulary.js";
import type { FeatureSpace } from "../features/featureSpace.js";
import { TrainingTexts } from "../features/trainingTexts.js";
import type { FittedClassifier, TrainingExample, TrainingSet } from "../models/contract.js";
import { fitGated, GATE_SAFETY } from "../models/gated.js";
import { kindEntry, type ModelKinds } from "../models/kinds.js";
import type { Tokenizer } from "../text/tokenize.js";
import type { Interned } from "./interning.js";
import { taxonomyExamples } from "./taxonomyEvidence.js";

export interface Recipe {
  /** The model kind fitted (a key of `kinds`). */
  kind: string;
  kinds: ModelKinds;
  tokenize: Tokenizer;
  /** The same tokens as ids, for unigram tokenizers: training texts are then given as ids. */
  interned?: Interned;
  /** Each row's token ids, made once: the inner cross-validation's rows are the same objects every time. */
  rowIds: WeakMap<LabeledAbstract, Int32Array>;
  taxonomy?: Taxonomy;
  titles: boolean;
  categories: Category[];
  /** Background rows, and how much each counts. */
  background: ReadonlySet<LabeledAbstract>;
  /**
   * Safety papers of the background set: the gate learns from them that they are safety research,
   * and the category classifier learns their category (at `categorySafetyWeight`) when it is one of the model's.
   */
  safetyPapers: readonly LabeledAbstract[];
  backgroundWeight: number;
  /** The outside answer, when rows teach it: the model is then two stages (see gated.ts). */
  outside?: Category;
  gateKind: string;
  gatePriorWeight: number;
  balance: number;
  gateSafetyWeight: number;
  /** How much a background safety paper counts in the category classifier, when its category is one of the model's (0: never). */
  categorySafetyWeight: number;
}

/** The two stages' temperatures, fitted out of fold (1 = not yet calibrated). */
export interface StageTemperatures {
  gate: number;
  inner: number;
}

/**
 * The recipe's classifier fitted on `set`: one classifier, or, when there is an outside answer, a
 * gate and a category classifier fitted on the same texts, so in one feature space (see fitGated).
 */
export function fitModel(recipe: Recipe, set: TrainingSet, temperatures: StageTemperatures = { gate: 1, inner: 1 }): FittedClassifier {
  const kind = kindEntry(recipe.kinds, recipe.kind);
  const fit = (s: TrainingSet, categories: readonly Category[]) => kind.fit(balanced(s, recipe.balance), categories);
  const outside = recipe.outside;
  if (outside === undefined) return fit(set, recipe.categories);
  const gate = kindEntry(recipe.kinds, recipe.gateKind);
  const stages = { gateTemperature: temperatures.gate, innerTemperature: temperatures.inner };
  return fitGated(set, { outside, gate: gate.fit, classifier: fit, gateEvidenceWeight: recipe.gatePriorWeight, ...stages }, recipe.categories);
}

/**
 * Rows reweighted so that a large category does not drown the small ones: a row of a category
 * with n rows counts (mean n / n)^power (0 = as they are, 1 = every category's rows weigh the
 * same in all). Taxonomy descriptions and rows of weight 0 are left as they are.
 */
export function balanced(set: TrainingSet, power: number): TrainingSet {
  if (power === 0) return set;
  const { labels, weights, evidence } = set;
  const counts = new Map<Category, number>();
  for (let i = 0; i < labels.length; i++) if (!evidence[i] && weights[i]! > 0) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
  const mean = [...counts.values()].reduce((a, b) => a + b, 0) / Math.max(1, counts.size);
  return { ...set, weights: weights.map((w, i) => (evidence[i] || w === 0 ? w : w * Math.pow(mean / counts.get(labels[i]!)!, power))) };
}

/** How much a row counts in training: 1, or the background weight for a background row. */
function rowWeight(recipe: Recipe, r: LabeledAbstract): number {
  return recipe.background.has(r) ? recipe.backgroundWeight : 1;
}

/** What a row is trained on: its abstract, after its title when the recipe learns from titles. */
function trainingText(recipe: Recipe, r: LabeledAbstract): string {
  return recipe.titles && r.title ? `${r.title}. ${r.abstract}` : r.abstract;
}

/** A row's training text as token ids, made once per row. */
function rowIds(recipe: Recipe, r: LabeledAbstract): Int32Array {
  let ids = recipe.rowIds.get(r);
  if (!ids) recipe.rowIds.set(r, (ids = recipe.interned!.ids(trainingText(recipe, r))));
  return ids;
}

/** A row's training text's tokens. */
function rowTokens(recipe: Recipe, r: LabeledAbstract): string[] {
  const interned = recipe.interned;
  return interned ? Array.from(rowIds(recipe, r), (id) => interned.terms[id]!) : recipe.tokenize(trainingText(recipe, r));
}

/** The taxonomy's descriptions of the model's categories, as examples weighing `priorWeight` rows (none for 0). */
function priorExamples(recipe: Recipe, priorWeight: number) {
  const known = new Set(recipe.categories);
  return taxonomyExamples(recipe.taxonomy, recipe.tokenize, priorWeight).filter((e) => known.has(e.category));
}

/**
 * The training set of `rows`: the rows (row i is example i), the taxonomy's descriptions weighing
 * `priorWeight` rows, then the background's safety papers (in the gate at the gate's weight for
 * them, see `gateWeights`; in the category classifier at `categorySafetyWeight` when their category
 * is the model's). `texts`, when given, are this set's texts from an earlier call on the same rows
 * with a prior weight as far from 0 (only the weights differ), so the spaces fitted on them serve
 * this set too.
 */
export function trainingSetOf(recipe: Recipe, rows: readonly LabeledAbstract[], priorWeight: number, texts?: TrainingTexts): TrainingSet {
  const prior = priorExamples(recipe, priorWeight);
  const safetyPapers = safetyPapersOf(recipe);
  const gateWeight = recipe.backgroundWeight * recipe.gateSafetyWeight;
  const cw = recipe.categorySafetyWeight;
  // a background safety paper teaches its category too when the model has that category (the user's taxonomy may not)
  const label = (r: LabeledAbstract) => (cw > 0 && r.category !== recipe.outside && recipe.categories.includes(r.category) ? r.category : GATE_SAFETY);
  const labels = safetyPapers.map(label);
  const firstWeights = [...rows.map((r) => rowWeight(recipe, r)), ...prior.map((e) => e.weight ?? 1)];
  return {
    texts: texts ?? textsOf(recipe, rows, prior, safetyPapers),
    labels: [...rows.map((r) => r.category), ...prior.map((e) => e.category), ...labels],
    weights: [...firstWeights, ...labels.map((c) => (c === GATE_SAFETY ? gateWeight : cw))],
    evidence: [...rows.map(() => false), ...prior.map(() => true), ...safetyPapers.map(() => false)],
    ...(labels.some((c) => c !== GATE_SAFETY) ? { gateWeights: [...firstWeights, ...labels.map(() => gateWeight)] } : {}),
  };
}

function textsOf(recipe: Recipe, rows: readonly LabeledAbstract[], prior: readonly TrainingExample[], safetyPapers: readonly LabeledAbstract[]): TrainingTexts {
  const interned = recipe.interned;
  if (!interned) {
    const plain = (r: LabeledAbstract) => recipe.tokenize(trainingText(recipe, r));
    return TrainingTexts.ofTokens([...rows.map(plain), ...prior.map((e) => e.tokens), ...safetyPapers.map(plain)]);
  }
  const ids = (r: LabeledAbstract) => rowIds(recipe, r);
  return TrainingTexts.ofIds([...rows.map(ids), ...prior.map((e) => Int32Array.from(e.tokens, interned.intern)), ...safetyPapers.map(ids)], interned.terms);
}

/** Tokens every training set of the recipe has, whatever its rows: the taxonomy's descriptions and the background's safety papers. */
export function alwaysKnownTokens(recipe: Recipe, priorWeight: number): string[] {
  const safetyPapers = safetyPapersOf(recipe);
  return [...priorExamples(recipe, priorWeight).flatMap((e) => e.tokens), ...safetyPapers.flatMap((r) => rowTokens(recipe, r))];
}

/** Texts as training took them in: an abstract scored alone, as predictions are. */
export interface HeldOut {
  /** Its vector in `space` (a space fitted by one of the recipe's training sets). */
  vectorIn(space: FeatureSpace): SparseVector;
}

/** A held-out row's abstract (without its title: predictions only ever see abstracts), read as token ids when the recipe interns. */
export function heldOut(recipe: Recipe, row: LabeledAbstract): HeldOut {
  return heldOutText(recipe, row.abstract, recipe.titles ? undefined : row);
}

/** Any text as held-out: read in a space fitted on the recipe's ids by its ids (the same vector as its tokens give), otherwise by its tokens. */
export function heldOutText(recipe: Recipe, text: string, row?: LabeledAbstract): HeldOut {
  const interned = recipe.interned;
  const ids = interned ? (row ? rowIds(recipe, row) : interned.ids(text)) : undefined;
  let tokens: string[] | undefined;
  return {
    vectorIn(space) {
      const x = ids ? space.vectorizeInterned(ids, interned!.terms) : undefined;
      return x ?? space.vectorize((tokens ??= recipe.tokenize(text)));
    },
  };
}

/** The background's safety papers a training set holds: none in a one-stage model, which has no gate to teach. */
function safetyPapersOf(recipe: Recipe): readonly LabeledAbstract[] {
  return recipe.outside === undefined ? [] : recipe.safetyPapers;
}
