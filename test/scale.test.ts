/**
 * Large inputs: a dump is streamed (output starts long before the input ends, and what is read
 * ahead stays bounded), predictions are the same byte for byte whatever the number of worker
 * threads, and training's inner cross-validation samples large data. Worker threads run the built
 * worker (dist/src/predict/worker.js): `npm test` builds first.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { readAbstractBatches } from "../src/ingest/abstracts.js";
import { readLabeled, usableForTraining } from "../src/ingest/labeled.js";
import { mulberry32, randomInt } from "../src/sampling/random.js";
import { parseModel, type LoadedModel } from "../src/modelfile/modelFile.js";
import { innerSample } from "../src/training/innerSample.js";
import { trainModel } from "../src/training/train.js";
import { predictSources, type PredictSummary } from "../src/predict/run.js";
import type { ParallelOptions } from "../src/predict/parallel.js";
import { cli, fixture, parseCsv } from "./cliHarness.js";

const dir = mkdtempSync(join(tmpdir(), "safetag-scale-"));
const modelPath = join(dir, "model.json");
let model: LoadedModel;
let vocabulary: string[];

beforeAll(async () => {
  const t = await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", modelPath, "--taxonomy", fixture("tiny-taxonomy.json")]);
  expect(t.code).toBe(0);
  model = parseModel(readFileSync(modelPath, "utf8"), modelPath);
  vocabulary = [...new Set(readFileSync(fixture("tiny-labeled.csv"), "utf8").split(/[^A-Za-z]+/).filter((w) => w.length > 2))];
});

/** `Abstract:` lines of 20 to 80 words drawn from the fixture's vocabulary: varied categories, confidences and terms. */
function* dumpLines(n: number, seed: number): Generator<string> {
  const random = mulberry32(seed);
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 20 + randomInt(random, 60) }, () => vocabulary[randomInt(random, vocabulary.length)]!);
    yield `Abstract: ${words.join(" ")}.\n`;
  }
}

async function predictDump(input: Readable, parallel: ParallelOptions, out: Writable = new PassThrough()): Promise<PredictSummary> {
  return predictSources(model, [{ file: "dump.txt", batches: readAbstractBatches(input, "dump.txt", "dump") }], out, "csv", undefined, parallel);
}

async function predictText(text: string, parallel: ParallelOptions): Promise<{ text: string; summary: PredictSummary }> {
  const out = new PassThrough();
  let written = "";
  out.on("data", (d) => (written += d));
  const summary = await predictDump(Readable.from([text]), parallel, out);
  return { text: written, summary };
}

describe("predicting with worker threads", () => {
  it("writes the same predictions, byte for byte, with 1 worker and with several", async () => {
    const dump = [...dumpLines(1500, 7)].join("");
    const one = await predictText(dump, { workers: 1 });
    const three = await predictText(dump, { workers: 3, batchSize: 64 });
    expect(one.summary.workers).toBe(1);
    expect(three.summary.workers).toBe(3);
    expect(three.text).toBe(one.text);
    const rows = parseCsv(one.text);
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: 1500 }, (_, i) => String(i + 1)));
    expect(new Set(rows.map((r) => r.category)).size).toBeGreaterThan(1);
  });

  it("labels an input shorter than one batch in this thread: no worker start-up for a small dump", async () => {
    const dump = [...dumpLines(20, 8)].join("");
    const four = await predictText(dump, { workers: 4, batchSize: 64 });
    expect(four.summary.workers).toBe(1);
    expect(four.text).toBe((await predictText(dump, { workers: 1 })).text);
  });

  it("takes --workers on the command line, with the same output and the same review page", async () => {
    const input = join(dir, "cli-dump.txt");
    writeFileSync(input, [...dumpLines(600, 9)].join(""));
    const runs = [];
    for (const workers of ["1", "2"]) {
      const output = join(dir, `cli-${workers}.csv`);
      const html = join(dir, `cli-${workers}.html`);
      const r = await cli(["predict", "--model", modelPath, "--input", input, "--output", output, "--html", html, "--workers", workers]);
      expect(r.code).toBe(0);
      runs.push({ stderr: r.stderr, csv: readFileSync(output, "utf8"), html: readFileSync(html, "utf8") });
    }
    expect(runs[1]!.stderr).toMatch(/600 predictions written to .* by 2 threads \(1 worker and this one\)/);
    expect(runs[1]!.csv).toBe(runs[0]!.csv);
    // the page needs whole predictions, which workers then send back with the rows
    expect(runs[0]!.html).toMatch(/cli-dump\.txt:\d+/);
    expect(runs[1]!.html).toBe(runs[0]!.html);
    expect((await cli(["predict", "--model", modelPath, "--input", input, "--workers", "0"])).code).toBe(2);
  });
});

describe("streaming a dump larger than a chunk", () => {
  for (const parallel of [{ workers: 1 }, { workers: 2, batchSize: 64 }]) {
    it(`writes rows while reading, with a bounded read-ahead (${parallel.workers} worker${parallel.workers > 1 ? "s" : ""})`, async () => {
      const total = 12_000;
      let read = 0;
      let bytes = 0;
      const input = Readable.from(
        (function* () {
          const lines = dumpLines(total, 10);
          for (let i = 0; i < total; i += 16) {
            let chunk = "";
            for (let j = 0; j < 16; j++) chunk += lines.next().value ?? "";
            read += 16;
            bytes += Buffer.byteLength(chunk);
            yield chunk;
          }
        })(),
      );
      let rows = -1; // the header comes first
      let readAtFirstRow = 0;
      let maxAhead = 0;
      const out = new Writable({
        write(chunk: Buffer, _encoding, done) {
          const before = rows;
          for (const byte of chunk) if (byte === 0x0a) rows++; // rows come in batches, one write each
          if (before < 1 && rows >= 1) readAtFirstRow = read;
          maxAhead = Math.max(maxAhead, read - rows);
          done();
        },
      });
      const summary = await predictDump(input, parallel, out);
      expect(summary.written).toBe(total);
      expect(bytes).toBeGreaterThan(4_000_000); // several MB: far more than one read chunk (64 KiB)
      expect(rows).toBe(total);
      // read ahead: one input chunk and one batch in this thread; with workers, at most two batches per worker besides
      expect(readAtFirstRow).toBeLessThan(1000);
      expect(maxAhead).toBeLessThan(1000);
    });
  }
});

describe("training on large data", () => {
  const rows = Array.from({ length: 1000 }, (_, i) => ({ id: `r${i}`, category: i % 50 === 0 ? "rare" : i % 3 === 0 ? "a" : "b" }));

  it("runs the inner cross-validation on a seeded stratified sample past the limit, and on every row below it", () => {
    expect(innerSample(rows, 1000, 5, 1)).toBe(rows);
    const sample = innerSample(rows, 100, 5, 1);
    expect(sample.length).toBeGreaterThanOrEqual(95);
    expect(sample.length).toBeLessThanOrEqual(105);
    expect(sample.filter((r) => r.category === "rare").length).toBe(5); // 2 by its share, raised to the fold count
    expect(sample.filter((r) => r.category === "a").length).toBe(33);
    expect(sample.map((r) => Number(r.id.slice(1)))).toEqual([...sample.map((r) => Number(r.id.slice(1)))].sort((x, y) => x - y));
    expect(innerSample(rows, 100, 5, 1)).toEqual(sample);
    expect(innerSample(rows, 100, 5, 2)).not.toEqual(sample);
  });

  it("says so in the training report, and leaves small data as it was", () => {
    const labeled = usableForTraining(readLabeled(fixture("tiny-labeled.csv")).rows);
    const now = () => new Date(0);
    const sampled = trainModel(labeled, { now, innerRows: 12 });
    expect(sampled.report?.innerSample).toEqual({ rows: expect.any(Number), of: labeled.length, seed: 1 });
    const plain = trainModel(labeled, { now });
    expect(plain.report?.innerSample).toBeUndefined();
    expect(trainModel(labeled, { now, innerRows: labeled.length })).toEqual(plain);
  });
});
