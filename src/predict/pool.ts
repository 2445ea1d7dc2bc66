/**
 * Worker threads that label batches of abstracts, each with its own copy of the model (parsed
 * from the model file's text, sent once). A batch goes to the worker with the fewest batches
 * outstanding and its promise resolves with the labeled batch (see batch.ts), rows in the batch's order;
 * putting batches back in input order is the caller's job (parallel.ts).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { UnlabeledAbstract } from "../domain.js";
import { EXIT, SafetagError } from "../errors.js";
import type { LabeledBatch } from "./batch.js";
// types only: worker.ts runs in a worker thread, never in this one
import type { BatchReply, BatchRequest, WorkerSetup } from "./worker.js";

interface Pending {
  items: UnlabeledAbstract[];
  resolve(batch: LabeledBatch): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * The compiled worker script. Run from dist/, it is beside this module. Worker threads cannot
 * load TypeScript, so when the sources are run directly (the tests, through vitest) the built
 * copy in dist/ is used; `npm test` builds before it tests.
 */
export function workerScript(): URL {
  return import.meta.url.endsWith(".ts") ? new URL("../../dist/src/predict/worker.js", import.meta.url) : new URL("./worker.js", import.meta.url);
}

/**
 * A worker's young generation (where each batch's short-lived strings and arrays live) at 8 MB
 * instead of V8's default: measured on 100k abstracts with 2 workers, peak memory 293 MB instead
 * of 331-358 MB at the same speed. The old generation (the model) is not capped: a model trained
 * on a large vocabulary needs what it needs.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

export class LabelingPool {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private failure?: Error;
  private closing = false;

  constructor(setup: WorkerSetup, size: number) {
    const script = workerScript();
    if (!existsSync(fileURLToPath(script))) {
      throw new SafetagError("E_WORKER", `the labeling worker ${fileURLToPath(script)} is missing`, {
        exitCode: EXIT.software,
        hint: "build safetag with `npm run build`, or label in one thread with --workers 1",
      });
    }
    const workerData = setup;
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: new Worker(script, { workerData, resourceLimits: WORKER_LIMITS }), pending: new Map() };
      slot.worker.on("message", (reply: BatchReply) => this.settle(slot, reply));
      slot.worker.on("error", (e) => this.fail(e));
      slot.worker.on("exit", (code) => {
        if (!this.closing) this.fail(new Error(`a labeling worker stopped unexpectedly (exit code ${code})`));
      });
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Batches sent and not yet answered. */
  get outstanding(): number {
    let n = 0;
    for (const slot of this.slots) n += slot.pending.size;
    return n;
  }

  label(items: UnlabeledAbstract[]): Promise<LabeledBatch> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { items, resolve, reject });
      const request: BatchRequest = { id, items };
      slot.worker.postMessage(request);
    });
  }

  /** Stops every worker; batches still outstanding are abandoned. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private settle(slot: Slot, reply: BatchReply): void {
    const p = slot.pending.get(reply.id);
    if (!p) return;
    slot.pending.delete(reply.id);
    if ("error" in reply) p.reject(new Error(`labeling failed in a worker thread: ${reply.error}`));
    else {
      const { predictions, ...batch } = reply.batch;
      p.resolve(predictions ? { ...batch, predictions: predictions.map((rest, i) => ({ input: p.items[i]!, ...rest })) } : batch);
    }
  }

  /** One worker failing fails the whole run: a prediction file with holes is worse than none. */
  private fail(e: Error): void {
    this.failure ??= e;
    for (const slot of this.slots) {
      for (const p of slot.pending.values()) p.reject(this.failure);
      slot.pending.clear();
    }
  }
}
