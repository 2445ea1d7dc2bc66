import { describe, expect, it } from "vitest";
import type { LabeledAbstract } from "../src/domain.js";
import { crossValidate } from "../src/evaluation/crossValidate.js";
import { buildEvaluationReport, type EvaluationReport } from "../src/evaluation/report.js";
import { inlineNumberLists, renderJson } from "../src/report/json.js";
import { escapeMarkdown, renderMarkdown } from "../src/report/markdown.js";
import { renderTerminal } from "../src/report/terminal.js";
import type { Predictor, Trainer } from "../src/models/contract.js";

const HONEST = "Honest AI";
const INTERP = "Mechanistic interpretability";
const EVALS = "Safety | <b>evals</b> *x*";
const KEYWORDS: [string, string][] = [
  [HONEST, "lie"],
  [INTERP, "neuron"],
  [EVALS, "eval"],
];

function row(id: string, category: string, abstract: string): LabeledAbstract {
  return { id, company: "", title: `Title ${id}`, date: "", url: "", category, abstract, duplicate: false, abstractMissing: false };
}

/*
 * Ten rows; the keyword model gets all right but r7 (an interp row that says "lie"): 9/10.
 * The trainer below answers with the keyword model in repeat 0 (its first two train calls, 2
 * folds) and always says "Honest AI" (3 of 10 right) in repeat 1, so:
 *   accuracy per repeat = [0.9, 0.3], mean 0.6, sample sd = 0.6 / √2 = 0.42426…
 */
const rows = [
  row("r1", HONEST, "they lie 1"),
  row("r2", HONEST, "they lie 2"),
  row("r3", HONEST, "they lie 3"),
  row("r4", INTERP, "a neuron 4"),
  row("r5", INTERP, "a neuron 5"),
  row("r6", INTERP, "a neuron 6"),
  row("r7", INTERP, "do neurons lie 7"),
  row("r8", EVALS, "an eval 8"),
  row("r9", EVALS, "an eval 9"),
  row("r10", EVALS, "an eval 10"),
];

function flakyTrainer(): Trainer {
  let calls = 0;
  return {
    train(training): Predictor {
      const keywordModel = calls++ < 2;
      const categories = [...new Set(training.map((r) => r.category))].sort();
      return {
        categories,
        predictProba(abstract) {
          const hit = keywordModel ? KEYWORDS.find(([, k]) => abstract.includes(k) && !(k === "neuron" && abstract.includes("lie"))) : undefined;
          const winner = hit?.[0] ?? HONEST;
          return Float64Array.from(categories, (c) => (c === winner ? 0.8 : 0.2 / (categories.length - 1)));
        },
      };
    },
  };
}

const cv = crossValidate(rows, flakyTrainer(), { folds: 2, repeats: 2, seed: 5 });
const report = buildEvaluationReport(cv, {
  model: "multinomial-nb",
  dataPath: "data/labeled.csv",
  dataSha256: "0123abcd",
  createdAt: "2025-01-02T03:04:05Z",
  parameters: { alpha: 1 },
  bootstrap: { resamples: 200 },
});

describe("buildEvaluationReport", () => {
  it("records the settings", () => {
    expect(report.format).toBe("safetag-evaluation");
    expect(report.version).toBe(1);
    expect(report.settings).toEqual({
      model: "multinomial-nb",
      parameters: { alpha: 1 },
      dataPath: "data/labeled.csv",
      dataSha256: "0123abcd",
      rows: 10,
      groupedRows: 0,
      categories: [HONEST, INTERP, EVALS],
      rowsPerCategory: [3, 4, 3],
      papersPerCategory: [3, 4, 3],
      folds: 2,
      repeats: 2,
      seed: 5,
      bootstrap: { resamples: 200, level: 0.95, seed: 5, unit: "clusters", minPapers: 5 },
    });
  });

  it("counts each paper once, though the pooled figures count it once per repeat", () => {
    // 4 interp papers, each predicted in both repeats: support 8, papers 4.
    expect(report.pooled.perCategory[1]!.support).toBe(8);
    expect(report.settings.papersPerCategory[1]).toBe(4);
  });

  it("flags every interval of a category with fewer than 5 papers, keeping its numbers", () => {
    // 3, 4 and 3 papers: all too few.
    expect(report.intervals.perCategory.map((c) => c.tooFewPapers)).toEqual([true, true, true]);
    for (const c of report.intervals.perCategory) {
      expect(Number.isFinite(c.lower) && Number.isFinite(c.upper)).toBe(true);
    }
  });

  it("gives the mean and sample standard deviation over repeats", () => {
    expect(report.summary.accuracy.perRepeat.map((x) => Number(x.toFixed(12)))).toEqual([0.9, 0.3]);
    expect(report.summary.accuracy.mean).toBeCloseTo(0.6, 12);
    expect(report.summary.accuracy.sd).toBeCloseTo(0.6 / Math.SQRT2, 12);
    expect(report.pooled.accuracy).toBeCloseTo(12 / 20, 12);
    expect(report.pooled.total).toBe(20);
    expect(report.summary.baseline.accuracy.perRepeat).toEqual(cv.baseline.perRepeat.map((r) => r.report.accuracy));
  });

  it("keeps the pooled confusion matrix, the intervals and the out-of-fold predictions", () => {
    expect(report.confusion).toEqual(cv.model.confusion);
    // r7 is predicted honest in both repeats; in repeat 1 everything is predicted honest.
    expect(report.confusion.counts).toEqual([
      [6, 0, 0],
      [5, 3, 0],
      [3, 0, 3],
    ]);
    expect(report.intervals.accuracy.estimate).toBeCloseTo(0.6, 12);
    expect(report.intervals.perCategory.map((c) => c.category)).toEqual([HONEST, INTERP, EVALS]);
    expect(report.predictions).toHaveLength(20);
    expect(report.predictions[6]).toMatchObject({ repeat: 0, id: "r7", gold: INTERP, predicted: HONEST, correct: false, title: "Title r7" });
    expect(report.predictions[6]!.confidence).toBeCloseTo(0.8, 12);
    expect(report.predictions[6]!.probabilities).toEqual([0.8, 0.1, 0.1]); // every category's, in settings.categories order
  });
});

describe("renderJson", () => {
  const json = renderJson(report);

  it("is pretty, ends in a newline and reads back as the same report", () => {
    expect(json.endsWith("}\n")).toBe(true);
    expect(json).toContain('\n  "settings": {\n    "model": "multinomial-nb",');
    expect(JSON.parse(json)).toEqual(report);
  });

  it("orders keys the same however the report object was built", () => {
    const reversed = reverseKeys(report) as EvaluationReport;
    expect(Object.keys(reversed)[0]).toBe("predictions");
    expect(renderJson(reversed)).toBe(json);
    expect(Object.keys(JSON.parse(json))).toEqual([
      "format", "version", "safetagVersion", "createdAt", "settings", "summary", "pooled", "baseline", "confusion", "intervals", "predictions",
    ]);
    expect(Object.keys(JSON.parse(json).summary)).toEqual(["accuracy", "macroF1", "baseline"]);
    expect(Object.keys(JSON.parse(json).intervals)).toEqual(["resamples", "level", "seed", "unit", "accuracy", "macroF1", "perCategory"]);
  });

  it("writes a list of numbers on one line, and leaves strings and other lists as they are", () => {
    expect(json).toMatch(/"perRepeat": \[[\d.]+, [\d.]+\]/);
    expect(inlineNumberLists(JSON.stringify({ a: [1, 2.5, -3e-7], s: "[\n1, 2]", b: ["x", 1], m: [[1, 2], [3, 4]] }, null, 2)))
      .toBe('{\n  "a": [1, 2.5, -3e-7],\n  "s": "[\\n1, 2]",\n  "b": [\n    "x",\n    1\n  ],\n  "m": [\n    [1, 2],\n    [3, 4]\n  ]\n}');
  });
});

describe("renderMarkdown", () => {
  const md = renderMarkdown(report);

  it("shows the summary with the baseline beside it", () => {
    expect(md).toContain("| Metric | Model | 95% interval | Majority baseline |");
    const b = report.summary.baseline.accuracy;
    expect(md)
      .toContain(
        `| Accuracy | 0.600 ± ` +
          `0.424 | ${report.intervals.accuracy.lower.toFixed(3)}–${report.intervals.accuracy.upper.toFixed(3)} | ${b.mean.toFixed(3)} ± ${b.sd.toFixed(3)} |`);
  });

  it("shows per-category figures and the averages", () => {
    // interp: P = 3/3, R = 3/8, F1 = 6/11; 4 papers (pooled support 8 over 2 repeats), too few for an interval.
    expect(md).toContain("| Category | Papers | Precision | Recall | F1 | F1 95% interval |");
    expect(md).toContain(`| Mechanistic interpretability | 4 | 1.000 | 0.375 | 0.545 | too few papers |`);
    expect(md).toContain("pooled over the 2 repeats");
    expect(md).toContain(`| Micro | 0.600 | 0.600 | 0.600 |`);
    expect(md)
      .toContain(`| Macro | ${report.pooled.macro.precision.toFixed(3)} | ${report.pooled.macro.recall.toFixed(3)} | ${report.pooled.macro.f1.toFixed(3)} |`);
    expect(md).toContain("| Weighted |");
  });

  it("shows the confusion matrix with rows true and columns predicted, and a legend", () => {
    expect(md).toContain("Rows are true categories, columns are predicted categories");
    expect(md).toContain("| 2. Mechanistic interpretability | 5 | 3 | 0 |");
    expect(md).toContain("\n1. Honest AI\n");
  });

  it("escapes | and markup in category names", () => {
    expect(md).toContain("Safety \\| &lt;b&gt;evals&lt;/b&gt; \\*x\\*");
    expect(md).not.toContain("<b>");
    expect(md).not.toContain("Safety | ");
    // Every table row still has the right number of cells.
    const matrixRow = md.split("\n").find((l) => l.startsWith("| 3. Safety"))!;
    expect(matrixRow.split(/(?<!\\)\|/).length - 2).toBe(4);
  });
});

/*
 * Five papers of A, four of B, one of C, two repeats. The keyword model gets A and B right; C's
 * one paper, whenever it is tested, has no C row to learn from and is called A. A (5 papers) is
 * the smallest category that still gets an interval.
 */
describe("too few papers for an interval", () => {
  const sized = [
    ...Array.from({ length: 5 }, (_, i) => row(`a${i}`, HONEST, `they lie ${i}`)),
    ...Array.from({ length: 4 }, (_, i) => row(`b${i}`, INTERP, `a neuron ${i}`)),
    row("c0", EVALS, "an eval"),
  ];
  const keywords: Trainer = {
    train(training) {
      const categories = [...new Set(training.map((r) => r.category))].sort();
      return {
        categories,
        predictProba: (abstract) => {
          const winner = KEYWORDS.find(([c, k]) => categories.includes(c) && abstract.includes(k))?.[0] ?? categories[0];
          return Float64Array.from(categories, (c) => (c === winner ? 0.9 : 0.1 / (categories.length - 1)));
        },
      };
    },
  };
  const r = buildEvaluationReport(crossValidate(sized, keywords, { folds: 2, repeats: 2, seed: 1 }),
    { model: "m", dataPath: "d", bootstrap: { resamples: 100 } });

  it("flags the categories below 5 papers and keeps the bootstrap's numbers beside the flag", () => {
    expect(r.settings.papersPerCategory).toEqual([5, 4, 1]);
    expect(r.intervals.perCategory.map((c) => c.tooFewPapers)).toEqual([false, true, true]);
    const json = JSON.parse(renderJson(r)) as EvaluationReport;
    expect(Object.keys(json.intervals.perCategory[1]!)).toEqual(["category", "estimate", "lower", "upper", "drawn", "tooFewPapers"]);
    expect(json.intervals.perCategory[1]!.tooFewPapers).toBe(true);
    expect(typeof json.intervals.perCategory[1]!.lower).toBe("number");
  });

  it("shows the interval of A and 'too few papers' for B and C, in Markdown and in the terminal", () => {
    // A: precision 10/12 (C's paper twice), recall 1, F1 = 2·(5/6)/(5/6 + 1) = 10/11.
    const a = r.intervals.perCategory[0]!;
    expect(a.estimate).toBeCloseTo(10 / 11, 12);
    const md = renderMarkdown(r);
    expect(md).toContain(`| Honest AI | 5 | 0.833 | 1.000 | 0.909 | ${a.lower.toFixed(3)}–${a.upper.toFixed(3)} |`);
    expect(md).toContain("| Mechanistic interpretability | 4 | 1.000 | 1.000 | 1.000 | too few papers |");
    expect(md).toContain("fewer than 5 papers gets no interval");
    const text = renderTerminal(r);
    // Name column as wide as the longest name (28), then papers (7), three figures (7 each), the interval (16).
    expect(text).toContain(`${"Honest AI".padEnd(28)}      5  0.833  1.000  0.909${`[${a.lower.toFixed(2)}, ${a.upper.toFixed(2)}]`.padStart(16)}`);
    expect(text).toMatch(/^Mechanistic interpretability\s+4\s+1\.000\s+1\.000\s+1\.000\s+too few papers$/m);
    expect(text).toContain("papers counted once; precision, recall and F1 pooled over 2 repeats");
    expect(text).toContain("no F1 interval below 5 papers");
  });
});

describe("escapeMarkdown", () => {
  it("neutralises table, emphasis, link, code and HTML markup", () => {
    expect(escapeMarkdown("a|b")).toBe("a\\|b");
    expect(escapeMarkdown("<script>&")).toBe("&lt;script&gt;&amp;");
    expect(escapeMarkdown("_x_ `y` [z](u) #h ~s~ \\")).toBe("\\_x\\_ \\`y\\` \\[z\\](u) \\#h \\~s\\~ \\\\");
    expect(escapeMarkdown("- item")).toBe("\\- item");
    expect(escapeMarkdown("AI-safety\nline")).toBe("AI-safety line");
  });
});

describe("renderTerminal", () => {
  const text = renderTerminal(report);

  it("contains the figures", () => {
    expect(text).toContain("0.600 ± 0.424");
    expect(text).toContain(report.summary.baseline.accuracy.mean.toFixed(3));
    expect(text).toMatch(/Mechanistic interpretability\s+4\s+1\.000\s+0\.375\s+0\.545/);
    expect(text).toMatch(/2\. Mechanistic interpretability\s+5\s+3\s+0/);
  });

  it("fits 100 columns, even with nine long category names", () => {
    expect(maxWidth(text)).toBeLessThanOrEqual(100);
    const names = Array.from({ length: 9 }, (_, i) => `Category number ${i} with a very long and descriptive name indeed`);
    const many = names.flatMap((c, i) => Array.from({ length: 10 }, (_, j) => row(`c${i}-${j}`, c, `text ${i} ${j}`)));
    const uniform: Trainer = {
      train: (t) => {
        const categories = [...new Set(t.map((r) => r.category))].sort();
        return { categories, predictProba: () => new Float64Array(categories.length).fill(1 / categories.length) };
      },
    };
    const big = buildEvaluationReport(crossValidate(many, uniform, { folds: 5, repeats: 5 }), {
      model: "m",
      dataPath: `/a/very/long/path/${"x".repeat(150)}/labeled.csv`,
      bootstrap: { resamples: 50 },
    });
    const out = renderTerminal(big);
    expect(maxWidth(out)).toBeLessThanOrEqual(100);
    expect(out).toContain("labeled.csv");
    expect(out).toMatch(/^9\. Category number 8/m);
  });

  it("shows control characters in names as ?, so data cannot drive the terminal", () => {
    const evil = rows.map((r) => (r.category === HONEST ? { ...r, category: "Honest \u001b[31mAI" } : r));
    const out =
      renderTerminal(
        buildEvaluationReport(crossValidate(evil, flakyTrainer(), { folds: 2, repeats: 1 }), { model: "m", dataPath: "d", bootstrap: { resamples: 20 } }));
    expect(out).not.toContain("\u001b");
    expect(out).toContain("Honest ?[31mAI");
  });
});

function maxWidth(text: string): number {
  return Math.max(...text.split("\n").map((l) => [...l].length));
}

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
}
