/**
 * `predict --format jsonl`: each line carries the CSV columns, the abstract's text, the id
 * `safetag models` lists for the model, and every category's probability in the model's
 * category order. The CSV keeps its columns. Worker threads run the built worker
 * (dist/src/predict/worker.js): `npm test` builds first.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { readAbstractBatches } from "../src/ingest/abstracts.js";
import { parseModel, type LoadedModel } from "../src/modelfile/modelFile.js";
import type { LabeledPrediction } from "../src/predict/label.js";
import { formatPrediction, jsonlFormat, PREDICTION_COLUMNS } from "../src/predict/output.js";
import { predictSources } from "../src/predict/run.js";
import { cli, fixture } from "./cliHarness.js";

const dir = mkdtempSync(join(tmpdir(), "safetag-jsonl-"));
const modelPath = join(dir, "model.json");
let listedId: string;
let categories: string[];

beforeAll(async () => {
  const t = await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", modelPath, "--taxonomy", fixture("tiny-taxonomy.json")]);
  expect(t.code).toBe(0);
  const m = await cli(["models", "--dir", dir]);
  expect(m.code).toBe(0);
  // the current model's line: `*  <id>  <kind> ...`
  const current = /^\*\s+(\S+)/m.exec(m.stdout);
  expect(current).not.toBeNull();
  listedId = current![1]!;
  categories = JSON.parse(readFileSync(modelPath, "utf8")).categories;
});

const known = "We reverse engineer circuits of attention heads and neurons inside a small transformer language model.";
const unknown = 'Adversarial attacks and "jailbreaks" break robustness, ça va.';
const input = `id,abstract\nk,"${known}"\nm,"${unknown.replace(/"/g, '""')}"\ne,\n`;

async function predictJsonl(model: string): Promise<Record<string, unknown>[]> {
  const p = await cli(["predict", "--model", model, "--input", "-", "--format", "jsonl"], input);
  expect(p.code).toBe(0);
  return p.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

describe("predict --format jsonl", () => {
  it("gives each line the abstract, the id `safetag models` lists, and every category's probability in the model's order", async () => {
    const lines = await predictJsonl(modelPath);
    expect(lines.map((l) => [l.id, l.label_source])).toEqual([
      ["k", "known"],
      ["m", "model"],
      ["e", "none"],
    ]);
    expect(categories).toEqual(["Feedback", "Interpretability", "Robustness"]);
    for (const l of lines) expect(l.model_id).toBe(listedId);
    expect(lines.map((l) => l.abstract)).toEqual([known, unknown, ""]);

    const m = lines[1]! as { category: string; confidence: number; runner_up: string; runner_up_confidence: number; probabilities: Record<string, number> };
    expect(Object.keys(m.probabilities)).toEqual(categories);
    expect(m.probabilities[m.category]).toBe(m.confidence);
    expect(m.probabilities[m.runner_up]).toBe(m.runner_up_confidence);
    const third = categories.find((c) => c !== m.category && c !== m.runner_up)!;
    expect(m.probabilities[third]).toBeLessThanOrEqual(m.runner_up_confidence);
    // rounded to 6 decimals each, so the sum is 1 within 3 half-units of the last decimal
    expect(Math.abs(Object.values(m.probabilities).reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(1.5e-6);
  });

  it("keeps the model's probabilities on a known abstract, whose category is the labeled row's, and gives null for an empty one", async () => {
    // a row the model disagrees with: interpretability words, labeled Robustness
    const odd = "We reverse engineer circuits of attention heads and neurons and find interpretable features with sparse autoencoders.";
    const data = join(dir, "odd.csv");
    writeFileSync(data, `${readFileSync(fixture("tiny-labeled.csv"), "utf8")}Acme,Odd one,9-Jan-24,https://a/99,Robustness,${odd}\n`);
    const oddModel = join(dir, "odd", "model.json");
    expect((await cli(["train", "--data", data, "--out", oddModel, "--taxonomy", fixture("tiny-taxonomy.json")])).code).toBe(0);
    const p = await cli(["predict", "--model", oddModel, "--input", "-", "--format", "jsonl"], `id,abstract\nk,${odd}\ne,\n`);
    expect(p.code).toBe(0);
    const [k, e] = p.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect([k.category, k.confidence, k.label_source, k.matched_id]).toEqual(["Robustness", 1, "known", "r20"]);
    const probabilities = k.probabilities as Record<string, number>;
    expect(Object.keys(probabilities)).toEqual(categories);
    // the model's figures, not the label's certainty: it still finds Interpretability the most probable
    expect(probabilities.Interpretability).toBe(Math.max(...Object.values(probabilities)));
    expect(probabilities.Robustness).toBeLessThan(0.5);
    expect([e.category, e.probabilities, e.reason]).toEqual(["", null, "empty abstract"]);
  });

  it("names the kept copy in registry/ by the same id: the id is the model file's, wherever it is read from", async () => {
    const lines = await predictJsonl(join(dir, "registry", `${listedId}.json`));
    expect(lines.map((l) => l.model_id)).toEqual([listedId, listedId, listedId]);
  });

  it("leaves the CSV columns as they were: no abstract, model id or probabilities", async () => {
    const p = await cli(["predict", "--model", modelPath, "--input", "-"], input);
    expect(p.code).toBe(0);
    expect(p.stdout.split("\n")[0])
      .toBe("id,category,confidence,runner_up,runner_up_confidence,needs_review,reason,scope,out_of_scope,terms,label_source,matched_id,duplicate_of,file,line");
    expect(p.stdout).not.toContain("circuits of attention heads");
  });

  it("writes the same lines, byte for byte, with worker threads as in one thread", async () => {
    const model = parseModel(readFileSync(modelPath, "utf8"), modelPath);
    const dump = Array.from({ length: 40 }, (_, i) => `Abstract: ${i % 2 ? known : unknown} number ${i}\n`).join("");
    const one = await predictText(model, dump, 1);
    const two = await predictText(model, dump, 2);
    expect(two.workers).toBe(2);
    expect(two.text).toBe(one.text);
    const lines = one.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(40);
    expect(new Set(lines.map((l) => l.model_id))).toEqual(new Set([listedId]));
  });
});

async function predictText(model: LoadedModel, dump: string, workers: number): Promise<{ text: string; workers: number }> {
  const out = new PassThrough();
  let text = "";
  out.on("data", (d) => (text += d));
  const summary =
    await predictSources(model,
      [{ file: "dump.txt", batches: readAbstractBatches(Readable.from([dump]), "dump.txt", "dump") }], out,
        jsonlFormat(model), undefined, { workers, batchSize: 4 });
  return { text, workers: summary.workers };
}

describe("a JSONL line, field by field", () => {
  const prediction: LabeledPrediction = {
    input: { id: "x", abstract: 'a "quoted"\nabstract', source: "in.csv", line: 3 },
    id: "x",
    category: "b",
    confidence: 0.5,
    runnerUp: "__proto__",
    runnerUpConfidence: 0.3,
    source: "model",
    needsReview: true,
    reason: "confidence 0.50 below review threshold 0.80",
    terms: [{ term: "quot", weight: 1 } as LabeledPrediction["terms"][number]],
    outOfScope: false,
    probabilities: Float64Array.from([0.2, 0.3, 0.5]),
  };
  const format = { name: "jsonl" as const, modelId: "20260101T000000Z-0123abcd", categories: ["2", "__proto__", "b"] };

  it("keeps the categories in the model's order, an integer-like name or `__proto__` included, as plain keys", () => {
    const line = formatPrediction(prediction, format);
    expect(line.endsWith("}\n")).toBe(true);
    expect(line).toContain(`"probabilities":{"2":0.2,"__proto__":0.3,"b":0.5}`);
    const parsed = JSON.parse(line);
    expect(Object.getOwnPropertyNames(parsed.probabilities).sort()).toEqual(["2", "__proto__", "b"]);
    expect(Object.getPrototypeOf(parsed.probabilities)).toBe(Object.prototype);
  });

  it("has the CSV columns first, with the CSV's values, then model_id, probabilities and abstract", () => {
    const parsed = JSON.parse(formatPrediction(prediction, format));
    expect(Object.keys(parsed)).toEqual([...PREDICTION_COLUMNS, "model_id", "probabilities", "abstract"]);
    expect([parsed.id, parsed.category, parsed.confidence, parsed.runner_up, parsed.needs_review, parsed.terms,
      parsed.file, parsed.line]).toEqual(["x", "b", 0.5, "__proto__", 1, "quot", "in.csv", 3]);
    expect([parsed.model_id, parsed.abstract]).toEqual(["20260101T000000Z-0123abcd", 'a "quoted"\nabstract']);
  });
});
