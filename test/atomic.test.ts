/**
 * Nothing lost: a model, report or output is either the old file or the complete new one, never
 * half of one, whatever moment the writer dies. The kill tests run the built CLI (`dist/`, made
 * by `npm run build`, which `npm test` runs first) as a separate process and SIGKILL it: once
 * part-way through training, and once at the exact moment between writing the new model whole and
 * renaming it into place (a preload script kills it there, so the test does not depend on timing).
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { openAtomicStream, removeStaleTemps, writeFileAtomic } from "../src/io/atomic.js";
import { SafetagError } from "../src/errors.js";

const CLI = join(__dirname, "..", "dist", "src", "cli", "main.js");
const temps = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

/** A pid that is certainly not running: a process that has already exited. */
function deadPid(): number {
  const p = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(p.stdout.toString());
}

describe("atomic writes", () => {
  it("replace a file whole, and leave the old one when the write fails", () => {
    const dir = mkdtempSync(join(tmpdir(), "safetag-atomic-"));
    const file = join(dir, "model.json");
    writeFileAtomic(file, "old");
    writeFileAtomic(file, "new");
    expect(readFileSync(file, "utf8")).toBe("new");
    writeFileSync(join(dir, "blocker"), "a file, not a folder");
    expect(() => writeFileAtomic(join(dir, "blocker", "x.json"), "x")).toThrow(SafetagError);
    expect(temps(dir)).toEqual([]);
  });

  it("a stream is renamed into place on commit and leaves nothing on abort", async () => {
    const dir = mkdtempSync(join(tmpdir(), "safetag-atomic-"));
    const file = join(dir, "out.csv");
    const a = openAtomicStream(file);
    a.stream.write("half");
    a.abort();
    expect(existsSync(file)).toBe(false);
    expect(temps(dir)).toEqual([]);
    const b = openAtomicStream(file);
    b.stream.write("whole\n");
    await b.commit();
    expect(readFileSync(file, "utf8")).toBe("whole\n");
    expect(temps(dir)).toEqual([]);
  });

  it("a temporary file left by a killed writer is removed by the next write; a live writer's is kept", () => {
    const dir = mkdtempSync(join(tmpdir(), "safetag-atomic-"));
    const file = join(dir, "model.json");
    const stale = `.model.json.${deadPid()}.abc.tmp`;
    const live = `.model.json.${process.ppid}.def.tmp`; // our parent is running
    const other = `.other.json.${deadPid()}.ghi.tmp`; // another file's: not ours to judge here
    for (const t of [stale, live, other]) writeFileSync(join(dir, t), "partial");
    writeFileAtomic(file, "new");
    expect(temps(dir).sort()).toEqual([live, other].sort());
    expect(removeStaleTemps(join(dir, "other.json"))).toEqual([other]);
  });

  it("names every temporary file apart, after the pid of its writer, so writes of one destination never meet", () => {
    const dir = mkdtempSync(join(tmpdir(), "safetag-atomic-"));
    const file = join(dir, "out.csv");
    const streams = [openAtomicStream(file), openAtomicStream(file), openAtomicStream(file)];
    const names = temps(dir);
    expect(new Set(names).size).toBe(3);
    expect(names.filter((n) => !new RegExp(`^\\.out\\.csv\\.${process.pid}\\.[0-9a-f]{16}\\.tmp$`).test(n))).toEqual([]);
    expect(removeStaleTemps(file)).toEqual([]); // a live writer's (ours) is kept
    for (const s of streams) s.abort();
    expect(temps(dir)).toEqual([]);
  });
});

describe("a training run killed part-way", () => {
  /** A labeled set large enough that training takes a few seconds on two cores. */
  function largeDataset(dir: string, rows = 1000): string {
    const categories = ["Robustness", "Interpretability", "Feedback", "Governance", "Evaluation"];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x`);
    const lines = ["id,category,abstract"];
    for (let i = 0; i < rows; i++) {
      const c = i % categories.length;
      const words =
        Array.from({ length: 100 }, () => (random() < 0.3 ? vocabulary[c * 1000 + Math.floor(random() * 1000)] : vocabulary[Math.floor(random() * 5000)]));
      lines.push(`r${i},${categories[c]},${words.join(" ")}`);
    }
    const path = join(dir, "large.csv");
    writeFileSync(path, lines.join("\n") + "\n");
    return path;
  }

  /**
   * Run before the CLI (node --import): SIGKILLs the process the moment it would rename a file
   * onto SAFETAG_TEST_KILL_AT, i.e. after the model is written whole and before it is in place.
   * (syncBuiltinESMExports makes the CLI's `import { renameSync } from "node:fs"` see the change.)
   */
  const KILL_AT_RENAME = `import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
const rename = fs.renameSync;
fs.renameSync = (from, to) => {
  if (String(to) === process.env.SAFETAG_TEST_KILL_AT) process.kill(process.pid, "SIGKILL");
  return rename(from, to);
};
syncBuiltinESMExports();
`;

  /** Runs `safetag train`, killed after `killAfterMs`, or else at the rename of its model into place. */
  type Ended = { signal: NodeJS.Signals | null; code: number | null };
  function trainAndKill(data: string, out: string, kill: { afterMs: number } | { atRename: string }): Promise<Ended> {
    const preload = join(dirname(out), "kill-at-rename.mjs");
    writeFileSync(preload, KILL_AT_RENAME);
    const node = "atRename" in kill ? ["--import", pathToFileURL(preload).href] : [];
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [...node, CLI, "--quiet", "train", "--data", data, "--out", out], {
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, SAFETAG_TEST_KILL_AT: "atRename" in kill ? kill.atRename : "" },
      });
      child.on("exit", (code, signal) => resolve({ code, signal }));
      if ("afterMs" in kill) setTimeout(() => child.kill("SIGKILL"), kill.afterMs);
    });
  }

  it("leaves the previous model intact, and the next write clears what it left", { timeout: 60_000 }, async () => {
    expect(existsSync(CLI), "run `npm run build` first: this test runs dist/src/cli/main.js").toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "safetag-kill-"));
    const data = largeDataset(dir);
    const out = join(dir, "model.json");
    const previous = JSON.stringify({ format: "safetag-model", version: 1, note: "the previous model" });
    writeFileSync(out, previous);

    // 1. killed while training (half a second in: training this set takes seconds)
    const early = await trainAndKill(data, out, { afterMs: 500 });
    expect(early.signal).toBe("SIGKILL");
    expect(readFileSync(out, "utf8")).toBe(previous);
    expect(temps(dir)).toEqual([]);

    // 2. killed with the new model written whole beside model.json, before the rename that puts it in place
    const late = await trainAndKill(data, out, { atRename: out });
    expect(late.signal).toBe("SIGKILL");
    expect(readFileSync(out, "utf8")).toBe(previous);
    const left = temps(dir);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^\.model\.json\.\d+\.\w+\.tmp$/);
    const written = readFileSync(join(dir, left[0]!), "utf8");
    const categories = ["Evaluation", "Feedback", "Governance", "Interpretability", "Robustness"];
    expect(JSON.parse(written)).toMatchObject({ format: "safetag-model", categories: expect.arrayContaining(categories) });
    // it was listed in the registry first (a complete index, its copy the same bytes), so nothing is lost
    const registry = JSON.parse(readFileSync(join(dir, "registry.json"), "utf8")) as { models: { file: string }[] };
    expect(registry.models).toHaveLength(1);
    expect(readFileSync(join(dir, registry.models[0]!.file), "utf8")).toBe(written);
    // the dead process's temporary file is removed by the next write of the model
    writeFileAtomic(out, previous);
    expect(temps(dir)).toEqual([]);
    expect(readFileSync(out, "utf8")).toBe(previous);
  });
});
