#!/usr/bin/env node
/**
 * `npm run bench`: throughput and peak memory of train and predict on synthetic corpora of
 * growing size, with 1 and 2 workers, beside scikit-learn when it is installed. Prints a table
 * and writes eval/bench.json. Timings, so never part of the tests.
 */
import { Command, InvalidArgumentError } from "commander";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { intArg, seedArg } from "../src/cli/options.js";
import { writeFileAtomic } from "../src/io/atomic.js";
import { formatSize, parseSize } from "./corpus.js";
import { runBench } from "./run.js";
import { findSklearnPython } from "./sklearn.js";
import { formatBenchTable, ratios } from "./table.js";

const sizeList = (value: string): number[] =>
  value.split(",").map((s) => {
    const n = parseSize(s);
    if (n === undefined) throw new InvalidArgumentError(`not a size: ${JSON.stringify(s)} (e.g. 1k, 10k, 100k, 1M)`);
    return n;
  });

const workerList = (value: string): number[] => value.split(",").map(intArg("--workers", 1));

const program = new Command()
  .name("npm run bench --")
  .description("train and predict throughput and peak memory on synthetic corpora, beside scikit-learn when installed")
  .option("--sizes <list>", "corpus sizes, e.g. 1k,10k,100k,1M", sizeList, sizeList("1k,10k,100k"))
  .option("--workers <list>", "worker counts to predict with", workerList, [1, 2])
  .option("--train-max <size>", "train on at most this many rows (safetag reads a labeled file whole, at most 256 MiB)", (v) => sizeList(v)[0]!, 100_000)
  .option("--seed <n>", "corpus seed", seedArg(), 1)
  .option("--out <file>", "where to write the results (relative to the project)", "eval/bench.json")
  .option("--dir <dir>", "folder for the corpora (default: a temporary one, removed afterwards)")
  .option("--no-sklearn", "do not time scikit-learn")
  .parse();

const opts = program.opts<{ sizes: number[]; workers: number[]; trainMax: number; seed: number; out: string; dir?: string; sklearn: boolean }>();
const root = fileURLToPath(new URL("../../", import.meta.url));
const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "safetag-bench-"));
const python = opts.sklearn ? findSklearnPython() : undefined;
const log = (line: string) => process.stderr.write(line + "\n");
if (opts.sklearn && !python) log("scikit-learn not found (python3 -c 'import sklearn' failed): timing safetag only");
try {
  const report = await runBench({ sizes: opts.sizes, workers: opts.workers, trainMax: opts.trainMax, seed: opts.seed, dir, root, python }, log);
  writeFileAtomic(resolve(root, opts.out), JSON.stringify(report, null, 2) + "\n");
  const m = report.machine;
  console.log(`\n${m.cpus} × ${m.cpu}, ${m.memoryGB} GB, Node ${m.node}; model ${report.model}; throughput per second, peak memory as max RSS`);
  for (const line of formatBenchTable(report)) console.log(line);
  for (const r of report.results) {
    const q = ratios(r);
    if (q && r.sklearn) console.log(
      `${formatSize(r.size)}: safetag ` +
        `predicts at ${q.predict.toFixed(2)}x scikit-learn ${r.sklearn.version}'s throughput on one worker, and ` +
          `trains ${q.train.toFixed(2)}x as fast as it fits`);
  }
  console.log(`written to ${opts.out}`);
} finally {
  if (!opts.dir) rmSync(dir, { recursive: true, force: true });
}
