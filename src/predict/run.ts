import type { Writable } from "node:stream";
import type { AbstractSource } from "../ingest/abstracts.js";
import type { OutputSink } from "../io/output.js";
import type { LoadedModel } from "../modelfile/modelFile.js";
import type { DriftReport } from "../modelfile/drift.js";
import type { UnlabeledAbstract } from "../domain.js";
import type { LabeledPrediction } from "./label.js";
import type { PredictionDigest } from "./batch.js";
import { outputFormat, predictionHeader, type OutputFormat, type OutputFormatName } from "./output.js";
import { driftMeter } from "./drift.js";
import { labelInOrder, type ParallelOptions } from "./parallel.js";

export interface SkippedLine {
  file: string;
  line: number;
  text: string;
  reason: string;
}

export interface PredictSummary {
  abstracts: number;
  written: number;
  known: number;
  empty: number;
  skipped: SkippedLine[];
  /** Predictions per category; a Map, so a category named `constructor` or `__proto__` is a category like any other. */
  perCategory: Map<string, number>;
  /** Marked needs_review (low confidence, out of scope or empty), and of those, out of scope. */
  needsReview: number;
  outOfScope: number;
  /** Labeled automatically (not sent to review): with the outside answer (`outside`, the model's "not safety research"), or with another category. */
  automatic: { outside: number; other: number };
  outside?: string;
  /** Threads that did the labeling: 1 when it ran in this thread. */
  workers: number;
  /** How unlike the training data the input looks (measured by predictInto, see drift.ts). */
  drift?: DriftReport;
}

/** Who watches the predictions go by, in input order. */
export interface PredictObserver {
  /** Every prediction's digest. */
  onDigest?(d: PredictionDigest): void;
  /** Every prediction whole; asking for them makes labeling workers send them back, which costs time. */
  onPrediction?(p: LabeledPrediction): void;
}

/**
 * Labels every abstract of every source, in input order, writing each batch of rows as soon as
 * it is labeled (on `parallel.workers` threads, see parallel.ts). Only the running counts are
 * kept, so memory does not grow with the dump.
 */
export async function predictSources(
  model: LoadedModel,
  sources: readonly AbstractSource[],
  out: Writable,
  format: OutputFormat,
  observer: PredictObserver = {},
  parallel: ParallelOptions = {},
): Promise<PredictSummary> {
  const summary: PredictSummary = { abstracts: 0, written: 0, known: 0, empty: 0, skipped: [], perCategory: new Map(), needsReview: 0, outOfScope: 0, automatic: { outside: 0, other: 0 }, workers: 1, ...(model.outside === undefined ? {} : { outside: model.outside }) };
  const { onDigest, onPrediction } = observer;
  await write(out, predictionHeader(format));
  const options = { ...parallel, format, keepPredictions: onPrediction !== undefined };
  const labeling = await labelInOrder(model, abstractsOf(sources, summary.skipped), options);
  summary.workers = labeling.workers;
  for await (const batch of labeling.batches) {
    for (const p of batch.digests) {
      summary.abstracts++;
      if (p.source === "known") summary.known++;
      if (p.source === "none") summary.empty++;
      if (p.needsReview) summary.needsReview++;
      else if (p.category !== "") summary.automatic[p.category === model.outside ? "outside" : "other"]++;
      if (p.outOfScope) summary.outOfScope++;
      summary.perCategory.set(p.category, (summary.perCategory.get(p.category) ?? 0) + 1);
      onDigest?.(p);
    }
    if (onPrediction) for (const p of batch.predictions!) onPrediction(p);
    await write(out, batch.text);
    summary.written += batch.digests.length;
  }
  return summary;
}

/** The abstracts of every source in turn, in batches; lines that are not abstracts are noted in `skipped` as they are read. */
async function* abstractsOf(sources: readonly AbstractSource[], skipped: SkippedLine[]): AsyncGenerator<UnlabeledAbstract[]> {
  for (const { file, batches } of sources) {
    for await (const batch of batches) {
      const items: UnlabeledAbstract[] = [];
      for (const rec of batch) {
        if (rec.kind === "skipped") skipped.push({ file, line: rec.line, text: rec.text, reason: rec.reason });
        else items.push(rec.item);
      }
      if (items.length > 0) yield items;
    }
  }
}

export interface PredictIntoOptions {
  format: OutputFormatName;
  /** Every prediction whole, in input order (the review page collects them); asking for them costs time (see PredictObserver). */
  onPrediction?(p: LabeledPrediction): void;
  /** Told after each abstract is labeled, with how many are labeled so far. */
  onProgress?(labeled: number): void;
  parallel?: ParallelOptions;
}

/**
 * Labels every abstract of `sources` into `sink` (see predictSources), which is committed once
 * every row is written and aborted on any failure: a write that failed (a full disk) is thrown as
 * the sink's own error, naming the output, whichever write met it first. How unlike the training
 * data the input looks is measured on the way and returned in the summary (see drift.ts).
 */
export async function predictInto(model: LoadedModel, sources: readonly AbstractSource[], sink: OutputSink, options: PredictIntoOptions): Promise<PredictSummary> {
  const drift = driftMeter(model);
  let labeled = 0;
  const observer: PredictObserver = {
    onDigest(d) {
      drift?.add(d);
      options.onProgress?.(++labeled);
    },
    ...(options.onPrediction ? { onPrediction: options.onPrediction } : {}),
  };
  let summary: PredictSummary;
  try {
    summary = await predictSources(model, sources, sink.stream, outputFormat(options.format, model), observer, options.parallel);
    await sink.commit();
  } catch (e) {
    sink.abort();
    throw sink.failure ?? e;
  }
  const report = drift?.result();
  return report ? { ...summary, drift: report } : summary;
}

/** Respects back-pressure so a slow disk does not make us buffer the whole output. */
function write(out: Writable, chunk: string): Promise<void> {
  if (chunk === "") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ok = out.write(chunk, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else out.once("drain", resolve);
  });
}
