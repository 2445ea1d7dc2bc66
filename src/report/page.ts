/**
 * The shell both HTML pages share: one self-contained file (inline CSS, inline script, no
 * network), so a report can be mailed, archived or opened from a file share and look the same.
 */
import { createHash } from "node:crypto";
import { escapeHtml } from "./escape.js";

export interface PageParts {
  title: string;
  /** Markup, already escaped by the caller. */
  body: string;
  /** Page-specific CSS appended to the shared rules. */
  css?: string;
  /** The page's one script (our code, never data). */
  script?: string;
}

/**
 * The Content-Security-Policy allows nothing from the network and only our own script, named by
 * its hash: escaping is the defence, and the policy is the second line should a renderer ever
 * forget it (an injected `<script>` or `onerror=` would not run).
 */
export function renderPage(parts: PageParts): string {
  const script = parts.script ?? "";
  const scriptHash = createHash("sha256").update(script, "utf8").digest("base64");
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'sha256-${scriptHash}'`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(parts.title)}</title>`,
    `<style>${BASE_CSS}${parts.css ?? ""}</style>`,
    "</head>",
    "<body>",
    parts.body,
    script === "" ? "" : `<script>${script}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

const BASE_CSS = `
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #0b5cad; --warn: #fff4d6; --bad: #b42318; --good: #1a7f37; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; ` +
  `color: var(--ink); margin: 0 auto; padding: 1.5rem 2rem 4rem; max-width: 1200px; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
p { margin: .4rem 0; }
.muted { color: var(--muted); }
.small { font-size: .85rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-weight: 600; background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f6f8fa; padding: 0 .25em; border-radius: 3px; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.chart { overflow-x: auto; }
.note { background: #f6f8fa; border-left: 3px solid var(--line); padding: .4rem .8rem; }
.table-scroll { overflow-x: auto; max-width: 100%; }
@media (max-width: 60rem) { body { padding: 1rem 1rem 3rem; } }
`;
