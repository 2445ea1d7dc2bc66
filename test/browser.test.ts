/**
 * The HTML pages in a real browser (Debian's chromium driven by playwright-core; never a
 * downloaded browser). The pages are made the way a user makes them, through the built CLI
 * (`npm test` builds dist/ first), from a fixture whose titles, abstracts and category names
 * carry markup that would run script if it were ever parsed as HTML: each payload sets
 * `window.__pwned`. One browser launch for the whole file; the machine has two cores. The last
 * part checks the layout at 800 px: nothing overflows the window, the matrix fits, and clicking a
 * cell brings its papers into view.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvaluationReport } from "../src/evaluation/report.js";
import { renderHtml } from "../src/report/html.js";
import { hostileReport } from "./fixtures/html/hostileReport.js";
import { tenCategoryReport } from "./fixtures/html/tenCategories.js";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = join(__dirname, "..");
const CLI = join(ROOT, "dist", "src", "cli", "main.js");
const FIXTURES = join(__dirname, "fixtures", "html");
const ARGS =
  ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"];

const run = promisify(execFile);
/** Ends a CLI run still going when the file ends (e.g. after a hook timeout), so none outlives the test. */
const stop = new AbortController();
const dir = mkdtempSync(join(tmpdir(), "safetag-browser-"));
let context: BrowserContext | undefined;

/**
 * Runs the built CLI in the temp folder (so the repository's taxonomy is not picked up).
 * Asynchronously: a synchronous child blocks the test worker, and on a loaded machine vitest then
 * reports a timeout talking to it ("Timeout calling onTaskUpdate") although every test passed.
 */
async function safetag(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, CI: "true" }, encoding: "utf8", signal: stop.signal });
  return stdout;
}

/** Opens a page and records what must not happen there: script errors, console errors (CSP violations land there). */
async function open(file: string): Promise<{ page: Page; problems: string[] }> {
  if (!context) throw new Error("browser not started");
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  // Nothing may be fetched: the pages are self-contained.
  page.on("request", (r) => {
    if (!r.url().startsWith("file://")) problems.push(`request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
  return { page, problems };
}

/** The markers of injected code: a payload that ran, or an element we never write. */
async function expectNothingInjected(page: Page): Promise<void> {
  expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
  expect(await page.locator("img, b, iframe, object, embed").count()).toBe(0);
  expect(await page.evaluate("document.scripts.length")).toBeLessThanOrEqual(2);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing, so the browser test cannot run. Install Debian's chromium with ` +
        "`apt-get update && apt-get install -y chromium` (or `bash .ci/setup`); the test never downloads a browser.",
    );
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build; npm test does it for you).`);
  // two repeats and no learning curve: the page is the same kind of page, made in seconds rather than minutes
  // (the learning-curve section is checked on the hand-built report below)
  await safetag(["eval", "--data", join(FIXTURES, "labeled.csv"), "--report-dir", join(dir, "eval"), "--repeats", "2", "--no-learning-curve", "--quiet"]);
  await safetag(["train", "--data", join(FIXTURES, "labeled.csv"), "--out", join(dir, "model.json"), "--quiet"]);
  await safetag(
    ["predict", "--model", join(dir, "model.json"), "--input", join(FIXTURES, "dump.txt"), "--output",
      join(dir, "predictions.csv"), "--html", join(dir, "predictions.html"), "--quiet"]);
  mkdirSync(join(dir, "hand-built"));
  writeFileSync(join(dir, "hand-built", "report.html"), renderHtml(hostileReport()));
  writeFileSync(join(dir, "hand-built", "ten.html"), renderHtml(tenCategoryReport()));
  context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
}, 300_000); // three CLI runs and a browser start, on a shared two-core machine

afterAll(async () => {
  stop.abort();
  await context?.close();
  console.log(`browser test pages and screenshots in ${dir}`);
});

describe("report.html written by `safetag eval`", () => {
  it("draws one heatmap cell per (true, predicted) pair with its count, lists a cell's papers on click, and runs no injected script", async () => {
    const report = JSON.parse(readFileSync(join(dir, "eval", "report.json"), "utf8")) as EvaluationReport;
    const { labels, counts } = report.confusion;
    expect(labels.some((l) => l.includes("<script>"))).toBe(true);
    const { page, problems } = await open(join(dir, "eval", "report.html"));

    const cells = page.locator(".heatmap .cell");
    expect(await cells.count()).toBe(labels.length * labels.length);
    const seen = await cells.evaluateAll((nodes) =>
      nodes.map((n) => [Number(n.getAttribute("data-t")), Number(n.getAttribute("data-p")), Number(n.querySelector(".count")?.textContent)]),
    );
    expect(new Set(seen.map(([t, p]) => `${t},${p}`)).size).toBe(labels.length * labels.length);
    for (const [t, p, shown] of seen) expect(shown, `cell ${t},${p}`).toBe(counts[t!]![p!]);

    // The paper with a <script> title: click the cell it fell in most and find its title as text.
    const hostile = report.predictions.find((q) => q.title.includes("<script>"));
    if (!hostile) throw new Error("fixture has no <script> title");
    const t = labels.indexOf(hostile.gold);
    const p = labels.indexOf(hostile.predicted);
    await page.locator(`.heatmap .cell[data-t="${t}"][data-p="${p}"]`).click();
    const rows = page.locator("#cell-papers tbody tr");
    const expectedIds = new Set(report.predictions.filter((q) => q.gold === hostile.gold && q.predicted === hostile.predicted).map((q) => q.id));
    expect(await rows.count()).toBe(expectedIds.size);
    const times = await page.locator("#cell-papers td.times").evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute("data-times"))));
    expect(times.reduce((a, b) => a + b, 0)).toBe(counts[t]![p]);
    expect(await page.locator("#cell-papers .cell-summary").getAttribute("data-total")).toBe(String(counts[t]![p]));
    expect(await page.locator("#cell-papers td.title").allTextContents()).toContain(hostile.title);
    expect(new Set(await page.locator("#cell-papers td.id").allTextContents())).toEqual(expectedIds);
    expect(await page.locator("#cell-papers td.true").first().textContent()).toBe(hostile.gold);

    // The biggest confusion, from the keyboard this time.
    let best = { t: 0, p: 1, n: -1 };
    counts.forEach((row, i) => row.forEach((n, j) => { if (i !== j && n > best.n) best = { t: i, p: j, n }; }));
    await page.locator(`.heatmap .cell[data-t="${best.t}"][data-p="${best.p}"]`).focus();
    await page.keyboard.press("Enter");
    expect(await page.locator("#cell-papers .cell-summary").getAttribute("data-total")).toBe(String(best.n));

    await expectNothingInjected(page);
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(dir, "report.png"), fullPage: true });
    await page.close();
  });

  it("renders every optional section of a hand-built report without errors or injected script", async () => {
    const { page, problems } = await open(join(dir, "hand-built", "report.html"));
    for (const id of ["calibration", "review", "learning-curve", "comparison", "label-errors", "terms", "out-of-scope"]) {
      expect(await page.locator(`section#${id}`).isVisible(), id).toBe(true);
    }
    await page.locator(".heatmap .cell").first().click();
    expect(await page.locator("#cell-papers .cell-summary").count()).toBe(1);
    await expectNothingInjected(page);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("predictions.html written by `safetag predict --html`", () => {
  it("lists predictions least confident first, highlights those to review, and filters by category", async () => {
    const csv = readFileSync(join(dir, "predictions.csv"), "utf8").trim().split("\n").length - 1;
    const { page, problems } = await open(join(dir, "predictions.html"));
    const rows = page.locator("table.predictions tbody tr");
    expect(await rows.count()).toBe(csv);

    const confidences = (await page.locator("table.predictions tbody tr td:nth-child(2)").allTextContents()).map(Number);
    expect(confidences).toEqual([...confidences].sort((a, b) => a - b));
    const review = page.locator("table.predictions tbody tr.review");
    expect(await review.count()).toBeGreaterThan(0);
    const background = await review.first().evaluate("(n) => getComputedStyle(n).backgroundColor");
    expect(background).not.toBe("rgba(0, 0, 0, 0)");
    expect(await page.locator("table.predictions .excerpt").allTextContents()).toContain(
      "<script>window.__pwned='dump'</script> Honest models avoid lies and deception; truthful answers.",
    );

    await page.screenshot({ path: join(dir, "predictions.png"), fullPage: true });

    // Filter on the first category: only its rows stay visible, and the count says so.
    const option = page.locator("#category-filter option").nth(1);
    const value = await option.getAttribute("value");
    await page.selectOption("#category-filter", value ?? "");
    const visible = await rows.evaluateAll((nodes) => nodes.filter((n) => !(n as unknown as { hidden: boolean }).hidden).map((n) => n.getAttribute("data-c")));
    expect(visible.length).toBeGreaterThan(0);
    expect(new Set(visible)).toEqual(new Set([value]));
    expect(await page.locator("#shown-count").textContent()).toBe(`${visible.length} shown`);
    await page.selectOption("#category-filter", "all");
    await page.locator("#review-filter").check();
    expect(await page.locator("table.predictions tbody tr:not([hidden])").count()).toBe(await review.count());

    await expectNothingInjected(page);
    expect(problems).toEqual([]);
    await page.close();
  });
});

const NARROW = { width: 800, height: 700 };

/**
 * What sticks out past the window's right edge: the document's scroll width, and every visible
 * element whose right edge is past `innerWidth`, unless it sits in a container that scrolls
 * sideways on purpose (overflow-x auto or scroll) and that container itself ends inside the window.
 * Plain JavaScript run in the page (this project's TypeScript has no DOM types).
 */
const OVERFLOW = `(() => {
  const limit = window.innerWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.getAttribute("class") ? "." + el.getAttribute("class").trim().split(/\\s+/).join(".") : "");
  const outside = [];
  for (const el of Array.from(document.body.querySelectorAll("*"))) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === "hidden" || box.right <= limit + 0.5) continue;
    let up = el.parentElement;
    let contained = false;
    while (up && up !== document.body) {
      const o = getComputedStyle(up).overflowX;
      if (o === "auto" || o === "scroll") { contained = up.getBoundingClientRect().right <= limit + 0.5; break; }
      up = up.parentElement;
    }
    if (!contained) outside.push(name(el) + " right edge " + Math.round(box.right));
  }
  return { scrollWidth: document.scrollingElement.scrollWidth, innerWidth: limit, outside: outside.slice(0, 10) };
})()`;

async function expectNoOverflow(page: Page, what: string): Promise<void> {
  const o = (await page.evaluate(OVERFLOW)) as { scrollWidth: number; innerWidth: number; outside: string[] };
  expect(o.innerWidth, what).toBe(page.viewportSize()?.width);
  expect(o.scrollWidth, `${what}: document wider than the window`).toBeLessThanOrEqual(o.innerWidth);
  expect(o.outside, `${what}: elements past the window's right edge`).toEqual([]);
}

/** The element's box against the window: [top, bottom, left, right] and the window's height. */
async function boxOf(page: Page, selector: string): Promise<{ top: number; bottom: number; left: number; right: number; height: number }> {
  return (await page.evaluate(
    `(() => { const b = ` +
      `document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect(); return { top: b.top, bottom: b.bottom, left: ` +
        `b.left, right: b.right, height: window.innerHeight }; })()`,
  )) as { top: number; bottom: number; left: number; right: number; height: number };
}

describe("both pages at 800 px", () => {
  const pages = [
    ["report.html from `safetag eval`", ["eval", "report.html"]],
    ["a hand-built report with markup in every name", ["hand-built", "report.html"]],
    ["a hand-built report with the ten real category names", ["hand-built", "ten.html"]],
    ["predictions.html from `safetag predict --html`", ["predictions.html"]],
  ] as const;

  it("let no element overflow the window, at 800 px and at 1280 px", async () => {
    for (const [what, path] of pages) {
      const { page, problems } = await open(join(dir, ...path));
      for (const width of [800, 1280]) {
        await page.setViewportSize({ width, height: NARROW.height });
        await expectNoOverflow(page, `${what} at ${width} px`);
      }
      await page.setViewportSize(NARROW);
      await page.screenshot({ path: join(dir, `${path.join("-").replace(".html", "")}-800.png`), fullPage: true });
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it("fit the ten-category matrix without scrolling, with no label cut off", async () => {
    const { page, problems } = await open(join(dir, "hand-built", "ten.html"));
    await page.setViewportSize(NARROW);
    const fit = (await page.evaluate(`(() => {
      const box = document.querySelector(".matrix-scroll");
      const svg = box.querySelector("svg.heatmap").getBoundingClientRect();
      const cut = Array.from(box.querySelectorAll("svg.heatmap text")).filter((t) => {
        const b = t.getBoundingClientRect();
        return b.left < svg.left - 0.5 || b.right > svg.right + 0.5 || b.top < svg.top - 0.5 || b.bottom > svg.bottom + 0.5;
      }).map((t) => t.textContent);
      return { scrollWidth: box.scrollWidth, clientWidth: box.clientWidth, svgRight: svg.right, cut };
    })()`)) as { scrollWidth: number; clientWidth: number; svgRight: number; cut: string[] };
    expect(fit.scrollWidth).toBeLessThanOrEqual(fit.clientWidth);
    expect(fit.svgRight).toBeLessThanOrEqual(NARROW.width);
    expect(fit.cut).toEqual([]);
    // The last column's label is whole ("Unlearnin" was the symptom).
    expect(await page.locator(".heatmap .col-label text").last().textContent()).toBe("Unlearning");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("scroll a clicked cell's papers into view, from the matrix and from a papers button", async () => {
    for (const path of [["eval", "report.html"], ["hand-built", "ten.html"]]) {
      const { page, problems } = await open(join(dir, ...path));
      await page.setViewportSize(NARROW);
      const cell = page.locator('.heatmap .cell[data-t="0"][data-p="0"]');
      // The cell at the bottom of the window: the panel, below the matrix at this width, is
      // off-screen before the click, so the test means something.
      await cell.evaluate("(n) => n.scrollIntoView({ block: 'end' })");
      expect((await boxOf(page, "#cell-papers")).top, path.join("/")).toBeGreaterThan(NARROW.height);
      await cell.click();
      expect(await page.locator("#cell-papers tbody tr").count()).toBeGreaterThan(0);
      const shown = await boxOf(page, "#cell-papers h3");
      expect(shown.top, path.join("/")).toBeGreaterThanOrEqual(0);
      expect(shown.bottom, path.join("/")).toBeLessThanOrEqual(shown.height);
      expect((await boxOf(page, "#cell-papers tbody tr")).bottom).toBeLessThanOrEqual(shown.height);

      // The "papers" buttons sit below the panel: clicking one scrolls back up to it.
      const button = page.locator("button.show-cell").first();
      await button.scrollIntoViewIfNeeded();
      await page.evaluate("window.scrollBy(0, 400)");
      expect((await boxOf(page, "#cell-papers h3")).bottom).toBeLessThan(0);
      await button.click();
      const again = await boxOf(page, "#cell-papers h3");
      expect(again.top).toBeGreaterThanOrEqual(0);
      expect(again.bottom).toBeLessThanOrEqual(again.height);
      const buttonCell = page.locator(`.heatmap .cell[data-t="${await button.getAttribute("data-t")}"][data-p="${await button.getAttribute("data-p")}"]`);
      expect(await page.locator("#cell-papers .cell-summary").getAttribute("data-total")).toBe(await buttonCell.getAttribute("data-count"));
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it("show LaTeX in titles and abstracts as text", async () => {
    const report = JSON.parse(readFileSync(join(dir, "eval", "report.json"), "utf8")) as EvaluationReport;
    const paper = report.predictions.find((q) => q.id === "i4");
    if (!paper) throw new Error("fixture has no i4");
    expect(paper.title).toBe("Attribution graphs $\\leftrightarrow$ \\emph{circuits}"); // report.json keeps it as written
    const { page, problems } = await open(join(dir, "eval", "report.html"));
    const { labels } = report.confusion;
    await page.locator(`.heatmap .cell[data-t="${labels.indexOf(paper.gold)}"][data-p="${labels.indexOf(paper.predicted)}"]`).click();
    expect(await page.locator("#cell-papers td.title").allTextContents()).toContain("Attribution graphs ↔ circuits");
    await page.close();

    const predictions = await open(join(dir, "predictions.html"));
    await predictions.page.setViewportSize(NARROW);
    const excerpts = await predictions.page.locator("table.predictions .excerpt").allTextContents();
    expect(excerpts).toContain("Probing ↔ steering: we measure honesty and deception with α = 0.5 on 50% of truthful answers.");
    expect(excerpts.join(" ")).not.toMatch(/\\(emph|leftrightarrow|alpha)/);
    expect([...problems, ...predictions.problems]).toEqual([]);
    await predictions.page.close();
  });

  it("keep the predictions page's abstracts on screen, and its filters working, at 800 px", async () => {
    const { page, problems } = await open(join(dir, "predictions.html"));
    await page.setViewportSize(NARROW);
    const excerpt = await boxOf(page, "table.predictions tbody tr .excerpt");
    expect(excerpt.left).toBeGreaterThanOrEqual(0);
    expect(excerpt.right).toBeLessThanOrEqual(NARROW.width);
    expect(excerpt.right - excerpt.left).toBeGreaterThan(NARROW.width / 2);
    // Hidden rows stay hidden in the narrow layout (a display rule must not bring them back).
    const value = await page.locator("#category-filter option").nth(1).getAttribute("value");
    await page.selectOption("#category-filter", value ?? "");
    const heights = await page.locator("table.predictions tbody tr").evaluateAll((nodes) =>
      nodes.map((n) => [n.getAttribute("data-c"), n.getBoundingClientRect().height] as [string | null, number]),
    );
    expect(heights.some(([c]) => c !== value)).toBe(true);
    for (const [c, height] of heights) expect(height > 0, `row of category ${c}`).toBe(c === value);
    await expectNoOverflow(page, "predictions.html filtered at 800 px");
    expect(problems).toEqual([]);
    await page.close();
  });
});
