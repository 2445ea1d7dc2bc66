import { createRequire } from "node:module";
import type { Category } from "../domain.js";
import { FeatureSpace, RAW_COUNTS, type FeatureSettings, type FeatureState } from "../features/featureSpace.js";
import type { Fit, Restore } from "./contract.js";
import { LinearClassifier } from "./linearClassifier.js";
import { checkMatrix, checkNumber, checkNumbers, TOTAL, type NumberRule } from "./numbers.js";
import { checkFeatureSettings, checkFeatures } from "./restoring.js";

const require = createRequire(import.meta.url);
const { MultinomialNB } = require("ml-naivebayes") as {
  MultinomialNB: new () => { train(x: number[][], y: number[]): void; conditionalProbability: { to2DArray(): number[][] } };
};

export interface NaiveBayesParams {
  /** Lidstone smoothing added to every term weight (1 = Laplace). */
  alpha: number;
  /** Class prior: training frequencies, or the same for every category. */
  prior: "empirical" | "uniform";
  /**
   * Complement naive Bayes (Rennie et al. 2003): each category is scored by how unlike the
   * *other* categories' texts a text is, which is far steadier when some categories have only
   * one or two examples. Uses no prior.
   */
  complement: boolean;
  /** Term weighting: raw counts (classic) or TF-IDF. */
  features: FeatureSettings;
}

export const DEFAULT_NB_PARAMS: NaiveBayesParams = { alpha: 1, prior: "empirical", complement: false, features: RAW_COUNTS };

/** What is learned: raw (weighted) totals only; smoothed log-probabilities are derived from them. */
export interface NaiveBayesState {
  features: FeatureState;
  /** classTotals[c][t]: summed weight of term t in training texts of category c. */
  classTotals: number[][];
  /** Summed example weight per category (a plain count when every example weighs 1). */
  docCounts: number[];
}

/**
 * Multinomial (or complement) naive Bayes over sparse weighted term vectors.
 *
 * ml-naivebayes computes the log conditional table; it only knows add-one smoothing over dense
 * integer-labelled rows, so we give it one row per category (that category's term totals, or
 * for complement NB the totals of all *other* categories) divided by alpha:
 * (n/α + 1) / (N/α + V) = (n + α) / (N + αV), i.e. Lidstone smoothing with any α.
 * Its prior would then be uniform over the rows, so the prior is computed here.
 */
export class NaiveBayes extends LinearClassifier<NaiveBayesParams, NaiveBayesState> {
  readonly type = "naive-bayes";

  /** `features` is the space `state.features` describes (the fitted one; rebuilt from it when not given). */
  constructor(categories: readonly Category[], params: NaiveBayesParams, state: NaiveBayesState, features = new FeatureSpace(params.features, state.features)) {
    const weights = params.complement ? complementWeights(state.classTotals, params.alpha) : logConditionalTable(state.classTotals, params.alpha);
    super(categories, params, state, features, weights, logPrior(params, state.docCounts));
  }
}

/** Training frequencies, or uniform (complement NB always: it scores against the other categories). */
function logPrior(params: NaiveBayesParams, docCounts: readonly number[]): Float64Array {
  const k = docCounts.length;
  const totalDocs = docCounts.reduce((a, b) => a + b, 0);
  return Float64Array.from(docCounts, (n) =>
    params.complement || params.prior === "uniform" || totalDocs === 0 ? -Math.log(k) : Math.log(Math.max(n, 1e-9) / totalDocs),
  );
}

function mlNaiveBayesTable(rows: number[][], alpha: number): number[][] {
  const nb = new MultinomialNB();
  nb.train(
    rows.map((row) => row.map((n) => n / alpha)),
    rows.map((_, c) => c),
  );
  return nb.conditionalProbability.to2DArray();
}

/** log P(t | c), category-major. */
function logConditionalTable(classTotals: number[][], alpha: number): number[][] {
  if ((classTotals[0]?.length ?? 0) === 0) return classTotals.map(() => []);
  return mlNaiveBayesTable(classTotals, alpha);
}

/** Rennie et al.'s weight-normalised complement NB: score_c = −Σ x_t ŵ_ct, ŵ_c = w_c / Σ|w_c|. */
function complementWeights(classTotals: number[][], alpha: number): number[][] {
  const v = classTotals[0]?.length ?? 0;
  if (v === 0) return classTotals.map(() => []);
  const all = new Array<number>(v).fill(0);
  for (const row of classTotals) for (let t = 0; t < v; t++) all[t]! += row[t]!;
  const complement = classTotals.map((row) => row.map((n, t) => all[t]! - n));
  const logs = mlNaiveBayesTable(complement, alpha);
  const normalised = logs.map((row) => {
    const z = row.reduce((s, w) => s + Math.abs(w), 0) || 1;
    return row.map((w) => -w / z);
  });
  return normalised;
}

export const fitNaiveBayes: Fit<NaiveBayesParams> = (set, params, categories) => {
  const catIndex = new Map(categories.map((c, i) => [c, i]));
  const { space: features, vectors } = set.texts.inSpace(params.features);
  const v = features.size;
  const classTotals = categories.map(() => new Array<number>(v).fill(0));
  const docCounts = categories.map(() => 0);
  set.labels.forEach((label, i) => {
    const c = catIndex.get(label);
    if (c === undefined) throw new Error(`category ${JSON.stringify(label)} is not among the model's categories`);
    const w = set.weights[i]!;
    docCounts[c]! += w;
    const x = vectors[i]!;
    const row = classTotals[c]!;
    for (let j = 0; j < x.indices.length; j++) row[x.indices[j]!]! += w * x.values[j]!;
  });
  return new NaiveBayes(categories, params, { features: features.state, classTotals, docCounts }, features);
};

/** Lidstone smoothing: below it, totals divided by alpha overflow. */
const ALPHA: NumberRule = { min: 1e-6, max: 1e6 };

export const restoreNaiveBayes: Restore = (m, categories, { file, field }) => {
  const p = (m.params ?? {}) as Record<string, unknown>;
  const s = (m.state ?? {}) as Record<string, unknown>;
  const k = categories.length;
  const { terms } = checkFeatures(s.features, file, `${field}.state.features`);
  checkMatrix(s.classTotals, `${field}.state.classTotals`, k, terms.length, TOTAL, file, "model term totals do not match its categories and terms");
  checkNumbers(s.docCounts, `${field}.state.docCounts`, k, TOTAL, file, "model document counts do not match its categories");
  const params: NaiveBayesParams = {
    alpha: checkNumber(p.alpha, `${field}.params.alpha`, ALPHA, file),
    prior: p.prior === "uniform" ? "uniform" : "empirical",
    complement: p.complement === true,
    features: checkFeatureSettings(p.features, file),
  };
  return new NaiveBayes(categories, params, s as unknown as NaiveBayesState);
};
