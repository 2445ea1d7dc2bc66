/**
 * What `npm pack` puts in the tarball is what a global install runs: the built CLI, its launcher
 * and the data it falls back to from any folder (the bundled taxonomy, the background set, the
 * fresh set). `scripts/install-check.sh` does the whole install from the tarball; this checks
 * the file list, without running the build (`--ignore-scripts`: the build is `npm test`'s).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli/main.js";

const ROOT = join(__dirname, "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; bin: Record<string, string> };

describe("the package", () => {
  it("packs the built CLI, its launcher and the bundled data, and not the sources, tests or benchmark", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const needed of [pkg.bin.safetag!.replace(/^\.\//, ""), "dist/src/cli/main.js", "dist/src/predict/worker.js",
      "data/taxonomy.json", "data/background/background.csv", "data/eval/fresh.csv", "package.json"]) {
      expect(files, needed).toContain(needed);
    }
    expect(files.filter((f) => /^(src|test|bench|scripts|dist\/bench|dist\/test)\//.test(f) || f.endsWith(".ts"))).toEqual([]);
  });

  it("says its version", async () => {
    let printed = "";
    const program =
      buildProgram(
        { stdout: { write: (s: string) => ((printed += s), true) } as never, stderr: process.stderr, stdin: process.stdin, quiet: false, debug: false });
    await expect(program.parseAsync(["node", "safetag", "--version"])).rejects.toMatchObject({ code: "commander.version", exitCode: 0 });
    expect(printed.trim()).toBe(pkg.version);
  });
});

describe("the version on what safetag writes", () => {
  it("is recorded in a trained model's file and read back", async () => {
    const { trainModel } = await import("../src/training/train.js");
    const { parseModel, serializeModel } = await import("../src/modelfile/modelFile.js");
    const rows = ["a b", "a c", "d e", "d f"].map((abstract, i) => ({
      id: String(i), company: "", title: "", date: "", url: "", category: i < 2 ? "X" : "Y", abstract, duplicate: false, abstractMissing: false,
    }));
    const model = trainModel(rows, { kind: "multinomial-nb", innerFolds: 0, now: () => new Date(0) });
    expect(model.safetagVersion).toBe(pkg.version);
    expect(parseModel(serializeModel(model), "m.json").safetagVersion).toBe(pkg.version);
    // a file that names no version (written before versions were recorded) still loads
    const older = JSON.parse(serializeModel(model)) as Record<string, unknown>;
    delete older.safetagVersion;
    expect(parseModel(JSON.stringify(older), "old.json").safetagVersion).toBeUndefined();
    expect(() => parseModel(JSON.stringify({ ...older, safetagVersion: 3 }), "bad.json")).toThrow(/safetagVersion must be a version string/);
  });
});
