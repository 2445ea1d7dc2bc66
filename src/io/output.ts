/**
 * Every output safetag writes goes through here, so every command knows the same things about
 * what a path may be, and what it may replace:
 *
 * - `-`, `/dev/stdout`, `/dev/stderr` (and `/dev/fd/1`, `/dev/fd/2`): the command's standard output
 *   or error, written as a stream.
 * - a regular file, or a path where there is nothing yet: written beside it under a temporary
 *   name and renamed into place (atomic.ts), so it is the old file or the whole new one.
 * - a symbolic link to a regular file: the target is replaced that way; the link stays a link.
 * - a character device (`/dev/null`) or a pipe (a FIFO, `>(...)`): written directly, never
 *   replaced, since renaming a file over `/dev/null` replaces the machine's `/dev/null`.
 *
 * Anything else (a folder, a block device, a socket, a link to nothing) is refused with E_WRITE,
 * and so is every failure while writing (a full disk): one error, exit 73, no temporary file left.
 */
import { accessSync, closeSync, constants, createWriteStream, lstatSync, openSync, realpathSync, statSync, writeFileSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Writable } from "node:stream";
import { SafetagError } from "../errors.js";
import { assertCanCreate, cannotWrite, failureNote, notRegular, openAtomicStream, writeFileAtomic } from "./atomic.js";

/** The command's own standard streams (the CLI passes its context; the core has none). */
export interface StandardStreams {
  stdout: Writable;
  stderr: Writable;
}

export type OutputTarget =
  /** A standard stream of the command. */
  | { kind: "standard"; stream: "stdout" | "stderr" }
  /** The regular file to replace (a symbolic link's target), or where to create one. */
  | { kind: "file"; path: string }
  /** A character device or a pipe, written as it is. */
  | { kind: "direct"; path: string };

const STANDARD: ReadonlyMap<string, "stdout" | "stderr"> = new Map([
  ["-", "stdout"],
  ["/dev/stdout", "stdout"],
  ["/dev/fd/1", "stdout"],
  ["/proc/self/fd/1", "stdout"],
  ["/dev/stderr", "stderr"],
  ["/dev/fd/2", "stderr"],
  ["/proc/self/fd/2", "stderr"],
]);

/** What writing to `path` means (see above); throws E_WRITE for a path that no output may be. */
export function outputTarget(path: string): OutputTarget {
  const standard = STANDARD.get(path);
  if (standard) return { kind: "standard", stream: standard };
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return { kind: "file", path }; // nothing there yet (a folder that cannot be made is answered when writing)
  }
  if (st.isSymbolicLink()) {
    let target: Stats;
    try {
      target = statSync(path);
    } catch {
      throw notRegular(path, "a symbolic link to nothing", "write to a regular file, or make the link point at one");
    }
    if (target.isFile()) return { kind: "file", path: realpathSync(path) };
    st = target;
  }
  if (st.isFile()) return { kind: "file", path };
  if (st.isCharacterDevice() || st.isFIFO()) return { kind: "direct", path };
  if (st.isDirectory()) throw cannotWrite(path, { code: "EISDIR" });
  throw notRegular(path, st.isBlockDevice() ? "a block device" : st.isSocket() ? "a socket" : "not a regular file");
}

/** Where the output goes, in words: "standard output", or the path. */
export function outputName(path: string): string {
  const standard = STANDARD.get(path);
  return standard === "stdout" ? "standard output" : standard === "stderr" ? "standard error" : path;
}

function standardStream(path: string, which: "stdout" | "stderr", std: StandardStreams | undefined): Writable {
  if (!std) throw notRegular(path, `standard ${which === "stdout" ? "output" : "error"} is not a file`, "give a file name");
  return std[which];
}

/** Fails fast (before any long work) when `path` cannot be written. A device or a pipe is not opened: a pipe would wait for its reader. */
export function assertWritable(path: string): void {
  const target = outputTarget(path);
  if (target.kind === "file") assertCanCreate(target.path);
  else if (target.kind === "direct") {
    try {
      accessSync(target.path, constants.W_OK);
    } catch (e) {
      throw cannotWrite(path, e);
    }
  }
}

/** Opens a device or pipe for writing without ever creating or replacing a file (no O_CREAT: one that vanished is an error). */
function openDirect(path: string): number {
  try {
    return openSync(path, constants.O_WRONLY | constants.O_NOCTTY);
  } catch (e) {
    throw cannotWrite(path, e);
  }
}

/** Writes `content` as the output `path` (see above for what that may be). */
export function writeOutput(path: string, content: string, std?: StandardStreams): void {
  const target = outputTarget(path);
  switch (target.kind) {
    case "standard":
      standardStream(path, target.stream, std).write(content);
      return;
    case "file":
      writeFileAtomic(target.path, content);
      return;
    case "direct": {
      const fd = openDirect(target.path);
      try {
        writeFileSync(fd, content);
      } catch (e) {
        throw cannotWrite(path, e);
      } finally {
        closeSync(fd);
      }
    }
  }
}

/** An output written as a stream: `commit()` completes it (a file is renamed into place), `abort()` throws it away. */
export interface OutputSink {
  stream: Writable;
  /** The stream's first failure (a full disk), as E_WRITE naming the output; undefined while it writes well. */
  readonly failure: SafetagError | undefined;
  commit(): Promise<void>;
  abort(): void;
}

export function openOutput(path: string, std?: StandardStreams): OutputSink {
  const target = outputTarget(path);
  if (target.kind === "file") return openAtomicStream(target.path);
  if (target.kind === "standard") return standardSink(path, standardStream(path, target.stream, std));
  return directSink(path, openDirect(target.path));
}

/** Our standard output is not ours to end; its failure is noted (and, in a process, answered by the CLI). */
function standardSink(path: string, stream: Writable): OutputSink {
  const note = failureNote(stream, outputName(path));
  return {
    stream,
    get failure() {
      return note.failure();
    },
    commit: async () => {
      note.stop();
      const f = note.failure();
      if (f) throw f;
    },
    abort: () => note.stop(),
  };
}

function directSink(path: string, fd: number): OutputSink {
  const stream = createWriteStream(path, { fd, encoding: "utf8" });
  const note = failureNote(stream, path);
  return {
    stream,
    get failure() {
      return note.failure();
    },
    commit: () =>
      new Promise((resolve, reject) => {
        if (note.error !== undefined) {
          stream.destroy();
          return reject(note.failure());
        }
        stream.end((e?: Error | null) => (e || note.error !== undefined ? reject(cannotWrite(path, e ?? note.error)) : resolve()));
      }),
    abort: () => void stream.destroy(),
  };
}

/**
 * What identifies the file at `path` for comparing outputs with inputs: its real path (symbolic
 * links, `./x` and `x`, a linked folder), the real path of the folder it would be created in when
 * it does not exist yet, and the device and inode when it exists (a hard link).
 */
export function fileIdentity(path: string): { real: string; inode?: string } {
  let inode: string | undefined;
  try {
    const st = statSync(path);
    inode = `${st.dev}:${st.ino}`;
  } catch {
    // not there yet
  }
  return { real: realPath(path), ...(inode ? { inode } : {}) };
}

export function sameFile(a: { real: string; inode?: string }, b: { real: string; inode?: string }): boolean {
  return a.real === b.real || (a.inode !== undefined && a.inode === b.inode);
}

function realPath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    // not there yet: the real folder it would be in, and its name
  }
  const parent = dirname(abs);
  return parent === abs ? abs : join(realPath(parent), basename(abs));
}
