/**
 * A CLI without surprises (issue 15, item 2), through the built CLI as a person runs it
 * (`npm run build` first): one meaning per flag (`--kind` is a classifier kind, `--model` a model
 * file), required options marked in `--help`, the output format named by the file's extension,
 * every figure explained and no probability shown as exactly 1 or 0, `reason` only on rows that
 * need review, counts that agree from line to line, and a progress line that names its stage.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluate, type EvaluationProgress } from "../src/evaluation/evaluate.js";
import { readLabeled, usableForTraining } from "../src/ingest/labeled.js";
import { fixture, parseCsv } from "./cliHarness.js";

const ROOT = join(__dirname, "..");
const CLI = join(ROOT, "dist", "src", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "safetag-surprises-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The built CLI in `cwd`; `env` is added to this process's environment (CI removed, as at a person's terminal). */
function run(cwd: string, args: string[], opts: { env?: Record<string, string>; input?: string } = {}) {
  const env = { ...process.env, ...opts.env };
  delete env.CI;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env, input: opts.input ?? "" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder with the tiny labeled set as data/labeled.csv and its taxonomy as data/taxonomy.json (read by default). */
function project(name: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, "data"), { recursive: true });
  copyFileSync(fixture("tiny-labeled.csv"), join(p, "data", "labeled.csv"));
  copyFileSync(fixture("tiny-taxonomy.json"), join(p, "data", "taxonomy.json"));
  copyFileSync(fixture("tiny-dump.txt"), join(p, "dump.txt"));
  return p;
}

const modelFile = (p: string, f = "models/model.json") => JSON.parse(readFileSync(join(p, f), "utf8"));
/** A labeled abstract of the tiny set, given to predict: its label is a person's (label_source known). */
const KNOWN = readFileSync(fixture("tiny-labeled.csv"), "utf8").split("\n")[1]!.split(",").slice(5).join(",");

let p: string;
beforeAll(() => {
  expect(existsSync(CLI), "run `npm run build` first: these tests run dist/src/cli/main.js").toBe(true);
  p = project("main");
  const t = run(p, ["train", "--data", "data/labeled.csv", "--out", "models/model.json"]);
  expect(t.code, t.stderr).toBe(0);
});

describe("one meaning per flag: --kind is the classifier kind, --model a model file", () => {
  it("the evaluation contract works as it is written", () => {
    const q = project("contract");
    expect(run(q, ["train", "--data", "data/labeled.csv", "--out", "model.json"]).code).toBe(0);
    const predict = run(q, ["predict", "--model", "model.json", "--input", "dump.txt", "--output", "predictions.csv"]);
    expect(predict.code, predict.stderr).toBe(0);
    expect(parseCsv(readFileSync(join(q, "predictions.csv"), "utf8"))).toHaveLength(4);
    const evaluation = run(q, ["eval", "--data", "data/labeled.csv", "--report-dir", "reports"]);
    expect(evaluation.code, evaluation.stderr).toBe(0);
    expect(readdirSync(join(q, "reports")).sort()).toEqual(["report.html", "report.json", "report.md"]);
  });

  it("train --kind trains that kind; SAFETAG_MODEL still sets its default", () => {
    expect(run(p, ["train", "--data", "data/labeled.csv", "--out", "models/mnb.json", "--kind", "multinomial-nb"]).code).toBe(0);
    expect(modelFile(p, "models/mnb.json").report.kind).toBe("multinomial-nb");
    expect(run(p, ["train", "--data", "data/labeled.csv", "--out", "models/env.json"], { env: { SAFETAG_MODEL: "multinomial-nb" } }).code).toBe(0);
    expect(modelFile(p, "models/env.json").report.kind).toBe("multinomial-nb");
    expect(modelFile(p).report.kind).toBe("complement-nb"); // the default without either
  });

  it("the old --model <kind> of train and eval is a usage error (exit 2) that says to write --kind; nothing is written", () => {
    for (const [args, hint] of [
      [["train", "--data", "data/labeled.csv", "--out", "models/old.json", "--model", "multinomial-nb"], "hint: write --kind multinomial-nb"],
      [["train", "--data", "data/labeled.csv", "--out", "models/old.json", "-m", "complement-nb"], "hint: write --kind complement-nb"],
      [["eval", "--data", "data/labeled.csv", "--report-dir", "old-eval", "--model", "models/model.json"],
        "hint: give the classifier kind with --kind (auto, multinomial-nb"],
    ] as const) {
      const r = run(p, [...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr)
        .toContain(
          `safetag: error ` +
            `E_USAGE: ${args[0]}: --model "${args.at(-1)}": --model names a model file (predict, review, run, compare); the classifier kind is --kind`);
      expect(r.stderr).toContain(hint);
    }
    expect(existsSync(join(p, "models", "old.json")) || existsSync(join(p, "old-eval"))).toBe(false);
  });

  it("--help of train and eval shows --kind, and not --model", () => {
    for (const command of ["train", "eval"]) {
      const help = run(p, [command, "--help"]).stdout;
      expect(help).toMatch(/-k, --kind <kind> +classifier kind \(choices: "auto",/);
      expect(help).not.toContain("--model");
    }
  });
});

describe("--help marks the required options", () => {
  /** Each option's help line, joined with its wrapped lines. */
  const optionHelp = (help: string, flag: string) => {
    const lines = help.split("\n");
    const at = lines.findIndex((l) => l.trimStart().startsWith(flag) || l.includes(`, ${flag}`));
    expect(at, `${flag} in\n${help}`).toBeGreaterThan(-1);
    let text = lines[at]!;
    for (let i = at + 1; i < lines.length && /^ {10,}\S/.test(lines[i]!); i++) text += ` ${lines[i]!.trim()}`;
    return text;
  };

  it("train: --data and --out are required, --kind is not; predict: --model and --input, not --output", () => {
    const train = run(p, ["train", "--help"]).stdout;
    expect(optionHelp(train, "--data")).toMatch(/labeled data \(required\)$/);
    expect(optionHelp(train, "--out")).toMatch(/where to write the model \(required\)$/);
    expect(optionHelp(train, "--kind")).not.toContain("(required)");
    const predict = run(p, ["predict", "--help"]).stdout;
    expect(optionHelp(predict, "--model")).toMatch(/\(required\)$/);
    expect(optionHelp(predict, "--input")).toMatch(/\(required\)$/);
    expect(optionHelp(predict, "--output")).not.toContain("(required)");
    expect(run(p, ["review", "--help"]).stdout.split("\n").filter((l) => l.includes("(required)"))).toHaveLength(1); // --model only
  });
});

describe("the output format follows the file's extension, unless --format says otherwise", () => {
  const predict = (...args: string[]) => run(p, ["predict", "--model", "models/model.json", "--input", "dump.txt", ...args]);

  it("predict: .jsonl writes JSON lines, .csv (any case) and a name without extension CSV, --format wins", () => {
    expect(predict("--output", "p.jsonl").code).toBe(0);
    const lines = readFileSync(join(p, "p.jsonl"), "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).line)).toEqual([2, 3, 4, 5]);
    for (const name of ["p.CSV", "predictions"]) {
      expect(predict("--output", name).code).toBe(0);
      expect(readFileSync(join(p, name), "utf8").split("\n")[0]).toMatch(/^id,category,confidence,/);
    }
    expect(predict("--output", "p.txt", "--format", "jsonl").code).toBe(0);
    expect(JSON.parse(readFileSync(join(p, "p.txt"), "utf8").split("\n")[0]!).line).toBe(2);
    expect(predict().stdout.split("\n")[0]).toMatch(/^id,category,/); // standard output: CSV
  });

  it("predict: .json, .xlsx and .tsv are a usage error (exit 2) before any work, nothing written", () => {
    for (const name of ["p.json", "p.xlsx", "p.tsv"]) {
      const r = predict("--output", name);
      expect(r.code).toBe(2);
      expect(r.stderr)
        .toContain(
          `safetag: error E_OUTPUT_FORMAT: ` +
            `--output ${name}: safetag writes predictions as CSV (.csv) or JSON lines (.jsonl, .ndjson), and ${name.slice(1)} is none of these`);
      expect(r.stderr).toContain("hint: name the file .csv or .jsonl or .ndjson, or say which format with --format csv|jsonl");
      expect(existsSync(join(p, name))).toBe(false);
    }
    expect(predict("--output", "p.xlsx").stderr).toContain("a spreadsheet program opens the .csv");
  });

  it("review keeps .json for Label Studio and .jsonl for Prodigy, and refuses .xlsx; ingest and run refuse a name that is not .csv", () => {
    const review = (name: string) => run(p, ["review", "--model", "models/model.json", "--input", "dump.txt", "--output", name]);
    expect(review("r.jsonl").code).toBe(0);
    expect(JSON.parse(readFileSync(join(p, "r.jsonl"), "utf8").split("\n")[0]!)).toHaveProperty("options");
    const xlsx = review("r.xlsx");
    expect(xlsx.code).toBe(2);
    expect(xlsx.stderr)
      .toContain(
        "E_OUTPUT_FORMAT: --output r.xlsx: safetag writes the review queue as a CSV sheet (.csv) or Label Studio tasks (.json) or Prodigy tasks (.jsonl)");
    const ingest = run(p, ["ingest", fixture("tiny-labeled.csv"), "--output", "labeled.jsonl", "--taxonomy", "data/taxonomy.json"]);
    expect(ingest.code).toBe(2);
    expect(ingest.stderr).toContain("E_OUTPUT_FORMAT: --output labeled.jsonl: safetag writes the labeled rows as CSV (.csv)");
    const empty = join(dir, "empty");
    mkdirSync(empty);
    const pipeline = run(empty, ["run", "--predictions", "out/predictions.json"]);
    expect(pipeline.code).toBe(2);
    expect(pipeline.stderr).toContain("E_OUTPUT_FORMAT: --predictions out/predictions.json:");
    expect(readdirSync(empty)).toEqual([]); // refused before the taxonomy or anything else was written
    for (const r of [xlsx, ingest, pipeline]) expect(r.stderr).not.toMatch(/\n\s+at .*:\d+/); // no stack trace
  });
});

describe("figures people read", () => {
  it("train says what each figure is, and leaves the calibration temperature in the model file", () => {
    const t = run(p, ["train", "--data", "data/labeled.csv", "--out", "models/figures.json"]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).not.toMatch(/temperature/);
    expect(t.stderr)
      .toMatch(/chosen by inner \d-fold cross-validation on the training rows: taxonomy weight \d+ \(each category's taxonomy description counts as that many labeled rows\)/);
    expect(t.stderr).toMatch(/ {4}candidate +taxonomy weight +macro-F1 +accuracy +\(out of fold\)\n {4}complement-nb +\d+ +\d\.\d{3} +\d\.\d{3}\n/);
    // the threshold reads 1 only when it is 1 (this tiny model is that sure); otherwise with the decimals it needs
    const shown = /a prediction below confidence (\d\.\d+)\+? is marked needs_review/.exec(t.stderr)![1]!;
    const saved = modelFile(p, "models/figures.json");
    expect(Number(shown)).toBeCloseTo(saved.report.review.threshold, 3);
    expect(Number(shown) === 1).toBe(saved.report.review.threshold >= 1);
    expect(saved.temperature).toBeGreaterThan(0);
  });

  it("confidences in the CSV never read 1 or 0 for a model's guess; JSONL keeps the number; a person's label keeps 1", () => {
    const input = `id,abstract\nknown,"${KNOWN}"\nnew,Adversarial perturbations and distribution shift break robustness of classifiers.\nempty,\n`;
    const csv = parseCsv(run(p, ["predict", "--model", "models/model.json", "--input", "-", "--format", "csv"], { input }).stdout);
    const jsonl = run(p, ["predict", "--model", "models/model.json", "--input", "-", "--format", "jsonl"], { input })
      .stdout.trim().split("\n").map((l) => JSON.parse(l));
    const model = csv.find((r) => r.id === "new")!;
    expect(model.label_source).toBe("model");
    // this model is sure of it: JSONL says how sure, the CSV says 0.999 rather than 1
    expect(jsonl.find((r) => r.id === "new").confidence).toBeGreaterThan(0.9995);
    expect(model.confidence).toBe("0.999");
    expect(model.runner_up_confidence).toBe("0.001");
    expect(csv.find((r) => r.id === "known")).toMatchObject({ label_source: "known", confidence: "1", matched_id: "r2" });
    expect(csv.find((r) => r.id === "empty")).toMatchObject({ label_source: "none", confidence: "0", category: "" });
  });

  it("the review page and the review sheet show >0.999 and 0.999, never 1.000 or 1", () => {
    expect(run(p, ["predict", "--model", "models/model.json", "--input", "dump.txt", "--output", "page.csv", "--html", "page.html"]).code).toBe(0);
    const page = readFileSync(join(p, "page.html"), "utf8");
    const cells = [...page.matchAll(/<td class="num[^"]*"><span class="conf">.*?<\/span><\/span>([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(cells).toEqual(["0.000", "&gt;0.999", "&gt;0.999", "&gt;0.999"]); // the empty abstract first, with no category
    expect(page).toContain('<span class="muted">&lt;0.001</span>');
    expect(run(p, ["review", "--model", "models/model.json", "--input", "dump.txt", "--output", "sheet.csv"]).code).toBe(0);
    const sheet = parseCsv(readFileSync(join(p, "sheet.csv"), "utf8"));
    expect(sheet.length).toBeGreaterThan(0);
    for (const row of sheet) {
      expect(Number(row.confidence)).toBeLessThanOrEqual(0.999);
      expect(Number(row.margin)).toBeLessThanOrEqual(0.999);
    }
  });

  it("reason is filled only where needs_review is 1, in CSV and JSONL", () => {
    const input = `id,abstract\nknown,"${KNOWN}"\nnew,We study sparse autoencoders and attention heads to find interpretable circuits.\nempty,\n`;
    for (const format of ["csv", "jsonl"]) {
      const out = run(p, ["predict", "--model", "models/model.json", "--input", "-", "--format", format], { input }).stdout;
      const rows: Record<string, unknown>[] = format === "csv" ? parseCsv(out) : out.trim().split("\n").map((l) => JSON.parse(l));
      expect(rows.map((r) => [r.id, String(r.needs_review), r.reason])).toEqual([
        ["known", "0", ""], // its match is in matched_id, as before
        ["new", "0", ""],
        ["empty", "1", "empty abstract"],
      ]);
    }
  });
});

describe("the counts add up from line to line", () => {
  it("ingest: the first line counts the rows left out, as the in-all line does", () => {
    const r = run(p, ["ingest", fixture("bad/cells.csv"), "--output", "cells.csv", "--taxonomy", "data/taxonomy.json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr)
      .toContain("14 rows read: 11 usable for training, 0 duplicates and 1 without abstract set aside, 2 left out (see the problems); 0 empty rows skipped");
    expect(r.stderr).toContain("in all: 14 rows read = 12 written to cells.csv + 2 left out (see the problems above)");
  });

  it("train with reviewed rows: one line per file, and the in-all line is their sum", () => {
    const q = project("reviewed");
    const header = "id,company,title,date,url,category,abstract,duplicate,abstract_missing,reviewer,reviewed_at,source";
    writeFileSync(
      join(q, "data", "reviewed.csv"),
      [
        header,
        "rev-1,,,,,Robustness,Jailbreak prompts bypass the safeguards of language models.,0,0,ann,2024-01-01,dump.txt:2",
        "rev-2,,,,,Interpretability,Probing classifiers read features from the residual stream.,0,0,ann,2024-01-01,dump.txt:3",
        `rev-3,,,,,Robustness,"${KNOWN}",0,0,ann,2024-01-01,dump.txt:4`, // an abstract the sheet has: relabels row r2
        "",
      ].join("\n"),
    );
    const t = run(q, ["train", "--data", "data/labeled.csv", "--out", "model.json"]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).toMatch(/^data\/labeled\.csv: 18 rows read, 0 problems\ndata\/reviewed\.csv: 3 reviewed rows read, 0 problems\n/m);
    const m = /in all: (\d+) rows read = (.*)/.exec(t.stderr)!;
    expect(m[0]).toBe("in all: 21 rows read = 20 used for training + 1 reviews merged into their labeled row");
    expect(Number(m[1])).toBe(18 + 3);
    expect(m[2]!.split(" + ").reduce((n, part) => n + Number.parseInt(part, 10), 0)).toBe(21);
    expect(t.stderr).not.toMatch(/ rows read \(with /);
  });
});

describe("many problems of one kind", () => {
  it("print the first 10 of each kind and count the rest, with the lines they are on; --all-problems prints every one", () => {
    // 15 rows with a category the taxonomy lacks (one problem each) beside the tiny set's own categories
    const extra = Array.from({ length: 15 }, (_, i) => `Acme,Extra ${i},1-Jan-24,https://x/${i},Odd ${i},An abstract about topic number ${i}.`);
    const file = join(p, "many-odd.csv");
    writeFileSync(file, [readFileSync(fixture("tiny-labeled.csv"), "utf8").trimEnd(), ...extra, ""].join("\n"));
    const args = ["ingest", file, "--output", "many-odd-out.csv", "--taxonomy", "data/taxonomy.json"];
    const r = run(p, args);
    expect(r.code, r.stderr).toBe(0);
    const listed = r.stderr.split("\n").filter((l) => l.includes("[E_UNKNOWN_CATEGORY]") && l.includes("many-odd.csv:"));
    expect(listed).toHaveLength(10);
    // the tiny set has 18 rows after its header, so the extra rows are lines 20 to 34; the first 10 are listed
    expect(r.stderr).toContain("  ... and 5 more [E_UNKNOWN_CATEGORY] problems like these (between lines 30 and 34); --all-problems prints every one");
    const all = run(p, ["--all-problems", ...args]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr.split("\n").filter((l) => l.includes("[E_UNKNOWN_CATEGORY]") && l.includes("many-odd.csv:"))).toHaveLength(15);
    expect(all.stderr).not.toContain("more [E_UNKNOWN_CATEGORY]");
  });
});

describe("progress names the stage that is running", () => {
  it("evaluate tells each stage as it starts, then the folds of the stages that cross-validate", () => {
    const rows = usableForTraining(readLabeled(fixture("tiny-labeled.csv")).rows);
    const seen: EvaluationProgress[] = [];
    const fresh = { path: "fresh.csv", rows: rows.slice(0, 2).map((r) => ({ ...r, abstract: `${r.abstract} Seen afresh.` })) };
    evaluate(rows,
      { model: "complement-nb", compare: ["multinomial-nb"], folds: 2, repeats: 1, seed: 1, dataPath: "x.csv", fresh, onProgress: (e) => seen.push(e) });
    const stages = seen.filter((e) => e.done === undefined).map((e) => e.stage);
    expect(stages).toEqual([
      "cross-validation",
      "bootstrap intervals",
      "final model, trained on all 18 rows",
      "calibration, review rule, label errors, terms",
      "learning curve",
      "comparison: multinomial-nb",
      "fresh abstracts",
    ]);
    const counted = (stage: string) => seen.filter((e) => e.stage === stage && e.done !== undefined).map((e) => `${e.done}/${e.total}`);
    expect(counted("cross-validation")).toEqual(["1/2", "2/2"]);
    expect(counted("learning curve")).toEqual(["1/8", "2/8", "3/8", "4/8", "5/8", "6/8", "7/8", "8/8"]); // four training sizes, two folds each
    expect(counted("comparison: multinomial-nb")).toEqual(["1/2", "2/2"]);
  });

  it("at a terminal, eval's progress line names each stage after the folds (the real data, so each stage takes long enough to be drawn)", async () => {
    const out = join(dir, "tty");
    mkdirSync(out);
    const command =
      [CLI, "eval", "--data", join(ROOT, "data/labeled.csv"), "--taxonomy", join(ROOT, "data/taxonomy.json"),
        "--report-dir", "reports", "--folds", "2", "--repeats", "1", "--compare", "multinomial-nb", "--fresh", join(ROOT, "data/eval/fresh.csv")];
    const quoted = [process.execPath, ...command].map((a) => `'${a}'`).join(" ");
    const env = { ...process.env };
    delete env.CI;
    // `script` gives the command a terminal, as a person has; the line is drawn only there
    const r = await new Promise<{ status: number | null; stdout: string }>((done) => {
      const child = spawn("script", ["-qfec", quoted, "/dev/null"], { cwd: out, env, stdio: ["ignore", "pipe", "inherit"] });
      let stdout = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.on("close", (status) => done({ status, stdout }));
    });
    expect(r.status, r.stdout).toBe(0);
    const drawn = r.stdout.split(/[\r\n]/).map((s) => s.trim()).filter((s) => s.startsWith("eval: "));
    const stages = [...new Set(drawn.map((s) => s.replace(/ (\[|\().*$/, "")))];
    // the line is drawn only after a delay, so the first stage may pass unseen; every stage after the folds is named as it starts
    expect(stages.slice(stages.indexOf("eval: bootstrap intervals"))).toEqual([
      "eval: bootstrap intervals",
      "eval: final model, trained on all 77 rows",
      "eval: calibration, review rule, label errors, terms",
      "eval: learning curve",
      "eval: comparison: multinomial-nb",
      "eval: fresh abstracts",
    ]);
    expect(drawn.filter((s) => /^eval: learning curve \[#{24}\] 8\/8 \(\d+s\)$/.test(s))).toHaveLength(1);
  }, 240_000);
});
