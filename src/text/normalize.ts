/** Every character is ASCII exactly when the UTF-8 form is one byte a character (Node counts that faster than a regular expression scans). */
export function isAscii(text: string): boolean {
  return Buffer.byteLength(text, "utf8") === text.length;
}

const WORD_CHARACTER = /[\p{L}\p{M}\p{N}]/u;

/**
 * A plain break: a character outside ASCII that is no part of a word (not a letter, mark or
 * digit), is its own NFKC form (alone and between letters, so it never composes with a
 * neighbour) and its own lower case. Dashes, typographic quotes, arrows and most symbols are;
 * U+2019 (’) too, although it joins words as an apostrophe does (see words.ts). Surrogates never are.
 */
function plainBreak(c: number): boolean {
  const ch = String.fromCharCode(c);
  return (c < 0xd800 || c > 0xdfff) && !WORD_CHARACTER.test(ch) && ch.normalize("NFKC") === ch &&
    `a${ch}a`.normalize("NFKC") === `a${ch}a` && ch.toLowerCase() === ch;
}

/**
 * What `plainBreak` answered, per UTF-16 code unit, kept by whoever reads many texts (a word
 * trie): the answer takes two normalisations, and texts repeat their few characters outside ASCII.
 */
export class PlainBreaks {
  /** 0 not yet asked, 1 a plain break, 2 not. */
  private readonly answers = new Uint8Array(0x10000);
  /** Each code unit outside ASCII, found by the pattern engine (three times faster than a loop over every code unit). */
  private readonly outside = /[^\x00-\x7f]/g;

  has(c: number): boolean {
    let k = this.answers[c]!;
    if (k === 0) this.answers[c] = k = plainBreak(c) ? 1 : 2;
    return k === 1;
  }

  /** Whether every character of `text` outside ASCII is a plain break: `isPlain(text)`. */
  allIn(text: string): boolean {
    const outside = this.outside;
    outside.lastIndex = 0;
    for (let m = outside.exec(text); m !== null; m = outside.exec(text)) if (!this.has(m[0].charCodeAt(0))) return false;
    return true;
  }
}

/**
 * Text whose every character is ASCII or a plain break (see above). Such a text is its own NFKC
 * form and has the same words as its lower case with spaces folded, as ASCII text has; so what
 * holds of ASCII abstracts for tokenizing (wordTrie.ts) and known abstracts (knownAbstracts.ts)
 * holds of it. Abstracts often have a dash or a typographic quote and nothing else outside ASCII.
 * `breaks` remembers the answers for characters outside ASCII; without it, each is worked out.
 */
export function isPlain(text: string, breaks?: PlainBreaks): boolean {
  if (isAscii(text)) return true;
  if (breaks) return breaks.allIn(text);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80 && !plainBreak(c)) return false;
  }
  return true;
}

/**
 * What needs folding: a white-space character other than " " (JavaScript's `\s` is exactly " " and
 * this class; test/fastPaths.test.ts checks every code point), or two spaces in a row. (A space
 * followed by other white space has the other white space; two checks scan faster than one
 * regular expression with an alternative.)
 */
const OTHER_SPACE = /[\t-\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** Unicode NFKC. ASCII text is already in NFKC, and most abstracts are ASCII, so they skip the work. */
export function nfkc(text: string): string {
  return isAscii(text) ? text : text.normalize("NFKC");
}

/**
 * Every run of whitespace as one space, trimmed. Most texts have single spaces only, and then
 * the replace (a new string per call, the slowest step of reading a large file) is skipped.
 */
export function foldSpace(text: string): string {
  return (OTHER_SPACE.test(text) || text.includes("  ") ? text.replace(/\s+/g, " ") : text).trim();
}

/**
 * The key under which two abstracts count as the same text: case, whitespace and
 * typographic variants folded. Used to recognise an abstract that is already labeled.
 */
export function abstractKey(abstract: string): string {
  return foldSpace(nfkc(abstract).toLowerCase());
}
