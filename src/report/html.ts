/**
 * The evaluation report as one self-contained HTML page: the HTML rendering of the same
 * `EvaluationReport` the Markdown and JSON come from. It only formats; every figure was
 * computed in `evaluation/report.ts`. Optional sections appear when the report has them.
 *
 * Data reaches the page two ways only: escaped into markup (`escapeHtml`, also inside the SVG
 * helpers) or as JSON in a `<script type="application/json">` block that the page script reads
 * and turns into DOM with `textContent`. Titles are shown with their LaTeX as text (`latexToText`),
 * at display time only.
 */
import type { CalibrationSection, EvaluationReport, LabelErrorCandidate, LearningCurvePoint, OutOfScopeSection, ReviewSection } from "../evaluation/report.js";
import { barChart, lineChart, reliabilityDiagram, type BarGroup } from "./charts.js";
import { escapeHtml as h, jsonScriptBlock } from "./escape.js";
import { confusionHeatmap } from "./heatmap.js";
import { renderPage } from "./page.js";
import { REPORT_SCRIPT, type ReportPageData } from "./reportScript.js";
import { fixed } from "./svg.js";
import { tooFewPapers } from "./format.js";
import { latexToText } from "../text/latex.js";
import type { Fresh } from "../evaluation/fresh.js";
import { freshFigures, freshIntro } from "./fresh.js";

const COLORS = { precision: "#a8cbef", recall: "#5b9bd5", f1: "#1f5fa8", baseline: "#c4c9d0", model: "#1f5fa8", macro: "#1f2328", accent: "#d9822b" };

export function renderHtml(report: EvaluationReport): string {
  const sections: { id: string; title: string; body: string }[] = [
    ...(report.fresh ? [{ id: "fresh", title: "Fresh abstracts", body: fresh(report.fresh) }] : []),
    { id: "summary", title: "Summary", body: summary(report) },
    { id: "confusion", title: "Confusion matrix", body: confusion(report) },
    { id: "per-category", title: "Per category", body: perCategory(report) },
  ];
  if (report.review) sections.push({ id: "review", title: "Review threshold", body: review(report.review) });
  if (report.calibration) sections.push({ id: "calibration", title: "Calibration", body: calibration(report.calibration) });
  if (report.learningCurve?.length) sections.push({ id: "learning-curve", title: "Learning curve", body: learningCurve(report.learningCurve) });
  if (report.comparison?.length) sections.push({ id: "comparison", title: "Model comparison", body: comparison(report) });
  if (report.labelErrors) sections.push({ id: "label-errors", title: "Possible label errors", body: labelErrors(report.labelErrors, report.settings.repeats) });
  if (report.indicativeTerms?.length) sections.push({ id: "terms", title: "Indicative terms", body: indicativeTerms(report.indicativeTerms) });
  if (report.outOfScope) sections.push({ id: "out-of-scope", title: "Out-of-scope abstracts", body: outOfScope(report.outOfScope) });
  const changes = categoryChanges(report);
  if (changes) sections.push({ id: "category-changes", title: "Category changes", body: changes });
  sections.push({ id: "settings", title: "Settings", body: settings(report) });

  const s = report.settings;
  const body = [
    `<header><h1>Evaluation: ${h(s.model)}</h1>`,
    `<p class="muted">${s.rows} labeled rows from <code>${h(s.dataPath)}</code>, ${s.categories.length} categories; ` +
      `${s.folds}-fold stratified cross-validation repeated ${s.repeats} times (seed ${s.seed})` +
      (report.createdAt ? `; run at ${h(report.createdAt)}` : "") +
      (report.safetagVersion ? ` by safetag ${h(report.safetagVersion)}` : "") +
      `. Every figure comes from out-of-fold predictions: each row predicted by a model that never saw it.</p>`,
    `<nav class="toc">${sections.map((x) => `<a href="#${x.id}">${h(x.title)}</a>`).join("")}</nav></header>`,
    ...sections.map((x) => `<section id="${x.id}"><h2>${h(x.title)}</h2>\n${x.body}\n</section>`),
    jsonScriptBlock("report-data", pageData(report)),
  ].join("\n");
  return renderPage({ title: `safetag evaluation: ${s.model}`, body, css: CSS, script: REPORT_SCRIPT });
}

/** Only what the page script needs: papers once, predictions as index tuples. */
function pageData(report: EvaluationReport): ReportPageData {
  const labels = report.confusion.labels;
  const index = new Map(labels.map((c, i) => [c, i]));
  const paperIndex = new Map<string, number>();
  const papers: [string, string][] = [];
  const predictions: [number, number, number, number][] = [];
  for (const p of report.predictions) {
    const t = index.get(p.gold);
    const q = index.get(p.predicted);
    if (t === undefined || q === undefined) continue;
    let paper = paperIndex.get(p.id);
    if (paper === undefined) {
      paper = papers.length;
      paperIndex.set(p.id, paper);
      papers.push([p.id, latexToText(p.title)]);
    }
    predictions.push([paper, t, q, Math.round(p.confidence * 1e4) / 1e4]);
  }
  return { categories: labels, repeats: report.settings.repeats, papers, predictions };
}

function summary(report: EvaluationReport): string {
  const sum = report.summary;
  const iv = report.intervals;
  const pct = percent(iv.level);
  const groups: BarGroup[] = [
    {
      label: "Accuracy",
      bars: [
        { series: "model", value: sum.accuracy.mean, color: COLORS.model, whisker: { ...iv.accuracy, what: `${pct} interval` } },
        { series: "majority-class baseline", value: sum.baseline.accuracy.mean, color: COLORS.baseline },
      ],
    },
    {
      label: "Macro-F1",
      bars: [
        { series: "model", value: sum.macroF1.mean, color: COLORS.model, whisker: { ...iv.macroF1, what: `${pct} interval` } },
        { series: "majority-class baseline", value: sum.baseline.macroF1.mean, color: COLORS.baseline },
      ],
    },
  ];
  const majority = [...new Set(report.baseline.majority.map((m) => m.category))];
  return [
    `<table class="figures"><thead><tr><th></th><th class="num">model (mean ± sd)</th><th ` +
      `class="num">${pct} interval</th><th class="num">majority-class baseline</th></tr></thead><tbody>`,
    `<tr><th>Accuracy</th><td ` +
      `class="num">${meanSd(sum.accuracy)}</td><td class="num">${range(iv.accuracy)}</td><td class="num">${meanSd(sum.baseline.accuracy)}</td></tr>`,
    `<tr><th>Macro-F1</th><td ` +
      `class="num">${meanSd(sum.macroF1)}</td><td class="num">${range(iv.macroF1)}</td><td class="num">${meanSd(sum.baseline.macroF1)}</td></tr>`,
    `</tbody></table>`,
    `<div class="chart">${barChart(groups, [], "Accuracy and macro-F1 of the model and of the majority-class baseline")}</div>`,
    `<p class="muted small">Mean ± standard deviation over the ${report.settings.repeats} repeats; intervals are bootstrap percentiles ` +
      `(${iv.resamples} resamples of whole rows) of the pooled out-of-fold predictions. The baseline always answers the most ` +
      `frequent category of its training part (${majority.map((c) => `<q>${h(c)}</q>`).join(", ")}).</p>`,
  ].join("\n");
}

function confusion(report: EvaluationReport): string {
  const { labels, counts } = report.confusion;
  const pairs: { t: number; p: number; count: number; share: number }[] = [];
  counts.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      if (t !== p && count > 0) pairs.push({ t, p, count, share: count / total });
    });
  });
  pairs.sort((a, b) => b.count - a.count || b.share - a.share);
  const top = pairs.slice(0, 8);
  const confusions =
    top.length === 0
      ? `<p>No confusions: every out-of-fold prediction was right.</p>`
      : `<h3>Most frequent confusions</h3><table class="confusions"><thead><tr><th>true category</th><th>predicted as</th><th ` +
        `class="num">predictions</th><th class="num">share of row</th><th></th></tr></thead><tbody>` +
        top
          .map(
            (x) =>
              `<tr><td>${h(labels[x.t] ?? "")}</td>` +
                `<td>${h(labels[x.p] ?? "")}</td><td class="num">${x.count}</td><td class="num">${(x.share * 100).toFixed(0)}%</td>` +
              `<td><button type="button" class="show-cell" data-t="${x.t}" data-p="${x.p}">papers</button></td></tr>`,
          )
          .join("") +
        `</tbody></table>`;
  return [
    `<p>Rows are true categories, columns predicted; the count in each cell is the number of out-of-fold predictions, pooled over ` +
      `the ${report.settings.repeats} repeats (so each paper counts once per repeat; the <q>papers</q> column counts each paper once). ` +
      `Shading is the cell's share of its row: blue on the diagonal (right), red elsewhere (confused). <strong>Click a ` +
        `cell</strong> to list the papers in it.</p>`,
    `<div class="matrix-layout"><div class="chart ` +
      `matrix-scroll">${confusionHeatmap(report.confusion, report.settings.repeats, report.settings.papersPerCategory)}</div>`,
    `<div id="cell-papers" class="cell-papers" aria-live="polite"><p class="muted">Click a cell of the matrix (or a <q>papers</q> ` +
      `button below) to list its papers here.</p></div></div>`,
    confusions,
  ].join("\n");
}

function perCategory(report: EvaluationReport): string {
  const s = report.settings;
  const pct = percent(report.intervals.level);
  const baseline = report.baseline.pooled.perCategory;
  const groups: BarGroup[] = report.pooled.perCategory.map((c, i) => {
    const iv = report.intervals.perCategory[i];
    return {
      label: c.category,
      bars: [
        { series: "precision", value: c.precision, color: COLORS.precision },
        { series: "recall", value: c.recall, color: COLORS.recall },
        { series: "F1", value: c.f1, color: COLORS.f1, ...(iv && !iv.tooFewPapers ? { whisker: { ...iv, what: `F1 ${pct} interval` } } : {}) },
      ],
    };
  });
  const refs = [
    { label: "macro-F1 (model)", value: report.pooled.macro.f1, color: COLORS.macro },
    { label: "macro-F1 (baseline)", value: report.baseline.pooled.macro.f1, color: COLORS.accent },
  ];
  const rows = report.pooled.perCategory.map((c, i) => {
    const iv = report.intervals.perCategory[i];
    const papers = s.papersPerCategory[i] ?? 0;
    const interval = !iv ? "" : iv.tooFewPapers ? `<span class="too-few">${tooFewPapers(papers)}</span>` : range(iv);
    return (
      `<tr><th>${h(c.category)}</th><td class="num">${papers}</td><td class="num">${fixed(c.precision)}</td>` +
      `<td class="num">${fixed(c.recall)}</td><td class="num">${fixed(c.f1)}</td><td class="num">${interval}</td>` +
      `<td class="num">${fixed(baseline[i]?.f1 ?? 0)}</td></tr>`
    );
  });
  const avg = (name: string, a: { precision: number; recall: number; f1: number }, b: { precision: number; recall: number; f1: number }): string =>
    `<tr><th>${name}</th><td ` +
      `class="num">${fixed(a.precision)}</td><td ` +
        `class="num">${fixed(a.recall)}</td><td class="num">${fixed(a.f1)}</td><td class="num">${fixed(b.f1)}</td></tr>`;
  return [
    `<div class="chart">${barChart(groups, refs, "Precision, recall and F1 per category")}</div>`,
    `<p class="muted small">Precision, recall and F1 are pooled over the ${s.repeats} repeats: each paper is predicted once per repeat, ` +
      `so its predictions count ${s.repeats} times; <q>papers</q> counts each paper once. The whisker on each F1 bar is its ${pct} bootstrap ` +
      `interval (resampling whole papers); a category with fewer than ${s.bootstrap.minPapers} papers has none (<q>too few papers</q>): ` +
      `resampling one to four papers only repeats them, so a paper that is always right would give 1.000–1.000. ` +
      `Undefined precision or recall counts as 0. Dashed lines: macro-F1 of the model and of the majority-class baseline.</p>`,
    `<div class="table-scroll"><table class="per-category"><thead><tr><th>category</th><th class="num">papers</th><th class="num">` +
      `precision</th><th class="num">recall</th><th class="num">F1</th><th ` +
        `class="num">F1 ${pct} interval</th><th class="num">baseline F1</th></tr></thead><tbody>`,
    ...rows,
    `</tbody></table></div>`,
    `<h3>Averages</h3>`,
    `<table class="averages"><thead><tr><th></th><th class="num">precision</th><th class="num">recall</th><th class="num">F1</th>` +
      `<th class="num">baseline F1</th></tr></thead><tbody>`,
    avg("micro", report.pooled.micro, report.baseline.pooled.micro),
    avg("macro", report.pooled.macro, report.baseline.pooled.macro),
    avg("weighted", report.pooled.weighted, report.baseline.pooled.weighted),
    `</tbody></table>`,
  ].join("\n");
}

function review(r: ReviewSection): string {
  return (
    `<p>Predictions with a confidence below the review threshold are flagged <code>needs_review</code>. The threshold is chosen on the ` +
    `training part of each fold to reach ${fixed(r.targetPrecision, 2)} precision above it.</p>` +
    `<table><tbody>` +
    `<tr><th>target precision</th><td class="num">${fixed(r.targetPrecision)}</td></tr>` +
    `<tr><th>threshold (mean over folds)${r.outsideThreshold === undefined ? "" : ", safety categories"}</th><td class="num">${fixed(r.threshold)}</td></tr>` +
    (r.outsideThreshold === undefined ? ""
      : `<tr><th>threshold for "not safety research" (mean over folds)</th><td class="num">${fixed(r.outsideThreshold)}</td></tr>`) +
    `<tr><th>labeled without review (coverage)</th><td class="num">${percentOf(r.coverage)}</td></tr>` +
    `<tr><th>precision of those, out of fold</th><td class="num">${fixed(r.precision)}</td></tr>` +
    `</tbody></table>`
  );
}

function calibration(c: CalibrationSection): string {
  const rows = c.bins
    .filter((b) => b.count > 0)
    .map((b) =>
      `<tr><td ` +
        `class="num">${fixed(b.lower, 2)}–${fixed(b.upper, 2)}</td><td ` +
          `class="num">${b.count}</td><td class="num">${fixed(b.meanConfidence)}</td><td class="num">${fixed(b.accuracy)}</td></tr>`);
  return [
    `<p>Expected calibration error <strong>${fixed(c.ece)}</strong>: the mean gap between confidence and accuracy, weighted by bin size. ` +
      `Bars below the diagonal are over-confident bins.</p>`,
    `<div class="chart">${reliabilityDiagram(c.bins)}</div>`,
    `<details><summary>Bins</summary><table><thead><tr><th class="num">confidence</th><th class="num">predictions</th><th ` +
      `class="num">mean confidence</th><th class="num">accuracy</th></tr></thead><tbody>${rows.join("")}</tbody></table></details>`,
  ].join("\n");
}

function learningCurve(points: readonly LearningCurvePoint[]): string {
  const sorted = [...points].sort((a, b) => a.trainRows - b.trainRows);
  const chart = lineChart(
    [
      { label: "accuracy", color: COLORS.recall, points: sorted.map((p) => ({ x: p.trainRows, mean: p.accuracy.mean, sd: p.accuracy.sd })) },
      { label: "macro-F1", color: COLORS.f1, points: sorted.map((p) => ({ x: p.trainRows, mean: p.macroF1.mean, sd: p.macroF1.sd })) },
    ],
    "training rows",
    "Learning curve: accuracy and macro-F1 against the number of training rows",
  );
  const rows = sorted.map(
    (p) => `<tr><td ` +
      `class="num">${percentOf(p.trainFraction)}</td><td ` +
        `class="num">${p.trainRows}</td><td class="num">${meanSd(p.accuracy)}</td><td class="num">${meanSd(p.macroF1)}</td></tr>`,
  );
  return [
    `<p>Figures when training on part of each training fold (mean ± sd over repeats). A curve still rising at the right means ` +
      `more labeled rows would help.</p>`,
    `<div class="chart">${chart}</div>`,
    `<table><thead><tr><th class="num">share of training part</th><th class="num">training rows</th><th class="num">accuracy</th>` +
      `<th class="num">macro-F1</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
  ].join("\n");
}

function comparison(report: EvaluationReport): string {
  const models = report.comparison ?? [];
  const groups: BarGroup[] = models.map((m) => ({
    label: m.model,
    bars: [
      { series: "accuracy", value: m.accuracy.mean, color: COLORS.recall,
        whisker: { lower: m.accuracy.mean - m.accuracy.sd, upper: m.accuracy.mean + m.accuracy.sd, what: "± sd" } },
      { series: "macro-F1", value: m.macroF1.mean, color: COLORS.f1,
        whisker: { lower: m.macroF1.mean - m.macroF1.sd, upper: m.macroF1.mean + m.macroF1.sd, what: "± sd" } },
    ],
  }));
  const refs = [{ label: "baseline macro-F1", value: report.summary.baseline.macroF1.mean, color: COLORS.accent }];
  const rows = models.map(
    (m) => `<tr${m.model === report.settings.model ? ' class="current"' : ""}><th>${h(m.model)}</th><td ` +
      `class="num">${meanSd(m.accuracy)}</td><td class="num">${meanSd(m.macroF1)}</td></tr>`,
  );
  return [
    `<p>Models evaluated on the same folds (mean ± sd over repeats).</p>`,
    `<div class="chart">${barChart(groups, refs, "Accuracy and macro-F1 per model")}</div>`,
    `<table><thead><tr><th>model</th><th class="num">accuracy</th><th class="num">macro-F1</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
  ].join("\n");
}

function labelErrors(candidates: readonly LabelErrorCandidate[], repeats: number): string {
  if (candidates.length === 0) return `<p>No labeled row was confidently put in another category.</p>`;
  const rows = candidates.map(
    (c) =>
      `<tr><td><code>${h(c.id)}</code></td><td class="title">${h(latexToText(c.title))}</td><td>${h(c.gold)}</td><td>${h(c.predicted)}</td>` +
      `<td class="num">${c.timesWrong} of ${c.repeats || repeats}</td><td class="num">${fixed(c.confidence)}</td></tr>`,
  );
  return [
    `<p>Labeled rows that models which never saw them confidently put in another category. Worth a second look: either the label ` +
      `or the abstract may be off.</p>`,
    `<table class="label-errors"><thead><tr><th>id</th><th>title</th><th>labeled</th><th>predicted</th><th class="num">wrong ` +
      `in</th><th class="num">mean confidence</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
  ].join("\n");
}

function indicativeTerms(list: readonly { category: string; terms: string[] }[]): string {
  return (
    `<p>Terms that most favour each category in the model trained on all rows (stemmed as the tokenizer sees them).</p><dl class="terms">` +
    list.map((c) => `<dt>${h(c.category)}</dt><dd>${c.terms.map((t) => `<code>${h(t)}</code>`).join(" ")}</dd>`).join("") +
    `</dl>`
  );
}

/** The taxonomy's renames, merges and set-aside rows as training saw them; empty when there were none. */
function categoryChanges(report: EvaluationReport): string {
  const t = report.taxonomy;
  const items = [
    ...(t?.relabeled ?? []).map((r) => `${r.rows} rows ${h(r.change)}: ${h(r.from)} → ${h(r.to)}`),
    ...(t?.setAside ?? []).map((a) => `${a.rows} rows set aside: ${h(a.reason)} <span class="muted">(${h(a.ids.join(", "))})</span>`),
    ...(report.notEvaluated ?? []).map((c) => `${h(c)}: no labeled rows yet, not evaluated (the model knows it from its taxonomy description)`),
  ];
  if (items.length === 0) return "";
  return `<p>Applied from the taxonomy file; the labeled data is unchanged.</p><ul>${items.map((i) => `<li>${i}</li>`).join("")}</ul>`;
}

/** The headline figures, per-category table and confusion matrix of the fresh abstracts (a plain table: its cells have no papers to list). */
function fresh(f: Fresh): string {
  const labels = f.confusion.labels;
  return [
    `<p>${h(freshIntro(f))}</p>`,
    `<table class="fresh-figures">` +
      `<tbody>${freshFigures(f).map(([what, value]) => `<tr><th>${h(what)}</th><td class="num">${h(value)}</td></tr>`).join("")}</tbody></table>`,
    `<h3>Per category</h3>`,
    `<div class="table-scroll"><table class="per-category"><thead><tr><th>category</th><th class="num">fresh abstracts</th><th ` +
      `class="num">predicted</th><th class="num">precision</th><th class="num">recall</th><th class="num">F1</th></tr></thead><tbody>`,
    ...f.report.perCategory.map((c) =>
      `<tr><th>${h(c.category)}</th><td ` +
        `class="num">${c.support}</td><td ` +
          `class="num">${c.predicted}</td><td ` +
            `class="num">${fixed(c.precision)}</td><td class="num">${fixed(c.recall)}</td><td class="num">${fixed(c.f1)}</td></tr>`),
    `</tbody></table></div>`,
    `<h3>Confusion matrix</h3><p class="muted small">Rows true, columns predicted (numbered as the rows).</p>`,
    `<div class="table-scroll"><table class="fresh-confusion"><thead><tr><th>` +
      `</th>${labels.map((_, i) => `<th class="num">${i + 1}</th>`).join("")}</tr></thead><tbody>`,
    ...f.confusion.counts.map((row, t) =>
      `<tr><th>${t + 1}. ${h(labels[t] ?? "")}</th>${row.map((n, p) => `<td class="num${n > 0 && p !== t ? " off" : ""}">${n}</td>`).join("")}</tr>`),
    `</tbody></table></div>`,
  ].join("\n");
}

function outOfScope(o: OutOfScopeSection): string {
  return (
    `<p>How well the <q>unlike every category</q> score separates labeled abstracts from abstracts that belong to none of the categories.</p>` +
    `<table><tbody>` +
    `<tr><th>AUROC</th><td class="num">${fixed(o.auroc)}</td></tr>` +
    `<tr><th>threshold</th><td class="num">${fixed(o.threshold)}</td></tr>` +
    `<tr><th>out-of-scope abstracts flagged</th><td class="num">${o.outOfScopeFlagged} of ${o.outOfScopeTotal}</td></tr>` +
    `<tr><th>labeled abstracts flagged</th><td class="num">${o.inScopeFlagged} of ${o.inScopeTotal}</td></tr>` +
    `</tbody></table>`
  );
}

function settings(report: EvaluationReport): string {
  const s = report.settings;
  const rows: [string, string][] = [
    ["model", s.model],
    ["data", s.dataPath],
    ...(s.dataSha256 ? ([["data SHA-256", s.dataSha256]] as [string, string][]) : []),
    ["rows", String(s.rows)],
    ["rows sharing their abstract (kept in one fold)", String(s.groupedRows)],
    ["folds × repeats, seed", `${s.folds} × ${s.repeats}, seed ${s.seed}`],
    ["bootstrap", `${s.bootstrap.resamples} resamples of ${s.bootstrap.unit}, level ${s.bootstrap.level}, seed ${s.bootstrap.seed}`],
    ...Object.entries(s.parameters ?? {}).map(([k, v]) => [`parameter ${k}`, String(v)] as [string, string]),
  ];
  return `<table class="settings"><tbody>${rows.map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(v)}</td></tr>`).join("")}</tbody></table>`;
}

function meanSd(x: { mean: number; sd: number }): string {
  return `${fixed(x.mean)} ± ${fixed(x.sd)}`;
}

function range(iv: { lower: number; upper: number }): string {
  return `${fixed(iv.lower)}–${fixed(iv.upper)}`;
}

function percent(level: number): string {
  return `${Number((level * 100).toFixed(1))}%`;
}

function percentOf(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

const CSS = `
header { margin-bottom: 1rem; }
.fresh-confusion td.off { background: #fbe3e1; }
.fresh-figures th { font-weight: normal; text-align: left; }
.toc { display: flex; flex-wrap: wrap; gap: .3rem 1rem; font-size: .9rem; margin-top: .6rem; }
.toc a { color: var(--accent); text-decoration: none; }
.toc a:hover { text-decoration: underline; }
.matrix-layout { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.heatmap .cell { cursor: pointer; outline: none; }
.heatmap .cell:hover .cell-bg, .heatmap .cell:focus .cell-bg { stroke: #1f2328; stroke-width: 1.5; }
.heatmap .cell.selected .cell-bg { stroke: #d9822b; stroke-width: 3; }
.matrix-layout > .chart { max-width: 100%; }
.too-few { color: var(--muted); font-style: italic; }
.cell-papers .back { display: inline-block; margin-bottom: .3rem; color: var(--accent); }
.cell-papers { flex: 1 1 460px; min-width: min(460px, 100%); max-height: 640px; overflow-y: auto; border: 1px solid var(--line); ` +
  `border-radius: 6px; padding: .6rem .8rem; }
.cell-papers h3 { margin-top: 0; }
.cell-papers table { width: 100%; font-size: .9rem; }
.cell-papers td { overflow-wrap: anywhere; }
.cell-papers td.id { white-space: nowrap; }
.cell-papers td.title { max-width: 28rem; }
.label-errors td, .settings td, .confusions td { overflow-wrap: anywhere; }
button.show-cell { white-space: nowrap; font: inherit; font-size: .85rem; padding: .05rem .5rem; cursor: pointer; }
dl.terms dt { font-weight: 600; margin-top: .5rem; }
dl.terms dd { margin: .2rem 0 0 1rem; }
tr.current th { color: var(--accent); }
`;
