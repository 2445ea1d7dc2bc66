import type { Writable } from "node:stream";
import type { AbstractSource } from "../ingest/abstracts.js";
import type { OutputSink } from "../io/output.js";
import type { LoadedModel } from "../modelfile/modelFile.js";
import type { DriftReport } from "../modelfile/drift.js";
import type { UnlabeledAbstract } from "../domain.js";
import type { LabeledPrediction } from "./label.js";
import type { LabeledBatch, PredictionDigest, RunAbstract } from "./batch.js";
import { formatPrediction, outputFormat, predictionHeader, type OutputFormat, type OutputFormatName } from "./output.js";
import { SeenAbstracts } from "./repeats.js";
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
  /** Rows whose abstract an earlier row of the run already had: labeled as that row, and naming it in duplicate_of. */
  repeated: number;
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
 * it is labeled (on `parallel.workers` threads, see parallel.ts). Only the running counts and a
 * hash of each distinct abstract (for repeats, see repeats.ts) are kept, so memory grows by
 * about 40 bytes a distinct abstract, never by its text.
 */
export async function predictSources(
  model: LoadedModel,
  sources: readonly AbstractSource[],
  out: Writable,
  format: OutputFormat,
  observer: PredictObserver = {},
  parallel: ParallelOptions = {},
): Promise<PredictSummary> {
  const summary: PredictSummary =
    { abstracts: 0, written: 0, known: 0, empty: 0, repeated: 0, skipped: [], perCategory: new Map(), needsReview: 0,
      outOfScope: 0, automatic: { outside: 0, other: 0 }, workers: 1, ...(model.outside === undefined ? {} : { outside: model.outside }) };
  const { onDigest, onPrediction } = observer;
  await write(out, predictionHeader(format));
  const options = { ...parallel, format, keepPredictions: onPrediction !== undefined };
  const seen = new SeenAbstracts(model.categories);
  const labeling = await labelInOrder(model, markRepeats(abstractsOf(sources, summary.skipped), seen), options);
  summary.workers = labeling.workers;
  for await (const labeled of labeling.batches) {
    const batch = withFirstLabels(labeled, seen, format);
    for (const p of batch.digests) {
      summary.abstracts++;
      if (p.duplicateOf !== undefined) summary.repeated++;
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

/** Each abstract marked as it is read, in input order: its entry in the run's index, and the first row it repeats (see repeats.ts). */
async function* markRepeats(batches: AsyncIterable<UnlabeledAbstract[]>, seen: SeenAbstracts): AsyncGenerator<RunAbstract[]> {
  for await (const batch of batches) {
    for (const item of batch as RunAbstract[]) {
      const found = seen.see(item.abstract, item);
      if (found === undefined) continue;
      item.seen = found.entry; // the items are the run's own, fresh from the reader
      if (found.repeat) item.duplicateOf = seen.firstId(found.entry);
    }
    yield batch;
  }
}

/**
 * The batch with each first occurrence's label recorded, in input order, and each repeat's row
 * given its first occurrence's label. A repeat has the same normalised text, and a model that
 * lower-cases reads the same tokens from both, so its own label is already that one; a model
 * that keeps case may label a repeat differing in case otherwise, and then its row is written
 * again with the first's category, confidence and review mark (the rest as read).
 */
function withFirstLabels(batch: LabeledBatch, seen: SeenAbstracts, format: OutputFormat): LabeledBatch {
  const { digests } = batch;
  let text = batch.text;
  let changed = false;
  let shift = 0; // how much longer the text has grown before the row in hand
  for (let i = 0; i < digests.length; i++) {
    const d = digests[i]!;
    if (d.seen === undefined) continue;
    if (d.duplicateOf === undefined) {
      seen.settle(d.seen, d);
      continue;
    }
    const first = seen.first(d.seen)!; // its row came before this one
    if (first.category === d.category && first.confidence === d.confidence && first.needsReview === d.needsReview) continue;
    const r = batch.repeats!.find((x) => x.row === i)!;
    const reason = first.needsReview ? `same abstract as ${first.id}, which needs review` : "";
    const p: LabeledPrediction = { ...r.prediction, category: first.category, confidence: first.confidence, needsReview: first.needsReview, reason };
    const row = formatPrediction(p, format);
    text = text.slice(0, r.start + shift) + row + text.slice(r.end + shift);
    shift += row.length - (r.end - r.start);
    changed = true;
    digests[i] = { ...d, category: p.category, confidence: p.confidence, needsReview: p.needsReview };
    if (batch.predictions) batch.predictions[i] = p;
  }
  return changed ? { ...batch, text } : batch;
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
export async function predictInto(model: LoadedModel, sources: readonly AbstractSource[], sink: OutputSink,
  options: PredictIntoOptions): Promise<PredictSummary> {
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
    await closed(sink.stream); // a failed write is answered before the stream says why (below)
    sink.abort();
    throw sink.failure ?? e;
  }
  const report = drift?.result();
  return report ? { ...summary, drift: report } : summary;
}

/**
 * Once a stream that a failed write is destroying has closed. The write's callback has the error
 * at once, and the stream emits it as 'error' (which the sink notes, to name the output) only
 * after it has closed its file, so the sink's failure is read after that. A stream not being
 * destroyed is done at once; one that never says it closed is given a second.
 */
function closed(stream: Writable): Promise<void> {
  if (!stream.destroyed || stream.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 1000);
    stream.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
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
