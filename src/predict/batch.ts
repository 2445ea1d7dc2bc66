/**
 * A batch of labeled abstracts as the writer needs it: the output rows already formatted, and a
 * digest of each prediction for the counts and the drift check. Made the same way in the main
 * thread and in a labeling worker, so a worker sends back one string and a few small records per
 * batch instead of every prediction, and the thread that reads and writes does little else.
 */
import type { UnlabeledAbstract } from "../domain.js";
import type { LabeledPrediction } from "./label.js";
import { formatPrediction, type OutputFormat } from "./output.js";

/** What the summary and the drift check need of a prediction. */
export type PredictionDigest = Pick<LabeledPrediction, "category" | "source" | "needsReview" | "outOfScope" | "unknownShare">;

export interface LabeledBatch {
  /** The batch's output rows, in input order. */
  text: string;
  digests: PredictionDigest[];
  /** The predictions themselves, when asked for (e.g. for the review page). */
  predictions?: LabeledPrediction[];
}

export function labelBatch(label: (input: UnlabeledAbstract) => LabeledPrediction, items: readonly UnlabeledAbstract[], format: OutputFormat, keepPredictions: boolean): LabeledBatch {
  let text = "";
  const digests: PredictionDigest[] = [];
  const predictions: LabeledPrediction[] | undefined = keepPredictions ? [] : undefined;
  for (const item of items) {
    const p = label(item);
    text += formatPrediction(p, format);
    digests.push(digestOf(p));
    predictions?.push(p);
  }
  return predictions ? { text, digests, predictions } : { text, digests };
}

function digestOf(p: LabeledPrediction): PredictionDigest {
  const d: PredictionDigest = { category: p.category, source: p.source, needsReview: p.needsReview, outOfScope: p.outOfScope };
  if (p.unknownShare !== undefined) d.unknownShare = p.unknownShare;
  return d;
}
