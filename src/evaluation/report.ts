/**
 * The evaluation report: computed once from a cross-validation result, then rendered as JSON,
 * Markdown or a terminal table. The report is plain data (JSON-serialisable, no functions, no
 * Maps) and self-contained, so a renderer added later (HTML) needs nothing else; the renderers
 * only format, they never recompute a figure. Nothing here reads files or the clock.
 */
import { freshMarkdown, freshTerminal, type Fresh } from "./freshReport.js";
import type { Category } from "../domain.js";
import type { TaxonomySummary } from "../ingest/taxonomyChanges.js";
import { bootstrapIntervals, type BootstrapIntervals, type Interval } from "./bootstrap.js";
import type { CrossValidationResult, MajorityChoice, OutOfFoldPrediction, ScoredRun } from "./crossValidate.js";
import { qualityMarkdown, qualityTerminal } from "./qualityReport.js";
import type { AverageScores, ClassificationReport, ConfusionMatrix } from "./metrics.js";

export const EVALUATION_FORMAT = "safetag-evaluation";
export const EVALUATION_VERSION = 1;

export interface EvaluationMeta {
  /** Model name as the user knows it, e.g. "multinomial-nb". */
  model: string;
  /** The model's settings, for the record. */
  parameters?: Record<string, string | number | boolean | null>;
  dataPath: string;
  /** SHA-256 (hex) of the training data file, if the caller computed one. */
  dataSha256?: string;
  /** ISO 8601 time of the run, supplied by the caller (the core does not read the clock). */
  createdAt?: string;
  /** Bootstrap settings; the seed defaults to the cross-validation seed. */
  bootstrap?: { resamples?: number; level?: number; seed?: number };
}

/** A figure's mean and sample standard deviation (n − 1; 0 with one repeat) over the repeats. */
export interface Spread {
  mean: number;
  sd: number;
  perRepeat: number[];
}

/** An out-of-fold prediction as the report keeps it: without the probability vector, with `correct`. */
export type ReportPrediction = Pick<
  OutOfFoldPrediction,
  "repeat" | "fold" | "id" | "title" | "gold" | "predicted" | "confidence" | "runnerUp" | "runnerUpConfidence"
> & { correct: boolean };

export interface EvaluationReport {
  format: typeof EVALUATION_FORMAT;
  version: typeof EVALUATION_VERSION;
  createdAt?: string;
  settings: {
    model: string;
    parameters?: Record<string, string | number | boolean | null>;
    dataPath: string;
    dataSha256?: string;
    rows: number;
    /** Rows that share a fold group (by default: the same abstract) with at least one other row. */
    groupedRows: number;
    /** Sorted; the order of every per-category list and of the confusion matrix. */
    categories: Category[];
    /** Labeled rows per category, in `categories` order. */
    rowsPerCategory: number[];
    folds: number;
    repeats: number;
    seed: number;
    bootstrap: { resamples: number; level: number; seed: number; unit: "rows" | "clusters" };
  };
  /** Per-repeat figures: each repeat predicts every row once, out of fold. */
  summary: {
    accuracy: Spread;
    macroF1: Spread;
    baseline: { accuracy: Spread; macroF1: Spread };
  };
  /** Scores of all repeats' out-of-fold predictions together (supports are rows × repeats). */
  pooled: ClassificationReport;
  baseline: { majority: MajorityChoice[]; pooled: ClassificationReport };
  /** Pooled over repeats; rows are true categories, columns predicted. */
  confusion: ConfusionMatrix;
  /** Bootstrap intervals of the pooled figures, resampling whole rows. */
  intervals: BootstrapIntervals;
  predictions: ReportPrediction[];
  /** Optional sections, present when the evaluation computed them (see `quality.ts`). */
  calibration?: CalibrationSection;
  review?: ReviewSection;
  learningCurve?: LearningCurvePoint[];
  labelErrors?: LabelErrorCandidate[];
  indicativeTerms?: { category: Category; terms: string[] }[];
  outOfScope?: OutOfScopeSection;
  /** Several models evaluated on the same folds. */
  comparison?: { model: string; accuracy: Spread; macroF1: Spread }[];
  /** How the taxonomy's category changes relabeled or set aside rows (the labeled file itself is unchanged). */
  taxonomy?: TaxonomySummary;
  /** Categories the model knows that have no labeled rows yet: cross-validation cannot score them. */
  notEvaluated?: Category[];
  /** The final model on fresh abstracts that are in no training file: the headline figures (see fresh.ts). */
  fresh?: Fresh;
}

/** Reliability of the out-of-fold confidences: expected calibration error and the table behind it. */
export interface CalibrationSection {
  ece: number;
  bins: { lower: number; upper: number; count: number; meanConfidence: number; accuracy: number }[];
}

export interface ReviewSection {
  targetPrecision: number;
  /** Mean over outer folds of the threshold each training part chose. */
  threshold: number;
  /** Share of out-of-fold predictions at or above their fold's threshold, and their precision. */
  coverage: number;
  precision: number;
}

export interface LearningCurvePoint {
  trainFraction: number;
  trainRows: number;
  accuracy: Spread;
  macroF1: Spread;
}

/** A labeled row that out-of-fold models confidently put in another category: worth a second look. */
export interface LabelErrorCandidate {
  id: string;
  title: string;
  gold: Category;
  predicted: Category;
  /** Mean confidence of the wrong predictions. */
  confidence: number;
  /** In how many of the repeats it was predicted wrongly. */
  timesWrong: number;
  repeats: number;
}

/** How well the "unlike every category" score separates labeled abstracts from out-of-scope ones. */
export interface OutOfScopeSection {
  threshold: number;
  /** Probability that a random out-of-scope abstract scores lower than a random labeled one. */
  auroc: number;
  inScopeFlagged: number;
  outOfScopeFlagged: number;
  outOfScopeTotal: number;
  inScopeTotal: number;
}

export function buildEvaluationReport(cv: CrossValidationResult, meta: EvaluationMeta): EvaluationReport {
  const predictions: ReportPrediction[] = cv.predictions.map((p) => ({
    repeat: p.repeat,
    fold: p.fold,
    id: p.id,
    title: p.title,
    gold: p.gold,
    predicted: p.predicted,
    correct: p.gold === p.predicted,
    confidence: p.confidence,
    runnerUp: p.runnerUp,
    runnerUpConfidence: p.runnerUpConfidence,
  }));
  const intervals = bootstrapIntervals(
    cv.predictions.map((p) => p.gold),
    cv.predictions.map((p) => p.predicted),
    cv.categories,
    {
      resamples: meta.bootstrap?.resamples ?? 1000,
      level: meta.bootstrap?.level ?? 0.95,
      seed: meta.bootstrap?.seed ?? cv.seed,
      // Each row appears once per repeat; resample rows, not their correlated copies.
      clusters: cv.predictions.map((p) => p.id),
      averaged: cv.averaged,
    },
  );
  const rowsPerCategory = cv.model.pooled.perCategory.map((s) => s.support / cv.repeats);

  const report: EvaluationReport = {
    format: EVALUATION_FORMAT,
    version: EVALUATION_VERSION,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    settings: {
      model: meta.model,
      ...(meta.parameters === undefined ? {} : { parameters: { ...meta.parameters } }),
      dataPath: meta.dataPath,
      ...(meta.dataSha256 === undefined ? {} : { dataSha256: meta.dataSha256 }),
      rows: cv.rowCount,
      groupedRows: cv.groupedRowCount,
      categories: [...cv.categories],
      rowsPerCategory,
      folds: cv.folds,
      repeats: cv.repeats,
      seed: cv.seed,
      bootstrap: { resamples: intervals.resamples, level: intervals.level, seed: intervals.seed, unit: intervals.unit },
    },
    summary: {
      accuracy: spread(cv.model, (r) => r.accuracy),
      macroF1: spread(cv.model, (r) => r.macro.f1),
      baseline: {
        accuracy: spread(cv.baseline, (r) => r.accuracy),
        macroF1: spread(cv.baseline, (r) => r.macro.f1),
      },
    },
    pooled: cv.model.pooled,
    baseline: { majority: cv.baseline.majority, pooled: cv.baseline.pooled },
    confusion: cv.model.confusion,
    intervals,
    predictions,
  };
  return report;
}

function spread(run: ScoredRun, pick: (r: ClassificationReport) => number): Spread {
  const values = run.perRepeat.map((r) => pick(r.report));
  const n = values.length;
  const mean = n === 0 ? 0 : values.reduce((a, b) => a + b, 0) / n;
  const variance = n < 2 ? 0 : values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, sd: Math.sqrt(variance), perRepeat: values };
}

// ---------------------------------------------------------------------------------------------
// JSON

/**
 * One total order of every key the report uses, chosen so that each object comes out in the
 * order a reader wants (settings before figures, figures before the long lists; e.g.
 * `resamples, level, seed` in both the bootstrap settings and the intervals). A key not listed
 * follows, alphabetically, so the output never depends on the order in which an object was
 * built or parsed. Add new keys where they read best.
 */
const KEY_ORDER = [
  "format", "version", "createdAt", "settings", "summary",
  "model", "parameters", "dataPath", "dataSha256", "rows", "groupedRows", "categories", "rowsPerCategory",
  "folds", "repeats", "resamples", "level", "seed", "bootstrap", "unit",
  "mean", "sd", "perRepeat",
  "repeat", "fold", "id", "title", "labels", "total",
  "category", "estimate", "lower", "upper", "drawn",
  "precision", "recall", "f1", "support",
  "gold", "predicted", "correct", "accuracy", "macroF1", "perCategory", "micro", "macro", "weighted", "counts",
  "majority", "pooled", "baseline", "confusion", "intervals", "predictions",
  "confidence", "runnerUp", "runnerUpConfidence",
];
const RANK = new Map(KEY_ORDER.map((k, i) => [k, i]));

/** Pretty JSON with a stable key order, ending in a newline. */
export function renderJson(report: EvaluationReport): string {
  return `${JSON.stringify(ordered(report), null, 2)}\n`;
}

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value).sort((a, b) => {
    const ra = RANK.get(a) ?? Infinity;
    const rb = RANK.get(b) ?? Infinity;
    return ra !== rb ? ra - rb : a < b ? -1 : a > b ? 1 : 0;
  });
  // defineProperty, not assignment: a key named "__proto__" stays an ordinary key.
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    Object.defineProperty(out, k, {
      value: ordered((value as Record<string, unknown>)[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Markdown

/**
 * Text safe inside a Markdown table cell or list item: `|` and the Markdown punctuation that can
 * start markup (\ ` * _ [ ] # ~, and a leading - + =) are backslash-escaped,
 * `<`, `>` and `&` become entities (so a category name cannot inject HTML), line breaks become
 * spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]#|~]/g, (c) => `\\${c}`)
    // A leading - + = would start a list or heading when the text opens a line or list item.
    .replace(/^\s*([-+=])/, (_, c: string) => `\\${c}`);
}

export function renderMarkdown(report: EvaluationReport): string {
  const s = report.settings;
  const md = escapeMarkdown;
  const pct = percent(s.bootstrap.level);
  const out: string[] = [];

  out.push(`# Evaluation: ${md(s.model)}`, "");
  out.push(
    `${s.rows} labeled rows from ${md(s.dataPath)}, ${s.categories.length} categories. ` +
      `${s.folds}-fold stratified cross-validation repeated ${s.repeats} times (seed ${s.seed}); ` +
      `${s.groupedRows} rows share their abstract with another row (duplicates) and are kept in the same fold.` +
      (report.createdAt ? ` Run at ${md(report.createdAt)}.` : ""),
    "",
  );

  out.push(...categoryChangesMarkdown(report, md));
  if (report.fresh) out.push(...freshMarkdown(report.fresh, md), "# Cross-validation on the labeled rows", "");
  out.push("## Summary", "");
  out.push(`| Metric | Model | ${pct} interval | Majority baseline |`, "|---|---:|---:|---:|");
  const sum = report.summary;
  out.push(
    `| Accuracy | ${meanSd(sum.accuracy.mean, sum.accuracy.sd)} | ${range(report.intervals.accuracy)} | ${meanSd(sum.baseline.accuracy.mean, sum.baseline.accuracy.sd)} |`,
    `| Macro-F1 | ${meanSd(sum.macroF1.mean, sum.macroF1.sd)} | ${range(report.intervals.macroF1)} | ${meanSd(sum.baseline.macroF1.mean, sum.baseline.macroF1.sd)} |`,
    "",
  );
  out.push(
    `Mean ± standard deviation over the ${s.repeats} repeats. Intervals: bootstrap percentile, ` +
      `${s.bootstrap.resamples} resamples of the rows, over the pooled out-of-fold predictions ` +
      `(accuracy ${num(report.pooled.accuracy)}, macro-F1 ${num(report.pooled.macro.f1)}). ` +
      `Macro-F1 averages the ${averagedCount(report)} categories the rows have; a category never predicted counts as 0` +
      (averagedCount(report) < s.categories.length ? ` (an answer no row has, such as "not safety research" learned from the background set, is charged as a wrong answer but not averaged in).` : "."),
    "",
  );

  out.push("## Per category", "");
  out.push(`| Category | Rows | Precision | Recall | F1 | F1 ${pct} interval |`, "|---|---:|---:|---:|---:|---:|");
  report.pooled.perCategory.forEach((c, i) => {
    const iv = report.intervals.perCategory[i];
    out.push(
      `| ${md(c.category)} | ${s.rowsPerCategory[i] ?? 0} | ${num(c.precision)} | ${num(c.recall)} | ${num(c.f1)} | ${iv ? range(iv) : ""} |`,
    );
  });
  out.push("", `Pooled over ${s.repeats} repeats; undefined precision or recall is reported as 0.`, "");

  out.push("## Averages", "");
  out.push("| Average | Precision | Recall | F1 |", "|---|---:|---:|---:|");
  const avg = (name: string, a: AverageScores): string => `| ${name} | ${num(a.precision)} | ${num(a.recall)} | ${num(a.f1)} |`;
  out.push(avg("Micro", report.pooled.micro), avg("Macro", report.pooled.macro), avg("Weighted", report.pooled.weighted), "");

  out.push("## Confusion matrix", "");
  out.push(
    `Rows are true categories, columns are predicted categories (numbered as in the legend). ` +
      `Counts are pooled over ${s.repeats} repeats, so each row is counted ${s.repeats} times.`,
    "",
  );
  const labels = report.confusion.labels;
  const numbers = labels.map((_, i) => String(i + 1));
  out.push(`| True \\\\ Predicted | ${numbers.join(" | ")} |`, `|---|${labels.map(() => "---:").join("|")}|`);
  report.confusion.counts.forEach((row, t) => {
    out.push(`| ${t + 1}. ${md(labels[t] ?? "")} | ${row.join(" | ")} |`);
  });
  out.push("", "Legend:", "");
  labels.forEach((l, i) => out.push(`${i + 1}. ${md(l)}`));
  out.push("");
  out.push(...qualityMarkdown(report, md));
  return out.join("\n");
}

/** The taxonomy's category changes as the rows saw them; nothing when there were none. */
function categoryChangesMarkdown(report: EvaluationReport, md: (s: string) => string): string[] {
  const t = report.taxonomy;
  const lines = [
    ...(t?.relabeled ?? []).map((r) => `- ${r.rows} rows ${r.change}: ${md(r.from)} → ${md(r.to)}`),
    ...(t?.setAside ?? []).map((a) => `- ${a.rows} rows set aside: ${md(a.reason)} (${md(a.ids.join(", "))})`),
    ...(report.notEvaluated ?? []).map((c) => `- ${md(c)}: no labeled rows yet, not evaluated (the model knows it from its taxonomy description)`),
  ];
  if (lines.length === 0) return [];
  return ["## Category changes", "", "Applied from the taxonomy file; the labeled data is unchanged.", "", ...lines, ""];
}

// ---------------------------------------------------------------------------------------------
// Terminal

const WIDTH = 100;

/** A compact plain-text summary no wider than 100 columns (no colour codes). */
export function renderTerminal(report: EvaluationReport): string {
  const s = report.settings;
  const sum = report.summary;
  const pct = percent(s.bootstrap.level);
  const lines: string[] = [];

  lines.push(fit(`safetag evaluation: ${plain(s.model)}`));
  lines.push(
    fit(
      `${s.rows} rows, ${s.categories.length} categories, ${s.folds}-fold x ${s.repeats} repeats, seed ${s.seed}, ` +
        `${s.groupedRows} duplicate rows kept together`,
    ),
  );
  lines.push(`data: ${clipStart(plain(s.dataPath), WIDTH - 6)}`);
  if (report.notEvaluated?.length) lines.push(fit(`not evaluated (no labeled rows yet): ${report.notEvaluated.map(plain).join(", ")}`));
  lines.push("");
  if (report.fresh) lines.push(...freshTerminal(report.fresh, plain, WIDTH).map(fit), "", "cross-validation on the labeled rows:");

  const head = `${"".padEnd(10)}${"model (mean ± sd)".padEnd(18)}${`${pct} interval`.padEnd(18)}majority baseline`;
  lines.push(head);
  const summaryLine = (name: string, m: Spread, iv: Interval, b: Spread): string =>
    `${name.padEnd(10)}${meanSd(m.mean, m.sd).padEnd(18)}${bracket(iv).padEnd(18)}${meanSd(b.mean, b.sd)}`;
  lines.push(summaryLine("accuracy", sum.accuracy, report.intervals.accuracy, sum.baseline.accuracy));
  lines.push(summaryLine("macro-F1", sum.macroF1, report.intervals.macroF1, sum.baseline.macroF1), "");

  // Per-category table: name column takes what the numbers leave, up to 36 characters.
  const numbersWidth = 6 + 7 * 3 + 16;
  const nameWidth = Math.max(12, Math.min(36, WIDTH - numbersWidth, Math.max(8, ...s.categories.map((c) => plain(c).length))));
  lines.push(
    `${"category".padEnd(nameWidth)}${"rows".padStart(6)}${"prec".padStart(7)}${"recall".padStart(7)}${"F1".padStart(7)}${`F1 ${pct}`.padStart(16)}`,
  );
  report.pooled.perCategory.forEach((c, i) => {
    const iv = report.intervals.perCategory[i];
    lines.push(
      `${clip(plain(c.category), nameWidth).padEnd(nameWidth)}${String(s.rowsPerCategory[i] ?? 0).padStart(6)}` +
        `${num(c.precision).padStart(7)}${num(c.recall).padStart(7)}${num(c.f1).padStart(7)}${(iv ? bracket(iv) : "").padStart(16)}`,
    );
  });
  const avgLine = (name: string, a: AverageScores): string =>
    `${name.padEnd(nameWidth)}${"".padStart(6)}${num(a.precision).padStart(7)}${num(a.recall).padStart(7)}${num(a.f1).padStart(7)}`;
  lines.push(avgLine("micro avg", report.pooled.micro), avgLine("macro avg", report.pooled.macro), avgLine("weighted avg", report.pooled.weighted), "");

  // Confusion matrix: numbered columns; the row labels carry the numbers and (clipped) names.
  const labels = report.confusion.labels;
  const maxCount = Math.max(0, ...report.confusion.counts.flat());
  const cell = Math.max(String(maxCount).length, String(labels.length).length) + 2;
  const prefix = String(labels.length).length + 2;
  const rowNameWidth = Math.min(36, WIDTH - prefix - cell * labels.length);
  if (rowNameWidth < 8) {
    lines.push(`confusion matrix: too wide for ${WIDTH} columns with ${labels.length} categories; see the Markdown report`);
    return `${lines.join("\n")}\n`;
  }
  lines.push(fit(`confusion matrix: rows true, columns predicted; pooled over ${s.repeats} repeats`));
  lines.push(`${"".padEnd(prefix + rowNameWidth)}${labels.map((_, i) => String(i + 1).padStart(cell)).join("")}`);
  report.confusion.counts.forEach((row, t) => {
    const label = `${String(t + 1).padStart(prefix - 2)}. ${clip(plain(labels[t] ?? ""), rowNameWidth)}`;
    lines.push(`${label.padEnd(prefix + rowNameWidth)}${row.map((c) => String(c).padStart(cell)).join("")}`);
  });
  const quality = qualityTerminal(report);
  if (quality.length) lines.push("", ...quality.map(fit));
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers shared by the renderings

/** Categories the macro average is over: those with rows (see reportFromConfusion). */
export function averagedCount(report: EvaluationReport): number {
  return report.settings.rowsPerCategory.filter((n) => n > 0).length;
}

function num(x: number): string {
  return x.toFixed(3);
}

function meanSd(mean: number, sd: number): string {
  return `${num(mean)} ± ${num(sd)}`;
}

function range(iv: Interval): string {
  return `${num(iv.lower)}–${num(iv.upper)}`;
}

function bracket(iv: Interval): string {
  return `[${iv.lower.toFixed(2)}, ${iv.upper.toFixed(2)}]`;
}

function percent(level: number): string {
  return `${Number((level * 100).toFixed(1))}%`;
}

/** Control characters (including ESC, which starts terminal escape codes) shown as `?`. */
function plain(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** Keep the end, which is the informative part of a path. */
function clipStart(text: string, width: number): string {
  return text.length > width ? `…${text.slice(text.length - width + 1)}` : text;
}

function fit(line: string): string {
  return clip(line, WIDTH);
}
