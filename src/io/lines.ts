/**
 * The lines of a line-per-record input (an `Abstract:` dump, JSONL), a chunk's worth at a time,
 * decoded by the policy of decode.ts. A line ends at LF, CRLF or CR, as readline splits them.
 *
 * UTF-8 input, which is almost all input, is split into lines as bytes and each line is decoded
 * on its own: finding line ends is then a native byte search, and a line of ASCII becomes a
 * compact one-byte string even when its neighbours are not ASCII (decoding a whole chunk makes
 * every line of it as wide as its widest character), which the tokenizer reads faster. Whatever
 * that path does not take (UTF-16, a lone CR, a NUL, a byte that is not UTF-8, a cut-off
 * character) goes to the decoder of decode.ts from where it is met, so every answer, and every
 * refusal with its line and column, is the same as decoding the whole input as text.
 */
import { isUtf8 } from "node:buffer";
import { binaryKind, chunkBytes, concat, decodeStream, detectBom, InputDecoder } from "./decode.js";

export interface LineBatch {
  /** The 1-based number of the first line. */
  first: number;
  lines: string[];
}

const LF = 0x0a;
const CR = 0x0d;
const NOTHING: Uint8Array = new Uint8Array(0);

/** Splits decoded text into lines, a chunk's worth at a time; `first` is the number of its first line. */
export async function* splitLines(text: AsyncIterable<string>, first = 1): AsyncGenerator<LineBatch> {
  let n = first - 1;
  let rest = "";
  let skipLf = false;
  for await (let chunk of text) {
    if (skipLf && chunk.startsWith("\n")) chunk = chunk.slice(1);
    skipLf = false;
    const parts = (rest + chunk).split(/\r\n|\n|\r/);
    rest = parts.pop()!;
    // A CR at the very end may be the first half of a CRLF split across chunks.
    if (rest === "" && chunk.endsWith("\r")) skipLf = true;
    if (parts.length > 0) yield { first: n + 1, lines: parts };
    n += parts.length;
  }
  if (rest !== "") yield { first: n + 1, lines: [rest] };
}

/**
 * The lines of `bytes` (UTF-8, whole lines; the last may lack its LF when `final`), each decoded
 * on its own; undefined when the byte path cannot tell them exactly: a NUL, a CR that is not
 * part of a CRLF, or bytes that are not UTF-8.
 */
function utf8Lines(bytes: Uint8Array): string[] | undefined {
  if (bytes.indexOf(0) >= 0 || !isUtf8(bytes)) return undefined;
  for (let cr = bytes.indexOf(CR); cr >= 0; cr = bytes.indexOf(CR, cr + 1)) if (bytes[cr + 1] !== LF) return undefined;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const lines: string[] = [];
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(LF, start);
    if (end < 0) end = bytes.length;
    lines.push(buf.toString("utf8", start, end > start && bytes[end - 1] === CR ? end - 1 : end));
    start = end + 1;
  }
  return lines;
}

/** `first`, then the rest of `rest`. */
async function* prepend(first: readonly Uint8Array[], rest: AsyncIterator<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  for (const bytes of first) if (bytes.length > 0) yield bytes;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}

/** The lines of an input given as chunks of bytes (or strings, taken as UTF-8), a chunk's worth at a time (see above). */
export async function* decodeLines(chunks: AsyncIterable<Uint8Array | string>, file: string): AsyncGenerator<LineBatch> {
  const input = chunks[Symbol.asyncIterator]();
  let head: Uint8Array | undefined = NOTHING; // until the byte-order mark is known
  let carry = NOTHING; // the unfinished line
  let line = 1;
  let sniffed = NOTHING; // the first chunks, until four bytes: what the encoding was told from
  let markLength = 0; // of the UTF-8 byte-order mark, if any
  let consumed = 0; // bytes of the mark and of the lines handed on
  // Leaves the byte path: the decoder reads `from` and the rest of the input as text; from the
  // start when no line was handed on yet (given the first bytes as they came, so it sniffs what a
  // decoder of the whole input sniffs), else from this line.
  const toText = (from: Uint8Array) => {
    if (head !== undefined) return splitLines(decodeStream(prepend([head], input), file));
    if (line === 1) return splitLines(decodeStream(prepend([sniffed, from.subarray(sniffed.length - markLength)], input), file));
    return splitLines(decodeStream(prepend([from], input), file, InputDecoder.resumeUtf8(file, { line, bytesSeen: consumed, head: sniffed })), line);
  };
  for (let r = await input.next(); !r.done; r = await input.next()) {
    let bytes = chunkBytes(r.value);
    if (head !== undefined) {
      head = head.length === 0 ? bytes : concat(head, bytes); // the first chunk is not copied
      if (head.length < 4) continue;
      const bom = detectBom(head);
      if (bom?.encoding !== "utf-8" || binaryKind(head)) {
        yield* toText(head); // UTF-16, or refused as UTF-32 or as a gzip, zip, PDF... file
        return;
      }
      sniffed = head;
      markLength = consumed = bom.bomLength;
      bytes = head.subarray(bom.bomLength);
      head = undefined;
    }
    const all = carry.length > 0 ? concat(carry, bytes) : bytes;
    const last = all.lastIndexOf(LF);
    const lines = last < 0 ? [] : utf8Lines(all.subarray(0, last + 1));
    if (!lines) {
      yield* toText(all);
      return;
    }
    carry = all.slice(last + 1);
    if (lines.length === 0) continue;
    yield { first: line, lines };
    line += lines.length;
    consumed += last + 1;
  }
  if (head !== undefined) {
    yield* toText(head); // fewer than four bytes: the decoder says what they are (empty, a mark alone, a character or two)
    return;
  }
  if (carry.length === 0) return;
  const lines = utf8Lines(carry);
  if (lines) yield { first: line, lines };
  else yield* toText(carry);
}
