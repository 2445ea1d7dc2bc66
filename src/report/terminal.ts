/** The evaluation report (evaluation/report.ts) as a plain-text terminal summary. */
import type { EvaluationReport, Spread } from "../evaluation/report.js";
import type { Interval } from "../evaluation/bootstrap.js";
import type { AverageScores } from "../metrics/metrics.js";
import { bracket, clip, clipStart, meanSd, num, percent, plain, tooFewPapers } from "./format.js";
import { freshTerminal } from "./fresh.js";
import { qualityTerminal } from "./quality.js";

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
  const numbersWidth = 7 + 7 * 3 + 16;
  const nameWidth = Math.max(12, Math.min(36, WIDTH - numbersWidth, Math.max(8, ...s.categories.map((c) => plain(c).length))));
  lines.push(
    `${"category".padEnd(nameWidth)}${"papers".padStart(7)}${"prec".padStart(7)}${"recall".padStart(7)}${"F1".padStart(7)}${`F1 ${pct}`.padStart(16)}`,
  );
  report.pooled.perCategory.forEach((c, i) => {
    const iv = report.intervals.perCategory[i];
    const papers = s.papersPerCategory[i] ?? 0;
    lines.push(
      `${clip(plain(c.category), nameWidth).padEnd(nameWidth)}${String(papers).padStart(7)}` +
        `${num(c.precision).padStart(7)}${num(c.recall).padStart(7)}${num(c.f1).padStart(7)}` +
          `${(iv ? (iv.tooFewPapers ? tooFewPapers(papers) : bracket(iv)) : "").padStart(16)}`,
    );
  });
  const avgLine = (name: string, a: AverageScores): string =>
    `${name.padEnd(nameWidth)}${"".padStart(7)}${num(a.precision).padStart(7)}${num(a.recall).padStart(7)}${num(a.f1).padStart(7)}`;
  lines.push(avgLine("micro avg", report.pooled.micro), avgLine("macro avg", report.pooled.macro), avgLine("weighted avg", report.pooled.weighted));
  lines.push(
    fit(`papers counted once; precision, recall and F1 pooled over ${s.repeats} repeats (each paper once per repeat)`),
    fit(`no F1 interval below ${s.bootstrap.minPapers} papers: too few to estimate one`),
    "",
  );

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
  lines.push(fit(`confusion matrix (rows true, columns predicted): predictions of ${s.repeats} repeats, each paper ${s.repeats} times`));
  lines.push(`${"".padEnd(prefix + rowNameWidth)}${labels.map((_, i) => String(i + 1).padStart(cell)).join("")}`);
  report.confusion.counts.forEach((row, t) => {
    const label = `${String(t + 1).padStart(prefix - 2)}. ${clip(plain(labels[t] ?? ""), rowNameWidth)}`;
    lines.push(`${label.padEnd(prefix + rowNameWidth)}${row.map((c) => String(c).padStart(cell)).join("")}`);
  });
  const quality = qualityTerminal(report);
  if (quality.length) lines.push("", ...quality.map(fit));
  return `${lines.join("\n")}\n`;
}

function fit(line: string): string {
  return clip(line, WIDTH);
}
