/**
 * Issue 13, the registry of kept models, model files and training data: one test per item
 * (5, 6, 10, 11, 16, 17, 18, 19, 26), through the CLI where the item is about the CLI. The
 * concurrency test runs the built CLI (`dist/`, made by `npm run build`, which `npm test` runs
 * first) as separate processes, since the lost update it guards against is between processes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { withLock } from "../src/io/lock.js";
import { cli, fixture, parseCsv, type CliRun } from "./cliHarness.js";

const CLI = join(__dirname, "..", "dist", "src", "cli", "main.js");
const TAXONOMY = ["--taxonomy", fixture("tiny-taxonomy.json")];
const tinyCsv = readFileSync(fixture("tiny-labeled.csv"), "utf8");
const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `safetag-${name}-`));

function noCrash(r: CliRun): void {
  expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(r.stderr).not.toMatch(/unexpected error/);
}

/** The tiny sheet plus one row of its own, so every copy trains a different model. */
function sheetVariant(dir: string, n: number): string {
  const path = join(dir, `sheet-${n}.csv`);
  writeFileSync(path, `${tinyCsv.trimEnd()}\nAcme,Extra ${n},1-Jan-24,https://x/${n},Feedback,Extra row ${n} on reward models learned from human feedback.\n`);
  return path;
}

function trainProcess(data: string, out: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "--quiet", "train", "--data", data, "--out", out, ...TAXONOMY], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

const registryOf = (models: string) =>
  JSON.parse(readFileSync(join(models, "registry.json"), "utf8")) as { current?: string; models: { id: string; file: string }[] };
/** The id marked `*` by `safetag models`, if any. */
const markedCurrent = (r: CliRun) => /^\*\s+(\d{8}T\d{6}Z-[0-9a-f]{8}) /m.exec(r.stdout)?.[1];

describe("item 5: runs at once into one models/ folder", () => {
  it("4 train processes at once, three times over: every model listed, no copy unlisted, no lock left", { timeout: 120_000 }, async () => {
    expect(existsSync(CLI), "run `npm run build` first: this test runs dist/src/cli/main.js").toBe(true);
    const dir = tempDir("concurrent");
    const models = join(dir, "models");
    const out = join(models, "model.json");
    for (let round = 0; round < 3; round++) {
      const runs = await Promise.all([0, 1, 2, 3].map((i) => trainProcess(sheetVariant(dir, round * 4 + i), out)));
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
    }
    const listed = registryOf(models).models;
    expect(new Set(listed.map((m) => m.id)).size).toBe(12);
    const copies = readdirSync(join(models, "registry")).filter((f) => f.endsWith(".json"));
    expect(copies.sort()).toEqual(listed.map((m) => m.file.replace(/^registry\//, "")).sort());
    expect(readdirSync(models).sort()).toEqual(["model.json", "registry", "registry.json"]); // no lock, no temporary file
    const shown = await cli(["models", "--dir", models]);
    expect(shown.code).toBe(0);
    expect(shown.stdout.match(/^[* ] +\d{8}T\d{6}Z-[0-9a-f]{8} /gm)).toHaveLength(12);
    expect(markedCurrent(shown)).toBeDefined();
  });
});

describe("the registry's lock (io/lock.ts)", () => {
  const deadPid = () => Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString());

  it("a lock left by a process that died is broken; the work runs once and the lock goes", () => {
    const lock = join(tempDir("lock"), "registry.json.lock");
    writeFileSync(lock, `${deadPid()} ${hostname()} 0123456789abcdef\n`);
    expect(withLock(lock, () => "done")).toBe("done");
    expect(existsSync(lock)).toBe(false);
  });

  it("a lock older than the stale age is broken whoever holds it; a fresh one of a live process is waited for, then E_LOCKED", () => {
    const lock = join(tempDir("lock"), "registry.json.lock");
    writeFileSync(lock, `${process.ppid} ${hostname()} 0123456789abcdef\n`); // alive: the test runner
    expect(() => withLock(lock, () => "never", { timeoutMs: 200 })).toThrow(expect.objectContaining({ code: "E_LOCKED" }));
    expect(existsSync(lock)).toBe(true);
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(lock, old, old);
    expect(withLock(lock, () => "done", { staleMs: 60_000 })).toBe("done");
  });

  it("a lock taken over while held stops the write it guards", () => {
    const lock = join(tempDir("lock"), "registry.json.lock");
    const r = () =>
      withLock(lock, (assertHeld) => {
        writeFileSync(lock, `${process.ppid} ${hostname()} someone-else\n`); // as a run that broke it would
        assertHeld();
        return "written";
      });
    expect(r).toThrow(expect.objectContaining({ code: "E_LOCKED" }));
  });
});

describe("item 6: a run killed between listing its model and writing it", () => {
  async function twoModels() {
    const dir = tempDir("killed");
    const models = join(dir, "models");
    const out = join(models, "model.json");
    expect((await cli(["train", "--data", sheetVariant(dir, 1), "--out", out, ...TAXONOMY])).code).toBe(0);
    const first = { text: readFileSync(out, "utf8"), index: readFileSync(join(models, "registry.json"), "utf8"), id: registryOf(models).current! };
    expect((await cli(["train", "--data", sheetVariant(dir, 2), "--out", out, ...TAXONOMY])).code).toBe(0);
    return { models, out, first, second: { text: readFileSync(out, "utf8"), id: registryOf(models).current! } };
  }

  it("listed but not yet renamed into place: the model at model.json stays the current one", async () => {
    const { models, out, first, second } = await twoModels();
    writeFileSync(out, first.text); // the state such a kill leaves: the new model listed (and recorded current), the old one in place
    expect(registryOf(models).current).toBe(second.id);
    const r = await cli(["models", "--dir", models]);
    expect(r.code).toBe(0);
    expect(markedCurrent(r)).toBe(first.id);
    expect(r.stdout).toMatch(new RegExp(`^ +${second.id} `, "m")); // still listed
  });

  it("renamed into place but not listed (the order before the fix): no listed model is marked current, and it says why", async () => {
    const { models, out, first, second } = await twoModels();
    writeFileSync(join(models, "registry.json"), first.index);
    expect(readFileSync(out, "utf8")).toBe(second.text);
    const r = await cli(["models", "--dir", models]);
    expect(r.code).toBe(0);
    expect(markedCurrent(r)).toBeUndefined();
    expect(r.stdout).toMatch(new RegExp(`^ +${first.id} `, "m"));
    expect(r.stdout).toContain(`none of the kept models is in use: ${out} holds none of them`);
    expect(r.stdout).toContain(`registry/${second.id}.json is not listed`);
  });
});

describe("item 10: a registry entry that lacks fields", () => {
  it("is reported with the file, the entry and the field, exit 65, never a crash", async () => {
    const dir = tempDir("registry-fields");
    const models = join(dir, "models");
    expect((await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", join(models, "model.json"), ...TAXONOMY])).code).toBe(0);
    const index = registryOf(models) as unknown as { models: Record<string, unknown>[] };
    const good = index.models[0]!;
    const { data: _data, ...noData } = good;
    const { kind: _kind, ...noKind } = good;
    index.models =
      [good, { ...noData, id: "20260101T000000Z-aaaaaaaa" }, { ...noKind, id: "20260102T000000Z-bbbbbbbb", data: { ...(good.data as object), rows: "18" } }];
    const path = join(models, "registry.json");
    writeFileSync(path, JSON.stringify(index));
    const r = await cli(["models", "--dir", models]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(`E_REGISTRY_FORMAT: ${path}: 3 problems in its entries`);
    expect(r.stderr).toContain(`${path}: [E_REGISTRY_ENTRY] entry 2 (id 20260101T000000Z-aaaaaaaa): field data is missing`);
    expect(r.stderr).toContain(`${path}: [E_REGISTRY_ENTRY] entry 3 (id 20260102T000000Z-bbbbbbbb): field kind is missing`);
    expect(r.stderr).toContain(`entry 3 (id 20260102T000000Z-bbbbbbbb): field data.rows must be a number (value: "\\"18\\"")`);
    noCrash(r);
    // train checks the registry before the work, and writes nothing
    const t = await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", join(models, "model.json"), ...TAXONOMY]);
    expect(t.code).toBe(65);
    expect(t.stderr).toContain("E_REGISTRY_FORMAT");
    expect(readdirSync(join(models, "registry"))).toHaveLength(1);
  });
});

describe("items 11 and 26: every number of a model file is checked", () => {
  const dir = tempDir("numbers");
  const model = join(dir, "model.json");
  let good: Record<string, any>;
  const terms = () => good.model.members[0].state.features.terms.length as number;
  /** A copy of the good model with `change` made; `raw` edits the JSON text (for 1e400, which JSON.stringify cannot write). */
  const variant = (change: (m: Record<string, any>) => void, raw: (text: string) => string = (t) => t) => {
    const m = structuredClone(good);
    change(m);
    return raw(JSON.stringify(m));
  };
  const cases: [string, () => string, RegExp][] = [
    ['reviewThreshold "0.72" (a string)', () => variant((m) => (m.reviewThreshold = "0.72")), /reviewThreshold must be a number from 0 to 1 \(found "0\.72"\)/],
    ["reviewThreshold -0.5", () => variant((m) => (m.reviewThreshold = -0.5)), /reviewThreshold must be a number from 0 to 1 \(found -0\.5\)/],
    ["reviewThreshold 1e400",
      () => variant((m) => (m.reviewThreshold = 0), (t) => t.replace('"reviewThreshold":0', '"reviewThreshold":1e400')),
        /reviewThreshold must be a number from 0 to 1 \(found Infinity\)/],
    ["outsideReviewThreshold 2", () => variant((m) => (m.outsideReviewThreshold = 2)), /outsideReviewThreshold must be a number from 0 to 1 \(found 2\)/],
    ["scopeThreshold 1.5", () => variant((m) => (m.scopeThreshold = 1.5)), /scopeThreshold must be a number from 0 to 1 \(found 1\.5\)/],
    ["scopeThreshold null", () => variant((m) => (m.scopeThreshold = null)), /scopeThreshold must be a number from 0 to 1 \(found null\)/],
    ["temperature 0", () => variant((m) => (m.temperature = 0)), /temperature must be a number from 1e-10 to 1e10 \(found 0\)/],
    ["temperature missing", () => variant((m) => delete m.temperature), /temperature is missing/],
    ["an IDF of 1e300 at the last term (past the first 200)",
      () => variant((m) => (m.model.members[0].state.features.idf[terms() - 1] = 1e300)),
        /model\.members\[0\]\.state\.features\.idf\[(?:[2-9]\d\d|\d{4,})\] must be a number from 0 to 1e15 \(found 1e\+300\)/],
    ["a logistic weight of null at the last term",
      () => variant((m) =>
        (m.model.members[1].state.weights[2][m.model.members[1].state.features.terms.length - 1] = null)),
          /model\.members\[1\]\.state\.weights\[2\]\[\d+\] must be a number from -1e15 to 1e15 \(found null\)/],
    ["a bias of 1e16", () => variant((m) => (m.model.members[1].state.bias[0] = 1e16)),
      /model\.members\[1\]\.state\.bias\[0\] must be a number from -1e15 to 1e15 \(found 10000000000000000\)/],
    ["a scope centroid of Infinity at the last term",
      () => variant((m) => (m.scope.centroids[1][m.scope.features.terms.length - 1] = 0),
        (t) => t.replace(/("centroids":\[\[[^\]]*\],\[[^\]]*),0\]/, "$1,1e999]")),
          /scope\.centroids\[1\]\[\d+\] must be a number from -1e15 to 1e15 \(found Infinity\)/],
    ["logistic C of -1", () => variant((m) => (m.model.members[1].params.C = -1)),
      /model\.members\[1\]\.params\.C must be a number above 0, up to 1e15 \(found -1\)/],
    ["training rows 2.5", () => variant((m) => (m.training.rows = 2.5)), /training\.rows must be a whole number from 0 to 1e15 \(found 2\.5\)/],
    ["a report threshold of -1", () => variant((m) => (m.report.review.threshold = -1)), /report\.review\.threshold must be a number from 0 to 1 \(found -1\)/],
    ["an evaluation macro-F1 of 2", () => variant((m) => (m.evaluation = { accuracy: 0.5, macroF1: 2 })),
      /evaluation\.macroF1 must be a number from 0 to 1 \(found 2\)/],
    ["a drift mean that is a string", () => variant((m) => (m.drift.oovMean = "0.1")), /drift\.oovMean must be a number from 0 to 1 \(found "0\.1"\)/],
    ["version 2.5", () => variant((m) => (m.version = 2.5)), /model format version must be a whole number from 1 to 2 \(found 2\.5\)/],
    ["version 1e400", () => variant((m) => (m.version = 0), (t) => t.replace('"version":0', '"version":1e400')),
      /model format version must be a whole number from 1 to 2 \(found Infinity\)/],
    ["version 0", () => variant((m) => (m.version = 0)), /model format version must be a whole number from 1 to 2 \(found 0\)/],
    ["version -7", () => variant((m) => (m.version = -7)), /model format version must be a whole number from 1 to 2 \(found -7\)/],
    ["version missing", () => variant((m) => delete m.version), /model format version is missing/],
  ];

  beforeAll(async () => {
    // the tiny sheet and 30 rows more, of 10 words of their own each: far more than 200 terms
    const categories = ["Feedback", "Interpretability", "Robustness"];
    const extra =
      Array.from({ length: 30 },
        (_, i) => `Acme,More ${i},1-Jan-24,https://m/${i},${categories[i % 3]},${Array.from({ length: 10 }, (_, j) => `term${i}x${j}`).join(" ")}`);
    const data = join(dir, "sheet.csv");
    writeFileSync(data, `${tinyCsv.trimEnd()}\n${extra.join("\n")}\n`);
    expect((await cli(["train", "--data", data, "--out", model, "--kind", "ensemble", ...TAXONOMY])).code).toBe(0);
    good = JSON.parse(readFileSync(model, "utf8"));
    expect(terms()).toBeGreaterThan(400);
    expect((await cli(
      ["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", join(dir, "good.csv")])).code).toBe(0); // the unchanged model loads
  });

  it.each(cases)("%s: E_MODEL_FORMAT naming the field and what is wrong, exit 65", async (name, body, message) => {
    const file = join(dir, `${name.replace(/\W+/g, "-")}.json`);
    writeFileSync(file, body());
    const r = await cli(["predict", "--model", file, "--input", fixture("tiny-dump.txt"), "--output", join(dir, "p.csv")]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/E_MODEL_FORMAT/);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.includes("missing"), "only a missing field is called missing").toBe(name.endsWith("missing"));
    noCrash(r);
  });
});

describe("item 16: training data a model cannot learn categories from", () => {
  it("one category: train refuses it (E_ONE_CATEGORY, exit 65), and writes no model", async () => {
    const dir = tempDir("one-category");
    const data = join(dir, "one.csv");
    writeFileSync(data, `${tinyCsv.split("\n").filter((l, i) => i === 0 || l.includes(",Feedback,")).join("\n")}\n`);
    const out = join(dir, "model.json");
    const r = await cli(["train", "--data", data, "--out", out, ...TAXONOMY]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(`E_ONE_CATEGORY: ${data}: all 6 rows used for training are in one category ("Feedback")`);
    expect(r.stderr).toMatch(/hint: label rows of other categories/);
    expect(existsSync(out)).toBe(false);
    const e = await cli(["eval", "--data", data, "--report-dir", join(dir, "eval"), ...TAXONOMY]);
    expect(e.code).toBe(65);
    expect(e.stderr).toContain("E_ONE_CATEGORY");
  });

  it("400 categories of one row each: train warns loudly and skips its inner cross-validation; eval refuses at once", { timeout: 120_000 }, async () => {
    const dir = tempDir("sparse");
    const data = join(dir, "sparse.csv");
    const words = (i: number) => Array.from({ length: 12 }, (_, j) => `w${(i * 7 + j * 13) % 900}`).join(" ");
    writeFileSync(data, ["id,category,abstract", ...Array.from({ length: 400 }, (_, i) => `r${i},Category ${i},${words(i)}`)].join("\n") + "\n");
    const out = join(dir, "model.json");
    const r = await cli(["train", "--data", data, "--out", out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning W_FEW_ROWS_PER_CATEGORY: ${data}: 400 categories for 400 rows (400 with a single row)`);
    expect(r.stderr).toContain("the inner cross-validation was not run");
    const m = JSON.parse(readFileSync(out, "utf8"));
    expect(m.report.innerFolds).toBe(0);
    expect(m.reviewThreshold).toBe(1); // nothing was measured, so every prediction goes to a person
    const started = Date.now();
    const e = await cli(["eval", "--data", data, "--report-dir", join(dir, "eval")]);
    expect(e.code).toBe(65);
    expect(e.stderr).toContain(`E_TOO_FEW_ROWS_PER_CATEGORY: ${data}: 400 categories for 400 rows (400 with a single row)`);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(existsSync(join(dir, "eval"))).toBe(false);
  });
});

describe("item 17: --seed out of range", () => {
  const dir = tempDir("seed");
  it.each([["4294967296"], ["4294967297"], ["-1"], ["1.5"], ["1e3"], ["99999999999999999999"]])(
    "--seed %s: refused (exit 2) by eval and compare, saying the range", async (seed) => {
    for (const args of [["eval", "--data", fixture("tiny-labeled.csv"), "--report-dir", join(dir, "eval"), ...TAXONOMY],
      ["compare", "a.json", "b.json", "--dir", dir]]) {
      const r = await cli([...args, "--seed", seed]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--seed must be a whole number from 0 to 4294967295, got ${JSON.stringify(seed)}`);
    }
    expect(existsSync(join(dir, "eval"))).toBe(false);
  });

  it("the largest seed is taken; the benchmark refuses one past it; the generators refuse one the CLI did not check", async () => {
    const r = await cli(
      ["eval", "--data", fixture("tiny-labeled.csv"), "--report-dir", join(dir, "eval-max"), "--folds", "2",
        "--repeats", "1", "--no-learning-curve", "--json", ...TAXONOMY, "--seed", "4294967295"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).settings.seed).toBe(4294967295);
    const bench =
      spawnSync(process.execPath,
        [join(__dirname, "..", "dist", "bench", "main.js"), "--seed", "4294967296", "--dir", join(dir, "bench")], { encoding: "utf8" });
    expect(bench.status).not.toBe(0);
    expect(bench.stderr).toContain("--seed must be a whole number from 0 to 4294967295");
    const { mulberry32 } = await import("../src/sampling/random.js");
    expect(() => mulberry32(2 ** 32 + 1)).toThrow(expect.objectContaining({ code: "EVAL_BAD_SEED" }));
    expect(() => mulberry32(-1)).toThrow(expect.objectContaining({ code: "EVAL_BAD_SEED" }));
  });
});

describe("item 18: ids unique across inputs", () => {
  it("d.txt in two folders: different ids and files; the same input twice is refused", async () => {
    const dir = tempDir("ids");
    const model = join(dir, "model.json");
    expect((await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", model, ...TAXONOMY])).code).toBe(0);
    const a = join(dir, "a", "d.txt");
    const b = join(dir, "b", "d.txt");
    for (const f of [a, b]) {
      mkdirSync(join(f, ".."), { recursive: true });
      writeFileSync(f, "Abstract: Sparse autoencoders find interpretable circuits.\nAbstract: Reward models learned from human feedback.\n");
    }
    const r = await cli(["predict", "--model", model, "--input", a, b]);
    expect(r.code).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows.map((p) => p.id)).toEqual([`${a}:1`, `${a}:2`, `${b}:1`, `${b}:2`]);
    expect(new Set(rows.map((p) => p.id)).size).toBe(4);
    expect(rows.map((p) => p.file)).toEqual([a, a, b, b]);
    const again = `${dir}/a/../a/d.txt`; // another way to the same file
    const twice = await cli(["predict", "--model", model, "--input", a, again]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`E_INPUT_TWICE: ${again}: given twice as an input (also as ${a})`);
  });
});

describe("item 19: CSV records whose cells are all empty, in predict input", () => {
  it("are skipped and listed with a reason; abstracts + skipped = records after the header", async () => {
    const dir = tempDir("empty-records");
    const model = join(dir, "model.json");
    expect((await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", model, ...TAXONOMY])).code).toBe(0);
    // 14 records: the header, 9 with an abstract, 1 with an empty abstract, 3 all empty
    const lines =
      ["id,abstract,title", ...Array.from({ length: 9 }, (_, i) => `a${i},Reward models from human feedback ${i},t`), "a9,,only a title", ",,", "", " , ,"];
    const csv = join(dir, "in.csv");
    writeFileSync(csv, lines.join("\n") + "\n");
    const r = await cli(["predict", "--model", model, "--input", csv]);
    expect(r.code).toBe(0);
    const m = /(\d+) abstracts read, (\d+) predictions written .*, (\d+) non-abstract lines skipped/.exec(r.stderr)!;
    expect([Number(m[1]), Number(m[3])]).toEqual([10, 3]);
    expect(Number(m[1]) + Number(m[3])).toBe(lines.length - 1);
    expect(parseCsv(r.stdout)).toHaveLength(10);
    expect(r.stderr).toContain(`skipped ${csv}:12: an empty row (every cell is blank)`);
    expect(r.stderr).toContain(`skipped ${csv}:13: an empty row (a blank line)`);
    expect(r.stderr).toContain(`skipped ${csv}:14: an empty row (every cell is blank)`);
  });
});

/**
 * A taxonomy with a "not safety research" entry and a background set beside it, so `train` makes
 * a two-stage model (models/gated.ts). `extra` more background rows, each of its own words.
 */
function backgroundTaxonomy(dir: string, extra = 0): string[] {
  const topics = [
    "Soil moisture sensors guide irrigation schedules for wheat farms in dry regions.",
    "A new catalyst speeds up hydrogen production from water at room temperature.",
    "We survey bird migration routes across the Atlantic using radar and citizen reports.",
    "Protein folding of enzymes in thermophilic bacteria is studied with crystallography.",
    "Traffic signal timing in dense cities is optimised to cut commuter delays.",
    "Ancient pottery glazes reveal trade links between coastal villages.",
    "Battery cathodes made of layered oxides last longer under fast charging.",
    "Coral reef recovery after bleaching events is tracked with underwater drones.",
    ...Array.from({ length: extra }, (_, i) => `Background study ${i} of ${Array.from({ length: 8 }, (_, j) => `bg${i}x${j}`).join(" ")}.`),
  ];
  writeFileSync(join(dir, "background.csv"), ["id,abstract,category", ...topics.map((t, i) => `bg-${i},"${t}",Not safety research`)].join("\n") + "\n");
  const taxonomy = JSON.parse(readFileSync(fixture("tiny-taxonomy.json"), "utf8")) as { categories: Record<string, unknown>[] };
  taxonomy.categories.push({ name: "Not safety research", scope: "outside", background: "background.csv" });
  const path = join(dir, "taxonomy.json");
  writeFileSync(path, JSON.stringify(taxonomy));
  return ["--taxonomy", path];
}

describe("items 11 and 26 for a two-stage model: its temperatures, gate and category classifier are checked like the rest", () => {
  const dir = tempDir("gated-numbers");
  const model = join(dir, "model.json");
  let good: Record<string, any>;
  const variant = (change: (m: Record<string, any>) => void) => {
    const m = structuredClone(good);
    change(m);
    return JSON.stringify(m);
  };
  const cases: [string, () => string, RegExp][] = [
    ["innerTemperature 0", () => variant((m) => (m.model.innerTemperature = 0)), /model\.innerTemperature must be a number from 1e-10 to 1e10 \(found 0\)/],
    ['gateTemperature "2" (a string)', () => variant((m) => (m.model.gateTemperature = "2")),
      /model\.gateTemperature must be a number from 1e-10 to 1e10 \(found "2"\)/],
    ["gateTemperature 1e11", () => variant((m) => (m.model.gateTemperature = 1e11)),
      /model\.gateTemperature must be a number from 1e-10 to 1e10 \(found 100000000000\)/],
    ["a negative term total in the gate", () => variant((m) => (m.model.gate.state.classTotals[0][0] = -1)),
      /model\.gate\.state\.classTotals\[0\]\[0\] must be a number from 0 to 1e15 \(found -1\)/],
    ["a document count of null in the category classifier",
      () => variant((m) => (m.model.classifier.state.docCounts[1] = null)),
        /model\.classifier\.state\.docCounts\[1\] must be a number from 0 to 1e15 \(found null\)/],
    ["a stage temperature of 0 in the training report", () => variant((m) => (m.report.stages.inner = 0)),
      /report\.stages\.inner must be a number from 1e-10 to 1e10 \(found 0\)/],
    ["background rows 2.5 in the training report", () => variant((m) => (m.report.background.rows = 2.5)),
      /report\.background\.rows must be a whole number from 0 to 1e15 \(found 2\.5\)/],
    ["an outside category that is not one of the model's", () => variant((m) => (m.outside = "Elsewhere")), /outside must name categories of the model/],
  ];

  beforeAll(async () => {
    const r = await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", model, ...backgroundTaxonomy(dir)]);
    expect(r.code).toBe(0);
    good = JSON.parse(readFileSync(model, "utf8"));
    expect(good.model.kind).toBe("gated");
    expect(good.report.stages).toBeDefined();
    expect((await cli(
      ["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", join(dir, "good.csv")])).code).toBe(0); // the unchanged model loads
  });

  it.each(cases)("%s: E_MODEL_FORMAT naming the field and what is wrong, exit 65", async (name, body, message) => {
    const file = join(dir, `${name.replace(/\W+/g, "-")}.json`);
    writeFileSync(file, body());
    const r = await cli(["predict", "--model", file, "--input", fixture("tiny-dump.txt"), "--output", join(dir, "p.csv")]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/E_MODEL_FORMAT/);
    expect(r.stderr).toMatch(message);
    noCrash(r);
  });
});

describe("item 16 with a background set: the sheet's rows are counted, not the background's (all one category)", () => {
  it("a sheet of one category is refused even though the background adds another", async () => {
    const dir = tempDir("one-category-background");
    const data = join(dir, "one.csv");
    writeFileSync(data, `${tinyCsv.split("\n").filter((l, i) => i === 0 || l.includes(",Feedback,")).join("\n")}\n`);
    const out = join(dir, "model.json");
    const r = await cli(["train", "--data", data, "--out", out, ...backgroundTaxonomy(dir)]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(`E_ONE_CATEGORY: ${data}: all 6 rows used for training are in one category ("Feedback")`);
    expect(existsSync(out)).toBe(false);
  });

  it("a sparse sheet is sparse however many background rows there are: warned, no inner cross-validation; eval refuses", async () => {
    const dir = tempDir("sparse-background");
    const data = join(dir, "sparse.csv");
    // 10 rows in 8 categories: sparse; with the 40 background rows it would be 9 categories in 50 rows
    const categories = ["Feedback", "Feedback", "Interpretability", "Interpretability", "Robustness", "Cat A", "Cat B", "Cat C", "Cat D", "Cat E"];
    writeFileSync(data,
      ["id,category,abstract",
        ...categories.map((c, i) => `r${i},${c},Safety row ${i} about ${Array.from({ length: 8 }, (_, j) => `s${i}x${j}`).join(" ")}`)].join("\n") + "\n");
    const taxonomy = backgroundTaxonomy(dir, 32);
    const out = join(dir, "model.json");
    const r = await cli(["train", "--data", data, "--out", out, ...taxonomy]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning W_FEW_ROWS_PER_CATEGORY: ${data}: 8 categories for 10 rows (6 with a single row)`);
    expect(r.stderr).toMatch(/40 "Not safety research" abstracts/);
    const m = JSON.parse(readFileSync(out, "utf8"));
    expect(m.report.innerFolds).toBe(0);
    expect(m.report.background.rows).toBe(40);
    const e = await cli(["eval", "--data", data, "--report-dir", join(dir, "eval"), ...taxonomy]);
    expect(e.code).toBe(65);
    expect(e.stderr).toContain("E_TOO_FEW_ROWS_PER_CATEGORY");
    expect(existsSync(join(dir, "eval"))).toBe(false);
  });
});
