/**
 * One labeling worker thread (see pool.ts). It parses its own copy of the model from the model
 * file's text, sent once at start-up, then labels the batches it is sent, in the order sent, and
 * sends back each batch's formatted rows and digests (see batch.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { UnlabeledAbstract } from "../domain.js";
import { parseModel } from "../modelfile/modelFile.js";
import { labelBatch, type LabeledBatch } from "./batch.js";
import { makeLabeler, type LabeledPrediction } from "./label.js";
import type { OutputFormat } from "./output.js";

/** What a worker is sent once, at start-up (its workerData). */
export interface WorkerSetup {
  modelText: string;
  /** Names the model in error messages. */
  modelName: string;
  format: OutputFormat;
  /** Send the predictions back too, not only the formatted rows and digests. */
  keepPredictions: boolean;
}

export interface BatchRequest {
  id: number;
  items: UnlabeledAbstract[];
}

export type BatchReply =
  { id: number; batch: Omit<LabeledBatch, "predictions"> & { predictions?: Omit<LabeledPrediction, "input">[] } } | { id: number; error: string };

const setup = workerData as WorkerSetup;
const label = makeLabeler(parseModel(setup.modelText, setup.modelName));
setup.modelText = ""; // the parsed model is all this thread keeps

parentPort!.on("message", ({ id, items }: BatchRequest) => {
  let reply: BatchReply;
  try {
    const batch = labelBatch(label, items, setup.format, setup.keepPredictions);
    // The inputs go back to the caller, which still has them; not cloning them back halves the traffic.
    reply = { id, batch: { ...batch, predictions: batch.predictions?.map(withoutInput) } };
  } catch (e) {
    reply = { id, error: (e as Error).message ?? String(e) };
  }
  parentPort!.postMessage(reply);
});

function withoutInput<T extends { input: unknown }>(p: T): Omit<T, "input"> {
  const { input: _input, ...rest } = p;
  return rest;
}
