import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import Papa from "papaparse";
import type { LabeledAbstract } from "../src/domain.js";
import { reviewId } from "../src/ingest/reviewed.js";
import { acceptReviews, parseReviewSheet } from "../src/review/accept.js";
import { REVIEW_COLUMNS, reviewOrder, type ReviewItem } from "../src/review/queue.js";
import { driftVerdict, type OovTally } from "../src/modelfile/drift.js";
import { cli, fixture, parseCsv } from "./cliHarness.js";

const dir = mkdtempSync(join(tmpdir(), "safetag-review-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DUMP = [
  "Collector Name",
  "Abstract:We probe whether language models lie, and detect deception with linear probes on their activations.",
  "Abstract:Reward hacking appears when a policy over-optimises a learned reward model of human preferences.",
  "Abstract:Certified defences bound the effect of adversarial perturbations on image classifiers.",
  "Abstract:Sparse autoencoders recover monosemantic features from attention heads and neurons.",
  "Abstract:We reverse engineer circuits of attention heads and neurons inside a small transformer language model.",
].join("\n");

describe("the review queue order", () => {
  const item = (id: string, priority: 0 | 1 | 2, margin: number): ReviewItem => ({
    id, file: "f", predicted: "A", confidence: 0.5, runnerUp: "B", margin, needsReview: priority < 2, reason: "", abstract: id, priority,
  });

  it("puts rows needing a new label first, then needs_review, then the smallest margin (uncertainty sampling); ties keep input order", () => {
    const items = [item("sure", 2, 0.9), item("unsure", 2, 0.1), item("flagged", 1, 0.8), item("split", 0, 0.99), item("unsure-too", 2, 0.1)];
    expect(reviewOrder(items).map((i) => i.id)).toEqual(["split", "flagged", "unsure", "unsure-too", "sure"]);
    expect(reviewOrder(items, 2).map((i) => i.id)).toEqual(["split", "flagged"]);
    // the same abstract from two dumps is listed once
    expect(reviewOrder([item("a", 2, 0.5), { ...item("b", 2, 0.1), abstract: "A" }]).map((i) => i.id)).toEqual(["a"]);
  });
});

describe("accepting reviews", () => {
  const labeled: LabeledAbstract[] = [
    { id: "r2", company: "", title: "t", date: "", url: "", category: "Robustness",
      abstract: "Adversarial attacks on classifiers.", duplicate: false, abstractMissing: false },
  ];
  const sheet = (rows: string[][]) => Papa.unparse([[...REVIEW_COLUMNS], ...rows]);
  const answer = (abstract: string, category: string, reviewer = "") => ["id", "d.txt", "7", "X", "0.5", "Y", "0.1", "0", "", abstract, category, reviewer];
  const opts = { labeled, reviewed: [], force: false, today: "2026-01-02", file: "review.csv" };

  it("adds filled rows with provenance, skips what is already labeled the same and counts rows left empty", () => {
    const s = parseReviewSheet(
      sheet([answer("A new paper on honesty.", "robustness", "ana"),
        answer("Adversarial attacks on  classifiers.", "Robustness"), answer("Left for later.", "")]), "review.csv");
    expect(s.unanswered).toBe(1);
    const r = acceptReviews(s.answers, opts);
    expect(r.problems).toEqual([]);
    expect(r.added).toEqual([{
      id: reviewId("A new paper on honesty."), company: "", title: "", date: "", url: "", category: "Robustness", abstract: "A new paper on honesty.",
      duplicate: false, abstractMissing: false, reviewer: "ana", reviewedAt: "2026-01-02", source: "d.txt:7",
    }]);
    expect(r.skipped.map((x) => x.reason)).toEqual(['already labeled "Robustness" (row r2)']);
  });

  it("E_REVIEW_CATEGORY: refuses a category the taxonomy lacks, with the closest name", () => {
    const s = parseReviewSheet(sheet([answer("Something new.", "Robustnes")]), "review.csv");
    const r = acceptReviews(s.answers, { ...opts, taxonomy: { categories: [{ name: "Robustness" }, { name: "Old", retired: true }] } });
    expect(r.problems.map((p) => [p.code, p.hint])).toEqual([["E_REVIEW_CATEGORY", 'did you mean "Robustness"?']]);
  });

  it("E_REVIEW_COLUMNS: a sheet without reviewer_category", () => {
    expect(parseReviewSheet("id,abstract\na,b\n", "x.csv").problems[0]?.code).toBe("E_REVIEW_COLUMNS");
  });
});

describe("drift verdict", () => {
  const baseline = { oovMean: 0.2, oovSd: 0.1, abstracts: 50, folds: 5 };
  const tallyOov = (shares: number[]): OovTally => ({ abstracts: shares.length, sum: shares.reduce((a, b) => a + b, 0) });
  it("warns when a dump's unknown-word share is well above the training data's own, not for chance differences", () => {
    expect(driftVerdict(baseline, tallyOov([0.22, 0.25, 0.18]))?.drifted).toBe(false);
    const far = driftVerdict(baseline, tallyOov([0.7, 0.8, 0.75]));
    expect(far?.drifted).toBe(true);
    expect(far).toMatchObject({ abstracts: 3, oovMean: (0.7 + 0.8 + 0.75) / 3 });
    expect(far?.reasons[0]).toMatch(/75% of its words are new to the model \(training data: 20% out of fold\)/);
  });
});

describe("end to end: review, fill in two labels, accept, retrain, compare", () => {
  const data = join(dir, "data");
  mkdirSync(data, { recursive: true });
  const labeled = join(data, "labeled.csv");
  const taxonomy = join(data, "taxonomy.json");
  const models = join(dir, "models");
  const model = join(models, "model.json");
  const dump = join(dir, "dump.txt");
  copyFileSync(fixture("tiny-labeled.csv"), labeled);
  copyFileSync(fixture("tiny-taxonomy.json"), taxonomy);
  writeFileSync(dump, DUMP);
  const original = readFileSync(labeled);
  const tax = ["--taxonomy", taxonomy];

  it("grows the training rows by two, with provenance, and compare shows what changed", async () => {
    expect((await cli(["train", "--data", labeled, "--out", model, ...tax])).code).toBe(0);
    const first = JSON.parse(readFileSync(join(models, "registry.json"), "utf8")).current as string;

    const sheet = join(dir, "review.csv");
    const r = await cli(["review", "--model", model, "--input", dump, "--output", sheet, "--limit", "3"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/5 abstracts read \(1 already labeled or empty, left out\)/);
    const [header] = readFileSync(sheet, "utf8").split("\n");
    expect(header).toBe(REVIEW_COLUMNS.join(","));
    const queue = parseCsv(readFileSync(sheet, "utf8"));
    expect(queue).toHaveLength(3);
    expect(queue.every((q) => q.reviewer_category === "" && q.reviewer === "")).toBe(true);
    const margins = queue.map((q) => Number(q.margin));
    expect(margins).toEqual([...margins].sort((a, b) => a - b));

    // a person labels two rows: one as the model thought, one not (its runner-up)
    const deception = queue.find((q) => q.abstract?.includes("deception"))!;
    const other = queue.find((q) => q !== deception)!;
    deception.reviewer_category = deception.runner_up!;
    deception.reviewer = "ana";
    other.reviewer_category = other.predicted_category!;
    other.reviewer = "ben";
    writeFileSync(sheet, Papa.unparse(queue, { columns: [...REVIEW_COLUMNS] }));

    const a = await cli(["accept", sheet, "--data", labeled, ...tax]);
    expect(a.code).toBe(0);
    expect(a.stderr).toMatch(/accepted 2 labels into .*reviewed\.csv; 0 skipped .*; 0 conflicts; 1 row left unlabeled/);
    const reviewed = parseCsv(readFileSync(join(data, "reviewed.csv"), "utf8"));
    const answered = queue.filter((q) => q.reviewer !== "");
    expect(reviewed.map((x) => [x.category, x.reviewer, x.source])).toEqual(answered.map((q) => [q.reviewer_category, q.reviewer, `${q.file}:${q.line}`]));
    for (const x of reviewed) {
      expect(x.id).toMatch(/^rev-[0-9a-f]{12}$/);
      expect(x.reviewed_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(readFileSync(labeled).equals(original)).toBe(true);

    // accepting the same sheet again changes nothing
    const again = await cli(["accept", sheet, "--data", labeled, ...tax]);
    expect(again.stderr).toMatch(/accepted 0 labels .*2 skipped/);

    const t = await cli(["train", "--data", labeled, "--out", model, ...tax]);
    expect(t.code).toBe(0);
    // one line per file, then the line that adds them up: 18 + 2 = 20
    expect(t.stderr)
      .toMatch(/labeled\.csv: 18 rows read, 0 problems\n.*reviewed\.csv: 2 reviewed rows read, 0 problems\n(?:  .*\n)*  in all: 20 rows read = 20 used for training\n/);
    expect(JSON.parse(readFileSync(model, "utf8")).training.rows).toBe(20);

    const list = await cli(["models", "--dir", models]);
    expect(list.stdout.split("\n").filter((l) => /^[* ] +\d{8}T/.test(l))).toHaveLength(2);
    expect(list.stdout).toMatch(/^\* +\S+ +complement-nb +20 /m);

    const c = await cli(["compare", first, "current", "--dir", models, "--data", labeled, ...tax, "--input", dump, "--folds", "2"]);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain("training rows: 18 -> 20 (+2), different data");
    expect(c.stdout).toMatch(/not cross-validated: both models have the same settings \(complement-nb\), so on the same 20 rows and folds they would score the same/);
    expect(c.stdout).toMatch(/predictions: 1 of 5 abstracts changed category/);
    expect(c.stdout).toContain(`${deception.file}:${deception.line}  "${deception.predicted_category}"`);
    expect(c.stdout).toContain(`-> "${deception.reviewer_category}" (labeled)`);
  });

  it("E_REVIEW_CONFLICT: a label that contradicts an accepted one is refused (exit 65, row and column named), nothing written; --force wins", async () => {
    const before = readFileSync(join(data, "reviewed.csv"), "utf8");
    const queue = parseCsv(readFileSync(join(dir, "review.csv"), "utf8"));
    const labeledRow = queue.find((q) => q.reviewer === "ben")!;
    labeledRow.reviewer_category = labeledRow.runner_up!;
    const sheet = join(dir, "review2.csv");
    writeFileSync(sheet, Papa.unparse(queue, { columns: [...REVIEW_COLUMNS] }));
    const refused = await cli(["accept", sheet, "--data", labeled, ...tax]);
    expect(refused.code).toBe(65);
    const conflict = refused.stderr.split("\n").find((l) => l.includes("[E_REVIEW_CONFLICT]"));
    const where = `${sheet}:${queue.indexOf(labeledRow) + 2}: column reviewer_category:`;
    expect(conflict).toContain(`${where} [E_REVIEW_CONFLICT] the abstract is already labeled "${labeledRow.predicted_category}" (row rev-`);
    expect(conflict).toContain(`(value: ${JSON.stringify(labeledRow.runner_up)}) Hint: check which label is right; accept with --force`);
    expect(readFileSync(join(data, "reviewed.csv"), "utf8")).toBe(before);
    const forced = await cli(["accept", sheet, "--data", labeled, "--force", ...tax]);
    expect(forced.code).toBe(0);
    const reviewed = parseCsv(readFileSync(join(data, "reviewed.csv"), "utf8"));
    expect(reviewed).toHaveLength(2);
    expect(reviewed.find((x) => x.abstract === labeledRow.abstract)?.category).toBe(labeledRow.runner_up);
  });

  it("`run` re-ingests the sheet but keeps the reviewed rows, and keeps its model in the registry", async () => {
    const cwd = process.cwd();
    process.chdir(dir); // `run` finds data/taxonomy.json where a person runs it
    try {
      copyFileSync(fixture("tiny-labeled.csv"), "sheet.csv");
      const r = await cli(
        ["run", "--sheet", "sheet.csv", "--dumps", "dump.txt", "--labeled", "data/labeled.csv", "--model",
          "models/model.json", "--report-dir", "eval", "--predictions", "data/predictions.csv"]);
      expect(r.code).toBe(0);
      expect(r.stderr)
        .toMatch(/data\/labeled\.csv: 18 rows read, 0 problems\ndata\/reviewed\.csv: 2 reviewed rows read, 0 problems\n(?:  .*\n)*  in all: 20 rows read = 20 used for training\n/);
      expect(existsSync("data/reviewed.csv")).toBe(true);
      const registry = JSON.parse(readFileSync("models/registry.json", "utf8"));
      expect(registry.models).toHaveLength(3);
      expect(registry.models.at(-1)).toMatchObject({ id: registry.current, data: { rows: 20 }, evaluation: { folds: 5, repeats: 5 } });
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("drift end to end", () => {
  it("predict warns when a dump looks unlike the training data", async () => {
    const model = join(dir, "drift-model.json");
    expect((await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", model, "--taxonomy", fixture("tiny-taxonomy.json")])).code).toBe(0);
    expect(JSON.parse(readFileSync(model, "utf8")).drift).toMatchObject({ folds: 5, abstracts: 18 });
    const cooking = join(dir, "cooking.txt");
    writeFileSync(cooking, [
      "Abstract:Knead the dough with flour, butter and yeast, then bake the bread until golden brown.",
      "Abstract:Simmer tomatoes, garlic and basil slowly to make a rich pasta sauce for dinner.",
      "Abstract:Whisk eggs with sugar and vanilla; fold in cream and chill the custard overnight.",
    ].join("\n"));
    const p = await cli(["predict", "--model", model, "--input", cooking, "--output", join(dir, "cooking.csv")]);
    expect(p.code).toBe(0);
    expect(p.stderr).toMatch(/warning: drift: the input looks unlike the training data: \d+% of its words are new to the model/);
    const q = await cli(["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", join(dir, "tiny.csv")]);
    expect(q.stderr).toMatch(/drift: none detected over 3 abstracts/);
  });
});
