import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { cli } from "./cliHarness.js";

const fixture = (f: string) => join(__dirname, "fixtures", f);

const run = cli;

const parse = (text: string) => Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;

describe("safetag CLI end to end on a small fixture", () => {
  const dir = mkdtempSync(join(tmpdir(), "safetag-cli-"));
  const model = join(dir, "model.json");
  // The fixture's own taxonomy: names only, no descriptions.
  const noTaxonomy = ["--taxonomy", fixture("tiny-taxonomy.json")];

  it("trains, then predicts one row per abstract in input order", async () => {
    const t = await run(["train", "--data", fixture("tiny-labeled.csv"), "--out", model, ...noTaxonomy]);
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(/in all: 18 rows read = 18 used for training\n/);
    const out = join(dir, "pred.csv");
    const p = await run(["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", out]);
    expect(p.code).toBe(0);
    expect(p.stderr).toMatch(/4 abstracts read, 4 predictions written/);
    const rows = parse(readFileSync(out, "utf8"));
    const dump = fixture("tiny-dump.txt"); // ids are the input as named, and its line
    expect(rows.map((r) => [r.id, r.category])).toEqual([
      [`${dump}:2`, "Interpretability"],
      [`${dump}:3`, "Feedback"],
      [`${dump}:4`, ""],
      [`${dump}:5`, "Robustness"],
    ]);
    for (const r of [rows[0]!, rows[1]!, rows[3]!]) expect(Number(r.confidence)).toBeGreaterThan(0.5);
  });

  it("reads CSV input from stdin and writes JSONL to stdout, marking known abstracts", async () => {
    const known = "We reverse engineer circuits of attention heads and neurons inside a small transformer language model.";
    const p = await run(["predict", "--model", model, "--input", "-", "--format", "jsonl"], `id,abstract\na,"${known}"\nb,adversarial attacks\n`);
    expect(p.code).toBe(0);
    const lines = p.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.category, l.label_source, l.matched_id])).toEqual([
      ["a", "Interpretability", "known", "r8"],
      ["b", "Robustness", "model", ""],
    ]);
  });

  it("evaluates and writes the reports to --report-dir", async () => {
    const reports = join(dir, "reports");
    const e = await run(
      ["eval", "--data", fixture("tiny-labeled.csv"), "--report-dir", reports, "--folds", "3", "--repeats", "2", "--no-learning-curve", ...noTaxonomy]);
    expect(e.code).toBe(0);
    for (const f of ["report.md", "report.json"]) expect(existsSync(join(reports, f))).toBe(true);
    const json = JSON.parse(readFileSync(join(reports, "report.json"), "utf8"));
    expect(json.settings.rows).toBe(18);
    expect(json.confusion.labels).toEqual(["Feedback", "Interpretability", "Robustness"]);
    expect(json.confusion.counts.flat().reduce((a: number, b: number) => a + b, 0)).toBe(36);
    expect(e.stdout).toMatch(/macro-F1/);
  });
});

describe("run from another folder", () => {
  it("falls back to the taxonomy safetag ships with, so the descriptions still count", () => {
    const dir = mkdtempSync(join(tmpdir(), "safetag-elsewhere-"));
    const data = join(dir, "labeled.csv");
    writeFileSync(data, readFileSync(join(__dirname, "..", "data", "labeled.csv")));
    const model = join(dir, "model.json");
    execFileSync(process.execPath, [join(__dirname, "..", "dist", "src", "cli", "main.js"), "train", "--data", data, "--out", model, "--quiet"], { cwd: dir });
    const m = JSON.parse(readFileSync(model, "utf8"));
    expect(m.report.priorWeight).toBeGreaterThan(0);
    // the nine safety categories and the outside answer, learned from the bundled background set
    expect(m.categories).toHaveLength(10);
    expect(m.outside).toBe("Not safety research");
    expect(m.report.background.rows).toBeGreaterThan(300);
  });
});
