const NON_ASCII = /[^\x00-\x7f]/;

/** Unicode NFKC. ASCII text is already in NFKC, and most abstracts are ASCII, so they skip the work. */
export function nfkc(text: string): string {
  return NON_ASCII.test(text) ? text.normalize("NFKC") : text;
}

/**
 * The key under which two abstracts count as the same text: case, whitespace and
 * typographic variants folded. Used to recognise an abstract that is already labeled.
 */
export function abstractKey(abstract: string): string {
  return nfkc(abstract).toLowerCase().replace(/\s+/g, " ").trim();
}
