/**
 * What the classifiers' restore functions share: the checks of a stored feature space. Each
 * classifier's own restore (in its file) checks the rest of its section.
 */
import { RAW_COUNTS, type FeatureSettings } from "../features/featureSpace.js";
import { checkNumbers, modelError, TOTAL } from "./numbers.js";

/**
 * The feature space of a classifier or scope model: distinct string terms, and an IDF weight
 * per term (each checked, see checkNumbers in numbers.ts) when there is one.
 */
export function checkFeatures(f: unknown, file: string, field: string): { settings: FeatureSettings; terms: string[] } {
  const s = f as { terms?: unknown; idf?: unknown } | undefined;
  if (!s || !Array.isArray(s.terms)) throw modelError(file, "model terms are missing");
  const terms = s.terms as unknown[];
  for (let i = 0; i < terms.length; i++) if (typeof terms[i] !== "string") throw modelError(file,
    `model terms are missing (${field}.terms[${i}] is not a string)`);
  if (new Set(terms).size !== terms.length) throw modelError(file, "model terms are listed twice"); // columns would shift
  if (s.idf !== undefined) checkNumbers(s.idf, `${field}.idf`, terms.length, TOTAL, file, "model IDF weights do not match its terms");
  return { settings: RAW_COUNTS, terms: terms as string[] };
}

export function checkFeatureSettings(x: unknown, file: string): FeatureSettings {
  const s = x as Partial<FeatureSettings> | undefined;
  if (!s || typeof s.sublinearTf !== "boolean" || typeof s.idf !== "boolean" ||
    typeof s.l2 !== "boolean") throw modelError(file, "model feature settings are missing");
  return { sublinearTf: s.sublinearTf, idf: s.idf, l2: s.l2 };
}
