/**
 * Every input safetag reads (labeled sheets, dumps, CSV/JSONL, taxonomy and model files, standard
 * input) is turned from bytes into text here, so every command answers a broken file the same way.
 * Inputs are pasted from spreadsheets and scraped from the web, so the policy is written down:
 *
 * - UTF-8, with or without a byte-order mark (the mark is dropped).
 * - UTF-16 LE or BE *with* a byte-order mark (what Excel's "Unicode text" writes): decoded.
 * - UTF-32, and bytes that are not valid UTF-8 (a Latin-1 or Windows-1252 export, a binary file):
 *   refused, naming the line and column of the first bad byte. We never guess an encoding, since a
 *   wrong guess changes words silently.
 * - NUL characters: refused with their line and column. A spreadsheet never writes them; they mean
 *   UTF-16 without a byte-order mark, a binary file, or a corrupted download, and stripping them
 *   would hide that.
 * - An empty file (no bytes, or only a byte-order mark): refused.
 * - A file whose first bytes say it is not text at all (gzip, zip, an Excel workbook, PDF): refused
 *   at once with what it is (`binaryKind`), and a file that merely looks binary (many control
 *   bytes) is called binary when its first bad byte or NUL is met, not "probably Latin-1".
 *
 * Streams are decoded chunk by chunk (a dump of any size is never held whole), with the same answers.
 */
import { readFileSync, statSync } from "node:fs";
import { TextDecoder } from "node:util";
import type { InputProblem } from "../domain.js";
import { EXIT, SafetagError } from "../errors.js";

export type Encoding = "utf-8" | "utf-16le" | "utf-16be";

/** Whole-file reads stop here: far above any labeled sheet, below V8's longest string. */
export const MAX_TEXT_BYTES = 256 * 1024 * 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const SAVE_AS_UTF8 = "save the file as UTF-8 (in Excel: Save As > \"CSV UTF-8\"; in a text editor: Save with encoding UTF-8)";

/** The encoding a file's first bytes announce, and how many bytes the mark takes; undefined for UTF-32. */
export function detectBom(head: Uint8Array): { encoding: Encoding; bomLength: number } | undefined {
  const [a, b, c, d] = head;
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return undefined; // UTF-32 LE
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return undefined; // UTF-32 BE
  if (a === UTF8_BOM[0] && b === UTF8_BOM[1] && c === UTF8_BOM[2]) return { encoding: "utf-8", bomLength: 3 };
  if (a === 0xff && b === 0xfe) return { encoding: "utf-16le", bomLength: 2 };
  if (a === 0xfe && b === 0xff) return { encoding: "utf-16be", bomLength: 2 };
  return { encoding: "utf-8", bomLength: 0 };
}

/**
 * Length of the well-formed UTF-8 prefix of `bytes` (Unicode Table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF), so a refusal can say where the first bad byte is.
 * A sequence cut off by the end of `bytes` counts as bad.
 */
export function validUtf8Prefix(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < lo || c > hi) return i;
      lo = 0x80;
      hi = 0xbf;
    }
    i += need + 1;
  }
  return n;
}

/** How many bytes at the end of a valid chunk start a character the next chunk completes. */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if (b < 0x80) return 0;
    if (b >= 0xc0) {
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return length > back ? back : 0;
    }
  }
  return 0;
}

/** What a file that is not text is, and what to do about it. */
export interface BinaryKind {
  /** "a gzip file", "an Excel workbook", ...: what the message says the file is. */
  what: string;
  hint: string;
}

const EXPORT_CSV = 'export it as CSV (in Excel: Save As > "CSV UTF-8"; in LibreOffice: Save As > Text CSV, UTF-8) and give safetag the CSV';

/**
 * The kind of a file that is not text, from its first bytes (magic numbers); undefined for
 * anything that may be text. An .xlsx (or .ods) is a zip archive, told apart by the names of its
 * parts, which stand unencrypted in the first bytes.
 */
export function binaryKind(head: Uint8Array): BinaryKind | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b)) return { what: "a gzip file (compressed), not text",
    hint: "decompress it first (`gunzip -k FILE`) and give safetag the file inside" };
  if (isZip(head)) {
    const names = zipNames(head);
    if (names.includes("xl/")) return { what: "an Excel workbook (.xlsx), not text",
      hint: `an Excel workbook: ingest, train --data and predict --input read it as it is (predict without --input-format, or ` +
        `with xlsx); elsewhere, ${EXPORT_CSV}` };
    if (names.includes("opendocument.spreadsheet")) return { what: "an OpenDocument spreadsheet (.ods), not text", hint: `a spreadsheet: ${EXPORT_CSV}` };
    return { what: "a zip archive, not text",
      hint: "unpack it first (`unzip FILE`) and give safetag the text or CSV files inside; an Excel workbook must be exported as CSV" };
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) return { what: "an old-style Office file (an Excel .xls workbook, say), not text",
    hint: `an Excel workbook: ${EXPORT_CSV}` };
  if (starts(0x25, 0x50, 0x44, 0x46)) return { what: "a PDF document, not text",
    hint: "safetag reads text: copy the abstracts out (`pdftotext FILE`), or export the table as CSV" };
  return undefined;
}

function isZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && [0x0304, 0x0506, 0x0708].includes((head[2]! << 8) | head[3]!);
}

/** The first 64 KiB as Latin-1: a zip archive's first part names stand there unencrypted. */
function zipNames(head: Uint8Array): string {
  return Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 64 * 1024)).toString("latin1");
}

/**
 * Whether the first bytes are an Excel workbook's (.xlsx, .xlsm: a zip archive with parts under
 * `xl/`), which ingest, train and predict read as a workbook (ingest/workbook.ts) rather than as text.
 */
export function isXlsxHead(head: Uint8Array): boolean {
  return isZip(head) && zipNames(head).includes("xl/");
}

/**
 * Bytes that no text file has: C0 controls other than tab, line ends, form feed and escape, and
 * DEL. Many of them among the first bytes mean a binary file.
 */
function controlShare(sample: Uint8Array): number {
  let n = 0;
  for (const b of sample) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) || b === 0x7f) n++;
  return sample.length === 0 ? 0 : n / sample.length;
}

const BINARY_HINT =
  "this looks like a binary file, not text (an image, a program, a compressed or damaged file?); give safetag the text, CSV or JSONL file instead";

/** `0xE9 0x74`: how a bad byte is shown, after the text before it on its line. */
function hexBytes(bytes: Uint8Array): string {
  return [...bytes].map((b) => `0x${b.toString(16).toUpperCase().padStart(2, "0")}`).join(" ");
}

/**
 * Decodes one input incrementally: `push` each chunk of bytes, then `end`. Both return the text
 * decoded so far and throw a SafetagError (exit 65) naming the file, line and column of the first
 * problem. Lines and columns are counted in the decoded text (columns in UTF-16 units, as editors show them).
 */
export class InputDecoder {
  private head: Uint8Array | undefined = new Uint8Array(0);
  private encoding: Encoding = "utf-8";
  private decoder: TextDecoder | undefined;
  /** Bytes of a UTF-8 character still to be completed by the next chunk. */
  private pending = new Uint8Array(0);
  private bytesSeen = 0;
  private textSeen = false;
  private line = 1;
  /** UTF-16 units of the current line decoded so far. */
  private column = 0;
  /** The end of the current line, to quote beside a bad byte. */
  private lineTail = "";
  /** The first bytes look like UTF-16 without a mark: NULs in every other byte. */
  private headUtf16 = false;
  /** The first bytes look binary: many control bytes. */
  private headBinary = false;

  constructor(readonly file: string) {}

  /**
   * A decoder for the rest of a UTF-8 input whose first `bytesSeen` bytes (the mark, if any, and
   * `line - 1` whole lines) were read elsewhere (see io/lines.ts), so its answers name the same
   * lines and columns, with the same hints, as a decoder that read it all. `head` is what a
   * decoder would have sniffed the encoding from: the first chunks, until four bytes or more.
   */
  static resumeUtf8(file: string, at: { line: number; bytesSeen: number; head: Uint8Array }): InputDecoder {
    const d = new InputDecoder(file);
    d.head = undefined;
    d.line = at.line;
    d.bytesSeen = at.bytesSeen;
    d.textSeen = at.line > 1;
    d.sampleHead(at.head);
    return d;
  }

  /**
   * What the first bytes (`head`: what was read before the encoding was known) say, for the hint
   * beside a NUL or a bad byte: UTF-16 without a mark (ASCII text in it has a NUL in every other
   * byte, and none between), or binary.
   */
  private sampleHead(head: Uint8Array): void {
    const sample = head.subarray(0, 512);
    const nuls = [0, 0];
    sample.forEach((b, i) => {
      if (b === 0) nuls[i % 2]!++;
    });
    const half = sample.length / 2;
    this.headUtf16 = half > 0 && Math.max(nuls[0]!, nuls[1]!) > 0.3 * half && Math.min(nuls[0]!, nuls[1]!) < 0.05 * half;
    this.headBinary = !this.headUtf16 && controlShare(sample) > 0.05;
  }

  push(chunk: Uint8Array): string {
    if (chunk.length === 0) return "";
    this.bytesSeen += chunk.length;
    if (this.head !== undefined) {
      this.head = this.head.length === 0 ? chunk : concat(this.head, chunk); // a whole file is one chunk: not copied
      if (this.head.length < 4) return "";
      return this.start(this.head, false);
    }
    return this.decode(chunk, false);
  }

  end(): string {
    let text = "";
    if (this.head !== undefined) text = this.start(this.head, true);
    else text = this.decode(new Uint8Array(0), true);
    if (!this.textSeen && text === "") {
      throw problem(
        "E_EMPTY_INPUT",
        { file: this.file, message: this.bytesSeen === 0 ? "the file is empty" : "the file holds only a byte-order mark" },
        "check that this is the file you meant, and that it was saved completely",
      );
    }
    return text;
  }

  private start(head: Uint8Array, final: boolean): string {
    this.head = undefined;
    const bom = detectBom(head);
    if (!bom) {
      throw problem("E_ENCODING",
        { file: this.file, line: 1, column: "1", value: hexBytes(head.subarray(0, 4)),
          message: "the file is UTF-32, which safetag does not read" }, SAVE_AS_UTF8);
    }
    const kind = binaryKind(head);
    if (kind) throw problem("E_BINARY_INPUT",
      { file: this.file, line: 1, column: "1", value: hexBytes(head.subarray(0, 4)), message: `this is ${kind.what}` }, kind.hint);
    this.encoding = bom.encoding;
    this.sampleHead(head);
    if (bom.encoding !== "utf-8") this.decoder = new TextDecoder(bom.encoding, { fatal: true, ignoreBOM: true });
    return this.decode(head.subarray(bom.bomLength), final);
  }

  private decode(chunk: Uint8Array, final: boolean): string {
    return this.encoding === "utf-8" ? this.decodeUtf8(chunk, final) : this.decodeUtf16(chunk, final);
  }

  /** Validates before decoding (a JS scan only when the native check fails), so a bad byte is found exactly. */
  private decodeUtf8(chunk: Uint8Array, final: boolean): string {
    const bytes = this.pending.length > 0 ? concat(this.pending, chunk) : chunk;
    const tail = final ? 0 : incompleteTail(bytes);
    const whole = bytes.subarray(0, bytes.length - tail);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(whole);
    } catch {
      const good = validUtf8Prefix(whole);
      this.emit(new TextDecoder("utf-8", { ignoreBOM: true }).decode(whole.subarray(0, good))); // a NUL before the bad byte comes first
      let end = good + 1;
      while (end < whole.length && end < good + 4 && whole[end]! >= 0x80 && whole[end]! < 0xc0) end++;
      const bad = whole.subarray(good, end);
      const cutOff = final && good < whole.length && incompleteTail(whole) === whole.length - good;
      throw problem(
        "E_ENCODING",
        {
          file: this.file,
          line: this.line,
          column: String(this.column + 1),
          value: `${this.lineTail}<${hexBytes(bad)}>`,
          message: cutOff ? "the file ends in the middle of a character (it may be truncated)"
            : `not valid UTF-8 (byte ${this.bytesBefore(bytes, good)} of the file)`,
        },
        cutOff ? "check that the file was saved or downloaded completely" : this.headBinary ? BINARY_HINT
          : `the file is probably Latin-1 or Windows-1252; ${SAVE_AS_UTF8}`,
      );
    }
    this.pending = bytes.slice(bytes.length - tail);
    return this.emit(text);
  }

  /** 1-based offset in the file of `index` within `bytes` (which ends with the bytes seen so far). */
  private bytesBefore(bytes: Uint8Array, index: number): number {
    return this.bytesSeen - bytes.length + index + 1;
  }

  private decodeUtf16(chunk: Uint8Array, final: boolean): string {
    let text: string;
    try {
      text = this.decoder!.decode(chunk, { stream: !final });
    } catch {
      throw problem(
        "E_ENCODING",
        {
          file: this.file,
          line: this.line,
          column: String(this.column + 1),
          message: final
            ? `not valid ${this.encoding.toUpperCase()} (the file ends in the middle of a ` +
              `character)` : `not valid ${this.encoding.toUpperCase()} (a lone surrogate)`,
        },
        SAVE_AS_UTF8,
      );
    }
    return this.emit(text);
  }

  private emit(text: string): string {
    const nul = text.indexOf("\0");
    if (nul >= 0) {
      this.advance(text.slice(0, nul));
      const utf16 = this.encoding === "utf-8" && this.headUtf16;
      throw problem(
        "E_NUL_BYTE",
        { file: this.file, line: this.line, column: String(this.column + 1),
          value: text.slice(Math.max(0, nul - 20), nul + 1), message: "NUL character in the text" },
        utf16
          ? `the file looks like UTF-16 without a byte-order mark; ${SAVE_AS_UTF8}`
          : this.headBinary && this.encoding === "utf-8" ? BINARY_HINT
          : "a text file has no NUL characters; the file may be binary or damaged. Remove them (e.g. `tr -d '\\000' < in > out`) if the rest is right",
      );
    }
    this.advance(text);
    if (text !== "") this.textSeen = true;
    return text;
  }

  private advance(text: string): void {
    let at = text.indexOf("\n");
    this.lineTail = (at < 0 ? this.lineTail + text.slice(-40) : text.slice(text.lastIndexOf("\n") + 1)).slice(-40);
    if (at < 0) {
      this.column += text.length;
      return;
    }
    let last = at;
    while (at >= 0) {
      this.line++;
      last = at;
      at = text.indexOf("\n", at + 1);
    }
    this.column = text.length - last - 1;
  }
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The message names the file; the one problem under it gives the line, column, value and hint. */
function problem(code: string, p: Omit<InputProblem, "code" | "hint">, hint: string): SafetagError {
  return new SafetagError(code, `${p.file}: ${p.message}`, { exitCode: EXIT.dataError, problems: [{ code, ...p, hint }] });
}

/** A whole file's bytes as text, by the policy above. */
export function decodeText(bytes: Uint8Array, file: string): string {
  const d = new InputDecoder(file);
  return d.push(bytes) + d.end();
}

/** A chunk of input as bytes: strings (tests, already-decoded input) as UTF-8. */
export function chunkBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
}

/** Decodes a stream of byte (or already-decoded string) chunks as it comes, by the policy above (`d` may be a resumed decoder). */
export async function* decodeStream(chunks: AsyncIterable<Uint8Array | string>, file: string, d = new InputDecoder(file)): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    const text = d.push(chunkBytes(chunk));
    if (text !== "") yield text;
  }
  const rest = d.end();
  if (rest !== "") yield rest;
}

/** The first bytes of an input as text, leniently, to guess its format; the reader then decodes strictly. */
export function sniffText(head: Uint8Array): string {
  const bom = detectBom(head);
  if (!bom) return "";
  const text = new TextDecoder(bom.encoding, { ignoreBOM: true }).decode(head.subarray(bom.bomLength));
  return text.replace(/\uFFFD$/, ""); // a character cut off by the end of the sample
}

/**
 * A whole input file as text, by the policy above. A missing or unreadable file is exit 66
 * (`what` names it in the message: "the labeled file", "the model file").
 */
export function readTextFile(path: string, what = "the file"): string {
  return decodeText(readInputBytes(path, what), path);
}

/** A whole input file's bytes, at most MAX_TEXT_BYTES of them; a missing or unreadable file is exit 66 (see readTextFile). */
export function readInputBytes(path: string, what = "the file"): Buffer {
  try {
    const size = statSync(path).size;
    if (size > MAX_TEXT_BYTES) {
      throw new SafetagError("E_INPUT_TOO_LARGE",
        `${path}: ${what} is ${(size / 2 ** 20).toFixed(0)} MiB; safetag reads at most ${MAX_TEXT_BYTES / 2 ** 20} MiB of it at once`, {
        exitCode: EXIT.dataError,
        hint: "split the file; `safetag predict` streams dumps of any size",
      });
    }
    return readFileSync(path);
  } catch (e) {
    if (e instanceof SafetagError) throw e;
    throw cannotRead(path, what, e);
  }
}

/** Exit 66: the input is missing, a folder, or not ours to read. */
export function cannotRead(path: string, what: string, e: unknown): SafetagError {
  const code = (e as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOENT: "no such file",
    EISDIR: "it is a folder, not a file",
    ENOTDIR: "a part of the path is a file, not a folder",
    EACCES: "permission denied",
    EPERM: "permission denied",
  };
  return new SafetagError("E_NO_INPUT", `${path}: cannot read ${what} (${(code && why[code]) ?? code ?? (e as Error).message})`, {
    exitCode: EXIT.noInput,
    hint: code === "ENOENT" ||
      code === "ENOTDIR" ? `check the path; it is relative to the current folder (${process.cwd()})` : "check the path and that you may read the file",
  });
}
