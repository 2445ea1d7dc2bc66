/**
 * How a prediction's figures are shown to a person (the predictions CSV, the review sheet, the
 * terminal, the HTML pages). A model's probability is never exactly 0 or 1, so it is never shown
 * as one: rounded to three decimals, one that would round to 1 is shown as 0.999 (">0.999" in
 * text), one that would round to 0 as 0.001 ("<0.001"). Three decimals are already finer than the
 * model's calibration error. JSONL and report.json keep the probability as computed.
 */
import type { LabeledPrediction } from "./label.js";

const DIGITS = 3;
const STEP = 10 ** -DIGITS;

/** A probability for a cell a person reads (a CSV column stays a number, so a spreadsheet sorts and filters it): three decimals, from 0.001 to 0.999. */
export function shownProbability(p: number): number {
  const r = Math.round(p * 10 ** DIGITS) / 10 ** DIGITS;
  if (r >= 1) return 1 - STEP;
  if (r <= 0) return STEP;
  return r;
}

/** A probability in text: "0.874", and ">0.999" or "<0.001" at the ends. */
export function probabilityText(p: number): string {
  const r = Math.round(p * 10 ** DIGITS) / 10 ** DIGITS;
  if (r >= 1) return `>${(1 - STEP).toFixed(DIGITS)}`;
  if (r <= 0) return `<${STEP.toFixed(DIGITS)}`;
  return r.toFixed(DIGITS);
}

/**
 * A prediction's confidence as shown: the model's probability, as above; a row whose abstract a
 * person labeled (`label_source` known) keeps 1, which is not a probability but says the label is
 * the person's; an empty abstract keeps 0, with no category.
 */
export function shownConfidence(p: Pick<LabeledPrediction, "confidence" | "source">): number {
  return p.source === "model" ? shownProbability(p.confidence) : p.confidence;
}

/** The confidence in text: the model's probability as `probabilityText` gives it; a known row's 1 and an empty abstract's 0 as they are. */
export function confidenceText(p: Pick<LabeledPrediction, "confidence" | "source">): string {
  return p.source === "model" ? probabilityText(p.confidence) : p.confidence.toFixed(DIGITS);
}

/** The runner-up's probability as shown; an empty abstract has no runner-up, and keeps 0. */
export function shownRunnerUpConfidence(p: Pick<LabeledPrediction, "runnerUpConfidence" | "source">): number {
  return p.source === "none" ? p.runnerUpConfidence : shownProbability(p.runnerUpConfidence);
}

/** The reason is shown only on a row that needs review (a known row's match is in `matched_id`). */
export function shownReason(p: Pick<LabeledPrediction, "needsReview" | "reason">): string {
  return p.needsReview ? p.reason : "";
}
