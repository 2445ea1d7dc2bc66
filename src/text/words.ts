/**
 * The words of a text: exactly the matches of `WORD_PATTERN` (a run of letters, marks and digits
 * of any script, then apostrophe-joined letter runs, so "model's" stays one word), found by a
 * hand-written scan over code points, which reads them about twice as fast as the regular expression
 * engine does with its Unicode property classes. The tokenizer reads here the texts that are not
 * plain (tokenize.ts reads ASCII text with a regular expression of its own, wordTrie.ts plain text
 * with a scan of its own); test/fastPaths.test.ts checks that the two agree on arbitrary text.
 */
export const WORD_PATTERN = /[\p{L}\p{M}\p{N}]+(?:['’]\p{L}+)*/gu;

const LETTER_MARK_NUMBER = /^[\p{L}\p{M}\p{N}]$/u;
const LETTER = /^\p{L}$/u;
const APOSTROPHE = 0x27;
const RIGHT_SINGLE_QUOTE = 0x2019;

/** Character classes of code points: bit 1 = letter, mark or number; bit 2 = letter. */
const WORD_CHAR = 1;
const LETTER_CHAR = 2;
/**
 * The classes of the code points below U+0800 (ASCII, and the Latin, Greek, Cyrillic, Hebrew and
 * Arabic letters), worked out at load: 2 ms, once. Above, the regular expression is asked each time.
 */
const NARROW = 0x800;
const narrow = new Uint8Array(NARROW);
for (let c = 0; c < NARROW; c++) {
  const ch = String.fromCharCode(c);
  narrow[c] = (LETTER_MARK_NUMBER.test(ch) ? WORD_CHAR : 0) | (LETTER.test(ch) ? LETTER_CHAR : 0);
}

/** Whether code point `cp` is of class `k` (one of the two). */
function isOf(cp: number, k: number): boolean {
  if (cp < NARROW) return (narrow[cp]! & k) !== 0;
  return (k === WORD_CHAR ? LETTER_MARK_NUMBER : LETTER).test(String.fromCodePoint(cp));
}

/** Index just past the run of code points of class `k` starting at `i`. */
function runEnd(text: string, i: number, k: number): number {
  const n = text.length;
  while (i < n) {
    const cp = text.codePointAt(i)!;
    if (!isOf(cp, k)) break;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

export function words(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const cp = text.codePointAt(i)!;
    if (!isOf(cp, WORD_CHAR)) {
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    let end = runEnd(text, i, WORD_CHAR);
    for (;;) {
      const a = text.charCodeAt(end);
      if (a !== APOSTROPHE && a !== RIGHT_SINGLE_QUOTE) break;
      const after = runEnd(text, end + 1, LETTER_CHAR);
      if (after === end + 1) break; // an apostrophe not followed by a letter ends the word before it
      end = after;
    }
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}
