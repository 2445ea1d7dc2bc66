/**
 * An abstract's key (`abstractKey` in normalize.ts: NFKC, lower case, white space folded) made as
 * UTF-8 bytes in place, for whoever hashes many abstracts (a predict run hashes every one, to tell
 * repeats; training hashes every labeled row). Making the key as a string (a lower-cased copy,
 * then scans for white space) was most of that time.
 *
 * It reads plain text (ASCII, with plain breaks such as dashes and typographic quotes, see
 * normalize.ts), which is its own NFKC form and whose lower case changes ASCII letters only. Its
 * characters outside ASCII are kept as they are, so a text with white space outside ASCII
 * (U+2028, U+FEFF...) is left to `abstractKey`, as is any other text outside plain text.
 */
import { PlainBreaks } from "./normalize.js";

const encoder = new TextEncoder();
/** Whether a 32-bit word's first byte in memory is its lowest (as on x86 and ARM). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

export class KeyBytes {
  /** The key's bytes, and the same memory as 32-bit words (a length that is a multiple of 4). */
  private bytes = new Uint8Array(1 << 12);
  private words = new Int32Array(this.bytes.buffer);
  private readonly breaks = new PlainBreaks();
  /** Per UTF-16 code unit outside ASCII: 0 not yet asked, 1 kept as it is in a key (a plain break, not white space), 2 not. */
  private readonly kept = new Uint8Array(0x10000);
  /** Each code unit outside ASCII, found by the pattern engine (three times faster than a loop over the text's code units). */
  private readonly outside = /[^\x00-\x7f]/g;

  /**
   * The UTF-8 bytes of `abstractKey(text)`, or undefined for a text this does not read (see
   * above). The bytes are this object's buffer, valid until its next call.
   */
  of(text: string): Uint8Array | undefined {
    if (this.bytes.length < text.length * 3) this.grow(text.length * 3);
    const bytes = this.bytes;
    const n = encoder.encodeInto(text, bytes).written;
    if (n !== text.length && !this.keepsAll(text)) return undefined;
    const trimmed = n === 0 || (bytes[0] !== 0x20 && bytes[n - 1] !== 0x20);
    // most abstracts have single spaces only: letters lowered four at a time, and nothing to fold
    return bytes.subarray(0, trimmed && lowered(this.words, bytes, n) ? n : folded(bytes, n));
  }

  /** Whether every character of `text` outside ASCII is kept as it is in its key. */
  private keepsAll(text: string): boolean {
    const outside = this.outside;
    outside.lastIndex = 0;
    for (let m = outside.exec(text); m !== null; m = outside.exec(text)) {
      const c = m[0].charCodeAt(0);
      let k = this.kept[c]!;
      if (k === 0) this.kept[c] = k = this.breaks.has(c) && !/\s/.test(String.fromCharCode(c)) ? 1 : 2;
      if (k !== 1) return false;
    }
    return true;
  }

  private grow(length: number): void {
    this.bytes = new Uint8Array((length + 3) & ~3);
    this.words = new Int32Array(this.bytes.buffer);
  }
}

/**
 * The first `n` bytes (the same memory as `words`) with ASCII capitals lowered, four bytes a step:
 * in each byte of a word whose top bit is clear (ASCII; a byte of a character outside ASCII has
 * it set, and is left as it is), adding 0x80 - c sets the top bit exactly when the byte is at
 * least c, and no sum carries into the next byte. False, with the bytes lowered, when a byte is
 * below 0x20 (a tab, a line break or another control character) or two spaces meet, which folding
 * decides. (Shifting a word's flags by 8 bits moves each to the byte next to it in memory,
 * whichever the byte order.)
 */
function lowered(words: Int32Array, bytes: Uint8Array, n: number): boolean {
  const full = n >>> 2;
  let odd = 0; // the top bit of a byte below 0x20, or of a space after a space
  let before = 0; // the previous word's last byte's space flag
  for (let w = 0; w < full; w++) {
    const x = words[w]!;
    const ascii = ~x & 0x80808080;
    const low = x & 0x7f7f7f7f;
    const capitals = ((low + 0x3f3f3f3f) | 0) & ~((low + 0x25252525) | 0) & ascii; // from 0x41 (A) to 0x5a (Z)
    if (capitals !== 0) words[w] = x | (capitals >>> 2); // 0x20 more
    const blank = ~((low + 0x5f5f5f5f) | 0) & ascii; // bytes up to 0x20: a space, or below 0x20
    odd |= (~((low + 0x60606060) | 0) & ascii) | (blank & ((blank << 8) | before)); // one below 0x20, or two side by side
    before = LITTLE_ENDIAN ? blank >>> 24 : (blank & 0x80) << 24; // the last byte's flag where the next word's first byte has it
  }
  if (odd !== 0) return false;
  for (let i = full << 2; i < n; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || (b === 0x20 && i > 0 && bytes[i - 1] === 0x20)) return false;
    if (b >= 0x41 && b <= 0x5a) bytes[i] = b | 0x20;
  }
  return true;
}

/**
 * The first `n` bytes made a key in place: letters lowered, each run of white space (tab to
 * carriage return, and space: all of JavaScript's `\s` in ASCII) one space, none at either end.
 * Returns the key's length.
 */
function folded(bytes: Uint8Array, n: number): number {
  let k = 0;
  let space = false;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0x20 || (b >= 0x09 && b <= 0x0d)) {
      space = k > 0;
      continue;
    }
    if (space) {
      bytes[k++] = 0x20;
      space = false;
    }
    bytes[k++] = b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
  }
  return k;
}
