/**
 * Nothing lost: a model, report or output is either the old file or the complete new one, never
 * half of one, whatever moment the writer dies. The kill tests run the built CLI (`dist/`, made
 * by `npm run build`, which `npm test` runs first) as a separate process and SIGKILL it.
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
      const words = Array.from({ length: 100 }, () => (random() < 0.3 ? vocabulary[c * 1000 + Math.floor(random() * 1000)] : vocabulary[Math.floor(random() * 5000)]));
      lines.push(`r${i},${categories[c]},${words.join(" ")}`);
    }
    const path = join(dir, "large.csv");
    writeFileSync(path, lines.join("\n") + "\n");
    return path;
  }

  /** Starts `safetag train`; `killWhen` decides the moment to SIGKILL it. Resolves with how it ended. */
  function trainAndKill(data: string, out: string, killWhen: (child: ReturnType<typeof spawn>, kill: () => void) => void): Promise<{ signal: NodeJS.Signals | null; code: number | null }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, "--quiet", "train", "--data", data, "--out", out], { stdio: ["ignore", "ignore", "pipe"] });
      child.on("exit", (code, signal) => resolve({ code, signal }));
      killWhen(child, () => child.kill("SIGKILL"));
    });
  }

  function expectPreviousOrComplete(file: string, previous: string): void {
    const now = readFileSync(file, "utf8");
    if (now !== previous) expect(JSON.parse(now).format).toBe("safetag-model"); // finished before the kill: complete
  }

  it("leaves the previous model intact, and the next write clears what it left", { timeout: 60_000 }, async () => {
    expect(existsSync(CLI), "run `npm run build` first: this test runs dist/src/cli/main.js").toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "safetag-kill-"));
    const data = largeDataset(dir);
    const out = join(dir, "model.json");
    const previous = JSON.stringify({ format: "safetag-model", version: 1, note: "the previous model" });
    writeFileSync(out, previous);

    // 1. killed while training (half a second in)
    const early = await trainAndKill(data, out, (_child, kill) => setTimeout(kill, 500));
    expect(early.signal).toBe("SIGKILL");
    expect(readFileSync(out, "utf8")).toBe(previous);

    // 2. killed the moment it writes the model: its temporary file has bytes (the empty one
    //    made at the start only checks that the path can be written)
    const late = await trainAndKill(data, out, (child, kill) => {
      const watcher = watch(dir, (_event, name) => {
        if (!name || !name.startsWith(".model.json.") || !name.endsWith(".tmp")) return;
        try {
          if (statSync(join(dir, name)).size === 0) return;
        } catch {
          return; // already renamed or removed
        }
        kill();
        watcher.close();
      });
      child.on("exit", () => watcher.close());
    });
    expectPreviousOrComplete(out, previous);
    if (late.signal === "SIGKILL") {
      // whatever temporary file the dead process left is removed by the next write of the model
      writeFileAtomic(out, readFileSync(out, "utf8"));
      expect(temps(dir)).toEqual([]);
    }
    const registry = join(dir, "registry.json");
    if (existsSync(registry)) expect(() => JSON.parse(readFileSync(registry, "utf8"))).not.toThrow();
  });
});
