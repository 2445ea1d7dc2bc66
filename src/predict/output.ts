import type { LabeledPrediction } from "./label.js";
import { csvLine } from "../io/csv.js";

export type OutputFormat = "csv" | "jsonl";

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
    reason: p.reason,
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

export function formatPrediction(p: LabeledPrediction, format: OutputFormat): string {
  const rec = predictionRecord(p);
  return format === "csv" ? csvLine(PREDICTION_COLUMNS.map((c) => rec[c])) : JSON.stringify(rec) + "\n";
}
