import { logSumExp } from "../models/scoring.js";

/**
 * Temperature scaling (Guo et al. 2017): one number T that divides the scores before the
 * softmax, chosen to minimise the negative log-likelihood of out-of-fold predictions. It changes
 * how sure the model says it is, never which category it picks.
 */
export function negativeLogLikelihood(scores: readonly ArrayLike<number>[], gold: readonly number[], temperature: number): number {
  let nll = 0;
  // one buffer for all rows: fitting T calls this a hundred times over every out-of-fold row
  let s = new Float64Array(0);
  for (let i = 0; i < scores.length; i++) {
    const row = scores[i]!;
    if (s.length !== row.length) s = new Float64Array(row.length);
    for (let c = 0; c < row.length; c++) s[c] = row[c]! / temperature;
    nll -= s[gold[i]!]! - logSumExp(s);
  }
  return nll / Math.max(1, scores.length);
}

/** Golden-section search over log T in [log 1e-9, log 1e9] (complement NB scores are tiny, logistic ones large); NLL is unimodal in T. */
export function fitTemperature(scores: readonly ArrayLike<number>[], gold: readonly number[]): number {
  if (scores.length === 0) return 1;
  const f = (logT: number) => negativeLogLikelihood(scores, gold, Math.exp(logT));
  let a = Math.log(1e-9);
  let b = Math.log(1e9);
  const phi = (Math.sqrt(5) - 1) / 2;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 100; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/**
 * The lowest confidence at which predictions at or above it reach `targetPrecision` on
 * out-of-fold data, and the share of predictions that clears it. Below it a prediction is
 * marked `needs_review`. When no threshold reaches the target, everything goes to review.
 */
export function reviewThreshold(confidences: readonly number[], correct: readonly boolean[], targetPrecision: number): { threshold: number; coverage: number; precision: number } {
  const order = confidences.map((c, i) => [c, correct[i] ? 1 : 0] as const).sort((x, y) => y[0] - x[0]);
  let hits = 0;
  let best = { threshold: 1, coverage: 0, precision: 1 };
  for (let i = 0; i < order.length; i++) {
    hits += order[i]![1];
    const next = order[i + 1]?.[0];
    if (next !== undefined && next === order[i]![0]) continue; // a threshold cannot split tied confidences
    const precision = hits / (i + 1);
    if (precision >= targetPrecision) best = { threshold: order[i]![0], coverage: (i + 1) / order.length, precision };
  }
  return best;
}
