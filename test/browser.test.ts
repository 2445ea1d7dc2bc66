/**
 * The HTML pages in a real browser (Debian's chromium driven by playwright-core; never a
 * downloaded browser). The pages are made the way a user makes them, through the built CLI
 * (`npm test` builds dist/ first), from a fixture whose titles, abstracts and category names
 * carry markup that would run script if it were ever parsed as HTML: each payload sets
 * `window.__pwned`. One browser launch for the whole file; the machine has two cores.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvaluationReport } from "../src/evaluation/report.js";
import { renderHtml } from "../src/report/html.js";
import { hostileReport } from "./fixtures/html/hostileReport.js";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = join(__dirname, "..");
const CLI = join(ROOT, "dist", "src", "cli", "main.js");
const FIXTURES = join(__dirname, "fixtures", "html");
const ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"];

const dir = mkdtempSync(join(tmpdir(), "safetag-browser-"));
let context: BrowserContext | undefined;

/** Runs the built CLI in the temp folder (so the repository's taxonomy is not picked up). */
function safetag(args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, CI: "true" }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
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
  safetag(["eval", "--data", join(FIXTURES, "labeled.csv"), "--report-dir", join(dir, "eval"), "--repeats", "2", "--no-learning-curve", "--quiet"]);
  safetag(["train", "--data", join(FIXTURES, "labeled.csv"), "--out", join(dir, "model.json"), "--quiet"]);
  safetag(["predict", "--model", join(dir, "model.json"), "--input", join(FIXTURES, "dump.txt"), "--output", join(dir, "predictions.csv"), "--html", join(dir, "predictions.html"), "--quiet"]);
  mkdirSync(join(dir, "hand-built"));
  writeFileSync(join(dir, "hand-built", "report.html"), renderHtml(hostileReport()));
  context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
}, 120_000);

afterAll(async () => {
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
