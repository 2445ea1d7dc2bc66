/**
 * The predictions page: the rows a person should read first (least confident first, the ones
 * flagged `needs_review` highlighted), with a filter by category. It is for reviewing, not for
 * storage: the CSV/JSONL output stays the full record. A dump can be large, so only a bounded
 * number of the least confident rows is kept while predicting, and the page says when it was cut.
 *
 * Rows are rendered as escaped markup; the page script only shows and hides them (by index
 * attributes), so no data passes through script at all.
 */
import type { LabeledPrediction } from "../predict/label.js";
import { escapeHtml as h } from "./escape.js";
import { latexToText } from "../text/latex.js";
import { renderPage } from "./page.js";
import { confidenceText, probabilityText, shownReason } from "../predict/shown.js";

export const DEFAULT_PAGE_CAP = 5000;
const EXCERPT = 220;

/** What the page keeps of a prediction: no full abstract, only its beginning. */
export interface PredictionRow {
  /** Position in the input (0-based), to break confidence ties in input order. */
  seq: number;
  id: string;
  category: string;
  confidence: number;
  runnerUp: string;
  runnerUpConfidence: number;
  needsReview: boolean;
  /** Unlike every category (the model's scope score), when the model has a scope model. */
  outOfScope: boolean;
  reason: string;
  terms: string[];
  source: LabeledPrediction["source"];
  matchedId: string;
  file: string;
  line: number | null;
  excerpt: string;
}

export function predictionRow(p: LabeledPrediction, seq: number): PredictionRow {
  // LaTeX shown as text here only: the model and the CSV/JSONL output keep the abstract as written.
  const text = latexToText(p.input.abstract).replace(/\s+/g, " ").trim();
  return {
    seq,
    id: p.id,
    category: p.category,
    confidence: p.confidence,
    runnerUp: p.runnerUp,
    runnerUpConfidence: p.runnerUpConfidence,
    needsReview: p.needsReview,
    outOfScope: p.outOfScope === true,
    reason: shownReason(p),
    terms: p.terms.map((t) => t.term),
    source: p.source,
    matchedId: p.matchedId ?? "",
    file: p.input.source ?? "",
    line: p.input.line ?? null,
    excerpt: text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text,
  };
}

export interface CollectedPredictions {
  /** The kept rows, least confident first. */
  rows: PredictionRow[];
  total: number;
  needsReview: number;
  /** Predictions per category over all rows, kept or not (a Map: any name is a category, `constructor` too). */
  perCategory: Map<string, number>;
  cap: number;
}

export interface PredictionCollector {
  add(p: LabeledPrediction): void;
  result(): CollectedPredictions;
}

/**
 * Keeps the `cap` least confident predictions in bounded memory: rows are buffered and, when
 * the buffer reaches twice the cap, sorted and cut back to the cap (amortised n log cap).
 */
export function collectPredictions(cap = DEFAULT_PAGE_CAP): PredictionCollector {
  let rows: PredictionRow[] = [];
  let total = 0;
  let needsReview = 0;
  const perCategory = new Map<string, number>();
  const trim = (): void => {
    rows.sort(byConfidence);
    if (rows.length > cap) rows = rows.slice(0, cap);
  };
  return {
    add(p) {
      if (p.needsReview) needsReview++;
      perCategory.set(p.category, (perCategory.get(p.category) ?? 0) + 1);
      rows.push(predictionRow(p, total++));
      if (rows.length >= 2 * cap) trim();
    },
    result() {
      trim();
      return { rows: [...rows], total, needsReview, perCategory: new Map(perCategory), cap };
    },
  };
}

function byConfidence(a: PredictionRow, b: PredictionRow): number {
  return a.confidence - b.confidence || a.seq - b.seq;
}

export interface PredictionsPageMeta {
  /** Where the model came from, for the heading. */
  model?: string;
  inputs: readonly string[];
  /** The full output (CSV/JSONL), named when the page is cut. */
  output?: string;
  createdAt?: string;
}

export function renderPredictionsPage(collected: CollectedPredictions, meta: PredictionsPageMeta): string {
  const { rows, total } = collected;
  const categories = [...collected.perCategory.keys()].sort();
  const index = new Map(categories.map((c, i) => [c, i]));
  const cut = rows.length < total;
  const options = categories.map((c, i) => `<option value="${i}">${h(c === "" ? "(none: empty abstract)" : c)} (${collected.perCategory.get(c)})</option>`);

  const body = [
    `<header><h1>Predictions</h1>`,
    `<p class="muted">${total} abstract${total === 1 ? "" : "s"} from ${meta.inputs.map((i) => `<code>${h(i)}</code>`).join(", ") || "standard input"}` +
      (meta.model ? `, labeled with <code>${h(meta.model)}</code>` : "") +
      (meta.createdAt ? ` at ${h(meta.createdAt)}` : "") +
      `. <strong>${collected.needsReview}</strong> need review. Least certain first: read from the top.</p>`,
    cut
      ? `<p class="note cut">This page shows the ${rows.length} least confident of the ${total} predictions` +
        (meta.output ? `; all of them are in <code>${h(meta.output)}</code>` : "") +
        `.</p>`
      : "",
    `</header>`,
    `<form class="filters" id="filters">`,
    `<label>Category <select id="category-filter"><option value="all">all categories</option>${options.join("")}</select></label>`,
    `<label><input type="checkbox" id="review-filter"> needs review only</label>`,
    `<span id="shown-count" class="muted" aria-live="polite">${rows.length} shown</span>`,
    `</form>`,
    `<table class="predictions"><thead><tr><th class="num">#</th><th class="num">confidence</th><th>category</th><th>` +
      `runner-up</th><th>review</th><th>terms</th><th>abstract</th><th>source</th></tr></thead><tbody>`,
    ...rows.map((r, i) => row(r, i, index.get(r.category) ?? -1)),
    `</tbody></table>`,
    rows.length === 0 ? `<p>No predictions.</p>` : "",
  ].join("\n");
  return renderPage({ title: "safetag predictions", body, css: CSS, script: SCRIPT });
}

function row(r: PredictionRow, rank: number, category: number): string {
  const where = r.file ? `${r.file}${r.line === null ? "" : `:${r.line}`}` : "";
  const source = r.source === "known" ? `known (same abstract as <code>${h(r.matchedId)}</code>)` : h(r.source);
  return (
    `<tr data-c="${category}" data-review="${r.needsReview ? 1 : 0}"${r.needsReview ? ' class="review"' : ""}>` +
    `<td class="num rank">${rank + 1}</td>` +
    `<td class="num confidence"><span class="conf"><span class="conf-bar" ` +
      `style="width:${Math.round(Math.min(1, Math.max(0, r.confidence)) * 100)}%"></span></span>${h(confidenceText(r))}</td>` +
    `<td class="category">${h(r.category === "" ? "–" : r.category)}</td>` +
    `<td class="small runner-up">${r.runnerUp ? `${h(r.runnerUp)} <span class="muted">${h(probabilityText(r.runnerUpConfidence))}</span>` : ""}</td>` +
    `<td class="small review-cell">${r.needsReview ? `<strong>needs review</strong>` : ""}${r.outOfScope ? ` <span class="badge">out of scope</span>` : ""}` +
    `${r.reason ? `<br><span class="muted">${h(r.reason)}</span>` : ""}</td>` +
    `<td class="terms">${r.terms.map((t) => `<code>${h(t)}</code>`).join(" ")}</td>` +
    `<td class="abstract"><div class="id">${h(r.id)}</div><div class="excerpt">${h(r.excerpt)}</div></td>` +
    `<td class="small where">${where ? `<code>${h(where)}</code><br>` : ""}<span class="label-source">${source}</span></td>` +
    `</tr>`
  );
}

/** Filters by showing and hiding server-rendered rows; no data passes through the script. */
const SCRIPT = `
(function () {
  "use strict";
  var select = document.getElementById("category-filter");
  var review = document.getElementById("review-filter");
  var count = document.getElementById("shown-count");
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.predictions tbody tr"));
  function apply() {
    var c = select.value;
    var onlyReview = review.checked;
    var shown = 0;
    rows.forEach(function (tr) {
      var visible = (c === "all" || tr.getAttribute("data-c") === c) && (!onlyReview || tr.getAttribute("data-review") === "1");
      tr.hidden = !visible;
      if (visible) shown += 1;
    });
    count.textContent = shown + " shown";
  }
  select.addEventListener("change", apply);
  review.addEventListener("change", apply);
  document.getElementById("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
})();
`;

/**
 * Wide windows get the table; below 75rem its eight columns no longer fit, so each row becomes a
 * small grid: rank, confidence, category and review on top, the abstract across the whole width,
 * terms and source below (each labelled, since the header row is hidden).
 */
const CSS = `
body { max-width: 1500px; }
.filters { display: flex; flex-wrap: wrap; gap: .6rem 1.2rem; align-items: center; margin: 1rem 0 .5rem; position: sticky; ` +
  `top: 0; background: #fff; padding: .5rem 0; border-bottom: 1px solid var(--line); }
.filters select { font: inherit; padding: .15rem .3rem; max-width: min(24rem, 100%); }
.filters label { max-width: 100%; }
table.predictions { width: 100%; font-size: .9rem; }
table.predictions tr.review { background: var(--warn); }
table.predictions td { overflow-wrap: anywhere; }
table.predictions td.category, table.predictions td.runner-up { min-width: 8rem; max-width: 16rem; }
table.predictions td.review-cell { min-width: 9rem; max-width: 16rem; }
table.predictions td.abstract { min-width: 18rem; max-width: 34rem; }
table.predictions .id { font-weight: 600; font-size: .85rem; }
table.predictions .excerpt { color: var(--muted); }
table.predictions td.terms { max-width: 14rem; min-width: 6rem; overflow-wrap: normal; }
table.predictions td.where { min-width: 8rem; }
.badge { display: inline-block; font-size: .75rem; padding: 0 .35rem; border-radius: 3px; background: #ffe2dd; color: var(--bad); white-space: nowrap; }
.conf { display: inline-block; width: 3rem; height: .5rem; background: #eef1f4; border-radius: 2px; margin-right: .4rem; ` +
  `vertical-align: middle; overflow: hidden; }
.conf-bar { display: block; height: 100%; background: var(--accent); }
@media (max-width: 75rem) {
  table.predictions, table.predictions tbody { display: block; }
  table.predictions thead { display: none; }
  table.predictions tr { display: grid; grid-template-columns: 2.5rem 7.5rem minmax(0, 1fr) minmax(0, 1fr); ` +
  `grid-template-areas: "rank conf category review" "rank conf runner review" "abstract abstract abstract abstract" "terms terms terms where"; ` +
  `border-bottom: 1px solid var(--line); padding: .3rem 0; }
  table.predictions tr[hidden] { display: none; }
  table.predictions td { border: 0; padding: .15rem .5rem; min-width: 0; max-width: none; }
  table.predictions td.rank { grid-area: rank; }
  table.predictions td.confidence { grid-area: conf; text-align: left; }
  table.predictions td.category { grid-area: category; font-weight: 600; min-width: 0; max-width: none; }
  table.predictions td.runner-up { grid-area: runner; min-width: 0; max-width: none; }
  table.predictions td.review-cell { grid-area: review; min-width: 0; max-width: none; }
  table.predictions td.abstract { grid-area: abstract; min-width: 0; max-width: none; }
  table.predictions td.terms { grid-area: terms; min-width: 0; max-width: none; overflow-wrap: anywhere; }
  table.predictions td.where { grid-area: where; min-width: 0; }
  table.predictions td.runner-up:not(:empty)::before { content: "runner-up: "; color: var(--muted); }
  table.predictions td.terms:not(:empty)::before { content: "terms: "; color: var(--muted); }
}
`;
