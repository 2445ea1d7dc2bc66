/**
 * Issue 13, the registry of kept models, model files and training data: one test per item
 * (5, 6, 10, 11, 16, 17, 18, 19, 26), through the CLI where the item is about the CLI. The
 * concurrency test runs the built CLI (`dist/`, made by `npm run build`, which `npm test` runs
 * first) as separate processes, since the lost update it guards against is between processes.
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { withLock } from "../src/io/lock.js";
import { cli, fixture, parseCsv, type CliRun } from "./cliHarness.js";

const CLI = join(__dirname, "..", "dist", "cli", "main.js");
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

const registryOf = (models: string) => JSON.parse(readFileSync(join(models, "registry.json"), "utf8")) as { current?: string; models: { id: string; file: string }[] };
/** The id marked `*` by `safetag models`, if any. */
const markedCurrent = (r: CliRun) => /^\*\s+(\d{8}T\d{6}Z-[0-9a-f]{8}) /m.exec(r.stdout)?.[1];

describe("item 5: runs at once into one models/ folder", () => {
  it("4 train processes at once, three times over: every model listed, no copy unlisted, no lock left", { timeout: 120_000 }, async () => {
    expect(existsSync(CLI), "run `npm run build` first: this test runs dist/cli/main.js").toBe(true);
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
    index.models = [good, { ...noData, id: "20260101T000000Z-aaaaaaaa" }, { ...noKind, id: "20260102T000000Z-bbbbbbbb", data: { ...(good.data as object), rows: "18" } }];
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
