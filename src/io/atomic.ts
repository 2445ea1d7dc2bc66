import { closeSync, createWriteStream, mkdirSync, openSync, renameSync, rmSync, writeFileSync, type WriteStream } from "node:fs";
import { dirname, basename, join } from "node:path";
import { SafetagError, EXIT } from "../errors.js";

/**
 * Files are written next to their destination under a temporary name and renamed into place
 * only when complete, so a crash or Ctrl-C never leaves a half-written model or report.
 */
function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
}

export function cannotWrite(path: string, e: unknown): SafetagError {
  const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  return new SafetagError("E_WRITE", `cannot write ${path} (${reason})`, {
    exitCode: EXIT.cannotCreate,
    hint: "check that the folder exists or can be created and that you may write to it",
  });
}

export function writeFileAtomic(path: string, content: string): void {
  const tmp = tempPath(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw cannotWrite(path, e);
  }
}

/** Fails fast (before any long work) when `path` cannot be written. */
export function assertWritable(path: string): void {
  const tmp = tempPath(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(tmp, "w"));
    rmSync(tmp, { force: true });
  } catch (e) {
    throw cannotWrite(path, e);
  }
}

/** A stream to a temporary file; `commit()` renames it into place, `abort()` removes it. */
export interface AtomicStream {
  stream: WriteStream;
  commit(): Promise<void>;
  abort(): void;
}

export function openAtomicStream(path: string): AtomicStream {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPath(path);
  const stream = createWriteStream(tmp, { encoding: "utf8" });
  return {
    stream,
    commit: () =>
      new Promise((resolve, reject) => {
        stream.end(() => {
          try {
            renameSync(tmp, path);
            resolve();
          } catch (e) {
            reject(cannotWrite(path, e));
          }
        });
      }),
    abort: () => {
      stream.destroy();
      rmSync(tmp, { force: true });
    },
  };
}
