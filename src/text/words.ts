/**
 * The words of a text: exactly the matches of `WORD_PATTERN` (a run of letters, marks and digits
 * of any script, then apostrophe-joined letter runs, so "model's" stays one word), found by a
 * hand-written scan over code points. The regular expression engine is slow on Unicode property
 * classes and this scan is the hot path of both training and predicting; test/words.test.ts
 * checks that the two agree on arbitrary text.
 */
export const WORD_PATTERN = /[\p{L}\p{M}\p{N}]+(?:['’]\p{L}+)*/gu;

const LETTER_MARK_NUMBER = /^[\p{L}\p{M}\p{N}]$/u;
const LETTER = /^\p{L}$/u;
const APOSTROPHE = 0x27;
const RIGHT_SINGLE_QUOTE = 0x2019;

/** Character classes of code points: bit 1 = letter, mark or number; bit 2 = letter. */
const WORD_CHAR = 1;
const LETTER_CHAR = 2;
const ascii = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ascii[c] = (LETTER_MARK_NUMBER.test(ch) ? WORD_CHAR : 0) | (LETTER.test(ch) ? LETTER_CHAR : 0);
}
/** Non-ASCII code points seen so far; texts use few distinct ones, so this stays small. */
const wider = new Map<number, number>();

function classOf(cp: number): number {
  if (cp < 128) return ascii[cp]!;
  let k = wider.get(cp);
  if (k === undefined) {
    const ch = String.fromCodePoint(cp);
    k = (LETTER_MARK_NUMBER.test(ch) ? WORD_CHAR : 0) | (LETTER.test(ch) ? LETTER_CHAR : 0);
    wider.set(cp, k);
  }
  return k;
}

/** Index just past the run of code points of class `k` starting at `i`. */
function runEnd(text: string, i: number, k: number): number {
  const n = text.length;
  while (i < n) {
    const cp = text.codePointAt(i)!;
    if ((classOf(cp) & k) === 0) break;
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
    if ((classOf(cp) & WORD_CHAR) === 0) {
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
