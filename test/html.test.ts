import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EvaluationReport } from "../src/evaluation/report.js";
import type { LabeledPrediction } from "../src/predict/label.js";
import { EXIT } from "../src/errors.js";
import { escapeHtml, jsonForScript, jsonScriptBlock } from "../src/report/escape.js";
import { renderHtml } from "../src/report/html.js";
import { collectPredictions, renderPredictionsPage } from "../src/report/predictionsPage.js";
import type { ReportPageData } from "../src/report/reportScript.js";
import { thrown } from "./thrown.js";
import { CAT_AMP, CAT_IMG, CAT_OUT, CAT_SCRIPT, hostileReport, MODEL_NAME, TITLE_QUOTES, TITLE_SCRIPT } from "./fixtures/html/hostileReport.js";
import { OUTSIDE, tenCategoryReport } from "./fixtures/html/tenCategories.js";
import { renderMarkdown } from "../src/report/markdown.js";
import { wrapLabel } from "../src/report/svg.js";

/** Undo escapeHtml, to show nothing was lost. */
function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e] as string);
}

/** The page with its two legitimate script elements taken out: what remains must hold no markup from data. */
function withoutOurScripts(html: string): { rest: string; json: string | undefined; script: string | undefined } {
  let json: string | undefined;
  let script: string | undefined;
  const rest = html
    .replace(/<script type="application\/json" id="[a-z-]+">([\s\S]*?)<\/script>/, (_, body: string) => {
      json = body;
      return "";
    })
    .replace(/<script>([\s\S]*?)<\/script>/, (_, body: string) => {
      script = body;
      return "";
    });
  return { rest, json, script };
}

/** Every element our pages use; an injected <img>, <b> or <script> would show up as another name. */
const OUR_ELEMENTS = new Set(
  ("!doctype html head meta title style body header h1 h2 h3 p code nav a section table thead tbody tr th td div q strong button " +
    "details summary dl dt dd ul li form label select option input span br svg g rect text tspan line circle polyline").split(" "),
);

/** Markup from data would add an element we never write, an event handler or a comment. */
function expectOnlyOurMarkup(rest: string): void {
  const tags = rest.match(/<[^>]*>/g) ?? [];
  for (const tag of tags) {
    const name = /^<\/?([!a-z0-9-]+)/i.exec(tag)?.[1]?.toLowerCase() ?? tag;
    expect(OUR_ELEMENTS.has(name), tag).toBe(true);
    // Attribute values are escaped text (no raw quote can end them early), so look outside them.
    expect(tag.replace(/"[^"]*"/g, '""'), tag).not.toMatch(/\son[a-z]+\s*=/i);
  }
  expect(rest).not.toContain("<!--");
}

describe("escapeHtml", () => {
  it("escapes the five characters that matter in text and in quoted attributes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("leaves other text alone, and escapes an entity again (it is text, not markup)", () => {
    expect(escapeHtml("Gödel — naïve ✓ \u2028")).toBe("Gödel — naïve ✓ \u2028");
    expect(escapeHtml("&lt;already&gt;")).toBe("&amp;lt;already&amp;gt;");
  });

  it("never lets < > \" ' through and loses nothing (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = escapeHtml(s);
        expect(out).not.toMatch(/[<>"']/);
        expect(out.replace(/&(amp|lt|gt|quot|#39);/g, "")).not.toContain("&");
        expect(unescapeHtml(out)).toBe(s);
      }),
    );
  });
});

describe("jsonForScript", () => {
  it("cannot close the script element or open a comment, and stays the same JSON", () => {
    const value = { title: `</script><script>alert(1)</script><!-- & -->`, sep: "a\u2028b\u2029c" };
    const out = jsonForScript(value);
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(out).toContain("\\u003c/script\\u003e");
    expect(out).toContain("\\u2028");
    expect(JSON.parse(out)).toEqual(value);
  });

  it("round-trips any JSON value and never emits < > & U+2028 U+2029 (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const out = jsonForScript(v);
        expect(out).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });

  it("wraps the JSON in a non-executable block with a safe id", () => {
    expect(jsonScriptBlock("report-data", ["</script>"])).toBe('<script type="application/json" id="report-data">["\\u003c/script\\u003e"]</script>');
    const error = thrown(() => jsonScriptBlock(`x" onload="y`, []));
    expect([error.code, error.exitCode, error.message]).toEqual(["E_INTERNAL", EXIT.software, 'jsonScriptBlock: bad id "x\\" onload=\\"y"']);
  });
});

describe("renderHtml with markup in every data string", () => {
  const report = hostileReport();
  const html = renderHtml(report);
  const { rest, json, script } = withoutOurScripts(html);

  it("has exactly our two script elements and no injected markup anywhere else", () => {
    expect(html.match(/<script/g)).toHaveLength(2);
    expectOnlyOurMarkup(rest);
    expect(script).not.toContain("__pwned");
  });

  it("shows category names, titles and settings as escaped text", () => {
    expect(rest).toContain(escapeHtml(CAT_SCRIPT));
    expect(rest).toContain(escapeHtml(CAT_IMG));
    expect(rest).toContain(`<section id="fresh">`); // the fresh-abstract section, escaped like the rest
    expect(rest).toContain(escapeHtml(CAT_OUT));
    expect(rest).toContain(escapeHtml(`data/eval/<b>fresh</b>.csv`));
    expect(rest).toContain(escapeHtml(CAT_AMP));
    expect(rest).toContain(escapeHtml(MODEL_NAME));
    // Titles reach the page in the label-error table (markup) and in the data block (JSON).
    expect(rest).toContain(escapeHtml("<img src=x onerror=window.__pwned=1>Paper"));
    expect(rest).toContain(`2 rows renamed: ${escapeHtml(CAT_IMG)} → ${escapeHtml(CAT_AMP)}`);
    expect(rest).toContain(escapeHtml("New <i>category</i>"));
    expect(json).not.toMatch(/[<>&]/);
  });

  it("embeds the predictions so each heatmap cell's count equals its listed predictions", () => {
    const data = JSON.parse(json ?? "null") as ReportPageData;
    const { labels, counts } = report.confusion;
    expect(data.categories).toEqual(labels);
    expect(data.predictions).toHaveLength(report.predictions.length);
    expect(data.papers.map((p) => p[1])).toContain(TITLE_SCRIPT);
    expect(data.papers.map((p) => p[1])).toContain(TITLE_QUOTES);

    const cells = [...html.matchAll(/class="cell[^"]*" data-t="(\d+)" data-p="(\d+)" data-count="(\d+)"/g)].map((m) => m.slice(1).map(Number));
    expect(cells).toHaveLength(labels.length * labels.length);
    for (const [t, p, count] of cells) {
      expect(count).toBe(counts[t!]![p!]);
      expect(data.predictions.filter((q) => q[1] === t && q[2] === p)).toHaveLength(count!);
    }
  });

  it("renders every optional section it is given", () => {
    for (const id of ["summary", "confusion", "per-category", "review", "calibration", "learning-curve", "comparison",
      "label-errors", "terms", "out-of-scope", "category-changes", "settings"]) {
      expect(html, id).toContain(`<section id="${id}">`);
    }
    expect(html).toContain('class="reliability"');
    expect(html).toContain('class="curve"');
  });

  it("skips the optional sections a report does not have", () => {
    const bare: EvaluationReport = { ...report };
    for (const k of ["calibration", "review", "learningCurve", "labelErrors", "indicativeTerms", "outOfScope",
      "comparison", "taxonomy", "notEvaluated"] as const) delete bare[k];
    const page = renderHtml(bare);
    for (const id of ["review", "calibration", "learning-curve", "comparison", "label-errors", "terms", "out-of-scope", "category-changes"]) {
      expect(page, id).not.toContain(`id="${id}"`);
    }
    expect(page).toContain('<section id="confusion">');
  });

  it("is self-contained: nothing is loaded, and the policy allows only our own script", () => {
    expect(rest).not.toMatch(/\s(src|href)="(?!#)/);
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', "")).not.toMatch(/https?:\/\//);
    const hash = createHash("sha256").update(script ?? "", "utf8").digest("base64");
    expect(html).toContain(`script-src &#39;sha256-${hash}&#39;`);
    expect(html).toContain("default-src &#39;none&#39;");
  });
});

describe("wrapLabel", () => {
  it("breaks at spaces into lines of at most the width, cuts a longer word, and ends what does not fit in …", () => {
    expect(wrapLabel("Model organisms of misalignment", 18, 2)).toEqual(["Model organisms of", "misalignment"]);
    expect(wrapLabel("Model organisms of misalignment", 16, 2)).toEqual(["Model organisms", "of misalignment"]);
    expect(wrapLabel("Unlearning", 16, 2)).toEqual(["Unlearning"]);
    expect(wrapLabel("abcdefghij", 4, 3)).toEqual(["abcd", "efgh", "ij"]);
    expect(wrapLabel("a b c d e f", 3, 2)).toEqual(["a b", "c…"]);
    expect(wrapLabel("  ", 5, 2)).toEqual([""]);
  });
});

describe("renderHtml of a report shaped like the real one (ten categories, 12 papers down to 0)", () => {
  const report = tenCategoryReport();
  const html = renderHtml(report);
  const perCategory = html.slice(html.indexOf('<section id="per-category">'), html.indexOf("</section>", html.indexOf('<section id="per-category">')));

  it("shows distinct papers per category, and says the figures are pooled over repeats", () => {
    expect(report.settings.papersPerCategory).toEqual([12, 3, 8, 1, 0, 3, 6, 2, 5, 2]);
    expect(perCategory).toContain('<th class="num">papers</th>');
    // 12 papers, 60 pooled predictions: the table shows 12.
    expect(report.pooled.perCategory[0]!.support).toBe(60);
    expect(perCategory).toContain(`<tr><th>Enhancing human feedback</th><td class="num">12</td>`);
    expect(perCategory).toContain("pooled over the 5 repeats: each paper is predicted once per repeat");
  });

  it("shows 'too few papers' instead of the interval below 5 papers, and draws no whisker for them", () => {
    const iv = report.intervals.perCategory;
    expect(iv.map((c) => c.tooFewPapers)).toEqual([false, true, false, true, true, true, false, true, false, true]);
    expect(perCategory)
      .toMatch(new RegExp(
        `<tr><th>Enhancing human feedback</th><td class="num">12</td>(<td class="num">[0-9.]+</td>){3}<td ` +
          `class="num">${iv[0]!.lower.toFixed(3)}–${iv[0]!.upper.toFixed(3)}</td>`));
    expect(perCategory)
      .toMatch(/<tr><th>Model organisms of misalignment<\/th><td class="num">1<\/td>(<td class="num">[0-9.]+<\/td>){3}<td class="num"><span class="too-few">too few papers<\/span><\/td>/);
    expect(perCategory)
      .toMatch(new RegExp(
        `<tr><th>${OUTSIDE}</th><td class="num">0</td>(<td class="num">[0-9.]+</td>){3}<td class="num"><span class="too-few">no papers</span></td>`));
    expect(perCategory.match(/too few papers<\/span>/g)).toHaveLength(5);
    // Whisker tooltips: one per category with 5 papers or more (4 of them).
    expect(perCategory.match(/F1 95% interval \d/g)).toHaveLength(4);
  });

  it("puts each category's distinct papers in the heatmap's last column and wraps long labels onto two lines", () => {
    const totals = [...html.matchAll(/<g class="row-total"><title>([^<]*)<\/title><text[^>]*>(\d+)<\/text><\/g>/g)];
    expect(totals.map((m) => Number(m[2]))).toEqual(report.settings.papersPerCategory);
    expect(totals[0]![1]).toBe("Enhancing human feedback: 12 papers, 60 predictions over 5 repeats");
    expect(html).toContain("<tspan");
    expect(html)
      .toMatch(/<g class="row-label"><title>Model organisms of misalignment<\/title><text[^>]*><tspan[^>]*>Model organisms of<\/tspan><tspan[^>]*>misalignment<\/tspan><\/text><\/g>/);
  });

  it("shows LaTeX in titles as text, in the papers panel's data and in the label-error tables", () => {
    const data = JSON.parse(withoutOurScripts(html).json ?? "null") as ReportPageData;
    expect(data.papers.map((p) => p[1])).toContain("A paper on feedbacks ↔ safety");
    expect(data.papers.map((p) => p[1]).join(" ")).not.toContain("\\");
    const withErrors =
      { ...report,
        labelErrors: [
          { id: "c0-0", title: "$\\alpha$-tuning \\emph{works}: 50\\%", gold: "Robustness", predicted: "Honest AI",
            confidence: 0.9, timesWrong: 5, repeats: 5 }] };
    expect(renderHtml(withErrors)).toContain(`<td class="title">α-tuning works: 50%</td>`);
    expect(renderMarkdown(withErrors)).toContain("| c0-0 | α-tuning works: 50% | Robustness |");
    // The report itself keeps the title as written.
    expect(report.predictions.find((p) => p.id === "c0-0")?.title).toBe("A paper on feedbacks $\\leftrightarrow$ \\emph{safety}");
  });
});

function prediction(i: number, confidence: number, extra: Partial<LabeledPrediction> = {}): LabeledPrediction {
  return {
    input: { id: `p${i}`, abstract: `abstract ${i} `.repeat(60), source: "dump.txt", line: i + 1 },
    id: `p${i}`,
    category: i % 2 === 0 ? CAT_AMP : CAT_IMG,
    confidence,
    runnerUp: CAT_SCRIPT,
    runnerUpConfidence: (1 - confidence) / 2,
    source: "model",
    needsReview: confidence < 0.5,
    reason: confidence < 0.5 ? "confidence below threshold" : "",
    terms: [{ term: "lie", weight: 1 }],
    outOfScope: false,
    ...extra,
  };
}

describe("predictions page", () => {
  it("keeps the least confident rows, in order, within the cap", () => {
    const collector = collectPredictions(5);
    const confidences = [0.9, 0.2, 0.5, 0.2, 0.99, 0.1, 0.7, 0.3, 0.6, 0.8, 0.4, 0.95];
    confidences.forEach((c, i) => collector.add(prediction(i, c)));
    const result = collector.result();
    expect(result.total).toBe(12);
    expect(result.rows.map((r) => r.confidence)).toEqual([0.1, 0.2, 0.2, 0.3, 0.4]);
    // Ties keep input order.
    expect(result.rows.slice(1, 3).map((r) => r.id)).toEqual(["p1", "p3"]);
    expect(result.needsReview).toBe(5);
    expect(result.perCategory).toEqual(new Map([[CAT_AMP, 6], [CAT_IMG, 6]]));
    // A compact record: the abstract is cut to an excerpt.
    expect(result.rows[0]!.excerpt.length).toBeLessThanOrEqual(220);

    const page = renderPredictionsPage(result, { inputs: ["dump.txt"], output: "out.csv" });
    expect(page).toContain("shows the 5 least confident of the 12 predictions");
    expect(page).toContain("out.csv");
    expect(page.match(/<tr data-c=/g)).toHaveLength(5);
    expect(page.match(/class="review"/g)).toHaveLength(5);
  });

  it("shows the abstract's LaTeX as text in the excerpt, and keeps the prediction's abstract as written", () => {
    const abstract = "We \\emph{probe} honesty $\\leftrightarrow$ deception with $\\alpha = 0.5$ on 50\\% of $x^2$ prompts.";
    const p = prediction(1, 0.3, { input: { id: "p1", abstract, source: "dump.txt", line: 2 } });
    const collector = collectPredictions();
    collector.add(p);
    const page = renderPredictionsPage(collector.result(), { inputs: ["dump.txt"] });
    expect(page).toContain(`<div class="excerpt">We probe honesty ↔ deception with α = 0.5 on 50% of x² prompts.</div>`);
    expect(p.input.abstract).toBe(abstract);
  });

  it("escapes ids, abstracts, categories, reasons, terms and file names", () => {
    const collector = collectPredictions();
    collector.add(
      prediction(1, 0.3, {
        id: `<img src=x onerror="window.__pwned=1">`,
        input: { id: "x", abstract: `<script>window.__pwned=2</script> & "abstract"`, source: `</script><b>file</b>.txt`, line: 3 },
        reason: `<b>low</b>`,
        terms: [{ term: `<svg onload="x">`, weight: 1 }],
        outOfScope: true,
      }),
    );
    collector.add(prediction(2, 1, { source: "known", matchedId: `r1"><script>`, needsReview: false, reason: "" }));
    const page = renderPredictionsPage(collector.result(), { inputs: [`<b>dump</b>.txt`], model: `m<script>.json` });
    const { rest, script } = withoutOurScripts(page);
    expect(page.match(/<script/g)).toHaveLength(1);
    expectOnlyOurMarkup(rest);
    expect(rest).toContain("&lt;script&gt;window.__pwned=2&lt;/script&gt; &amp; &quot;abstract&quot;");
    expect(rest).toContain(escapeHtml(CAT_AMP));
    expect(rest).toContain("out of scope");
    expect(rest).toContain(`known (same abstract as <code>r1&quot;&gt;&lt;script&gt;</code>)`);
    expect(script).not.toContain("innerHTML");
    expect(page).not.toContain("least confident of the");
  });
});
