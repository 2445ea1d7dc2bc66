/**
 * Text on its way to a person's terminal. Category names, titles and cells come from sheets and
 * model files that anyone may have written, and a terminal obeys what it is sent: an escape
 * sequence in a category name can clear the screen, recolour the rest of the output or retitle
 * the window, a carriage return can overwrite a line, and a bidirectional override or a
 * zero-width character can make two different names look the same. So every control character
 * (but the tab and the line feed the output itself uses), every invisible format character and
 * every line or paragraph separator is shown as an escape (`\x1B`, `\u202E`) instead.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, "gu");

/** `text` with its control and invisible characters made visible as escapes (see above); tab and line feed kept. */
export function visible(text: string): string {
  if (!HIDDEN.test(text)) return text;
  return text.replace(HIDDEN_ALL, (c) => (c === "\n" || c === "\t" ? c : escapeOf(c)));
}

/** `\x1B` for a character below U+0100, `\u202E` (or `\u{E0001}`) above. */
export function escapeOf(c: string): string {
  const cp = c.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase();
  return cp < 0x100 ? `\\x${hex.padStart(2, "0")}` : cp <= 0xffff ? `\\u${hex.padStart(4, "0")}` : `\\u{${hex}}`;
}

/** True when `text` holds a character `visible` would escape (tab and line feed aside). */
export function hasHidden(text: string): boolean {
  return visible(text) !== text;
}
