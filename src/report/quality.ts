import type { EvaluationReport } from "../evaluation/report.js";
import { latexToText } from "../text/latex.js";

const n3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "n/a");
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** Markdown for the report's optional sections, in the order a reader wants them. */
export function qualityMarkdown(report: EvaluationReport, md: (s: string) => string): string[] {
  const out: string[] = [];
  if (report.comparison?.length) {
    out.push("## Models compared on the same folds", "", "| Model | Accuracy | Macro-F1 |", "|---|---:|---:|");
    for (const c of report.comparison) out.push(
      `| ${md(c.model)} | ${n3(c.accuracy.mean)} ± ${n3(c.accuracy.sd)} | ${n3(c.macroF1.mean)} ± ${n3(c.macroF1.sd)} |`);
    out.push("");
  }
  if (report.calibration) {
    const c = report.calibration;
    out.push("## Calibration", "", `Expected calibration error (10 equal-width bins, out-of-fold predictions): **${n3(c.ece)}**.`, "");
    out.push("| Confidence | Predictions | Mean confidence | Accuracy |", "|---|---:|---:|---:|");
    for (const b of c.bins) out.push(
      `| ${b.lower.toFixed(1)}–${b.upper.toFixed(1)} | ${b.count} | ${b.count ? n3(b.meanConfidence) : ""} | ${b.count ? n3(b.accuracy) : ""} |`);
    out.push("");
  }
  if (report.review) {
    const r = report.review;
    const outsideThreshold =
      r.outsideThreshold === undefined ? "" : `; ${n3(r.outsideThreshold)} for "not safety research" answers, which have their own`;
    out.push(
      "## Review threshold",
      "",
      `Each training part chose the confidence below which a prediction is marked \`needs_review\`, aiming at precision ${r.targetPrecision} ` +
        `on its own inner cross-validation (mean threshold ${n3(r.threshold)}${outsideThreshold}). ` +
        `Out of fold, ${pct(r.coverage)} of predictions cleared their threshold, with precision ${n3(r.precision)}; the rest would go to a person.`,
      "",
    );
  }
  if (report.outOfScope) {
    const o = report.outOfScope;
    out.push(
      "## Out-of-scope abstracts",
      "",
      `The "unlike every category" score (cosine similarity to the closest category centroid) flagged ${o.outOfScopeFlagged} of ${o.outOfScopeTotal} ` +
        `abstracts known to be outside every category, ` +
          `and ${o.inScopeFlagged} of ${o.inScopeTotal} labeled abstracts (out of fold), at threshold ${n3(o.threshold)}. ` +
        `AUROC ${n3(o.auroc)}.`,
      "",
    );
  }
  if (report.learningCurve?.length) {
    out.push("## Learning curve", "", "| Training share | Training rows | Accuracy | Macro-F1 |", "|---:|---:|---:|---:|");
    for (const p of report.learningCurve) {
      out.push(`| ${pct(p.trainFraction)} ` +
        `| ${p.trainRows.toFixed(1)} | ${n3(p.accuracy.mean)} ± ${n3(p.accuracy.sd)} | ${n3(p.macroF1.mean)} ± ${n3(p.macroF1.sd)} |`);
    }
    out.push("");
  }
  if (report.labelErrors) {
    out.push("## Possible label errors", "");
    if (report.labelErrors.length === 0) out.push("No labeled row was confidently put in another category in most repeats.", "");
    else {
      out.push("Rows that out-of-fold models put in another category in most repeats. The label, or the taxonomy, may deserve a second look.", "");
      out.push("| Id | Title | Label | Predicted | Confidence | Wrong in |", "|---|---|---|---|---:|---:|");
      for (const e of report.labelErrors) out.push(
        `| ${md(e.id)} | ${md(latexToText(e.title))} | ${md(e.gold)} | ${md(e.predicted)} | ${n3(e.confidence)} | ${e.timesWrong}/${e.repeats} |`);
      out.push("");
    }
  }
  if (report.indicativeTerms?.length) {
    out.push("## Most indicative terms", "", "From the model trained on all rows (stemmed as the tokenizer sees them).", "");
    out.push("| Category | Terms |", "|---|---|");
    for (const t of report.indicativeTerms) out.push(`| ${md(t.category)} | ${md(t.terms.join(", "))} |`);
    out.push("");
  }
  return out;
}

/** A few terminal lines for the optional sections. */
export function qualityTerminal(report: EvaluationReport): string[] {
  const out: string[] = [];
  if (report.calibration) out.push(`calibration error (ECE): ${n3(report.calibration.ece)}`);
  if (report.review) out.push(
    `review: ${pct(report.review.coverage)} auto-labeled at precision ${n3(report.review.precision)} (target ${report.review.targetPrecision})`);
  if (report.outOfScope) out.push(
    `out of ` +
      `scope: ${report.outOfScope.outOfScopeFlagged}/${report.outOfScope.outOfScopeTotal} flagged,` +
        ` ${report.outOfScope.inScopeFlagged}/${report.outOfScope.inScopeTotal} labeled flagged, AUROC ${n3(report.outOfScope.auroc)}`);
  if (report.labelErrors?.length) out.push(`possible label errors: ${report.labelErrors.map((e) => e.id).join(", ")}`);
  if (report.comparison?.length) for (const c of report.comparison) out.push(
    `  ${c.model.padEnd(16)} accuracy ${n3(c.accuracy.mean)}  macro-F1 ${n3(c.macroF1.mean)}`);
  return out;
}
