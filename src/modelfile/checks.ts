/**
 * Checks of a model file's metadata before anything uses it. A model file may come from anywhere
 * (a mail attachment, a shared folder), so a crafted or damaged one must be answered with a clear
 * E_MODEL_FORMAT (exit 65), never crash or hang safetag later: a tokenizer asking for a billion
 * n-grams, a `report` whose `selection` is a number, nesting deep enough to overflow the stack when
 * the model is serialised for worker threads. Written by hand (no schema library), like the
 * classifiers' own restore functions (each in its classifier's file, see models/kinds.ts).
 */
import type { Category } from "../domain.js";
import { wordToken, type SurfaceForms, type TokenizerSettings } from "../text/tokenize.js";
import type { FittedClassifier } from "../models/contract.js";
import type { KnownState } from "./knownAbstracts.js";
import type { ScopeModel } from "../models/scope.js";
import { scoreTokens } from "../models/scoring.js";
import type { DriftBaseline } from "./drift.js";
import { checkNumber, checkOptionalNumber, COUNT, found, modelError, SHARE, TEMPERATURE, TOTAL, type NumberRule } from "../models/numbers.js";

/** Far deeper than any model safetag writes (about 8), far shallower than the stack. */
export const MAX_MODEL_DEPTH = 32;
export const MAX_CATEGORIES = 10_000;
const MAX_NGRAMS = 5;
const MAX_MIN_LENGTH = 100;

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
  const fail = (field: string, want: string) =>
    modelError(file, `tokenizer setting ${field} must be ${want} (found ${JSON.stringify(x[field])?.slice(0, 40)})`);
  if (typeof lowercase !== "boolean") throw fail("lowercase", "true or false");
  if (stopWords !== "english" && stopWords !== "none") throw fail("stopWords", '"english" or "none"');
  if (stem !== "porter" && stem !== "none") throw fail("stem", '"porter" or "none"');
  if (!Number.isInteger(minLength) || (minLength as number) < 0 ||
    (minLength as number) > MAX_MIN_LENGTH) throw fail("minLength", `a whole number from 0 to ${MAX_MIN_LENGTH}`);
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
  if (!Array.isArray(ids) || ids.length !== n || !Array.isArray(of) ||
    of.length !== n) throw modelError(file, "known abstracts need as many ids and categories as hashes");
  for (let i = 0; i < n; i++) {
    if (typeof hashes[i] !== "string" ||
      !HASH.test(hashes[i])) throw modelError(file, `known abstract key ${JSON.stringify(String(hashes[i]).slice(0, 40))} is not a text hash`);
    if (typeof ids[i] !== "string" || !Number.isInteger(of[i]) || of[i] < 0 || of[i] >= categories.length) {
      throw modelError(file, `known abstract ${hashes[i]} must have a string id and one of the model's categories`);
    }
  }
  if (fingerprints !== undefined) {
    if (!Array.isArray(fingerprints)) throw modelError(file, "known abstract fingerprints must be 32-bit whole numbers (found no list)");
    for (let i = 0; i < fingerprints.length; i++) {
      if (!isInt32(fingerprints[i])) throw modelError(file,
        `known abstract fingerprints must be 32-bit whole numbers (known.fingerprints[${i}] is ${found(fingerprints[i])})`);
    }
  }
  return { hashes: hashes as string[], ids: ids as string[], categories: of as number[], ...(fingerprints ? { fingerprints: fingerprints as number[] } : {}) };
}

function checkKnownV1(x: Record<string, unknown>, categories: readonly Category[], file: string): KnownState {
  const index = new Map(categories.map((c, i) => [c, i]));
  const out: KnownState = { hashes: [], ids: [], categories: [] };
  for (const [hash, v] of Object.entries(x)) {
    if (!HASH.test(hash)) throw modelError(file, `known abstract key ${JSON.stringify(hash.slice(0, 40))} is not a text hash`);
    const c = isObject(v) && typeof v.category === "string" ? index.get(v.category) : undefined;
    if (!isObject(v) || typeof v.id !== "string" ||
      c === undefined) throw modelError(file, `known abstract ${hash} must have a string id and one of the model's categories`);
    out.hashes.push(hash);
    out.ids.push(v.id);
    out.categories.push(c);
  }
  return out;
}

export function checkTraining(x: unknown, file: string): { path: string; rows: number; sha256: string } {
  if (x === undefined) return { path: "", rows: 0, sha256: "" };
  if (!isObject(x) || typeof x.path !== "string" || typeof x.sha256 !== "string") {
    throw modelError(file, "training section must have a path, a row count and a sha256");
  }
  return { path: x.path, rows: checkNumber(x.rows, "training.rows", COUNT, file), sha256: x.sha256 };
}

/** Seeds, as `--seed` takes them (see sampling/random.ts). */
const SEED: NumberRule = { min: 0, max: 2 ** 32 - 1, integer: true };

/** The training report is shown by `compare` and `models`; every field they read is checked, every number by its rule. */
export function checkReport(x: unknown, file: string): void {
  if (x === undefined) return;
  const fail = (what: string) => modelError(file, `training report: ${what}`);
  if (!isObject(x)) throw fail("must be an object");
  for (const f of ["requested", "kind"]) if (typeof x[f] !== "string") throw fail(`${f} must be a string`);
  checkNumber(x.innerFolds, "report.innerFolds", COUNT, file);
  checkNumber(x.priorWeight, "report.priorWeight", TOTAL, file);
  if (typeof x.titles !== "boolean") throw fail("titles must be true or false");
  if (!Array.isArray(x.selection) || !x.selection.every((s) => isObject(s) && typeof s.kind === "string")) {
    throw fail("selection must be a list of {kind, priorWeight, macroF1, accuracy}");
  }
  x.selection.forEach((s: Record<string, unknown>, i) => {
    checkNumber(s.priorWeight, `report.selection[${i}].priorWeight`, TOTAL, file);
    checkNumber(s.macroF1, `report.selection[${i}].macroF1`, SHARE, file);
    checkNumber(s.accuracy, `report.selection[${i}].accuracy`, SHARE, file);
  });
  const section = (name: string, fields: [string, NumberRule][], orNull: string[] = []) => {
    const s = x[name];
    if (!isObject(s)) throw fail(`${name} must have numbers ${fields.map(([f]) => f).join(", ")}`);
    for (const [f, rule] of fields) if (!(s[f] === null && orNull.includes(f))) checkNumber(s[f], `report.${name}.${f}`, rule, file);
  };
  // NaN (no inner cross-validation on a tiny set) is written as null
  section("calibration", [["temperature", TEMPERATURE], ["nllBefore", TOTAL], ["nllAfter", TOTAL]], ["nllBefore", "nllAfter"]);
  section("review", [["targetPrecision", SHARE], ["threshold", SHARE], ["coverage", SHARE], ["precision", SHARE]]);
  checkOptionalNumber((x.review as Record<string, unknown>).outsideThreshold, "report.review.outsideThreshold", SHARE, file);
  section("scope", [["quantile", SHARE], ["threshold", SHARE]]);
  if (x.semiSupervised !== undefined) section("semiSupervised", [["unlabeled", COUNT], ["weight", TOTAL], ["iterations", COUNT]]);
  if (x.innerSample !== undefined) section("innerSample", [["rows", COUNT], ["of", COUNT], ["seed", SEED]]);
  if (x.stages !== undefined) section("stages", [["gate", TEMPERATURE], ["inner", TEMPERATURE]]);
  if (x.background !== undefined) {
    section("background", [["rows", COUNT], ["weight", TOTAL]]);
    const b = x.background as Record<string, unknown>;
    for (const f of ["path", "sha256"]) if (typeof b[f] !== "string") throw fail(`background.${f} must be a string`);
  }
}

/** Cross-validated figures stored with a model: free-form, but the figures read back must be numbers, each by its rule. */
export function checkEvaluation(x: unknown, file: string): void {
  if (x === undefined) return;
  if (!isObject(x)) throw modelError(file, "evaluation must be an object");
  const rules: [string, NumberRule][] = [["accuracy", SHARE], ["macroF1", SHARE], ["ece", SHARE], ["folds", COUNT], ["repeats", COUNT], ["seed", SEED]];
  for (const [f, rule] of rules) checkOptionalNumber(x[f], `evaluation.${f}`, rule, file);
  if (x.fresh !== undefined &&
    (!isObject(x.fresh) || typeof x.fresh.path !== "string")) throw modelError(file, "evaluation.fresh must be an object with the fresh set's path");
  if (isObject(x.fresh)) for (
    const [f, rule] of [["rows", COUNT], ["accuracy", SHARE], ["macroF1", SHARE]] as const) checkNumber(x.fresh[f], `evaluation.fresh.${f}`, rule, file);
}

/** The drift baseline (drift.ts): absent in older files; present, each number by its rule. */
export function checkDrift(x: unknown, file: string): DriftBaseline | undefined {
  if (x === undefined) return undefined;
  if (!isObject(x)) throw modelError(file, "drift must be an object");
  checkNumber(x.oovMean, "drift.oovMean", SHARE, file);
  checkNumber(x.oovSd, "drift.oovSd", SHARE, file);
  checkNumber(x.abstracts, "drift.abstracts", COUNT, file);
  checkNumber(x.folds, "drift.folds", COUNT, file);
  return x as unknown as DriftBaseline;
}

/**
 * Scores a few texts with the restored model: every score must be a finite number. Catches what
 * shape checks cannot (totals so large their sum overflows, a negative count under a logarithm).
 * The texts are none at all, and the first 200 terms of the classifier's space.
 */
export function checkScores(classifier: FittedClassifier, scope: ScopeModel | undefined, file: string): void {
  for (const tokens of [[], classifier.features.terms.slice(0, 200)]) {
    const scores = scoreTokens(classifier, tokens);
    if (scores.length !== classifier.categories.length || !scores.every(Number.isFinite)) throw modelError(file, "the model's scores are not finite numbers");
    if (scope && !Number.isFinite(scope.score(tokens))) throw modelError(file, "the model's scope scores are not finite numbers");
  }
}

/** Longer than any word of an abstract; a form past it is not one. */
const MAX_WORD_LENGTH = 200;

/**
 * The words shown for stems (absent in older files): each must be one word, free of control
 * characters, that this model's tokenizer turns into its stem, so a crafted file cannot show other
 * words than the abstracts could have used. Returned without a prototype, like surfaceForms makes it.
 */
export function checkSurfaceForms(x: unknown, tokenizer: TokenizerSettings, file: string): SurfaceForms | undefined {
  if (x === undefined) return undefined;
  if (!isObject(x)) throw modelError(file, "surfaceForms must be an object of stem -> word");
  const token = wordToken(tokenizer);
  const forms: Record<string, string> = Object.create(null);
  for (const [stem, word] of Object.entries(x)) {
    if (typeof word !== "string" || word.length > MAX_WORD_LENGTH || /\p{Cc}/u.test(word) || token(word) !== stem) {
      throw modelError(file, `surfaceForms[${JSON.stringify(stem.slice(0, 40))}] is ${found(word)}, not a word this model's tokenizer turns into that stem`);
    }
    forms[stem] = word;
  }
  return forms;
}
