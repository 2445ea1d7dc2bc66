/**
 * The reference point: scikit-learn's CountVectorizer + MultinomialNB on the same corpus, timed
 * in the same run. Optional: used when a python3 with scikit-learn is installed.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface SklearnTiming {
  version: string;
  /** CountVectorizer.fit_transform + MultinomialNB.fit, reading the CSV not included. */
  fitSeconds: number;
  /** transform + predict_proba + argmax, in chunks of 10,000; reading the dump not included. */
  predictSeconds: number;
  predicted: number;
  maxRssMB: number;
}

/** Generated into the run's temporary folder; prints one JSON line. */
const SCRIPT = `
import csv, json, resource, sys, time
import sklearn
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB

csv.field_size_limit(sys.maxsize)
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
texts = [r["abstract"] for r in rows]
labels = [r["category"] for r in rows]
del rows

start = time.perf_counter()
vectorizer = CountVectorizer()
model = MultinomialNB().fit(vectorizer.fit_transform(texts), labels)
fit_seconds = time.perf_counter() - start
del texts

predict_seconds, predicted = 0.0, 0
def predict(chunk):
    global predict_seconds, predicted
    start = time.perf_counter()
    model.predict_proba(vectorizer.transform(chunk)).argmax(axis=1)
    predict_seconds += time.perf_counter() - start
    predicted += len(chunk)

chunk = []
with open(sys.argv[2], encoding="utf-8") as f:
    for line in f:
        if line.startswith("Abstract:"):
            chunk.append(line[len("Abstract:"):].strip())
            if len(chunk) == 10000:
                predict(chunk)
                chunk = []
if chunk:
    predict(chunk)

print(json.dumps({
    "version": sklearn.__version__,
    "fitSeconds": fit_seconds,
    "predictSeconds": predict_seconds,
    "predicted": predicted,
    "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
`;

/** A python3 that can import scikit-learn, or undefined. */
export function findSklearnPython(candidates: readonly string[] = ["/usr/bin/python3", "python3"]): string | undefined {
  return candidates.find((python) => spawnSync(python, ["-c", "import sklearn"], { stdio: "ignore" }).status === 0);
}

export function timeSklearn(python: string, trainCsv: string, dump: string, dir: string): SklearnTiming {
  const script = join(dir, "sklearn_bench.py");
  writeFileSync(script, SCRIPT);
  const run = spawnSync(python, [script, trainCsv, dump], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`scikit-learn run failed (exit ${run.status}):\n${run.stderr.slice(-2000)}`);
  return JSON.parse(run.stdout.trim().split("\n").pop()!) as SklearnTiming;
}
