/**
 * What a tokenizer has worked out per distinct word, found by walking a trie as the text is
 * scanned. Predicting spends much of its time turning words into term ids; a `Map` needs every
 * word cut out as a new string and hashed, which on a large dump cost more than all the scoring.
 * Here an ASCII text is copied once into bytes and each word is one step per letter through the
 * trie, with no string made unless the word was never seen (then `compute` works it out).
 *
 * Letters are folded to lower case in the trie, so this is for tokenizers that lower-case (what
 * a word becomes must depend on its lower-case form only). The words are exactly those of the
 * `wordsOf` given: the scan itself reads plain text (ASCII, with dashes, typographic quotes and
 * other plain breaks, see normalize.ts; LaTeX commands skipped), which is what almost every
 * abstract is, and hands any other text to `wordsOf`. In plain text every byte outside ASCII
 * belongs to a break, and U+2019 (’) between a word and a letter joins them as an apostrophe
 * does. test/fastPaths.test.ts checks both against the plain definitions on arbitrary text.
 */
import { PlainBreaks } from "./normalize.js";


/** Trie symbols per byte: 1-26 letters (either case), 27-36 digits, 0 for anything else. */
const SYMBOL = new Uint8Array(256);
const LETTER = new Uint8Array(256);
for (let c = 0; c < 26; c++) {
  SYMBOL[0x61 + c] = SYMBOL[0x41 + c] = 1 + c;
  LETTER[0x61 + c] = LETTER[0x41 + c] = 1;
}
for (let c = 0; c < 10; c++) SYMBOL[0x30 + c] = 27 + c;
/** An apostrophe inside a word ("model's"); a trie step, but not a word character by itself. */
const APOSTROPHE_SYMBOL = 37;
const ALPHABET = 38;
const APOSTROPHE = 0x27;
const BACKSLASH = 0x5c;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Longer texts are read by `wordsOf`, so the byte buffer stays small (3 bytes a character, at most). */
const MAX_SCANNED = 1 << 20;

/**
 * A copy of a word cut from a text that does not keep the whole text alive (V8 makes a long
 * slice a view into its source), so remembering words never means remembering abstracts.
 */
export function detached(word: string): string {
  return (" " + word).slice(1);
}

/** U+2019 (’) in UTF-8. */
const QUOTE_0 = 0xe2;
const QUOTE_1 = 0x80;
const QUOTE_2 = 0x99;

/** The width in bytes of an apostrophe (' or ’) at `i` that joins the word to the letter after it; 0 for none. */
function joinWidth(bytes: Uint8Array, i: number, n: number): number {
  const b = bytes[i];
  if (b === APOSTROPHE) return i + 1 < n && LETTER[bytes[i + 1]!] === 1 ? 1 : 0;
  if (b === QUOTE_0 && bytes[i + 1] === QUOTE_1 && bytes[i + 2] === QUOTE_2) return i + 3 < n && LETTER[bytes[i + 3]!] === 1 ? 3 : 0;
  return 0;
}

/** Index just past the word starting at `i`: letters and digits, then apostrophe-joined letter runs. */
function wordEnd(bytes: Uint8Array, i: number, n: number): number {
  while (i < n && SYMBOL[bytes[i]!] !== 0) i++;
  for (let w = joinWidth(bytes, i, n); w > 0; w = joinWidth(bytes, i, n)) for (i += w; i < n && LETTER[bytes[i]!] === 1; i++);
  return i;
}

export class WordTrie<T> {
  /** Children: next[node * ALPHABET + symbol], 0 for none (the root, node 0, is no one's child). */
  private next = new Int32Array(ALPHABET * 1024);
  private nodes = 1;
  /** What the word ending at a node becomes; undefined until worked out. */
  private values: (T | undefined)[] = [];
  private bytes = new Uint8Array(1 << 12);
  /** Words with other than ASCII letters, digits and apostrophes, met in non-ASCII texts. */
  private readonly others = new Map<string, T>();
  /** Which characters outside ASCII met so far are plain breaks. */
  private readonly breaks = new PlainBreaks();

  /**
   * @param compute what a word becomes, worked out once per distinct lower-case word
   * @param wordsOf the words of any text (for texts that are not ASCII)
   * @param maxNodes trie size; when full it starts afresh, so memory stays bounded on any dump (38 × 4 bytes a node)
   */
  constructor(
    private readonly compute: (word: string) => T,
    private readonly wordsOf: (text: string) => string[],
    readonly maxNodes = 1 << 17,
  ) {}

  /**
   * Appends to `out` what each word of `text` becomes, in order, leaving out `skip`. Says whether
   * the text was scanned as plain text (so `isPlain(text)` holds); false for any other text, and
   * for a text too long to copy, plain or not.
   */
  read(text: string, out: T[], skip: T): boolean {
    let n = -1;
    if (text.length <= MAX_SCANNED) {
      if (this.bytes.length < text.length * 3) this.bytes = new Uint8Array(text.length * 3);
      n = encoder.encodeInto(text, this.bytes).written;
    }
    const wide = n !== text.length; // one byte per character only when every character is ASCII
    if (wide && (n < 0 || !this.breaks.allIn(text))) { // not all ASCII: plain (isPlain) when the rest are plain breaks
      // other text, and a huge text (not copied), is read by wordsOf
      for (const w of this.wordsOf(text)) {
        const v = this.valueOf(w);
        if (v !== skip) out.push(v);
      }
      return false;
    }
    const bytes = this.bytes;
    let i = 0;
    while (i < n) {
      let s = SYMBOL[bytes[i]!]!;
      if (s === 0) {
        if (bytes[i++] === BACKSLASH) while (i < n && LETTER[bytes[i]!] === 1) i++; // a LaTeX command is markup, not a word
        continue;
      }
      // walk the trie as the word is scanned
      const begin = i;
      let node = 0;
      let lettersOnly = false; // after an apostrophe, only letters continue the word
      for (;;) {
        const at = node * ALPHABET + s;
        node = this.next[at] || this.grow(at);
        if (node < 0) break;
        s = ++i < n ? SYMBOL[bytes[i]!]! : 0;
        if (s !== 0 && !(lettersOnly && s > 26)) continue;
        const width = joinWidth(bytes, i, n);
        if (width === 0) break;
        i += width - 1;
        s = APOSTROPHE_SYMBOL;
        lettersOnly = true;
      }
      if (node < 0) {
        // the trie filled up mid-word: start it afresh with this word
        i = wordEnd(bytes, begin, n);
        this.reset();
        node = this.walk(bytes, begin, i);
      }
      const v = this.valueAt(node, wide ? undefined : text, begin, i);
      if (v !== skip) out.push(v);
    }
    return true;
  }

  /** The node of the word bytes[begin, end), added as needed; -1 when the trie is full. */
  private walk(bytes: Uint8Array, begin: number, end: number): number {
    let node = 0;
    for (let i = begin; i < end && node >= 0; i++) {
      const s = SYMBOL[bytes[i]!]!;
      if (bytes[i] === QUOTE_0) i += 2; // within a word, a byte outside ASCII starts a ’ (three bytes)
      const at = node * ALPHABET + (s === 0 ? APOSTROPHE_SYMBOL : s);
      node = this.next[at] || this.grow(at);
    }
    return node;
  }

  /**
   * What the word `text[begin, end)` becomes, given its node: remembered, or worked out now. A
   * node of -1 (a word longer than the whole trie) is worked out without being remembered.
   * Without `text`, the word is the scanned bytes [begin, end) (of a text not all ASCII).
   */
  private valueAt(node: number, text: string | undefined, begin: number, end: number): T {
    let v = node < 0 ? undefined : this.values[node];
    if (v === undefined) {
      v = this.compute(text === undefined ? decoder.decode(this.bytes.subarray(begin, end)) : detached(text.slice(begin, end)));
      if (node >= 0) this.values[node] = v;
    }
    return v;
  }

  /** What `word` (one word of `wordsOf`, so a whole word or none of it is ASCII letters, digits and apostrophes) becomes. */
  private valueOf(word: string): T {
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if (c >= 128 || (SYMBOL[c] === 0 && c !== APOSTROPHE)) return this.other(word);
    }
    let node = this.walkWord(word);
    if (node < 0) {
      this.reset();
      node = this.walkWord(word);
    }
    return this.valueAt(node, word, 0, word.length);
  }

  /** `walk` of a word given as a string (cheaper than copying each word of a non-ASCII text into bytes). */
  private walkWord(word: string): number {
    let node = 0;
    for (let i = 0; i < word.length && node >= 0; i++) {
      const c = word.charCodeAt(i);
      const at = node * ALPHABET + (c === APOSTROPHE ? APOSTROPHE_SYMBOL : SYMBOL[c]!);
      node = this.next[at] || this.grow(at);
    }
    return node;
  }

  /** A word with characters the trie does not hold. */
  private other(word: string): T {
    let v = this.others.get(word);
    if (v === undefined) {
      word = detached(word);
      v = this.compute(word);
      if (this.others.size >= this.maxNodes) this.others.clear();
      this.others.set(word, v);
    }
    return v;
  }

  /** A new child at `at`, or -1 when the trie is full. */
  private grow(at: number): number {
    if (this.nodes >= this.maxNodes) return -1;
    if ((this.nodes + 1) * ALPHABET > this.next.length) {
      const bigger = new Int32Array(Math.min(this.next.length * 2, this.maxNodes * ALPHABET));
      bigger.set(this.next);
      this.next = bigger;
    }
    return (this.next[at] = this.nodes++);
  }

  private reset(): void {
    this.next.fill(0);
    this.nodes = 1;
    this.values = [];
  }
}
