import type { Writable } from "node:stream";
import type { AbstractRecord } from "../ingest/abstracts.js";
import type { LoadedModel } from "../models/modelFile.js";
import { makeLabeler, type LabeledPrediction } from "./label.js";
import { formatPrediction, predictionHeader, type OutputFormat } from "./output.js";

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
  perCategory: Record<string, number>;
}

export interface PredictSource {
  file: string;
  records: AsyncIterable<AbstractRecord>;
}

/**
 * Labels every abstract of every source, in input order, writing each row as soon as it is
 * scored. Only the running counts are kept, so memory does not grow with the dump.
 */
export async function predictSources(
  model: LoadedModel,
  sources: readonly PredictSource[],
  out: Writable,
  format: OutputFormat,
  onPrediction?: (p: LabeledPrediction) => void,
): Promise<PredictSummary> {
  const label = makeLabeler(model);
  const summary: PredictSummary = { abstracts: 0, written: 0, known: 0, empty: 0, skipped: [], perCategory: {} };
  await write(out, predictionHeader(format));
  for (const { file, records } of sources) {
    for await (const rec of records) {
      if (rec.kind === "skipped") {
        summary.skipped.push({ file, line: rec.line, text: rec.text, reason: rec.reason });
        continue;
      }
      summary.abstracts++;
      const p = label(rec.item);
      if (p.source === "known") summary.known++;
      if (p.source === "none") summary.empty++;
      summary.perCategory[p.category] = (summary.perCategory[p.category] ?? 0) + 1;
      onPrediction?.(p);
      await write(out, formatPrediction(p, format));
      summary.written++;
    }
  }
  return summary;
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
