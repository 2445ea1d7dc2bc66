import type { EvaluationReport } from "../evaluation/report.js";

/**
 * One total order of every key the report uses, chosen so that each object comes out in the
 * order a reader wants (settings before figures, figures before the long lists; e.g.
 * `resamples, level, seed` in both the bootstrap settings and the intervals). A key not listed
 * follows, alphabetically, so the output never depends on the order in which an object was
 * built or parsed. Add new keys where they read best.
 */
const KEY_ORDER = [
  "format", "version", "safetagVersion", "createdAt", "settings", "summary",
  "model", "parameters", "dataPath", "dataSha256", "rows", "groupedRows", "categories", "rowsPerCategory",
  "folds", "repeats", "resamples", "level", "seed", "bootstrap", "unit",
  "mean", "sd", "perRepeat",
  "repeat", "fold", "id", "title", "labels", "total",
  "category", "estimate", "lower", "upper", "drawn",
  "precision", "recall", "f1", "support",
  "gold", "predicted", "correct", "accuracy", "macroF1", "perCategory", "micro", "macro", "weighted", "counts",
  "majority", "pooled", "baseline", "confusion", "intervals", "predictions",
  "confidence", "runnerUp", "runnerUpConfidence", "probabilities",
];
const RANK: ReadonlyMap<string, number> = new Map(KEY_ORDER.map((k, i) => [k, i]));

/** Pretty JSON with a stable key order, ending in a newline; a list of numbers on one line. */
export function renderJson(report: EvaluationReport): string {
  return `${inlineNumberLists(JSON.stringify(ordered(report), null, 2))}\n`;
}

/** A list that holds only numbers, as JSON.stringify indents it (one per line), joined on one line. */
const NUMBER_LIST = /\[\n\s*(-?\d[\d.eE+-]*(?:,\n\s*-?\d[\d.eE+-]*)*)\n\s*\]/g;

/**
 * Indented JSON with each list of numbers (a row's probabilities, a confusion matrix row) on one
 * line. Only structural line breaks are matched: a JSON string cannot hold a raw one.
 */
export function inlineNumberLists(json: string): string {
  return json.replace(NUMBER_LIST, (_, items: string) => `[${items.split(/,\n\s*/).join(", ")}]`);
}

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value).sort((a, b) => {
    const ra = RANK.get(a) ?? Infinity;
    const rb = RANK.get(b) ?? Infinity;
    return ra !== rb ? ra - rb : a < b ? -1 : a > b ? 1 : 0;
  });
  // defineProperty, not assignment: a key named "__proto__" stays an ordinary key.
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    Object.defineProperty(out, k, {
      value: ordered((value as Record<string, unknown>)[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
