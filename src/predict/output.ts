import type { Category } from "../domain.js";
import type { LabeledPrediction } from "./label.js";
import { csvLine } from "../io/csv.js";
import { modelText, type LoadedModel } from "../modelfile/modelFile.js";
import { registryEntry } from "../modelfile/kept.js";
import { shownConfidence, shownReason, shownRunnerUpConfidence } from "./shown.js";

/** The output formats `predict --format` names. */
export type OutputFormatName = "csv" | "jsonl";

/**
 * JSONL rows for one model: each line also carries the model's id and every category's
 * probability, in the model's category order (see `jsonlFormat`).
 */
export interface JsonlFormat {
  name: "jsonl";
  /** The id `safetag models` lists for this model when it is kept (see modelfile/kept.ts). */
  modelId: string;
  categories: readonly Category[];
}

/** How prediction rows are written: CSV (the same columns for every model), or JSONL for one model. */
export type OutputFormat = "csv" | JsonlFormat;

/** The format `name` for rows of `model`. */
export function outputFormat(name: OutputFormatName, model: LoadedModel): OutputFormat {
  return name === "csv" ? "csv" : jsonlFormat(model);
}

/**
 * The model's id is computed by the function that gives a kept model its id (a hash of the model
 * file's text and its creation time), from the text the model was read from, so a JSONL line
 * names the model the way `safetag models` does; nothing in the registry is read or written.
 */
export function jsonlFormat(model: LoadedModel): JsonlFormat {
  return { name: "jsonl", modelId: registryEntry(model, { text: modelText(model), path: "" }).id, categories: [...model.categories] };
}

/** Output columns, in order. `file` and `line` say where in the input the abstract was. */
export const PREDICTION_COLUMNS = [
  "id",
  "category",
  "confidence",
  "runner_up",
  "runner_up_confidence",
  "needs_review",
  "reason",
  "scope",
  "out_of_scope",
  "terms",
  "label_source",
  "matched_id",
  "duplicate_of",
  "file",
  "line",
] as const;

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function predictionRecord(p: LabeledPrediction): Record<(typeof PREDICTION_COLUMNS)[number], string | number> {
  return {
    id: p.id,
    category: p.category,
    confidence: round(p.confidence),
    runner_up: p.runnerUp,
    runner_up_confidence: round(p.runnerUpConfidence),
    needs_review: p.needsReview ? 1 : 0,
    reason: shownReason(p),
    scope: p.scope === undefined ? "" : round(p.scope),
    out_of_scope: p.outOfScope ? 1 : 0,
    terms: p.terms.map((t) => t.term).join(" "),
    label_source: p.source,
    matched_id: p.matchedId ?? "",
    duplicate_of: p.duplicateOf ?? "",
    file: p.input.source ?? "",
    line: p.input.line ?? "",
  };
}

export function predictionHeader(format: OutputFormat): string {
  return format === "csv" ? csvLine(PREDICTION_COLUMNS) : "";
}

/** JSONL keeps the probabilities as computed; the CSV, read by people in spreadsheets, shows them as shown.ts says. */
export function formatPrediction(p: LabeledPrediction, format: OutputFormat): string {
  const rec = predictionRecord(p);
  if (format !== "csv") return jsonLine(rec, p, format);
  rec.confidence = shownConfidence(p);
  rec.runner_up_confidence = shownRunnerUpConfidence(p);
  return csvLine(PREDICTION_COLUMNS.map((c) => rec[c]));
}

/**
 * One JSONL line: the CSV columns (same names and values), then `model_id`, `probabilities`
 * (category -> probability in the model's category order; null for an empty abstract, which is
 * not scored) and `abstract`, the text as read. Written field by field rather than through an
 * object, so the categories keep the model's order whatever their names (an object puts
 * integer-like keys such as "2" first) and a category named `__proto__` stays a plain key.
 */
function jsonLine(rec: ReturnType<typeof predictionRecord>, p: LabeledPrediction, format: JsonlFormat): string {
  const fields: string[] = PREDICTION_COLUMNS.map((c) => `${JSON.stringify(c)}:${JSON.stringify(rec[c])}`);
  fields.push(`"model_id":${JSON.stringify(format.modelId)}`);
  fields.push(`"probabilities":${probabilitiesJson(p.probabilities, format.categories)}`);
  fields.push(`"abstract":${JSON.stringify(p.input.abstract)}`);
  return `{${fields.join(",")}}\n`;
}

function probabilitiesJson(probabilities: ArrayLike<number> | undefined, categories: readonly Category[]): string {
  if (probabilities === undefined) return "null";
  return `{${categories.map((c, i) => `${JSON.stringify(c)}:${JSON.stringify(round(probabilities[i]!))}`).join(",")}}`;
}
