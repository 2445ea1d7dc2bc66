/**
 * The key under which two abstracts count as the same text: case, whitespace and
 * typographic variants folded. Used to recognise an abstract that is already labeled.
 */
export function abstractKey(abstract: string): string {
  return abstract.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}
