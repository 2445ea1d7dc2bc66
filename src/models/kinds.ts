import type { Category } from "../domain.js";
import { EXIT, SafetagError } from "../errors.js";
import { RAW_COUNTS, TFIDF } from "../features/featureSpace.js";
import type { FittedClassifier, ModelKindEntry, Restore, RestoreContext } from "./contract.js";
import { fitEnsemble, restoreEnsemble } from "./ensemble.js";
import { restoreGated } from "./gated.js";
import { DEFAULT_LOGISTIC_PARAMS, fitLogistic, restoreLogistic } from "./logistic.js";
import { modelError } from "./numbers.js";
import { DEFAULT_NB_PARAMS, fitNaiveBayes, restoreNaiveBayes, type NaiveBayesParams } from "./naiveBayes.js";

/**
 * The model kinds: what `--model` names (a user's word, e.g. "complement-nb"), each a classifier
 * type ("naive-bayes", what a model file stores) fitted with given settings. A model kind is an
 * entry here; a classifier type is read back by the `restore` of the kinds that fit it.
 */
export type ModelKinds = Readonly<Record<string, ModelKindEntry>>;

/** Naive Bayes with these settings (the rest as DEFAULT_NB_PARAMS). */
function naiveBayes(description: string, over: Partial<NaiveBayesParams>, fitted: (p: Partial<NaiveBayesParams>) => boolean): ModelKindEntry {
  const params: NaiveBayesParams = { ...DEFAULT_NB_PARAMS, ...over };
  return {
    description,
    type: "naive-bayes",
    fit: (set, categories) => fitNaiveBayes(set, params, categories),
    restore: restoreNaiveBayes,
    fitted: (json) => fitted((json.params ?? {}) as Partial<NaiveBayesParams>),
  };
}

const MULTINOMIAL_NB = naiveBayes(
  "multinomial naive Bayes on raw counts, Laplace smoothing, empirical prior (the classic baseline)",
  { features: RAW_COUNTS },
  (p) => !p.complement && !p.features?.idf,
);
const COMPLEMENT_NB = naiveBayes(
  "complement naive Bayes on TF-IDF (Rennie et al. 2003), steadier for tiny categories",
  { complement: true, alpha: 0.3, features: TFIDF },
  (p) => p.complement === true,
);
const TFIDF_NB = naiveBayes(
  "multinomial naive Bayes on TF-IDF weights with a uniform prior",
  { prior: "uniform", alpha: 0.1, features: TFIDF },
  (p) => !p.complement && p.features?.idf === true,
);
const LOGISTIC: ModelKindEntry = {
  description: "class-balanced softmax logistic regression on TF-IDF, L2, fitted by L-BFGS",
  type: "logistic",
  fit: (set, categories) => fitLogistic(set, DEFAULT_LOGISTIC_PARAMS, categories),
  restore: restoreLogistic,
};
const ENSEMBLE: ModelKindEntry = {
  description: "average of complement NB and logistic regression probabilities",
  type: "ensemble",
  fit: (set, categories) => fitEnsemble(set, { members: [COMPLEMENT_NB.fit, LOGISTIC.fit] }, categories),
  restore: restoreEnsemble,
};

/**
 * The built-in kinds, one line each (a classifier's file exports its entry, as the tests' plug-in
 * does). Training and model-file parsing take a table as a parameter, this one by default.
 */
export const BUILT_IN_KINDS = {
  "multinomial-nb": MULTINOMIAL_NB,
  "complement-nb": COMPLEMENT_NB,
  "tfidf-nb": TFIDF_NB,
  logistic: LOGISTIC,
  ensemble: ENSEMBLE,
} satisfies ModelKinds;

export type ModelKind = keyof typeof BUILT_IN_KINDS;
export const MODEL_KINDS = Object.keys(BUILT_IN_KINDS) as ModelKind[];
/** What `--model` accepts: a kind, or "auto" (chosen by inner cross-validation on the training rows). */
export const MODEL_CHOICES = ["auto", ...MODEL_KINDS] as const;
export type ModelChoice = (typeof MODEL_CHOICES)[number];
export const AUTO_CANDIDATES: readonly ModelKind[] = ["complement-nb", "tfidf-nb", "ensemble"];
export const DEFAULT_MODEL_KIND: ModelChoice = "complement-nb";

/** One line per choice of `--model`, for --help. */
export function describeModelChoices(kinds: ModelKinds = BUILT_IN_KINDS): string[] {
  const names = ["auto", ...Object.keys(kinds)];
  const width = Math.max(...names.map((n) => n.length));
  const line = (name: string, text: string) => `${name.padEnd(width)}  ${text}`;
  const auto = `chosen per training set by inner cross-validation among ${AUTO_CANDIDATES.join(", ")}`;
  return [line("auto", auto), ...Object.entries(kinds).map(([name, k]) => line(name, k.description))];
}

/**
 * Classifier types that no kind fits alone, and how they are read back: the two-stage model
 * training makes of a kind when rows teach the outside answer (gated.ts).
 */
const COMPOSITES: Readonly<Record<string, Restore>> = { gated: restoreGated };

/** Each classifier type of `kinds` (and the composites), with its restore. */
function restores(kinds: ModelKinds): ReadonlyMap<string, Restore> {
  const byType = new Map<string, Restore>(Object.entries(COMPOSITES));
  for (const [name, k] of Object.entries(kinds)) {
    const known = byType.get(k.type);
    if (known !== undefined && known !== k.restore) throw new Error(`model kind ${name}: classifier type ${k.type} is already read back by another restore`);
    byType.set(k.type, k.restore);
  }
  return byType;
}

/**
 * Rebuilds a classifier from its section of a model file (`model`), by the restore of its type,
 * checking everything (see Restore). `kinds` says which types there are.
 */
export function restoreClassifier(json: unknown, categories: readonly Category[], file: string, kinds: ModelKinds = BUILT_IN_KINDS): FittedClassifier {
  const byType = restores(kinds);
  const restoreAt = (x: unknown, cats: readonly Category[], field: string, depth: number): FittedClassifier => {
    if (typeof x !== "object" || x === null) throw modelError(file, "model section is missing");
    const m = x as Record<string, unknown>;
    const restore = typeof m.kind === "string" ? byType.get(m.kind) : undefined;
    if (!restore) throw modelError(file, `unknown model kind ${JSON.stringify(m.kind)}`);
    const at: RestoreContext = { file, field, depth, restore: (y, c, f) => restoreAt(y, c, f, depth + 1) };
    return restore(m, cats, at);
  };
  return restoreAt(json, categories, "model", 0);
}

/**
 * The model kind a classifier was fitted as, from what it stores: the kind of `kinds` that fits its
 * type and says it fitted it; its type itself when none does (a two-stage model). For model files
 * older than the training report, which names the kind.
 */
export function kindOfClassifier(classifier: FittedClassifier, kinds: ModelKinds = BUILT_IN_KINDS): string {
  const json = classifier.toJSON() as Record<string, unknown>;
  const type = typeof json.kind === "string" ? json.kind : classifier.type;
  const kind = Object.entries(kinds).find(([, k]) => k.type === type && (k.fitted?.(json) ?? true));
  return kind ? kind[0] : type;
}

/** The entry of a kind the table has; an unknown kind is an error (E_MODEL_KIND) naming the ones it has. */
export function kindEntry(kinds: ModelKinds, kind: string): ModelKindEntry {
  const entry = Object.hasOwn(kinds, kind) ? kinds[kind] : undefined;
  if (!entry) {
    const hint = `the kinds are ${Object.keys(kinds).join(", ")}`;
    throw new SafetagError("E_MODEL_KIND", `unknown model kind ${JSON.stringify(kind)}`, { exitCode: EXIT.usage, hint });
  }
  return entry;
}
