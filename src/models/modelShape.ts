/**
 * Checks of a model file's metadata before anything uses it. A model file may come from anywhere
 * (a mail attachment, a shared folder), so a crafted or damaged one must be answered with a clear
 * E_MODEL_FORMAT (exit 65), never crash or hang safetag later: a tokenizer asking for a billion
 * n-grams, a `report` whose `selection` is a number, nesting deep enough to overflow the stack when
 * the model is serialised for worker threads. Written by hand (no schema library), like the
 * classifier checks in registry.ts.
 */
import type { Category } from "../domain.js";
import { EXIT, SafetagError } from "../errors.js";
import type { TokenizerSettings } from "../text/tokenize.js";
import type { FittedClassifier } from "./contract.js";
import type { KnownState } from "./knownAbstracts.js";
import type { ScopeModel } from "./scope.js";

/** Far deeper than any model safetag writes (about 8), far shallower than the stack. */
export const MAX_MODEL_DEPTH = 32;
export const MAX_CATEGORIES = 10_000;
const MAX_NGRAMS = 5;
const MAX_MIN_LENGTH = 100;

export function modelError(file: string, what: string): SafetagError {
  return new SafetagError("E_MODEL_FORMAT", `${file}: ${what}`, {
    exitCode: EXIT.dataError,
    hint: "the model file is damaged or was not written by safetag; train again with `safetag train`",
  });
}

/** Rejects JSON nested deeper than `max` (checked without recursion, so the check itself cannot overflow). */
export function checkDepth(value: unknown, file: string, max = MAX_MODEL_DEPTH): void {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth >= max) throw modelError(file, `nested more than ${max} levels deep`);
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isNumber = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

export function checkCategories(x: unknown, file: string): Category[] {
  if (!Array.isArray(x) || x.length === 0) throw modelError(file, "model has no categories");
  if (x.length > MAX_CATEGORIES) throw modelError(file, `model has ${x.length} categories (at most ${MAX_CATEGORIES})`);
  const seen = new Set<string>();
  for (const [i, c] of x.entries()) {
    if (typeof c !== "string" || c.trim() === "") throw modelError(file, `category ${i + 1} is not a non-empty string (${JSON.stringify(c)?.slice(0, 40)})`);
    // a category is written to every CSV row predicted with it, and printed: no control characters
    if (/\p{Cc}/u.test(c)) throw modelError(file, `category ${i + 1} holds a control character (${JSON.stringify(c.slice(0, 40))})`);
    if (seen.has(c)) throw modelError(file, `category ${JSON.stringify(c)} is listed twice`);
    seen.add(c);
  }
  return x as Category[];
}

export function checkTokenizer(x: unknown, file: string): TokenizerSettings {
  if (!isObject(x)) throw modelError(file, "model has no tokenizer settings");
  const { lowercase, stopWords, stem, minLength, ngrams } = x;
  const fail = (field: string, want: string) => modelError(file, `tokenizer setting ${field} must be ${want} (found ${JSON.stringify(x[field])?.slice(0, 40)})`);
  if (typeof lowercase !== "boolean") throw fail("lowercase", "true or false");
  if (stopWords !== "english" && stopWords !== "none") throw fail("stopWords", '"english" or "none"');
  if (stem !== "porter" && stem !== "none") throw fail("stem", '"porter" or "none"');
  if (!Number.isInteger(minLength) || (minLength as number) < 0 || (minLength as number) > MAX_MIN_LENGTH) throw fail("minLength", `a whole number from 0 to ${MAX_MIN_LENGTH}`);
  if (!Number.isInteger(ngrams) || (ngrams as number) < 1 || (ngrams as number) > MAX_NGRAMS) throw fail("ngrams", `a whole number from 1 to ${MAX_NGRAMS}`);
  return { lowercase, stopWords, stem, minLength: minLength as number, ngrams: ngrams as number };
}

const HASH = /^[0-9a-f]{8,64}$/;
const isInt32 = (f: unknown): f is number => Number.isInteger(f) && (f as number) >= -(2 ** 31) && (f as number) < 2 ** 31;

/**
 * The known-abstract index: columns of text hashes, row ids and category indices, with optional
 * fingerprints (version 2), or an object of text hash -> { id, category } (version 1).
 */
export function checkKnown(x: unknown, categories: readonly Category[], file: string): KnownState {
  if (x === undefined) return { hashes: [], ids: [], categories: [] };
  if (!isObject(x)) throw modelError(file, "known abstracts must be an object");
  if (!Array.isArray(x.hashes)) return checkKnownV1(x, categories, file);
  const { hashes, ids, categories: of, fingerprints } = x;
  const n = x.hashes.length;
  if (!Array.isArray(ids) || ids.length !== n || !Array.isArray(of) || of.length !== n) throw modelError(file, "known abstracts need as many ids and categories as hashes");
  for (let i = 0; i < n; i++) {
    if (typeof hashes[i] !== "string" || !HASH.test(hashes[i])) throw modelError(file, `known abstract key ${JSON.stringify(String(hashes[i]).slice(0, 40))} is not a text hash`);
    if (typeof ids[i] !== "string" || !Number.isInteger(of[i]) || of[i] < 0 || of[i] >= categories.length) {
      throw modelError(file, `known abstract ${hashes[i]} must have a string id and one of the model's categories`);
    }
  }
  if (fingerprints !== undefined && (!Array.isArray(fingerprints) || !fingerprints.every(isInt32))) throw modelError(file, "known abstract fingerprints must be 32-bit whole numbers");
  return { hashes: hashes as string[], ids: ids as string[], categories: of as number[], ...(fingerprints ? { fingerprints: fingerprints as number[] } : {}) };
}

function checkKnownV1(x: Record<string, unknown>, categories: readonly Category[], file: string): KnownState {
  const index = new Map(categories.map((c, i) => [c, i]));
  const out: KnownState = { hashes: [], ids: [], categories: [] };
  for (const [hash, v] of Object.entries(x)) {
    if (!HASH.test(hash)) throw modelError(file, `known abstract key ${JSON.stringify(hash.slice(0, 40))} is not a text hash`);
    const c = isObject(v) && typeof v.category === "string" ? index.get(v.category) : undefined;
    if (!isObject(v) || typeof v.id !== "string" || c === undefined) throw modelError(file, `known abstract ${hash} must have a string id and one of the model's categories`);
    out.hashes.push(hash);
    out.ids.push(v.id);
    out.categories.push(c);
  }
  return out;
}

export function checkTraining(x: unknown, file: string): { path: string; rows: number; sha256: string } {
  if (x === undefined) return { path: "", rows: 0, sha256: "" };
  if (!isObject(x) || typeof x.path !== "string" || !isNumber(x.rows) || x.rows < 0 || typeof x.sha256 !== "string") {
    throw modelError(file, "training section must have a path, a row count and a sha256");
  }
  return { path: x.path, rows: x.rows, sha256: x.sha256 };
}

/** The training report is shown by `compare` and `models`; every field they read is checked. */
export function checkReport(x: unknown, file: string): void {
  if (x === undefined) return;
  const fail = (what: string) => modelError(file, `training report: ${what}`);
  if (!isObject(x)) throw fail("must be an object");
  for (const f of ["requested", "kind"]) if (typeof x[f] !== "string") throw fail(`${f} must be a string`);
  for (const f of ["innerFolds", "priorWeight"]) if (!isNumber(x[f])) throw fail(`${f} must be a number`);
  if (typeof x.titles !== "boolean") throw fail("titles must be true or false");
  if (!Array.isArray(x.selection) || !x.selection.every((s) => isObject(s) && typeof s.kind === "string" && [s.priorWeight, s.macroF1, s.accuracy].every(isNumber))) {
    throw fail("selection must be a list of {kind, priorWeight, macroF1, accuracy}");
  }
  const numbers = (section: string, fields: string[], orNull: string[] = []) => {
    const s = x[section];
    if (!isObject(s) || !fields.every((f) => isNumber(s[f]) || (s[f] === null && orNull.includes(f)))) throw fail(`${section} must have numbers ${fields.join(", ")}`);
  };
  // NaN (no inner cross-validation on a tiny set) is written as null
  numbers("calibration", ["temperature", "nllBefore", "nllAfter"], ["nllBefore", "nllAfter"]);
  numbers("review", ["targetPrecision", "threshold", "coverage", "precision"]);
  numbers("scope", ["quantile", "threshold"]);
  if (x.semiSupervised !== undefined) numbers("semiSupervised", ["unlabeled", "weight", "iterations"]);
}

/** Cross-validated figures stored with a model: free-form, but the figures read back must be numbers. */
export function checkEvaluation(x: unknown, file: string): void {
  if (x === undefined) return;
  if (!isObject(x)) throw modelError(file, "evaluation must be an object");
  for (const f of ["accuracy", "macroF1", "folds", "repeats", "seed", "ece"]) {
    if (x[f] !== undefined && !isNumber(x[f])) throw modelError(file, `evaluation ${f} must be a number`);
  }
}

/**
 * Scores a few texts with the restored model: every score must be a finite number. Catches what
 * shape checks cannot (totals so large their sum overflows, a negative count under a logarithm).
 */
export function checkScores(classifier: FittedClassifier, scope: ScopeModel | undefined, probe: readonly string[], file: string): void {
  for (const tokens of [[], probe.slice(0, 200)]) {
    const scores = classifier.jointLogLikelihood(tokens);
    if (scores.length !== classifier.categories.length || !scores.every(Number.isFinite)) throw modelError(file, "the model's scores are not finite numbers");
    if (scope && !Number.isFinite(scope.score(tokens))) throw modelError(file, "the model's scope scores are not finite numbers");
  }
}

/** Terms of the model's (first member's) vocabulary, to probe it with. */
export function probeTerms(model: unknown): string[] {
  let m = model as { members?: unknown[]; gate?: unknown; state?: { features?: { terms?: unknown } } } | undefined;
  for (let depth = 0; depth < 4 && (Array.isArray(m?.members) || m?.gate !== undefined); depth++) m = (Array.isArray(m!.members) ? m!.members[0] : m!.gate) as typeof m;
  const terms = m?.state?.features?.terms;
  return Array.isArray(terms) ? terms.filter((t): t is string => typeof t === "string").slice(0, 200) : [];
}
