/**
 * One labeling worker thread (see pool.ts). It parses its own copy of the model from the model
 * file's text, sent once at start-up, then labels the batches it is sent, in the order sent.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { UnlabeledAbstract } from "../domain.js";
import { parseModel } from "../models/modelFile.js";
import { makeLabeler } from "./label.js";
import type { BatchReply, BatchRequest, WorkerSetup } from "./pool.js";

const setup = workerData as WorkerSetup;
const label = makeLabeler(parseModel(setup.modelText, setup.modelName));

parentPort!.on("message", ({ id, items }: BatchRequest) => {
  let reply: BatchReply;
  try {
    // The input goes back to the caller, which still has it; not cloning it back halves the traffic.
    reply = { id, predictions: items.map((item: UnlabeledAbstract) => withoutInput(label(item))) };
  } catch (e) {
    reply = { id, error: (e as Error).message ?? String(e) };
  }
  parentPort!.postMessage(reply);
});

function withoutInput<T extends { input: unknown }>(p: T): Omit<T, "input"> {
  const { input: _input, ...rest } = p;
  return rest;
}
