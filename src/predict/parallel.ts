/**
 * Labels a stream of abstracts in input order, in this thread or on worker threads too, as
 * batches of formatted rows (see batch.ts). Abstracts are read in batches. With N threads, N - 1
 * are workers: a batch goes to a worker while fewer than two per worker are outstanding, and is
 * otherwise labeled here, so this thread (which also reads and writes) labels what its share of
 * the time allows and no core waits for it. Batches are handed on in the order they were read, so
 * memory stays flat whatever the dump's size and the output is the same whatever the number of threads.
 */
import type { UnlabeledAbstract } from "../domain.js";
import { modelText, type LoadedModel } from "../modelfile/modelFile.js";
import { labelBatch, type LabeledBatch } from "./batch.js";
import { makeLabeler } from "./label.js";
import type { OutputFormat } from "./output.js";
import { LabelingPool } from "./pool.js";

export interface ParallelOptions {
  /** Threads to label with, this one included (N - 1 worker threads); 1 (the default) labels in this thread only. */
  workers?: number;
  /**
   * Abstracts per batch. With workers, an input shorter than one batch is labeled in this
   * thread, because starting workers (each parses the model) would cost more than it saves.
   */
  batchSize?: number;
}

export const DEFAULT_BATCH_SIZE = 256;
/** Outstanding batches per worker: one being labeled and one waiting, so a worker never idles. */
const IN_FLIGHT_PER_WORKER = 2;

/** How a stream is labeled, and what it becomes. */
export interface Labeling {
  /** Threads that label it: 1 when it is done in this thread. */
  workers: number;
  /**
   * The labeled batches, in input order. Read them with `for await`, at once: however the loop
   * ends, it closes the input (and stops the workers), which a generator never started would not.
   */
  batches: AsyncGenerator<LabeledBatch>;
}

export interface BatchOptions extends ParallelOptions {
  format: OutputFormat;
  /** Each batch carries its predictions too (workers send them back, which costs time). */
  keepPredictions?: boolean;
}

/**
 * Labels `abstracts` (given in batches of any size), in their order. The first batch is read
 * now, to choose the number of threads; the rest as the batches are read.
 */
export async function labelInOrder(model: LoadedModel, abstracts: AsyncIterable<UnlabeledAbstract[]>, options: BatchOptions): Promise<Labeling> {
  const workers = Math.max(1, Math.floor(options.workers ?? 1));
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE));
  const input = abstracts[Symbol.asyncIterator]();
  const nextBatch = rebatch(input, batchSize);
  let first: UnlabeledAbstract[];
  try {
    first = await nextBatch();
  } catch (e) {
    await input.return?.();
    throw e;
  }
  const threads = workers === 1 || first.length < batchSize ? 1 : workers;
  return { workers: threads, batches: labeledBatches(model, first, nextBatch, input, threads, options) };
}

/** The labeled batches of `first` and of those `nextBatch` reads after it, on `threads` threads; closes `input` however it ends. */
async function* labeledBatches(
  model: LoadedModel,
  first: UnlabeledAbstract[],
  nextBatch: () => Promise<UnlabeledAbstract[]>,
  input: AsyncIterator<UnlabeledAbstract[]>,
  threads: number,
  options: BatchOptions,
): AsyncGenerator<LabeledBatch> {
  const keep = options.keepPredictions ?? false;
  try {
    if (threads === 1) {
      const label = makeLabeler(model);
      for (let batch = first; batch.length > 0; batch = await nextBatch()) yield labelBatch(label, batch, options.format, keep);
      return;
    }
    const pool = new LabelingPool({ modelText: modelText(model), modelName: "model", format: options.format, keepPredictions: keep }, threads - 1);
    const label = makeLabeler(model);
    const workerRoom = IN_FLIGHT_PER_WORKER * pool.size;
    try {
      const outstanding: Promise<LabeledBatch>[] = [];
      for (let batch = first; batch.length > 0; batch = await nextBatch()) {
        if (pool.outstanding < workerRoom) {
          const labeled = pool.label(batch);
          labeled.catch(() => {}); // a failure is thrown below, where this batch's turn comes; never as an unhandled rejection
          outstanding.push(labeled);
        } else {
          outstanding.push(Promise.resolve(labelBatch(label, batch, options.format, keep)));
        }
        // the workers' batches, and one or two labeled here, wait for their turn
        if (outstanding.length > workerRoom + 1) yield await outstanding.shift()!;
      }
      while (outstanding.length > 0) yield await outstanding.shift()!;
    } finally {
      await pool.close();
    }
  } finally {
    await input.return?.(); // stopped early (an error, a closed output): let the readers close their files
  }
}

/** Batches of exactly `size` abstracts (the last one shorter, then empty ones) from batches of any size. */
function rebatch(input: AsyncIterator<UnlabeledAbstract[]>, size: number): () => Promise<UnlabeledAbstract[]> {
  let pending: UnlabeledAbstract[] = [];
  let at = 0;
  return async () => {
    const batch: UnlabeledAbstract[] = [];
    while (batch.length < size) {
      if (at === pending.length) {
        const r = await input.next();
        if (r.done) break;
        pending = r.value;
        at = 0;
        continue;
      }
      const take = Math.min(size - batch.length, pending.length - at);
      for (let i = 0; i < take; i++) batch.push(pending[at + i]!);
      at += take;
    }
    return batch;
  };
}
