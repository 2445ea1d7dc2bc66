/** The evaluation report (evaluation/report.ts) as Markdown. */
import { averagedCount, type EvaluationReport } from "../evaluation/report.js";
import type { AverageScores } from "../metrics/metrics.js";
import { meanSd, num, percent, range, tooFewPapers } from "./format.js";
import { freshMarkdown } from "./fresh.js";
import { qualityMarkdown } from "./quality.js";

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
      (report.createdAt ? ` Run at ${md(report.createdAt)}.` : "") +
      (report.safetagVersion ? ` Written by safetag ${md(report.safetagVersion)}.` : ""),
    "",
  );

  out.push(...categoryChangesMarkdown(report, md));
  if (report.fresh) out.push(...freshMarkdown(report.fresh, md), "# Cross-validation on the labeled rows", "");
  out.push("## Summary", "");
  out.push(`| Metric | Model | ${pct} interval | Majority baseline |`, "|---|---:|---:|---:|");
  const sum = report.summary;
  out.push(
    `| Accuracy ` +
      `| ${meanSd(sum.accuracy.mean, sum.accuracy.sd)} ` +
        `| ${range(report.intervals.accuracy)} | ${meanSd(sum.baseline.accuracy.mean, sum.baseline.accuracy.sd)} |`,
    `| Macro-F1 ` +
      `| ${meanSd(sum.macroF1.mean, sum.macroF1.sd)} | ${range(report.intervals.macroF1)} | ${meanSd(sum.baseline.macroF1.mean, sum.baseline.macroF1.sd)} |`,
    "",
  );
  out.push(
    `Mean ± standard deviation over the ${s.repeats} repeats. Intervals: bootstrap percentile, ` +
      `${s.bootstrap.resamples} resamples of the rows, over the pooled out-of-fold predictions ` +
      `(accuracy ${num(report.pooled.accuracy)}, macro-F1 ${num(report.pooled.macro.f1)}). ` +
      `Macro-F1 averages the ${averagedCount(report)} categories the rows have; a category never predicted counts as 0` +
      (averagedCount(report) < s.categories.length
        ? ` (an answer no row has, such as "not safety research" learned from the background set, is charged as a wrong answer but not averaged in).` : "."),
    "",
  );

  out.push("## Per category", "");
  out.push(`| Category | Papers | Precision | Recall | F1 | F1 ${pct} interval |`, "|---|---:|---:|---:|---:|---:|");
  report.pooled.perCategory.forEach((c, i) => {
    const iv = report.intervals.perCategory[i];
    const papers = s.papersPerCategory[i] ?? 0;
    out.push(
      `| ${md(c.category)} ` +
        `| ${papers} | ${num(c.precision)} | ${num(c.recall)} | ${num(c.f1)} | ${iv ? (iv.tooFewPapers ? tooFewPapers(papers) : range(iv)) : ""} |`,
    );
  });
  out.push(
    "",
    `The papers column counts each paper once. Precision, recall and F1 are pooled over the ${s.repeats} repeats: ` +
      `each paper is predicted once per repeat, so its predictions count ${s.repeats} times. Undefined precision or recall is reported as 0. ` +
      `A category with fewer than ${s.bootstrap.minPapers} papers gets no interval ("too few papers"): resampling one to four papers ` +
      `gives an interval that only repeats them (a paper that is always right gives 1.000–1.000).`,
    "",
  );

  out.push("## Averages", "");
  out.push("| Average | Precision | Recall | F1 |", "|---|---:|---:|---:|");
  const avg = (name: string, a: AverageScores): string => `| ${name} | ${num(a.precision)} | ${num(a.recall)} | ${num(a.f1)} |`;
  out.push(avg("Micro", report.pooled.micro), avg("Macro", report.pooled.macro), avg("Weighted", report.pooled.weighted), "");

  out.push("## Confusion matrix", "");
  out.push(
    `Rows are true categories, columns are predicted categories (numbered as in the legend). ` +
      `Counts are out-of-fold predictions pooled over ${s.repeats} repeats, so each paper is counted ${s.repeats} times.`,
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
