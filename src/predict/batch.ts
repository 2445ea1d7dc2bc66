/**
 * A batch of labeled abstracts as the writer needs it: the output rows already formatted, and a
 * digest of each prediction for the counts and the drift check. Made the same way in the main
 * thread and in a labeling worker, so a worker sends back one string and a few small records per
 * batch instead of every prediction, and the thread that reads and writes does little else.
 */
import type { UnlabeledAbstract } from "../domain.js";
import type { LabeledPrediction } from "./label.js";
import { formatPrediction, type OutputFormat } from "./output.js";

/**
 * An abstract as a predict run hands it to labeling: `seen` is its entry in the run's index of
 * abstracts (repeats.ts; absent for an empty abstract), and `duplicateOf` the id of the run's
 * first row with the same abstract, when this row repeats it.
 */
export interface RunAbstract extends UnlabeledAbstract {
  seen?: number;
  duplicateOf?: string;
}

/** What the summary, the drift check and the repeats (repeats.ts) need of a prediction. */
export type PredictionDigest = Pick<LabeledPrediction, "category" | "confidence" | "source" | "needsReview" |
  "outOfScope" | "unknownShare" | "duplicateOf"> & { seen?: number };

/** A repeated abstract's row in a batch, for the rare case where its label must be made its first occurrence's (repeats.ts). */
export interface RepeatRow {
  /** Its index in the batch, and where its row is in the batch's text. */
  row: number;
  start: number;
  end: number;
  prediction: LabeledPrediction;
}

export interface LabeledBatch {
  /** The batch's output rows, in input order. */
  text: string;
  digests: PredictionDigest[];
  /** The predictions themselves, when asked for (e.g. for the review page). */
  predictions?: LabeledPrediction[];
  /** The rows that repeat an earlier abstract of the run, when there are any. */
  repeats?: RepeatRow[];
}

export function labelBatch(label: (input: UnlabeledAbstract) => LabeledPrediction, items: readonly RunAbstract[],
  format: OutputFormat, keepPredictions: boolean): LabeledBatch {
  let text = "";
  const digests: PredictionDigest[] = [];
  const predictions: LabeledPrediction[] | undefined = keepPredictions ? [] : undefined;
  let repeats: RepeatRow[] | undefined;
  for (const item of items) {
    const p = label(item);
    if (item.duplicateOf !== undefined) p.duplicateOf = item.duplicateOf;
    const start = text.length;
    text += formatPrediction(p, format);
    if (item.duplicateOf !== undefined) (repeats ??= []).push({ row: digests.length, start, end: text.length, prediction: p });
    digests.push(digestOf(p, item.seen));
    predictions?.push(p);
  }
  const batch: LabeledBatch = predictions ? { text, digests, predictions } : { text, digests };
  return repeats ? { ...batch, repeats } : batch;
}

function digestOf(p: LabeledPrediction, seen?: number): PredictionDigest {
  const d: PredictionDigest = { category: p.category, confidence: p.confidence, source: p.source, needsReview: p.needsReview, outOfScope: p.outOfScope };
  if (p.unknownShare !== undefined) d.unknownShare = p.unknownShare;
  if (p.duplicateOf !== undefined) d.duplicateOf = p.duplicateOf;
  if (seen !== undefined) d.seen = seen;
  return d;
}
