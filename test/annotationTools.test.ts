/**
 * Label Studio and Prodigy, round trip (issue 15, item 4; docs/annotation-tools.md): `review
 * --format label-studio|prodigy` writes the tools' task files (and Label Studio's labeling
 * config), `accept` reads their exports into reviewed rows with the checks of a CSV sheet, and a
 * retrained model has the reviewed rows. The round trips run the built CLI (`npm run build`);
 * the exports are filled in as the tools write them, after their documentation: the fixtures in
 * fixtures/annotation-tools/ (their README says which documented shape each follows).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Taxonomy } from "../src/domain.js";
import { reviewId } from "../src/ingest/reviewed.js";
import { acceptReviews } from "../src/review/accept.js";
import { arrayElementLines, parseJson } from "../src/review/jsonText.js";
import { labelStudioConfig, labelStudioTasks, parseLabelStudioExport, xmlAttribute } from "../src/review/labelStudio.js";
import { parseProdigyExport, prodigyTasks } from "../src/review/prodigy.js";
import type { ReviewItem } from "../src/review/queue.js";
import { isoSeconds, shownProbability, toolChoices } from "../src/review/toolAnswers.js";
import { cli, fixture, parseCsv } from "./cliHarness.js";
import { thrown } from "./thrown.js";

const CLI = join(__dirname, "..", "dist", "src", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "safetag-annotation-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tools = (f: string) => fixture(join("annotation-tools", f));
const LS_EXPORT = readFileSync(tools("label-studio-export.json"), "utf8");
const PRODIGY_EXPORT = readFileSync(tools("prodigy-export.jsonl"), "utf8");
const TINY: Taxonomy = JSON.parse(readFileSync(fixture("tiny-taxonomy.json"), "utf8"));
/** An edited export written back with task k (1-based) on line k + 1, as some exports are laid out. */
const oneTaskALine = (tasks: unknown[]) => `[\n${tasks.map((t) => JSON.stringify(t)).join(",\n")}\n]\n`;

/** Four abstracts the tiny labeled set does not have. */
const DUMP = [
  "Collector Name",
  "Abstract:We probe whether language models lie, and detect deception with linear probes on their activations.",
  "Abstract:Reward hacking appears when a policy over-optimises a learned reward model of human preferences.",
  "Abstract:Certified defences bound the effect of adversarial perturbations on image classifiers.",
  "Abstract:Sparse autoencoders recover monosemantic features from attention heads and neurons.",
].join("\n");

/** The built CLI in `cwd`, as a person runs it. */
function run(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder with the tiny labeled set, its taxonomy and the dump, and a model trained on them. */
function project(name: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, "data"), { recursive: true });
  copyFileSync(fixture("tiny-labeled.csv"), join(p, "data", "labeled.csv"));
  copyFileSync(fixture("tiny-taxonomy.json"), join(p, "data", "taxonomy.json"));
  writeFileSync(join(p, "dump.txt"), DUMP);
  const t = run(p, "train", "--data", "data/labeled.csv", "--out", "models/model.json");
  expect(t.code, t.stderr).toBe(0);
  return p;
}
const modelRows = (p: string) => JSON.parse(readFileSync(join(p, "models", "model.json"), "utf8")).training.rows as number;
const currentModelId = (p: string) => JSON.parse(readFileSync(join(p, "models", "registry.json"), "utf8")).current as string;

beforeAll(() => {
  expect(existsSync(CLI), "run `npm run build` first: the round trips run dist/src/cli/main.js").toBe(true);
});

describe("Label Studio round trip through the CLI: review, label, export, accept, retrain", () => {
  it("writes tasks with the model's pick as a pre-annotation and the labeling config; the export's labels train the next model", () => {
    const p = project("ls");
    const r = run(p, "review", "--model", "models/model.json", "--input", "dump.txt", "--format", "label-studio", "--output", "tasks.json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("labeling config written to tasks.label-config.xml");
    expect(readFileSync(join(p, "tasks.label-config.xml"), "utf8")).toBe([
      "<View>",
      '  <Text name="text" value="$text"/>',
      '  <Choices name="category" toName="text" choice="single" showInline="false" required="true">',
      '    <Choice value="Feedback"/>',
      '    <Choice value="Interpretability"/>',
      '    <Choice value="Robustness"/>',
      "  </Choices>",
      "</View>",
      "",
    ].join("\n"));

    const tasks = JSON.parse(readFileSync(join(p, "tasks.json"), "utf8"));
    expect(tasks).toHaveLength(4);
    const abstracts = DUMP.split("\n").slice(1).map((l) => l.slice("Abstract:".length));
    expect(tasks.map((t: { data: { text: string } }) => t.data.text).sort()).toEqual([...abstracts].sort());
    for (const t of tasks) {
      expect(t.data.id).toBe(`dump.txt:${t.data.line}`);
      expect(t.predictions).toHaveLength(1);
      const [pred] = t.predictions;
      expect(pred.model_version).toBe(currentModelId(p)); // the id `safetag models` lists
      expect(pred.score).toBeGreaterThan(0);
      expect(pred.score).toBeLessThan(1);
      expect(pred.result).toEqual([{ from_name: "category", to_name: "text", type: "choices", value: { choices: [t.data.predicted] } }]);
    }

    // Label Studio's export, as the project would give it: one task relabeled (the runner-up, not
    // the model's pick), one confirmed by two annotators, one left, one skipped
    const [relabeled, confirmed, left, skipped] = tasks;
    const annotation = (id: number, user: number, choice: string, at: string) => ({
      id, completed_by: user,
        result: [{ value: { choices: [choice] }, id: `r${id}`, from_name: "category", to_name: "text", type: "choices", origin: "manual" }],
      was_cancelled: false, ground_truth: false, created_at: at, updated_at: at, lead_time: 3.5,
    });
    const exported = [
      { ...relabeled, id: 1, annotations: [annotation(11, 1, relabeled.data.runner_up, "2024-06-01T09:00:00.250000Z")] },
      { ...confirmed, id: 2,
        annotations: [annotation(12, 1, confirmed.data.predicted, "2024-06-01T09:01:00.000000Z"),
          annotation(13, 2, confirmed.data.predicted, "2024-06-02T11:30:00.000000Z")] },
      { ...left, id: 3, annotations: [] },
      { ...skipped, id: 4, annotations: [{ ...annotation(14, 2, skipped.data.predicted, "2024-06-02T11:31:00Z"), result: [], was_cancelled: true }] },
    ];
    writeFileSync(join(p, "export.json"), JSON.stringify(exported));

    const a = run(p, "accept", "export.json", "--data", "data/labeled.csv");
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toContain("export.json: read as a Label Studio JSON export");
    expect(a.stderr)
      .toMatch(/accepted 2 labels into data\/reviewed\.csv; 0 skipped \(already labeled the same\); 0 conflicts; 2 tasks left unlabeled; 1 annotation skipped by its annotator, not counted/);
    expect(a.stderr).toContain(`unlabeled task 3 (Label Studio id 3), safetag id ${left.data.id}: no annotation to read`);
    expect(a.stderr).toContain(`not counted task 4 (Label Studio id 4), by label-studio user 2: skipped in Label Studio (was_cancelled)`);
    const reviewed = parseCsv(readFileSync(join(p, "data", "reviewed.csv"), "utf8"));
    expect(reviewed.map((x) => [x.id, x.category, x.reviewer, x.reviewed_at, x.source])).toEqual([
      [reviewId(relabeled.data.text), relabeled.data.runner_up, "label-studio user 1", "2024-06-01T09:00:00Z", relabeled.data.id],
      [reviewId(confirmed.data.text), confirmed.data.predicted, "label-studio user 1, label-studio user 2", "2024-06-02T11:30:00Z", confirmed.data.id],
    ]);

    expect(modelRows(p)).toBe(18);
    expect(run(p, "train", "--data", "data/labeled.csv", "--out", "models/model.json").code).toBe(0);
    expect(modelRows(p)).toBe(20);
    // the model knows them now, with the annotators' labels: the relabeled one is no longer the model's old pick
    expect(run(p, "predict", "--model", "models/model.json", "--input", "dump.txt", "--output", "predictions.csv").code).toBe(0);
    const predictions = parseCsv(readFileSync(join(p, "predictions.csv"), "utf8"));
    const of = (task: { data: { line: number } }) => predictions.find((x) => x.line === String(task.data.line))!;
    expect([of(relabeled).category, of(relabeled).label_source]).toEqual([relabeled.data.runner_up, "known"]);
    expect([of(confirmed).category, of(confirmed).label_source]).toEqual([confirmed.data.predicted, "known"]);
    expect(of(left).label_source).toBe("model");
  });
});

describe("Prodigy round trip through the CLI: review, annotate, db-out, accept, retrain", () => {
  it("writes choice tasks with the model's pick pre-selected; the export's accepted answers train the next model", () => {
    const p = project("prodigy");
    // no --format: the .jsonl extension says Prodigy
    const r = run(p, "review", "--model", "models/model.json", "--input", "dump.txt", "--output", "tasks.jsonl");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Prodigy review queue of 4 tasks written to tasks.jsonl");
    const lines = readFileSync(join(p, "tasks.jsonl"), "utf8").split("\n");
    expect(lines.pop()).toBe("");
    const tasks = lines.map((l) => JSON.parse(l));
    expect(tasks).toHaveLength(4);
    for (const t of tasks) {
      expect(Object.keys(t)).toEqual(["text", "options", "accept", "meta"]);
      expect(t.options).toEqual(["Feedback", "Interpretability", "Robustness"].map((c) => ({ id: c, text: c })));
      expect(t.accept).toHaveLength(1);
      expect(t.meta).toMatchObject({ id: `dump.txt:${t.meta.line}`, model: currentModelId(p), file: "dump.txt" });
      expect(t.meta.confidence).toBeGreaterThan(0);
      expect(t.meta.confidence).toBeLessThan(1);
    }

    // `prodigy db-out`, as it writes the dataset: one line per task and annotator
    const [relabeled, confirmed, ignored, rejected] = tasks;
    const other = relabeled.options.find((o: { id: string }) => o.id !== relabeled.accept[0]).id as string;
    const answered = (t: object, answer: string, who: string, ts: number, accept?: string[]) =>
      JSON.stringify(
        { ...t, ...(accept ? { accept } : {}), _input_hash: 1, _task_hash: 2, _view_id: "choice", answer,
          _timestamp: ts, _annotator_id: `round-${who}`, _session_id: `round-${who}` });
    writeFileSync(join(p, "export.jsonl"), [
      answered(relabeled, "accept", "ana", 1717232400, [other]),
      answered(confirmed, "accept", "ana", 1717232460),
      answered(confirmed, "accept", "ben", 1717232520),
      answered(ignored, "ignore", "ana", 1717232580),
      answered(rejected, "reject", "ben", 1717232640, []),
      "",
    ].join("\n"));

    const a = run(p, "accept", "export.jsonl", "--data", "data/labeled.csv");
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toContain("export.jsonl: read as a Prodigy export (JSONL)");
    expect(a.stderr)
      .toMatch(/accepted 2 labels into data\/reviewed\.csv; 0 skipped .*; 0 conflicts; 0 tasks left unlabeled; 2 annotations skipped by their annotators, not counted/);
    expect(a.stderr).toContain(`not counted line 4 (id ${ignored.meta.id}), by round-ana: ignored in Prodigy`);
    expect(a.stderr).toContain(`not counted line 5 (id ${rejected.meta.id}), by round-ben: rejected in Prodigy`);
    const reviewed = parseCsv(readFileSync(join(p, "data", "reviewed.csv"), "utf8"));
    // 1717232400 s is 2024-06-01T09:00:00Z; the later of two agreeing answers is kept (09:02)
    expect(reviewed.map((x) => [x.category, x.reviewer, x.reviewed_at, x.source])).toEqual([
      [other, "round-ana", "2024-06-01T09:00:00Z", relabeled.meta.id],
      [confirmed.accept[0], "round-ana, round-ben", "2024-06-01T09:02:00Z", confirmed.meta.id],
    ]);

    expect(run(p, "train", "--data", "data/labeled.csv", "--out", "models/model.json").code).toBe(0);
    expect(modelRows(p)).toBe(20);
    expect(run(p, "predict", "--model", "models/model.json", "--input", "dump.txt", "--output", "predictions.csv").code).toBe(0);
    const predictions = parseCsv(readFileSync(join(p, "predictions.csv"), "utf8"));
    const of = (t: { meta: { line: number } }) => predictions.find((x) => x.line === String(t.meta.line))!;
    expect([of(relabeled).category, of(relabeled).label_source]).toEqual([other, "known"]);
    expect([of(confirmed).category, of(confirmed).label_source]).toEqual([confirmed.accept[0], "known"]);
    expect(of(ignored).label_source).toBe("model");
  });
});

describe("the task files", () => {
  const item = (id: string, predicted: string, confidence: number, abstract = `Abstract ${id}.`): ReviewItem => ({
    id, file: "d.txt", line: 3, predicted, confidence, runnerUp: "B", margin: 0.25, needsReview: false, reason: "", abstract, priority: 2,
  });
  const opts = { choices: ["A", "B"], pick: (c: string) => (c === "gone" ? undefined : c), modelVersion: "20240101T000000Z-deadbeef" };

  it("Label Studio: a pick that is no longer a category gets no pre-annotation, and is counted", () => {
    const out = labelStudioTasks([item("x", "A", 0.75), item("y", "gone", 0.6)], opts);
    expect(out.withoutPrediction).toBe(1);
    const tasks = JSON.parse(out.json);
    expect(tasks[0].predictions)
      .toEqual([
        { model_version: "20240101T000000Z-deadbeef", score: 0.75,
          result: [{ from_name: "category", to_name: "text", type: "choices", value: { choices: ["A"] } }] }]);
    expect(tasks[0].data)
      .toEqual({ text: "Abstract x.", id: "x", file: "d.txt", line: 3, predicted: "A", confidence: 0.75, runner_up: "B",
        margin: 0.25, needs_review: false, reason: "" });
    expect(tasks[1].predictions).toEqual([]);
  });

  it("Prodigy: one task per line, even for an abstract with U+2028 in it; nothing pre-selected for a pick that is gone", () => {
    const out = prodigyTasks([item("x", "A", 1, "Line one\u2028line two."), item("y", "gone", 0.5)], opts);
    expect(out.withoutPrediction).toBe(1);
    const lines = out.jsonl.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain("\\u2028");
    expect(JSON.parse(lines[0]!)).toEqual({
      text: "Line one\u2028line two.", options: [{ id: "A", text: "A" }, { id: "B", text: "B" }], accept: ["A"],
      meta: { id: "x", confidence: 0.9999, model: "20240101T000000Z-deadbeef", file: "d.txt", line: 3 },
    });
    expect(JSON.parse(lines[1]!).accept).toEqual([]);
  });

  it("the labeling config offers every category of the taxonomy, the \"not safety research\" answer included", () => {
    const bundled: Taxonomy = JSON.parse(readFileSync(join(__dirname, "..", "data", "taxonomy.json"), "utf8"));
    const { choices } = toolChoices(["Robustness", "Unlearning"], bundled);
    expect(choices).toContain("Not safety research");
    const xml = labelStudioConfig(choices);
    expect(xml.match(/<Choice value=/g)).toHaveLength(bundled.categories.length);
    expect(xml).toContain('<Choice value="Not safety research"/>');
  });

  it("category names are XML-escaped in the config; a character XML cannot hold is E_LABEL_CONFIG", () => {
    expect(xmlAttribute(`R&D <"x"> 'y'\tz`)).toBe("R&amp;D &lt;&quot;x&quot;&gt; &apos;y&apos;&#9;z");
    expect(labelStudioConfig(["A&B"])).toContain('<Choice value="A&amp;B"/>');
    expect(thrown(() => labelStudioConfig(["bell\u0007"]))).toMatchObject({ code: "E_LABEL_CONFIG" });
  });

  it("choices follow the taxonomy's renames; a retired pick is not pre-selected; a taxonomy naming none of the model's categories is not used", () => {
    const taxonomy: Taxonomy = { categories: [{ name: "Feedback", renamedFrom: ["Human feedback"] }, { name: "Old", retired: true }, { name: "Robustness" }] };
    const t = toolChoices(["Human feedback", "Old", "Robustness"], taxonomy);
    expect(t.choices).toEqual(["Feedback", "Robustness"]);
    expect([t.pick("Human feedback"), t.pick("Old"), t.pick("Robustness")]).toEqual(["Feedback", undefined, "Robustness"]);
    const unrelated = toolChoices(["X", "Y"], taxonomy);
    expect(unrelated.choices).toEqual(["X", "Y"]);
    expect(unrelated.pick("Z")).toBeUndefined();
  });

  it("probabilities are shown to four places, never as exactly 1, nor 0 when above 0", () => {
    expect([shownProbability(1), shownProbability(0.99996), shownProbability(0.87654), shownProbability(0.00001),
      shownProbability(0)]).toEqual([0.9999, 0.9999, 0.8765, 0.0001, 0]);
    expect(isoSeconds(1714557600 * 1000)).toBe("2024-05-01T10:00:00Z");
    expect(isoSeconds(Number.NaN)).toBeUndefined();
  });
});

describe("reading a Label Studio export (the fixture)", () => {
  const read = parseLabelStudioExport(LS_EXPORT, "ls.json");

  it("gives one answer per annotated task, with the annotator and the time; agreeing annotators are one answer by both", () => {
    expect(read.problems).toEqual([]);
    expect(read.answers).toEqual([
      {
        row: 2, id: "dump.txt:2", abstract: "Linear probes on the residual stream find a direction that tracks whether the model believes its own statement.",
        category: "Interpretability", reviewer: "label-studio user 1", source: "dump.txt:2", place: "task 1 (Label Studio id 101)",
        column: "annotations[0].result[0].value.choices", reviewedAt: "2024-05-01T10:01:30Z",
      },
      {
        row: 48, id: "dump.txt:3", abstract: "Annotators compare pairs of answers, and the comparisons train a reward model for the policy.",
        category: "Feedback", reviewer: "label-studio user 1, label-studio user 2", source: "dump.txt:3", place: "task 2 (Label Studio id 102)",
        column: "annotations[0].result[0].value.choices", reviewedAt: "2024-05-02T08:16:40Z",
      },
      {
        row: 104, id: "dump.txt:6", abstract: "Randomised smoothing certifies an image classifier against small perturbations of its input.",
        category: "Robustness", reviewer: "ana@example.org", source: "dump.txt:6", place: "task 5 (Label Studio id 105)",
        column: "annotations[0].result[0].value.choices", reviewedAt: "2024-05-03T14:00:05Z",
      },
    ]);
  });

  it("lists the task nobody annotated and the annotation that was skipped (was_cancelled)", () => {
    expect(read.unanswered).toEqual([{ place: "task 3 (Label Studio id 103)", id: "dump.txt:4" }, { place: "task 4 (Label Studio id 104)", id: "dump.txt:5" }]);
    expect(read.skipped).toEqual([{ place: "task 4 (Label Studio id 104)", annotator: "label-studio user 2", why: "skipped in Label Studio (was_cancelled)" }]);
  });

  const edited = (edit: (tasks: any[]) => void) => {
    const tasks = JSON.parse(LS_EXPORT);
    edit(tasks);
    return parseLabelStudioExport(oneTaskALine(tasks), "ls.json");
  };

  it("E_REVIEW_CONFLICT: two annotators who disagree, each named with their choice; the task gives no answer", () => {
    const r = edited((t) => void (t[1].annotations[1].result[0].value.choices = ["Robustness"]));
    expect(r.problems).toEqual([expect.objectContaining({
      code: "E_REVIEW_CONFLICT", file: "ls.json", line: 3, column: "annotations[0].result[0].value.choices",
      message: 'task 2 (Label Studio id 102): the annotators disagree: label-studio user 1 chose "Feedback", label-studio user 2 chose "Robustness"',
    })]);
    expect(r.answers.map((a) => a.place)).not.toContain("task 2 (Label Studio id 102)");
  });

  it("E_REVIEW_CHOICES: an annotation with two choices, or none", () => {
    const r = edited((t) => {
      t[0].annotations[0].result[0].value.choices = ["Interpretability", "Robustness"];
      t[4].annotations[0].result[0].value.choices = [];
    });
    expect(r.problems.map((p) => [p.code, p.line, p.message])).toEqual([
      ["E_REVIEW_CHOICES", 2, "task 1 (Label Studio id 101): label-studio user 1 chose 2 categories"],
      ["E_REVIEW_CHOICES", 6, "task 5 (Label Studio id 105): ana@example.org chose nothing"],
    ]);
  });

  it("E_REVIEW_EXPORT: not JSON (with its line), not an array, a task file instead of an export, an annotation time that is not a time", () => {
    const broken = parseLabelStudioExport('[\n  {"data": {"text": "a"}, "annotations": []},\n  {"data" {"text": "b"}}\n]', "x.json");
    expect(broken.problems.map((p) => [p.code, p.line])).toEqual([["E_REVIEW_EXPORT", 3]]);
    expect(parseLabelStudioExport('{"data": {}}', "x.json").problems[0]?.message).toMatch(/not an array/);
    const tasksFile =
      labelStudioTasks(
        [{ id: "x", file: "d", predicted: "A", confidence: 0.5, runnerUp: "B", margin: 0, needsReview: false,
          reason: "", abstract: "An abstract.", priority: 2 }], { choices: ["A"], pick: (c) => c, modelVersion: "m" }).json;
    expect(parseLabelStudioExport(tasksFile, "tasks.json").problems).toEqual([expect.objectContaining({
      code: "E_REVIEW_EXPORT", line: 2, column: "annotations", message: expect.stringMatching(/^task 1: has no `annotations`: this is a task file/),
    })]);
    const badTime = edited((t) => void (t[0].annotations[0].updated_at = "yesterday"));
    expect(badTime.problems.map((p) => [p.code, p.column, p.value])).toEqual([["E_REVIEW_EXPORT", "annotations[0].updated_at", "yesterday"]]);
  });
});

describe("reading a Label Studio JSON-MIN export", () => {
  /** The fixture's export as Label Studio's JSON-MIN writes it: one flat record per annotation, the task id over the data's own id. */
  const minOf = (tasks: any[]) => tasks.flatMap((t) => t.annotations.filter((a: any) => !a.was_cancelled).map((a: any) => {
    const choices = a.result[0].value.choices as string[];
    return { ...t.data, id: t.id, category: choices.length === 1 ? choices[0] : [{ choices }], annotator: a.completed_by,
      annotation_id: a.id, created_at: a.created_at, updated_at: a.updated_at, lead_time: a.lead_time };
  }));
  const json = parseLabelStudioExport(LS_EXPORT, "ls.json");

  it("gives the answers the JSON export gives: one per task, agreeing annotators as one, with their time", () => {
    const min = parseLabelStudioExport(JSON.stringify(minOf(JSON.parse(LS_EXPORT)), null, 2), "ls-min.json");
    expect(min.problems).toEqual([]);
    const gist = (r: typeof json) => r.answers.map((x) => [x.abstract, x.category, x.source, x.reviewedAt]);
    expect(gist(min)).toEqual(gist(json));
    // the annotators: user ids, as JSON-MIN gives them; the two who agreed on task 102 are one answer by both
    expect(min.answers.map((x) => x.reviewer)).toEqual(["label-studio user 1", "label-studio user 1, label-studio user 2", "ana@example.org"]);
    expect(min.answers[1]!.place).toBe("record 2 (Label Studio task 102)");
  });

  it("two records of one task that disagree are E_REVIEW_CONFLICT; two choices in one record are E_REVIEW_CHOICES; a choice that is no name, E_REVIEW_EXPORT", () => {
    const records = minOf(JSON.parse(LS_EXPORT));
    records[2].category = "Robustness"; // task 102's second annotator
    records[0].category = [{ choices: ["Interpretability", "Robustness"] }];
    records[3].category = 7;
    const r = parseLabelStudioExport(JSON.stringify(records, null, 2), "ls-min.json");
    // one record a line, so the lines are the records' numbers plus one (the opening bracket)
    const oneALine = `[\n${records.map((x: unknown) => JSON.stringify(x)).join(",\n")}\n]\n`;
    const r2 = parseLabelStudioExport(oneALine, "ls-min.json");
    expect(r2.problems.map((p) => [p.code, p.line])).toEqual([["E_REVIEW_EXPORT", 5], ["E_REVIEW_CHOICES", 2], ["E_REVIEW_CONFLICT", 3]]);
    expect(r.problems.map((p) => p.code)).toEqual(r2.problems.map((p) => p.code));
    expect(r.answers).toEqual([]);
  });
});

describe("reading a Prodigy export (the fixture)", () => {
  const read = parseProdigyExport(PRODIGY_EXPORT, "p.jsonl");

  it("gives one answer per accepted task, the lines of agreeing annotators as one; ignored and rejected tasks are listed", () => {
    expect(read.problems).toEqual([]);
    expect(read.answers.map((a) => [a.row, a.category, a.reviewer, a.reviewedAt, a.source, a.place])).toEqual([
      [1, "Interpretability", "safety_review-ana", "2024-05-01T10:00:00Z", "dump.txt:2", "line 1 (id dump.txt:2)"],
      [2, "Feedback", "safety_review-ana, safety_review-ben", "2024-05-01T10:05:00Z", "dump.txt:3", "line 2 (id dump.txt:3)"],
    ]);
    expect(read.skipped).toEqual([
      { place: "line 4 (id dump.txt:5)", annotator: "safety_review-ana", why: "ignored in Prodigy" },
      { place: "line 5 (id dump.txt:7)", annotator: "safety_review-ben", why: "rejected in Prodigy (no option fits, or the task is wrong)" },
    ]);
    expect(read.unanswered).toEqual([]);
  });

  const lines = PRODIGY_EXPORT.trimEnd().split("\n").map((l) => JSON.parse(l));
  const withLines = (...extra: object[]) => parseProdigyExport([...lines, ...extra].map((l) => JSON.stringify(l)).join("\n"), "p.jsonl");

  it("E_REVIEW_CONFLICT: annotators who chose differently, or one chose and another rejected, named with their lines", () => {
    const differ = withLines({ ...lines[0], accept: ["Robustness"], _annotator_id: "safety_review-cy" });
    expect(differ.problems.map((p) => [p.code, p.line, p.message])).toEqual([
      ["E_REVIEW_CONFLICT", 1,
        'line 1 (id dump.txt:2): the annotators disagree: safety_review-ana chose "Interpretability", safety_review-cy (line 6) chose "Robustness"'],
    ]);
    const rejected = withLines({ ...lines[0], answer: "reject", _annotator_id: "safety_review-cy" });
    expect(rejected.problems.map((p) => [p.code, p.message])).toEqual([
      ["E_REVIEW_CONFLICT",
        'line 1 (id dump.txt:2): the annotators disagree: safety_review-ana (line 1) chose "Interpretability", safety_review-cy (line 6) rejected it'],
    ]);
  });

  it("E_REVIEW_CHOICES, E_REVIEW_EXPORT: two options accepted, none, a line that is not JSON, a task without an answer, an unknown answer", () => {
    const text = [
      JSON.stringify({ ...lines[0], accept: ["Interpretability", "Robustness"] }),
      JSON.stringify({ ...lines[4], answer: "accept", accept: [] }),
      '{"text": "cut off',
      JSON.stringify({ text: "A task.", options: [], meta: { id: "t" } }),
      JSON.stringify({ ...lines[3], answer: "maybe" }),
    ].join("\n");
    expect(parseProdigyExport(text, "p.jsonl").problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ["E_REVIEW_EXPORT", 3, undefined],
      ["E_REVIEW_EXPORT", 4, "answer"],
      ["E_REVIEW_EXPORT", 5, "answer"],
      ["E_REVIEW_CHOICES", 1, "accept"],
      ["E_REVIEW_CHOICES", 2, "accept"],
    ]);
  });
});

describe("the checks of a CSV sheet, on a tool's answers", () => {
  const opts = { labeled: [], reviewed: [], taxonomy: TINY, force: false, today: "2026-01-02", file: "ls.json" };
  const answersWith = (category: string) =>
    parseLabelStudioExport(LS_EXPORT.replace('"choices": ["Robustness"]', `"choices": ${JSON.stringify([category])}`), "ls.json").answers;

  it("E_REVIEW_CATEGORY: a choice the taxonomy lacks, named by its task and field, with the closest name", () => {
    const r = acceptReviews(answersWith("Robustnes"), opts);
    expect(r.problems).toEqual([{
      code: "E_REVIEW_CATEGORY", file: "ls.json", line: 104, column: "annotations[0].result[0].value.choices", value: "Robustnes",
      message: "task 5 (Label Studio id 105): category not in the taxonomy", hint: 'did you mean "Robustness"?',
    }]);
  });

  it("W_REVIEW_LOOKALIKE: a choice spelt with a Cyrillic letter is the category it looks like, and said", () => {
    const r = acceptReviews(answersWith("R\u043Ebustness"), opts);
    expect(r.problems).toEqual([]);
    expect(r.added.map((a) => a.category)).toEqual(["Interpretability", "Feedback", "Robustness"]);
    expect(r.warnings.map((w) => [w.code, w.line, w.message])).toEqual([
      ["W_REVIEW_LOOKALIKE", 104, 'task 5 (Label Studio id 105): read as "Robustness"; it looks the same but has a Cyrillic "о" (U+043E) at character 2'],
    ]);
  });

  it("the annotation's time is recorded, not the day of acceptance", () => {
    expect(acceptReviews(answersWith("Robustness"), opts).added.map((a) => a.reviewedAt))
      .toEqual(["2024-05-01T10:01:30Z", "2024-05-02T08:16:40Z", "2024-05-03T14:00:05Z"]);
  });
});

describe("accept through the CLI: the fixtures, and exports that cannot be accepted", () => {
  const folder = (name: string) => {
    const p = join(dir, name);
    mkdirSync(p, { recursive: true });
    copyFileSync(fixture("tiny-labeled.csv"), join(p, "labeled.csv"));
    return p;
  };
  const tax = ["--taxonomy", fixture("tiny-taxonomy.json")];

  it("the Label Studio fixture: 3 labels with provenance, the unlabeled and skipped tasks listed", async () => {
    const p = folder("accept-ls");
    const r = await cli(["accept", tools("label-studio-export.json"), "--data", join(p, "labeled.csv"), ...tax]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/accepted 3 labels .*; 2 tasks left unlabeled; 1 annotation skipped by its annotator, not counted/);
    expect(parseCsv(readFileSync(join(p, "reviewed.csv"), "utf8")).map((x) => [x.category, x.reviewer, x.reviewed_at, x.source])).toEqual([
      ["Interpretability", "label-studio user 1", "2024-05-01T10:01:30Z", "dump.txt:2"],
      ["Feedback", "label-studio user 1, label-studio user 2", "2024-05-02T08:16:40Z", "dump.txt:3"],
      ["Robustness", "ana@example.org", "2024-05-03T14:00:05Z", "dump.txt:6"],
    ]);
  });

  it("the Prodigy fixture: 2 labels, the ignored and rejected tasks listed", async () => {
    const p = folder("accept-prodigy");
    const r = await cli(["accept", tools("prodigy-export.jsonl"), "--data", join(p, "labeled.csv"), ...tax]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/accepted 2 labels .*; 0 tasks left unlabeled; 2 annotations skipped by their annotators, not counted/);
    expect(parseCsv(readFileSync(join(p, "reviewed.csv"), "utf8"))).toHaveLength(2);
  });

  it("an unknown category or a disagreement: exit 65, every problem with file, line and field, nothing written", async () => {
    const p = folder("accept-bad");
    const bad = JSON.parse(LS_EXPORT);
    bad[0].annotations[0].result[0].value.choices = ["Interpretabilty"];
    bad[1].annotations[1].result[0].value.choices = ["Robustness"];
    const file = join(p, "export.json");
    writeFileSync(file, oneTaskALine(bad));
    const r = await cli(["accept", file, "--data", join(p, "labeled.csv"), ...tax]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain("2 answers cannot be accepted; nothing was written");
    expect(r.stderr)
      .toContain(`${file}:3: column annotations[0].result[0].value.choices: [E_REVIEW_CONFLICT] task 2 (Label Studio id 102): the annotators disagree`);
    expect(r.stderr)
      .toContain(
        `${file}:2: column annotations[0].result[0].value.choices: [E_REVIEW_CATEGORY] task 1 (Label Studio id 101): category not ` +
          `in the taxonomy (value: "Interpretabilty") Hint: did you mean "Interpretability"?`);
    expect(existsSync(join(p, "reviewed.csv"))).toBe(false);
  });

  it("a .json file that is neither export: E_REVIEW_EXPORT, not read as a sheet", async () => {
    const p = folder("accept-neither");
    writeFileSync(join(p, "export.json"), "id,abstract\n");
    const r = await cli(["accept", join(p, "export.json"), "--data", join(p, "labeled.csv"), ...tax]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/E_REVIEW_EXPORT.*neither a Label Studio JSON export \(a JSON array\) nor a Prodigy export \(JSON lines\)/);
  });
});

describe("review's options for the tools", () => {
  const model = join(dir, "flags-model.json");
  const dump = join(dir, "flags-dump.txt");
  const tax = ["--taxonomy", fixture("tiny-taxonomy.json")];
  beforeAll(async () => {
    writeFileSync(dump, DUMP);
    expect((await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", model, ...tax])).code).toBe(0);
  });

  it("tasks to standard output: the labeling config goes where --label-config says, or is not written, and that is said", async () => {
    const config = join(dir, "flags-config.xml");
    const r = await cli(["review", "--model", model, "--input", dump, "--format", "label-studio", "--output", "-", "--label-config", config, ...tax]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(4);
    expect(readFileSync(config, "utf8")).toContain('<Choice value="Robustness"/>');
    const without = await cli(["review", "--model", model, "--input", dump, "--format", "label-studio", "--output", "-", ...tax]);
    expect(without.code).toBe(0);
    expect(without.stderr).toContain("labeling config not written (the tasks went to a standard stream): give --label-config FILE to write it");
  });

  it("--label-config without --format label-studio is a usage error (exit 2); an unknown --format is refused", async () => {
    const r = await cli(["review", "--model", model, "--input", dump, "--output", join(dir, "q.csv"), "--label-config", join(dir, "c.xml"), ...tax]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--label-config is for --format label-studio");
    expect(existsSync(join(dir, "q.csv"))).toBe(false);
    const bad = await cli(["review", "--model", model, "--input", dump, "--format", "doccano", ...tax]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are csv, label-studio, prodigy/);
  });
});

describe("finding lines in JSON", () => {
  it("the line each element of the top-level array starts on, past strings holding brackets and escaped quotes", () => {
    expect(arrayElementLines('[\n  {"a": "x\\"],{"},\n\n  3, [1,\n  2]\n]')).toEqual([2, 4, 4]);
    expect(arrayElementLines('[{"a":1},{"b":2}]')).toEqual([1, 1]);
    expect(arrayElementLines("[]")).toEqual([]);
  });

  it("a parse error's line", () => {
    const r = parseJson('[\n{"a": 1},\n{"b" 2}\n]', "f.json", "h");
    expect(r.ok).toBe(false);
    expect(r.ok ? undefined : r.problem.line).toBe(3);
  });
});
