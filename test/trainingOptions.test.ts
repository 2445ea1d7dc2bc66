/**
 * The training options, through the CLI: `--titles`, `--unlabeled` (semi-supervised EM) and
 * `--kind auto` for train (and eval, which trains the same way), and `eval --compare`. Each is
 * shown to change what the model learns, on data built so that only the option can explain the
 * difference: without it, the words asked about are unknown to the model, so it can only answer
 * them both alike.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toCsv } from "../src/io/csv.js";
import { cli, parseCsv } from "./cliHarness.js";

const dir = mkdtempSync(join(tmpdir(), "safetag-options-"));
const at = (f: string) => join(dir, f);
/** Names only: nothing is learned from the taxonomy, all from the rows. */
const taxonomy = at("taxonomy.json");
writeFileSync(taxonomy, JSON.stringify({ format: "safetag-taxonomy", version: 1, categories: [{ name: "Feedback" }, { name: "Robustness" }] }));
const TAXONOMY = ["--taxonomy", taxonomy];
/** An eval that prints its report.json and skips what these tests do not look at. */
const QUICK_EVAL = ["--no-learning-curve", "--no-fresh", "--json"];
/** The same clock for every run, so two model files can be compared whole. */
const EPOCH = { SOURCE_DATE_EPOCH: "1700000000" };

const model = (path: string) => JSON.parse(readFileSync(path, "utf8"));

/** The report.json of `eval` on `data` (3 folds, 1 repeat) with the options `more`, written to `reportDir`. */
async function evaluate(data: string, reportDir: string, ...more: string[]) {
  const r = await cli(["eval", "--data", data, "--report-dir", at(reportDir), "--folds", "3", "--repeats", "1", ...QUICK_EVAL, ...TAXONOMY, ...more]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Category and confidence `predict` gives each abstract, in order. */
async function answers(modelPath: string, abstracts: string[]): Promise<[string, string][]> {
  const input = toCsv(["id", "abstract"], abstracts.map((abstract, i) => ({ id: `q${i}`, abstract })));
  const r = await cli(["predict", "--model", modelPath, "--input", "-", "--output", "-"], input);
  expect(r.code, r.stderr).toBe(0);
  return parseCsv(r.stdout).map((p) => [p.category!, p.confidence!]);
}

describe("--titles", () => {
  // the titles tell the categories apart; the abstracts are the same words in both
  const rows = [
    ...Array.from({ length: 6 }, (_, i) => ({ id: `f${i}`, title: `Zebra ${i}`, category: "Feedback", abstract: `We report experiments and results ${i}.` })),
    ...Array.from({ length: 6 }, (_, i) => ({ id: `r${i}`, title: `Yak ${i}`, category: "Robustness", abstract: `We report results and experiments ${i}.` })),
  ];
  const sheet = at("titles.csv");
  writeFileSync(sheet, toCsv(["id", "title", "category", "abstract"], rows));

  it("train learns from titles (recorded in the model and its registry entry); without it a title's words are unknown", async () => {
    const withTitles = at("titles-model.json");
    const without = at("no-titles-model.json");
    expect((await cli(["train", "--data", sheet, "--out", withTitles, "--titles", ...TAXONOMY])).code).toBe(0);
    expect((await cli(["train", "--data", sheet, "--out", without, ...TAXONOMY])).code).toBe(0);
    expect(model(withTitles).report.titles).toBe(true);
    expect(model(without).report.titles).toBe(false);
    expect(model(at("registry.json")).models.map((m: { titles: boolean }) => m.titles)).toEqual([true, false]);
    // predictions see abstracts only: an abstract of a title's word
    const learned = await answers(withTitles, ["zebra zebra", "yak yak"]);
    expect(learned.map(([category]) => category)).toEqual(["Feedback", "Robustness"]);
    const unknown = await answers(without, ["zebra zebra", "yak yak"]);
    expect(unknown[0]).toEqual(unknown[1]);
  });

  it("eval --titles trains every fold model on titles too, and says so in the report", async () => {
    // each row's abstract is one word of its own, found in the titles of its category's other rows:
    // only a fold model that learned from titles knows a held-out abstract's word
    const word = (c: string, i: number) => `${c.toLowerCase().slice(0, 4)}word${"abcdef"[i]}`;
    const othersOf = (c: string, i: number) => Array.from({ length: 6 }, (_, j) => j).filter((j) => j !== i).map((j) => word(c, j)).join(" ");
    const crossed = ["Feedback", "Robustness"].flatMap((c) =>
      Array.from({ length: 6 }, (_, i) => ({ id: `${c}${i}`, category: c, abstract: word(c, i), title: othersOf(c, i) })),
    );
    const data = at("titles-crossed.csv");
    writeFileSync(data, toCsv(["id", "title", "category", "abstract"], crossed));
    const withTitles = await evaluate(data, "titles-eval", "--titles");
    const without = await evaluate(data, "no-titles-eval");
    expect(withTitles.settings.parameters).toMatchObject({ titles: true, unlabeled: 0 });
    expect(without.settings.parameters).toMatchObject({ titles: false });
    expect(withTitles.summary.accuracy.mean).toBe(1);
    expect(without.summary.accuracy.mean).toBeLessThanOrEqual(0.5); // every abstract unknown: one answer for all
  });
});

describe("--unlabeled", () => {
  // "gamma" and "delta" appear in no labeled row, only beside "alpha" and "beta" in an unlabeled dump
  const rows = [
    ...Array.from({ length: 6 }, (_, i) => ({ id: `f${i}`, category: "Feedback", abstract: `alpha alpha method ${i} report` })),
    ...Array.from({ length: 6 }, (_, i) => ({ id: `r${i}`, category: "Robustness", abstract: `beta beta method ${i} report` })),
  ];
  const sheet = at("em.csv");
  writeFileSync(sheet, toCsv(["id", "category", "abstract"], rows));
  const dump = at("unlabeled.txt");
  writeFileSync(dump, [
    "Collector Name", // not an abstract: skipped, and said so
    ...Array.from({ length: 4 }, (_, i) => `Abstract: alpha gamma alpha gamma note ${i}`),
    ...Array.from({ length: 4 }, (_, i) => `Abstract: beta delta beta delta note ${i}`),
    `Abstract: ${rows[0]!.abstract}`, // a labeled row's abstract: learned as labeled, not again as unlabeled
    "Abstract:", // empty: nothing to learn
  ].join("\n") + "\n");

  it("train learns the words of unlabeled abstracts from the categories EM gives them, and records how", async () => {
    const em = at("em-model.json");
    const plain = at("plain-model.json");
    const r = await cli(["train", "--data", sheet, "--out", em, "--unlabeled", dump, ...TAXONOMY]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${dump}: 10 unlabeled abstracts read, 1 other lines skipped`);
    expect(r.stderr).toContain(`${dump}:1: skipped: not an \`Abstract:\` line`);
    expect(model(em).report.semiSupervised).toEqual({ unlabeled: 8, weight: 0.1, iterations: 5 });
    expect((await cli(["train", "--data", sheet, "--out", plain, ...TAXONOMY])).code).toBe(0);
    expect(model(plain).report.semiSupervised).toBeUndefined();
    const learned = await answers(em, ["gamma gamma", "delta delta"]);
    expect(learned.map(([category]) => category)).toEqual(["Feedback", "Robustness"]);
    const unknown = await answers(plain, ["gamma gamma", "delta delta"]);
    expect(unknown[0]).toEqual(unknown[1]);
  });

  it("eval --unlabeled gives every fold model the unlabeled abstracts, and counts them in the report", async () => {
    // three rows per category say "alpha" or "beta"; six say one word of their own, which only the
    // unlabeled dump puts beside "alpha" or "beta": a fold model knows it only through EM
    const own = (c: string, i: number) => `${c.toLowerCase().slice(0, 4)}word${"abcdef"[i]}`;
    const anchor = { Feedback: "alpha", Robustness: "beta" } as const;
    const data = at("em-crossed.csv");
    const unlabeled = at("em-crossed.txt");
    const cats = ["Feedback", "Robustness"] as const;
    writeFileSync(data, toCsv(["id", "category", "abstract"], cats.flatMap((c) => [
      ...Array.from({ length: 3 }, (_, i) => ({ id: `${c}-anchor${i}`, category: c, abstract: `${anchor[c]} ${anchor[c]} ${anchor[c]}` })),
      ...Array.from({ length: 6 }, (_, i) => ({ id: `${c}-own${i}`, category: c, abstract: own(c, i) })),
    ])));
    writeFileSync(unlabeled, cats.flatMap((c) => Array.from({ length: 6 }, (_, i) => `Abstract: ${anchor[c]} ${own(c, i)}`)).join("\n") + "\n");
    const withEm = await evaluate(data, "em-eval", "--unlabeled", unlabeled);
    const without = await evaluate(data, "no-em-eval");
    expect(withEm.settings.parameters).toMatchObject({ titles: false, unlabeled: 12 });
    expect(without.settings.parameters).toMatchObject({ unlabeled: 0 });
    expect(withEm.summary.accuracy.mean).toBe(1);
    // without: the anchors right, and each own-word row one answer for all (right for one category only)
    expect(without.summary.accuracy.mean).toBeLessThanOrEqual(12 / 18);
  });

  it("an --unlabeled file that is missing: E_NO_INPUT, exit 66, before any training", async () => {
    const r = await cli(["train", "--data", sheet, "--out", at("never.json"), "--unlabeled", at("no-such-dump.txt"), ...TAXONOMY]);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain(`E_NO_INPUT: ${at("no-such-dump.txt")}: cannot read`);
  });
});

describe("--kind auto", () => {
  // three categories of six rows, words shared across categories so the candidates score differently
  const words = ["reward", "human", "preference", "attack", "adversarial", "robust", "circuit", "neuron", "feature", "model", "train", "data"];
  const categories = ["Feedback", "Robustness", "Interpretability"];
  const rows = categories.flatMap((c, k) =>
    Array.from({ length: 6 }, (_, i) => ({
      id: `${c}-${i}`, category: c, abstract: Array.from({ length: 8 }, (_, j) => words[(k * 3 + ((i * 5 + j * 7) % 7)) % words.length]).join(" "),
    })),
  );
  const sheet = at("auto.csv");
  writeFileSync(sheet, toCsv(["id", "category", "abstract"], rows));
  const tax = at("auto-taxonomy.json");
  writeFileSync(tax, JSON.stringify({ format: "safetag-taxonomy", version: 1, categories: categories.map((name) => ({ name })) }));

  it("train chooses among the candidates by inner cross-validation, the best macro-F1 winning, and trains that kind as --kind would", async () => {
    const auto = at("auto-model.json");
    const r = await cli(["train", "--data", sheet, "--out", auto, "--kind", "auto", "--taxonomy", tax], "", EPOCH);
    expect(r.code, r.stderr).toBe(0);
    const report = model(auto).report;
    expect(report.requested).toBe("auto");
    expect(report.selection.map((s: { kind: string }) => s.kind)).toEqual(["complement-nb", "tfidf-nb", "ensemble"]);
    // highest macro-F1; a tie goes to the more accurate, then to the earlier
    const best = [...report.selection].sort((a, b) => b.macroF1 - a.macroF1 || b.accuracy - a.accuracy)[0];
    expect(report.kind).toBe(best.kind);
    expect(r.stderr).toContain(`, kind ${report.kind}`);
    // the chosen kind, asked for by name: the same model, all but what records the choice
    const named = at("named-model.json");
    expect((await cli(["train", "--data", sheet, "--out", named, "--kind", report.kind, "--taxonomy", tax], "", EPOCH)).code).toBe(0);
    const { report: autoReport, ...autoRest } = model(auto);
    const { report: namedReport, ...namedRest } = model(named);
    expect(autoRest).toEqual(namedRest);
    expect(namedReport).toEqual({ ...autoReport, requested: report.kind, selection: [best] });
  });

  it("eval takes --kind auto, and names it so in the report", async () => {
    const once = ["--folds", "2", "--repeats", "1"];
    const r = await cli(["eval", "--data", sheet, "--report-dir", at("auto-eval"), "--kind", "auto", ...once, ...QUICK_EVAL, "--taxonomy", tax]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).settings.model).toBe("auto");
  });
});

describe("eval --compare", () => {
  const sheet = at("compare.csv");
  writeFileSync(sheet, readFileSync(join(__dirname, "fixtures", "tiny-labeled.csv")));
  const tax = ["--taxonomy", join(__dirname, "fixtures", "tiny-taxonomy.json")];
  const evalArgs = (name: string, ...more: string[]) =>
    ["eval", "--data", sheet, "--report-dir", at(name), "--folds", "3", "--repeats", "2", "--seed", "4", ...QUICK_EVAL, ...tax, ...more];

  it("cross-validates each kind on the same folds: the model's own figures, then each other kind's as its own eval gives them", async () => {
    const r = await cli(evalArgs("compare-eval", "--kind", "complement-nb", "--compare", "multinomial-nb,complement-nb"));
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.comparison.map((c: { model: string }) => c.model)).toEqual(["complement-nb", "multinomial-nb"]); // --kind first, once
    expect(report.comparison[0].accuracy).toEqual(report.summary.accuracy);
    expect(report.comparison[0].macroF1).toEqual(report.summary.macroF1);
    const alone = await cli(evalArgs("multinomial-eval", "--kind", "multinomial-nb"));
    expect(alone.code, alone.stderr).toBe(0);
    const summary = JSON.parse(alone.stdout).summary;
    expect(report.comparison[1].accuracy).toEqual(summary.accuracy);
    expect(report.comparison[1].macroF1).toEqual(summary.macroF1);
    // and the renderings show the table
    const md = readFileSync(at("compare-eval/report.md"), "utf8");
    expect(md).toMatch(/\| complement-nb \| \d\.\d{3} ± \d\.\d{3} \| \d\.\d{3} ± \d\.\d{3} \|/);
    expect(md).toMatch(/\| multinomial-nb \| /);
    expect(readFileSync(at("compare-eval/report.html"), "utf8")).toContain('<section id="comparison">');
  });

  it("an unknown kind is a usage error (exit 2) naming the kinds there are, and nothing is written", async () => {
    const r = await cli(evalArgs("bogus-eval", "--compare", "multinomial-nb,bogus"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown model kind bogus; choose from auto, multinomial-nb, complement-nb, tfidf-nb, logistic, ensemble");
    expect(() => readFileSync(at("bogus-eval/report.json"))).toThrow();
  });
});
