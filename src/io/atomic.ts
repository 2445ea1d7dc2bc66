import { closeSync, createWriteStream, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync,
  writeFileSync, type WriteStream } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, basename, join } from "node:path";
import type { Writable } from "node:stream";
import { SafetagError, EXIT } from "../errors.js";

/**
 * Files are written next to their destination under a temporary name, flushed to disk, and
 * renamed into place only when complete, so a crash, Ctrl-C or power cut never leaves a
 * half-written model, report or output: the destination holds either the old file or the new one.
 *
 * Temporary files are named `.<name>.<pid>.<random>.tmp`: the pid tells whose it is, the random
 * part (not a counter: no module state) keeps two writes of one process apart. One left behind by
 * a killed process is removed by the next write of the same destination, once its process is gone.
 *
 * Only a regular file (or nothing) is ever renamed over: a device, a pipe, a folder or a symbolic
 * link at the destination is refused here. io/output.ts decides what to do with those (write a
 * device or pipe directly, replace a link's target); every output goes through it.
 */
function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(8).toString("hex")}.tmp`);
}

const WRITE_REASONS: Record<string, string> = {
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  EFBIG: "the file is larger than this process may write (ulimit -f)",
  EPIPE: "the program reading the pipe has stopped",
  ENXIO: "no one is reading it (a socket or an unconnected device)",
};

const FULL = "free some space, or write somewhere else; nothing half-written was left behind";
const WRITE_HINTS: Record<string,
  string> = { ENOSPC: FULL, EDQUOT: FULL, EFBIG: FULL, EPIPE: "the output was cut short: run again with a reader that reads to the end" };

export function cannotWrite(path: string, e: unknown): SafetagError {
  const code = (e as NodeJS.ErrnoException).code;
  const reason = (code && WRITE_REASONS[code]) ?? code ?? (e as Error).message;
  return new SafetagError("E_WRITE", `cannot write ${path} (${reason})`, {
    exitCode: EXIT.cannotCreate,
    hint: (code && WRITE_HINTS[code]) ?? "check that the folder exists or can be created and that you may write to it",
  });
}

/** Whether a process of this machine is alive (one of another user's is alive too): for stale temp files and locks. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

/** Removes temporary files of `path` whose writer has died (a SIGKILL or power cut mid-write). Best effort. */
export function removeStaleTemps(path: string): string[] {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const pid = Number(name.slice(prefix.length).split(".")[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isRunning(pid)) continue;
    try {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    } catch {
      // not ours to remove; harmless
    }
  }
  return removed;
}

/** Flushes a file's data to disk, so the rename never publishes a file whose bytes are still in memory. */
function fsyncPath(path: string): void {
  const fd = openSync(path, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeFileAtomic(path: string, content: string): void {
  const tmp = tempPath(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    removeStaleTemps(path);
    const fd = openSync(tmp, "wx");
    try {
      writeFileSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    replaceWith(tmp, path);
  } catch (e) {
    removeQuietly(tmp);
    throw e instanceof SafetagError ? e : cannotWrite(path, e);
  }
}

/** Renames the complete temporary file over `path`, which must be a regular file or nothing. */
function replaceWith(tmp: string, path: string): void {
  let kind: string | undefined;
  try {
    const st = lstatSync(path);
    if (!st.isFile()) kind = st.isSymbolicLink() ? "a symbolic link" : st.isDirectory() ? "a folder" : "not a regular file";
  } catch {
    // nothing there yet
  }
  if (kind !== undefined) throw notRegular(path, kind);
  renameSync(tmp, path);
}

/** Refused: only a regular file may be replaced. */
export function notRegular(path: string, kind: string, hint = "give the path of a regular file (or of none yet)"): SafetagError {
  return new SafetagError("E_WRITE", `cannot write ${path} (${kind}: only a regular file is replaced)`, { exitCode: EXIT.cannotCreate, hint });
}

/** Cleanup after a failure must not replace the failure (a path under a file cannot even be removed). */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // nothing was created there
  }
}

/** Fails fast (before any long work) when a regular file cannot be created at `path` (see output.ts for any output). */
export function assertCanCreate(path: string): void {
  const tmp = tempPath(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(tmp, "wx"));
    rmSync(tmp, { force: true });
  } catch (e) {
    removeQuietly(tmp);
    throw cannotWrite(path, e);
  }
}

/** A stream to a temporary file; `commit()` renames it into place, `abort()` removes it. */
export interface AtomicStream {
  stream: WriteStream;
  /** The stream's first failure (a full disk), as E_WRITE naming the destination; undefined while it writes well. */
  readonly failure: SafetagError | undefined;
  commit(): Promise<void>;
  abort(): void;
}

/**
 * Notes a stream's first 'error' instead of letting it go unhandled: a failed write (a full
 * disk) is answered by the write's callback and by the sink's commit(), as E_WRITE naming `name`.
 */
export function failureNote(stream: Writable, name: string): { readonly error: unknown; failure(): SafetagError | undefined; stop(): void } {
  let error: unknown;
  const onError = (e: unknown) => (error ??= e);
  stream.on("error", onError);
  return {
    get error() {
      return error;
    },
    failure: () => (error === undefined ? undefined : cannotWrite(name, error)),
    stop: () => void stream.off("error", onError),
  };
}

export function openAtomicStream(path: string): AtomicStream {
  const tmp = tempPath(path);
  let fd: number;
  try {
    // opened here, not by the stream, so a path that cannot be written fails now with E_WRITE
    mkdirSync(dirname(path), { recursive: true });
    removeStaleTemps(path);
    fd = openSync(tmp, "wx");
  } catch (e) {
    throw cannotWrite(path, e);
  }
  const stream = createWriteStream(tmp, { fd, encoding: "utf8" });
  const note = failureNote(stream, path);
  return {
    stream,
    get failure() {
      return note.failure();
    },
    commit: () =>
      new Promise((resolve, reject) => {
        const fail = (e: unknown) => {
          stream.destroy();
          removeQuietly(tmp);
          reject(e instanceof SafetagError ? e : cannotWrite(path, e));
        };
        if (note.error !== undefined) return fail(note.error);
        stream.end((e?: Error | null) => {
          if (e || note.error !== undefined) return fail(e ?? note.error);
          try {
            fsyncPath(tmp);
            replaceWith(tmp, path);
            resolve();
          } catch (e) {
            fail(e);
          }
        });
      }),
    abort: () => {
      // the file is being thrown away: a write still in flight failing now is expected, not an error to raise
      stream.destroy();
      removeQuietly(tmp);
    },
  };
}
