/**
 * The benchmark: for each corpus size, write a synthetic labeled CSV and an abstract dump, train
 * on the one and predict the other through the real command line (each in a process of its own,
 * so its peak memory is its own), with each worker count, and time scikit-learn on the same files.
 */
import { createReadStream, existsSync, mkdirSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { readLabeled, usableForTraining } from "../src/ingest/labeled.js";
import { loadTaxonomy } from "../src/taxonomy/file.js";
import { DEFAULT_MODEL_KIND } from "../src/models/kinds.js";
import { syntheticCorpus } from "./corpus.js";
import { abstractDump, trainingCsv, writeLines } from "./files.js";
import { measureCommand } from "./measure.js";
import { timeSklearn, type SklearnTiming } from "./sklearn.js";

export interface BenchOptions {
  sizes: number[];
  workers: number[];
  /** Training uses min(size, trainMax) rows. */
  trainMax: number;
  seed: number;
  /** Folder for the corpora, models and predictions. */
  dir: string;
  /** The project root: where the bundled data is and where commands run. */
  root: string;
  /** A python3 with scikit-learn, when there is one. */
  python?: string;
}

export interface Measured {
  seconds: number;
  perSecond: number;
  maxRssMB: number;
  sampledRssMB: number;
}

export interface SizeResult {
  size: number;
  trainRows: number;
  train: Measured;
  predict: (Measured & { workers: number })[];
  /** The prediction files are byte-identical whatever the number of workers. */
  identicalAcrossWorkers: boolean;
  sklearn?: SklearnTiming & { predictPerSecond: number; fitPerSecond: number };
}

export interface BenchReport {
  createdAt: string;
  machine: { cpus: number; cpu: string; memoryGB: number; node: string; platform: string };
  model: string;
  seed: number;
  source: string;
  results: SizeResult[];
}

/** The labeled spreadsheet paste: in every clone, and the source of data/labeled.csv. */
export const BUNDLED_SHEET = "data/raw/001_65e12ee1781831be.txt";

export async function runBench(options: BenchOptions, log: (line: string) => void): Promise<BenchReport> {
  const { root, dir } = options;
  const taxonomyPath = join(root, "data/taxonomy.json");
  const taxonomy = existsSync(taxonomyPath) ? loadTaxonomy(taxonomyPath) : undefined;
  const real = usableForTraining(readLabeled(join(root, BUNDLED_SHEET), { taxonomy }).rows);
  mkdirSync(dir, { recursive: true });
  const results: SizeResult[] = [];
  for (const size of options.sizes) {
    const trainRows = Math.min(size, options.trainMax);
    const trainCsv = join(dir, `train-${trainRows}-seed${options.seed}.csv`);
    const dump = join(dir, `dump-${size}.txt`);
    const model = join(dir, `model-${trainRows}-seed${options.seed}.json`);
    log(`${size} abstracts: writing the corpus (${real.length} real abstracts resampled, seed ${options.seed})`);
    if (!existsSync(trainCsv)) await writeLines(trainCsv, trainingCsv(syntheticCorpus(real, trainRows, options.seed)));
    await writeLines(dump, abstractDump(syntheticCorpus(real, size, (options.seed + 1) >>> 0)));

    log(`  train on ${trainRows} rows`);
    const taxonomyArgs = taxonomy ? ["--taxonomy", taxonomyPath] : [];
    const train = await measureCommand(["-q", "train", "--data", trainCsv, "--out", model, "--kind", DEFAULT_MODEL_KIND, ...taxonomyArgs], root);
    const predict: SizeResult["predict"] = [];
    const hashes = new Set<string>();
    for (const workers of options.workers) {
      log(`  predict ${size} with ${workers} worker${workers === 1 ? "" : "s"}`);
      const out = join(dir, `predictions-${size}-${workers}.csv`);
      const m = await measureCommand(["-q", "predict", "--model", model, "--input", dump, "--output", out, "--workers", String(workers)], root);
      predict.push({ workers, ...measured(m, size) });
      hashes.add(await fileHash(out));
      rmSync(out);
    }
    let sklearn: SizeResult["sklearn"];
    if (options.python) {
      log(`  scikit-learn on the same files`);
      const t = timeSklearn(options.python, trainCsv, dump, dir);
      sklearn = { ...t, predictPerSecond: t.predicted / t.predictSeconds, fitPerSecond: trainRows / t.fitSeconds };
    }
    rmSync(dump);
    results.push({ size, trainRows, train: measured(train, trainRows), predict, identicalAcrossWorkers: hashes.size === 1, sklearn });
  }
  return {
    createdAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ??
      "", memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` },
    model: DEFAULT_MODEL_KIND,
    seed: options.seed,
    source: BUNDLED_SHEET,
    results,
  };
}

function measured(m: { seconds: number; maxRssMB: number; sampledRssMB: number }, items: number): Measured {
  return { seconds: m.seconds, perSecond: items / m.seconds, maxRssMB: m.maxRssMB, sampledRssMB: m.sampledRssMB };
}

function fileHash(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (d) => hash.update(d))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}
