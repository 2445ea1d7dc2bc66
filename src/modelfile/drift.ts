/**
 * Drift: is a dump like the data the model learned from? Two signals, each compared with what the
 * training data itself shows out of fold, so "unlike" means unlike this model's own data and not
 * some fixed number:
 *
 * - the share of an abstract's tokens the training texts never used (out-of-vocabulary share).
 *   At training time each row is measured against a vocabulary built without it (k-fold), which
 *   is what a new abstract meets; the mean and spread are kept in the model file;
 * - the share of abstracts below the scope threshold ("unlike every category"), which by the
 *   threshold's construction is about the scope quantile (5%) on the training data.
 *
 * A dump drifts when its mean is above the training mean by more than chance allows for that many
 * abstracts (three standard errors), and by a margin worth a person's attention.
 */
import type { Category } from "../domain.js";
import { repeatedStratifiedKFold } from "../sampling/folds.js";
import type { Tokenizer } from "../text/tokenize.js";

export interface DriftBaseline {
  /** Mean out-of-vocabulary share of a training abstract, measured out of fold. */
  oovMean: number;
  /** Its standard deviation over abstracts. */
  oovSd: number;
  abstracts: number;
  folds: number;
}

/** Smallest differences worth a warning, whatever the number of abstracts. */
export const DRIFT_MIN_OOV_EXCESS = 0.05;
export const DRIFT_MIN_SCOPE_EXCESS = 0.1;
/** Below this many abstracts the out-of-scope share says too little to call a dump unlike. */
export const DRIFT_MIN_ABSTRACTS_FOR_SCOPE = 5;

export interface DriftBaselineInput {
  tokenize: Tokenizer;
  rows: readonly { abstract: string; title?: string; category: Category }[];
  /** Training text includes titles (the vocabulary does); predictions only ever see abstracts. */
  titles: boolean;
  /** Tokens every fold's vocabulary also has (the taxonomy's descriptions and key phrases). */
  alwaysKnown?: readonly string[];
  folds: number;
  seed: number;
}

export function driftBaseline(input: DriftBaselineInput): DriftBaseline | undefined {
  const { rows, tokenize } = input;
  const folds = Math.min(input.folds, rows.length);
  if (folds < 2) return undefined;
  const trainTokens = rows.map((r) => tokenize(input.titles && r.title ? `${r.title}. ${r.abstract}` : r.abstract));
  const testTokens = input.titles ? rows.map((r) => tokenize(r.abstract)) : trainTokens;
  const [splits] = repeatedStratifiedKFold(rows.map((r) => ({ category: r.category })), { folds, repeats: 1, seed: input.seed });
  const shares: number[] = [];
  for (const fold of splits!) {
    const vocabulary = new Set<string>(input.alwaysKnown ?? []);
    for (const i of fold.trainIdx) for (const t of trainTokens[i]!) vocabulary.add(t);
    for (const i of fold.testIdx) shares.push(oovShare(testTokens[i]!, (t) => vocabulary.has(t)));
  }
  const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
  const sd = Math.sqrt(shares.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, shares.length - 1));
  return { oovMean: mean, oovSd: sd, abstracts: shares.length, folds };
}

/** Share of tokens not known; an abstract with no tokens at all is wholly unknown. */
export function oovShare(tokens: readonly string[], known: (t: string) => boolean): number {
  if (tokens.length === 0) return 1;
  let unknown = 0;
  for (const t of tokens) if (!known(t)) unknown++;
  return unknown / tokens.length;
}

export interface DriftReport {
  abstracts: number;
  oovMean: number;
  baseline: DriftBaseline;
  /** Share of the abstracts below the scope threshold, and what the training data shows. */
  outOfScopeShare?: number;
  expectedOutOfScope?: number;
  drifted: boolean;
  /** Why, for a person; empty when not drifted. */
  reasons: string[];
}

/** Out-of-vocabulary shares of a dump's abstracts as a running total: all a verdict needs, so a dump of any size is measured in constant memory. */
export interface OovTally {
  abstracts: number;
  /** The shares added up, in input order. */
  sum: number;
}

/**
 * The verdict for a dump, from the per-abstract figures. `oov` is of the abstracts the model
 * scored (not the already-labeled ones, which are the training data itself).
 */
export function driftVerdict(
  baseline: DriftBaseline,
  oov: OovTally,
  scope?: { outOfScope: number; expected: number },
): DriftReport | undefined {
  const n = oov.abstracts;
  if (n === 0) return undefined;
  const oovMean = oov.sum / n;
  const reasons: string[] = [];
  const oovLimit = baseline.oovMean + Math.max(DRIFT_MIN_OOV_EXCESS, (3 * baseline.oovSd) / Math.sqrt(n));
  if (oovMean > oovLimit) {
    reasons.push(`${pct(oovMean)} of its words are new to the model (training data: ${pct(baseline.oovMean)} out of fold)`);
  }
  let outOfScopeShare: number | undefined;
  if (scope) {
    outOfScopeShare = scope.outOfScope / n;
    const p = scope.expected;
    const scopeLimit = p + Math.max(DRIFT_MIN_SCOPE_EXCESS, 3 * Math.sqrt((p * (1 - p)) / n));
    if (n >= DRIFT_MIN_ABSTRACTS_FOR_SCOPE && outOfScopeShare > scopeLimit) {
      reasons.push(`${pct(outOfScopeShare)} of its abstracts are unlike every category (training data: ${pct(p)})`);
    }
  }
  return {
    abstracts: n,
    oovMean,
    baseline,
    ...(outOfScopeShare === undefined ? {} : { outOfScopeShare, expectedOutOfScope: scope!.expected }),
    drifted: reasons.length > 0,
    reasons,
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

/** One line for the summary: the figures, and the verdict. */
export function formatDrift(report: DriftReport): string {
  const figures = `unknown-word share ${report.oovMean.toFixed(2)} (training ${report.baseline.oovMean.toFixed(2)} ± ${report.baseline.oovSd.toFixed(2)})` +
    (report.outOfScopeShare === undefined ? "" : `, unlike every category ${pct(report.outOfScopeShare)} (training ${pct(report.expectedOutOfScope ?? 0)})`);
  return report.drifted
    ? `drift: the input looks unlike the training ` +
      `data: ${report.reasons.join("; ")}. Predictions may be less reliable than the evaluation says; review them, or label some of these abstracts and retrain`
    : `drift: none detected over ${report.abstracts} abstracts: ${figures}`;
}
