/**
 * The same input and seed give byte-identical results: model files (with SOURCE_DATE_EPOCH
 * pinning `createdAt`, the one field that records the clock), eval reports in every rendering,
 * and predictions. Anything else would make a retrained model impossible to audit.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../src/cli/main.js";
import { createdAtClock } from "../src/cli/clock.js";

const fixture = (f: string) => join(__dirname, "fixtures", f);
const TAXONOMY = ["--taxonomy", fixture("tiny-taxonomy.json")];

async function run(args: string[], env: Record<string, string | undefined> = {}): Promise<number> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const set = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  };
  set(env);
  try {
    const sink = () => new PassThrough().on("data", () => {});
    return await main(["node", "safetag", ...args], { stdout: sink(), stderr: sink(), stdin: new PassThrough() });
  } finally {
    set(saved);
  }
}

describe("determinism", () => {
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), "safetag-det-")));
  const read = (dir: string, f: string) => readFileSync(join(dir, f), "utf8");

  it("train: byte-identical model files with SOURCE_DATE_EPOCH; everything but createdAt without it", async () => {
    for (const dir of dirs) {
      expect(await run(["train", "--data", fixture("tiny-labeled.csv"), "--out", join(dir, "model.json"), ...TAXONOMY],
        { SOURCE_DATE_EPOCH: "1700000000" })).toBe(0);
      expect(await run(["train", "--data", fixture("tiny-labeled.csv"), "--out", join(dir, "clock.json"), ...TAXONOMY],
        { SOURCE_DATE_EPOCH: undefined })).toBe(0);
    }
    expect(read(dirs[0]!, "model.json")).toBe(read(dirs[1]!, "model.json"));
    expect(JSON.parse(read(dirs[0]!, "model.json")).createdAt).toBe("2023-11-14T22:13:20.000Z");
    const withoutClock = (dir: string) => ({ ...JSON.parse(read(dir, "clock.json")), createdAt: undefined });
    expect(withoutClock(dirs[0]!)).toEqual(withoutClock(dirs[1]!));
  });

  it("eval: byte-identical report.json, report.md and report.html for the same seed", async () => {
    for (const dir of dirs) {
      expect(await run(
        ["eval", "--data", fixture("tiny-labeled.csv"), "--report-dir", join(dir, "eval"), "--folds", "3", "--repeats",
          "2", "--seed", "5", "--no-learning-curve", ...TAXONOMY])).toBe(0);
    }
    for (const f of ["report.json", "report.md", "report.html"]) expect(read(dirs[0]!, join("eval", f)), f).toBe(read(dirs[1]!, join("eval", f)));
  });

  it("predict: byte-identical predictions from the same model", async () => {
    for (const dir of dirs) {
      expect(await run(["predict", "--model", join(dirs[0]!, "model.json"), "--input", fixture("tiny-dump.txt"), "--output", join(dir, "p.csv")])).toBe(0);
    }
    expect(read(dirs[0]!, "p.csv")).toBe(read(dirs[1]!, "p.csv"));
  });

  // (a SOURCE_DATE_EPOCH that is not whole seconds: E_USAGE, in hardening.test.ts)
  it("SOURCE_DATE_EPOCH pins the clock to whole seconds since 1970; without it, the time now", () => {
    expect(createdAtClock({ SOURCE_DATE_EPOCH: "0" })().toISOString()).toBe("1970-01-01T00:00:00.000Z");
    expect(createdAtClock({ SOURCE_DATE_EPOCH: " 1700000000 " })().toISOString()).toBe("2023-11-14T22:13:20.000Z");
    const before = Date.now();
    const now = createdAtClock({})().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
