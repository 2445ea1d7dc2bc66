/**
 * The numbers of a saved model, each checked by a rule before anything computes with it: a model
 * file may come from anywhere, so a crafted or damaged one is answered with E_MODEL_FORMAT (exit
 * 65), the one error every model-file check throws (`modelError`, its one builder). The classifiers'
 * own restore functions (each in its classifier's file) and the model file's checks
 * (modelfile/checks.ts) both use these.
 */
import { EXIT, SafetagError } from "../errors.js";

export function modelError(file: string, what: string,
  hint = "the model file is damaged or was not written by safetag; train again with `safetag train`"): SafetagError {
  return new SafetagError("E_MODEL_FORMAT", `${file}: ${what}`, { exitCode: EXIT.dataError, hint });
}

/**
 * The one rule every number of a model file is checked by: a JSON number (not a string, not
 * null) from `min` to `max`, whole when `integer`, above `min` when `above`. The bounds are
 * finite, so Infinity (what JSON.parse makes of 1e400) and NaN never pass.
 */
export interface NumberRule {
  min: number;
  max: number;
  integer?: boolean;
  above?: boolean;
}

/**
 * Far above any count, total, weight or IDF safetag writes, far below where a sum or square of
 * a vocabulary's worth of them overflows (a score of Infinity, or every weight scaled to 0 by an
 * infinite norm, so that every confidence is the same).
 */
export const MAX_MAGNITUDE = 1e15;
/** Summed weights of terms or of examples: never negative (they go under a logarithm). */
export const TOTAL: NumberRule = { min: 0, max: MAX_MAGNITUDE };
/** Fitted coefficients and biases. */
export const COEFFICIENT: NumberRule = { min: -MAX_MAGNITUDE, max: MAX_MAGNITUDE };
export const COUNT: NumberRule = { min: 0, max: MAX_MAGNITUDE, integer: true };
/** Probabilities, shares, thresholds, F1 and accuracy. */
export const SHARE: NumberRule = { min: 0, max: 1 };
/** A unit-length row (scope centroids). */
export const UNIT: NumberRule = { min: -1, max: 1 };

const bound = (n: number) => (Math.abs(n) >= 1e6 ? n.toExponential().replace("e+", "e") : String(n));
export const found = (x: unknown) => (typeof x === "number" ? String(x) : (JSON.stringify(x)?.slice(0, 40) ?? String(x)));

function describeRule(r: NumberRule): string {
  const what = r.integer ? "a whole number" : "a number";
  return r.above ? `${what} above ${bound(r.min)}, up to ${bound(r.max)}` : `${what} from ${bound(r.min)} to ${bound(r.max)}`;
}

/** `field` is not a number by `rule`: says which field, what it must be and what it is. */
export function numberError(file: string, field: string, x: unknown, rule: NumberRule): SafetagError {
  return modelError(file, x === undefined ? `${field} is missing` : `${field} must be ${describeRule(rule)} (found ${found(x)})`);
}

function fits(v: unknown, r: NumberRule): v is number {
  return typeof v === "number" && v >= r.min && v <= r.max && (!r.integer || Number.isInteger(v)) && (!r.above || v > r.min);
}

export function checkNumber(x: unknown, field: string, rule: NumberRule, file: string): number {
  if (!fits(x, rule)) throw numberError(file, field, x, rule);
  return x;
}

/** An optional number: undefined when absent, checked when present. */
export function checkOptionalNumber(x: unknown, field: string, rule: NumberRule, file: string): number | undefined {
  return x === undefined ? undefined : checkNumber(x, field, rule, file);
}

/**
 * A list of `length` numbers, each by `rule`. A plain loop, not a closure per number: a model's
 * lists hold a vocabulary's worth, and every one is checked each time a model is loaded.
 * `what` names the list for a person when its size is wrong ("model weights do not match its
 * categories and terms").
 */
export function checkNumbers(x: unknown, field: string, length: number, rule: NumberRule, file: string, what = ""): number[] {
  if (!Array.isArray(x) ||
    x.length !== length) throw sizeError(file, what, x === undefined
      ? `${field} is missing` : `${field} must be a list of ${length} numbers (found ${Array.isArray(x) ? `${x.length}` : found(x)})`);
  const { min, max } = rule;
  for (let i = 0; i < length; i++) {
    const v = x[i] as unknown;
    if (typeof v !== "number" || !(v >= min && v <= max)) throw numberError(file, `${field}[${i}]`, v, rule);
  }
  if (rule.integer || rule.above) for (let i = 0; i < length; i++) if (!fits(x[i], rule)) throw numberError(file, `${field}[${i}]`, x[i], rule);
  return x as number[];
}

/** `rows` lists of `cols` numbers each, by `rule` (see checkNumbers). */
export function checkMatrix(x: unknown, field: string, rows: number, cols: number, rule: NumberRule, file: string, what = ""): number[][] {
  if (!Array.isArray(x) ||
    x.length !== rows) throw sizeError(file, what, x === undefined
      ? `${field} is missing` : `${field} must be ${rows} lists of ${cols} numbers (found ${Array.isArray(x) ? `${x.length} lists` : found(x)})`);
  for (let r = 0; r < rows; r++) checkNumbers(x[r], `${field}[${r}]`, cols, rule, file, what);
  return x as number[][];
}

function sizeError(file: string, what: string, detail: string): SafetagError {
  return modelError(file, what ? `${what}: ${detail}` : detail);
}


/**
 * Softmax temperatures, a model's and each stage's of a two-stage model (gated.ts): fitTemperature
 * searches 1e-9 to 1e9 (complement NB's stage scores are tiny); past these bounds scores divided by
 * one overflow.
 */
export const TEMPERATURE: NumberRule = { min: 1e-10, max: 1e10 };
