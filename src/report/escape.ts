import { EXIT, SafetagError } from "../errors.js";

/**
 * The only two ways data from the outside (titles and abstracts scraped from the web, category
 * names typed by people) may enter an HTML page. Every renderer in this folder goes through
 * them, so one review of this file covers the whole page.
 */

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Text safe as HTML (and inline SVG) element content and as a quoted attribute value, single or
 * double quoted. One function for both places, so a caller cannot pick the weaker one.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/**
 * JSON for a `<script type="application/json">` block. The HTML parser ends a script element at
 * the first `</script` whatever the JSON means, and `<!--` changes how it looks for that end, so
 * `<`, `>` and `&` become \u escapes (still the same JSON value). U+2028/U+2029 are escaped too:
 * they are valid in JSON strings but were line terminators in JavaScript before ES2019, which
 * matters if anyone pastes the block into a script.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A data block a page's script reads with `JSON.parse(el.textContent)`; `id` is ours, not data. */
export function jsonScriptBlock(id: string, value: unknown): string {
  if (!/^[a-z][a-z0-9-]*$/.test(id)) throw new SafetagError("E_INTERNAL", `jsonScriptBlock: bad id ${JSON.stringify(id)}`, { exitCode: EXIT.software });
  return `<script type="application/json" id="${id}">${jsonForScript(value)}</script>`;
}
