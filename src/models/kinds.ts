import type { Category } from "../domain.js";
import { SafetagError } from "../errors.js";
import { RAW_COUNTS, TFIDF, type FeatureSettings } from "../features/featureSpace.js";
import type { FittedClassifier, TrainingExample } from "./contract.js";
import { Ensemble } from "./ensemble.js";
import { Gated, GATE_SAFETY } from "./gated.js";
import { DEFAULT_LOGISTIC_PARAMS, fitLogistic, LogisticRegression, type LogisticParams, type LogisticState } from "./logistic.js";
import { ScopeModel, type ScopeState } from "./scope.js";
import { checkMatrix, checkNumber, checkNumbers, COEFFICIENT, MAX_MAGNITUDE, TEMPERATURE, TOTAL, type NumberRule } from "./numbers.js";
import { DEFAULT_NB_PARAMS, fitNaiveBayes, NaiveBayes, type NaiveBayesParams, type NaiveBayesState } from "./naiveBayes.js";

/**
 * The model kinds users can pick with `--model`. Each is a named recipe over the classifiers
 * behind the one contract; new kinds are added here and nowhere else.
 */
export const MODEL_KINDS = ["multinomial-nb", "complement-nb", "tfidf-nb", "logistic", "ensemble"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
/** What `--model` accepts: a kind, or "auto" (chosen by inner cross-validation on the training rows). */
export const MODEL_CHOICES = ["auto", ...MODEL_KINDS] as const;
export type ModelChoice = (typeof MODEL_CHOICES)[number];
export const AUTO_CANDIDATES: readonly ModelKind[] = ["complement-nb", "tfidf-nb", "ensemble"];
export const DEFAULT_MODEL_KIND: ModelChoice = "complement-nb";

export const MODEL_DESCRIPTIONS: Record<ModelChoice, string> = {
  auto: `chosen per training set by inner cross-validation among ${AUTO_CANDIDATES.join(", ")}`,
  "multinomial-nb": "multinomial naive Bayes on raw counts, Laplace smoothing, empirical prior (the classic baseline)",
  "complement-nb": "complement naive Bayes on TF-IDF (Rennie et al. 2003), steadier for tiny categories",
  "tfidf-nb": "multinomial naive Bayes on TF-IDF weights with a uniform prior",
  logistic: "class-balanced softmax logistic regression on TF-IDF, L2, fitted by L-BFGS",
  ensemble: "average of complement NB and logistic regression probabilities",
};

export interface KindParams {
  nb?: Partial<NaiveBayesParams>;
  logistic?: Partial<LogisticParams>;
}

const nbParams = (over: Partial<NaiveBayesParams>, p?: Partial<NaiveBayesParams>): NaiveBayesParams => ({ ...DEFAULT_NB_PARAMS, ...over, ...p });
const lrParams = (p?: Partial<LogisticParams>): LogisticParams => ({ ...DEFAULT_LOGISTIC_PARAMS, ...p });
const COMPLEMENT = { complement: true, alpha: 0.3, features: TFIDF };

export function fitClassifier(kind: ModelKind, examples: readonly TrainingExample[], categories: readonly Category[], params: KindParams = {}): FittedClassifier {
  switch (kind) {
    case "multinomial-nb":
      return fitNaiveBayes(examples, nbParams({ features: RAW_COUNTS }, params.nb), categories);
    case "complement-nb":
      return fitNaiveBayes(examples, nbParams(COMPLEMENT, params.nb), categories);
    case "tfidf-nb":
      return fitNaiveBayes(examples, nbParams({ prior: "uniform", alpha: 0.1, features: TFIDF }, params.nb), categories);
    case "logistic":
      return fitLogistic(examples, lrParams(params.logistic), categories);
    case "ensemble":
      return new Ensemble(categories, [
        fitNaiveBayes(examples, nbParams(COMPLEMENT, params.nb), categories),
        fitLogistic(examples, lrParams(params.logistic), categories),
      ]);
  }
}

function fail(file: string, what: string): SafetagError {
  return new SafetagError("E_MODEL_FORMAT", `${file}: ${what}`, { hint: "the model file is damaged or was not written by safetag; train again" });
}

/**
 * The feature space of a classifier or scope model: distinct string terms, and an IDF weight
 * per term (each checked, see checkNumbers in modelShape.ts) when there is one.
 */
function checkFeatures(f: unknown, file: string, field: string): { settings: FeatureSettings; terms: string[] } {
  const s = f as { terms?: unknown; idf?: unknown } | undefined;
  if (!s || !Array.isArray(s.terms)) throw fail(file, "model terms are missing");
  const terms = s.terms as unknown[];
  for (let i = 0; i < terms.length; i++) if (typeof terms[i] !== "string") throw fail(file, `model terms are missing (${field}.terms[${i}] is not a string)`);
  if (new Set(terms).size !== terms.length) throw fail(file, "model terms are listed twice"); // columns would shift
  if (s.idf !== undefined) checkNumbers(s.idf, `${field}.idf`, terms.length, TOTAL, file, "model IDF weights do not match its terms");
  return { settings: RAW_COUNTS, terms: terms as string[] };
}

function checkFeatureSettings(x: unknown, file: string): FeatureSettings {
  const s = x as Partial<FeatureSettings> | undefined;
  if (!s || typeof s.sublinearTf !== "boolean" || typeof s.idf !== "boolean" || typeof s.l2 !== "boolean") throw fail(file, "model feature settings are missing");
  return { sublinearTf: s.sublinearTf, idf: s.idf, l2: s.l2 };
}

/** Lidstone smoothing: below it, totals divided by alpha overflow. */
const ALPHA: NumberRule = { min: 1e-6, max: 1e6 };
const POSITIVE: NumberRule = { min: 0, max: MAX_MAGNITUDE, above: true };

/**
 * Rebuilds a classifier from its JSON, checking every size against the categories and every
 * number by its rule (modelShape.ts), so a crafted file cannot crash us or score wrongly later.
 * `field` is where the classifier is in the file, for the messages (`model.members[1]`).
 */
export function restoreClassifier(json: unknown, categories: readonly Category[], file: string, depth = 0, field = "model"): FittedClassifier {
  const m = json as { kind?: unknown; params?: Record<string, unknown>; state?: Record<string, unknown>; members?: unknown } | null;
  if (typeof m !== "object" || m === null) throw fail(file, "model section is missing");
  const k = categories.length;
  switch (m.kind) {
    case "naive-bayes": {
      const p = m.params ?? {};
      const s = m.state ?? {};
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
    }
    case "logistic": {
      const p = m.params ?? {};
      const s = m.state ?? {};
      const { terms } = checkFeatures(s.features, file, `${field}.state.features`);
      const sizes = "model weights do not match its categories and terms";
      checkMatrix(s.weights, `${field}.state.weights`, k, terms.length, COEFFICIENT, file, sizes);
      checkNumbers(s.bias, `${field}.state.bias`, k, COEFFICIENT, file, sizes);
      const params: LogisticParams = { ...DEFAULT_LOGISTIC_PARAMS, C: checkNumber(p.C, `${field}.params.C`, POSITIVE, file), features: checkFeatureSettings(p.features, file) };
      return new LogisticRegression(categories, params, s as unknown as LogisticState);
    }
    case "ensemble": {
      if (depth > 2 || !Array.isArray(m.members) || m.members.length === 0 || m.members.length > 16) throw fail(file, "ensemble members are missing");
      return new Ensemble(categories, m.members.map((x, i) => restoreClassifier(x, categories, file, depth + 1, `${field}.members[${i}]`)));
    }
    case "gated": {
      const g = json as { outside?: unknown; gateTemperature?: unknown; innerTemperature?: unknown; gate?: unknown; classifier?: unknown };
      const outside = g.outside;
      if (depth > 2 || typeof outside !== "string" || !categories.includes(outside) || k < 2) throw fail(file, "the two-stage model's outside category is missing or not one of its categories");
      const gateTemperature = checkNumber(g.gateTemperature, `${field}.gateTemperature`, TEMPERATURE, file);
      const innerTemperature = checkNumber(g.innerTemperature, `${field}.innerTemperature`, TEMPERATURE, file);
      const gate = restoreClassifier(g.gate, [GATE_SAFETY, outside], file, depth + 1, `${field}.gate`);
      const classifier = restoreClassifier(g.classifier, categories.filter((c) => c !== outside), file, depth + 1, `${field}.classifier`);
      return new Gated(categories, outside, gate, classifier, gateTemperature, innerTemperature);
    }
    default:
      throw fail(file, `unknown model kind ${JSON.stringify(m.kind)}`);
  }
}

export function restoreScope(json: unknown, categories: readonly Category[], file: string): ScopeModel {
  const s = json as Partial<ScopeState> | null;
  if (typeof s !== "object" || s === null) throw fail(file, "scope section is malformed");
  const { terms } = checkFeatures(s.features, file, "scope.features");
  checkMatrix(s.centroids, "scope.centroids", categories.length, terms.length, COEFFICIENT, file, "scope centroids do not match its categories and terms");
  if (s.features?.idf === undefined) throw fail(file, "scope IDF weights are missing");
  return new ScopeModel(categories, s as ScopeState);
}
