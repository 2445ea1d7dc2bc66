import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { AbstractRecord, AbstractSource } from "../src/ingest/abstracts.js";
import { readLabeled, usableForTraining } from "../src/ingest/labeled.js";
import { SafetagError } from "../src/errors.js";
import type { OutputSink } from "../src/io/output.js";
import { predictInto } from "../src/predict/run.js";
import { trainModel } from "../src/training/train.js";
import { fixture } from "./cliHarness.js";

const model = trainModel(usableForTraining(readLabeled(fixture("tiny-labeled.csv")).rows), { now: () => new Date(0) });

/** A sink that keeps what was written and what was done to it; `failure` is what its stream's failure would be. */
function memorySink(failure?: SafetagError): OutputSink & { text: () => string; done: string[] } {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (d) => (text += d));
  const done: string[] = [];
  return {
    stream,
    failure,
    commit: async () => void done.push("commit"),
    abort: () => void done.push("abort"),
    text: () => text,
    done,
  };
}

function source(file: string, records: AbstractRecord[], failAfter?: Error): AbstractSource {
  return {
    file,
    batches: (async function* () {
      yield records;
      if (failAfter) throw failAfter;
    })(),
  };
}

const abstract = (id: string, text: string, line: number): AbstractRecord => ({ kind: "abstract", item: { id, abstract: text, source: "d.txt", line } });
const records = [
  abstract("x1", "We train reward models from human preference comparisons.", 1),
  { kind: "skipped", line: 2, text: "Tony", reason: "not an `Abstract:` line" } as AbstractRecord,
  abstract("x2", "Sparse autoencoders find interpretable features in activations.", 3),
];

describe("predictInto: sources into an output sink, drift measured on the way", () => {
  it("writes a row per abstract, commits the sink, and returns the summary with the drift report", async () => {
    const sink = memorySink();
    const progress: number[] = [];
    const seen: string[] = [];
    const summary =
      await predictInto(model, [source("d.txt", records)], sink, { format: "csv", onProgress: (n) => progress.push(n), onPrediction: (p) => seen.push(p.id) });
    expect(sink.done).toEqual(["commit"]);
    expect(sink.text().trimEnd().split("\n").map((l) => l.split(",")[0])).toEqual(["id", "x1", "x2"]);
    expect(progress).toEqual([1, 2]);
    expect(seen).toEqual(["x1", "x2"]);
    expect(summary).toMatchObject({ abstracts: 2, written: 2, skipped: [{ file: "d.txt", line: 2, text: "Tony", reason: "not an `Abstract:` line" }] });
    expect(model.drift).toBeDefined(); // trained with a baseline, so drift is measured
    expect(summary.drift?.abstracts).toBe(2);
  });

  it("aborts the sink when a source fails, and throws the source's error", async () => {
    const sink = memorySink();
    const broken = new Error("the dump went away");
    await expect(predictInto(model, [source("d.txt", records, broken)], sink, { format: "jsonl" })).rejects.toBe(broken);
    expect(sink.done).toEqual(["abort"]);
  });

  it("throws the sink's own failure (a full disk, naming the output) rather than what it caused", async () => {
    const full = new SafetagError("E_WRITE", "out.csv: cannot write (no space left on the device)");
    const sink = memorySink(full);
    await expect(predictInto(model, [source("d.txt", records, new Error("a later symptom"))], sink, { format: "csv" })).rejects.toBe(full);
    expect(sink.done).toEqual(["abort"]);
  });
});
