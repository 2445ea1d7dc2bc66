import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { EXIT, SafetagError } from "../errors.js";
import { isRunning } from "./atomic.js";

/**
 * An exclusive lock for a read-modify-write of a shared file (the registry of kept models), so
 * that two `train` runs into one folder both get their entry listed. The lock is a file created
 * with O_EXCL (`wx`): whoever creates it holds the lock, everyone else waits. It holds the
 * holder's pid, host and a nonce, so the holder removes only its own lock.
 *
 * A lock whose holder died (kill -9, a power cut) would block every later run, so a lock is
 * stale, and broken, when its holder is a process of this host that is gone, or when it is older
 * than `staleMs` (a pid reused by another process, a holder on another host, a lock file left
 * empty by a holder killed as it was made). The work done under the lock takes milliseconds.
 * Breaking renames the lock aside first and checks that what was moved is the lock judged
 * stale; a fresh lock moved by mistake is linked back, never deleted.
 */
export interface LockOptions {
  /** A lock older than this is stale whoever holds it. */
  staleMs?: number;
  /** Give up waiting after this long. */
  timeoutMs?: number;
}

export const DEFAULT_STALE_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 120_000;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

interface Seen {
  text: string;
  ino: number;
  mtimeMs: number;
}


function lockError(path: string, why: string): SafetagError {
  return new SafetagError("E_LOCKED", `${path}: ${why}`, {
    exitCode: EXIT.cannotCreate,
    hint: `another safetag run is changing the same folder; if none is, delete ${path}`,
  });
}

/** What the lock at `path` holds now; undefined when there is none. */
function look(path: string): Seen | undefined {
  try {
    const s = statSync(path);
    if (!s.isFile()) throw lockError(path, "the lock is not a regular file");
    return { text: readFileSync(path, "utf8"), ino: s.ino, mtimeMs: s.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

function isStale(seen: Seen, staleMs: number): boolean {
  if (Date.now() - seen.mtimeMs > staleMs) return true;
  const [pid, host] = seen.text.split(" ");
  const n = Number(pid);
  return host === hostname() && Number.isInteger(n) && n > 0 && n !== process.pid && !isRunning(n);
}

/** Removes the lock judged stale, and only that one (see the module comment). */
function breakLock(path: string, seen: Seen): void {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // someone else broke it
    throw e;
  }
  const moved = look(aside);
  const same = moved !== undefined && moved.text === seen.text && moved.ino === seen.ino && moved.mtimeMs === seen.mtimeMs;
  if (!same) {
    try {
      linkSync(aside, path); // a lock taken in between: put it back (unless yet another exists)
    } catch {
      // EEXIST: a newer lock is in place
    }
  }
  rmSync(aside, { force: true });
}

/**
 * Runs `work` holding the lock `path`; the lock is released however `work` ends. `work` is given
 * `assertHeld`, to call just before the write the lock guards: it throws E_LOCKED if the lock was
 * broken meanwhile (held longer than `staleMs`), so two writers never both go ahead.
 */
export function withLock<T>(path: string, work: (assertHeld: () => void) => T, options: LockOptions = {}): T {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const mine = `${process.pid} ${hostname()} ${randomBytes(8).toString("hex")}\n`;
  for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
    let fd: number | undefined;
    try {
      fd = openSync(path, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, mine);
      } finally {
        closeSync(fd);
      }
      break;
    }
    const seen = look(path);
    if (seen && isStale(seen, staleMs)) {
      breakLock(path, seen);
      continue;
    }
    if (Date.now() > deadline) throw lockError(path,
      `still locked after ${Math.round(timeoutMs / 1000)} s (held by ${seen?.text.trim() || "a process that wrote no pid"})`);
    sleep(wait + Math.random() * wait);
  }
  const held = () => look(path)?.text === mine;
  try {
    return work(() => {
      if (!held()) throw lockError(path, `the lock was taken over while this run held it (for more than ${Math.round(staleMs / 1000)} s); nothing was written`);
    });
  } finally {
    if (held()) rmSync(path, { force: true });
  }
}
