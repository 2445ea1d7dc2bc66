const NON_ASCII = /[^\x00-\x7f]/;

export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}
/**
 * What needs folding: a white-space character other than " " (JavaScript's `\s` is exactly " " and
 * this class; test/fastPaths.test.ts checks every code point), or two in a row.
 */
const SPACE_TO_FOLD = /[\t-\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]| \s/;

/** Unicode NFKC. ASCII text is already in NFKC, and most abstracts are ASCII, so they skip the work. */
export function nfkc(text: string): string {
  return isAscii(text) ? text : text.normalize("NFKC");
}

/**
 * Every run of whitespace as one space, trimmed. Most texts have single spaces only, and then
 * the replace (a new string per call, the slowest step of reading a large file) is skipped.
 */
export function foldSpace(text: string): string {
  return (SPACE_TO_FOLD.test(text) ? text.replace(/\s+/g, " ") : text).trim();
}

/**
 * The key under which two abstracts count as the same text: case, whitespace and
 * typographic variants folded. Used to recognise an abstract that is already labeled.
 */
export function abstractKey(abstract: string): string {
  return foldSpace(nfkc(abstract).toLowerCase());
}
