import { closeSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * An exclusive lock on the embedded database folder. PGlite has no locking of its own and two processes on one folder
 * silently lose rows, so a second process must be refused clearly. The lock file names the holder (host, pid and the
 * pid's start time); a holder that no longer runs (killed, crashed) is detected at once and its lock taken over.
 */
export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
}

interface Holder {
  host: string;
  pid: number;
  started: string | null;
  token: string;
}

function processStart(pid: number): string | null {
  try {
    // Field 22 of /proc/<pid>/stat is the start time in clock ticks since boot: it tells a reused pid apart.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** Tokens of the locks this process holds: its own pid in a lock file is alive only if the lock is one of these. */
const heldHere = new Set<string>();

function isAlive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true; // cannot tell for another host: assume it is alive
  // Our own pid: either this process already holds the folder (a second open must be refused just the same), or the
  // file is left from an earlier process that had the same pid (a restarted container's pid 1) and is stale.
  if (holder.pid === process.pid) return heldHere.has(holder.token);
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const started = processStart(holder.pid);
  return !(holder.started && started && started !== holder.started);
}

/** The lock file's text, or null if there is none. */
function readRaw(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function parseHolder(raw: string | null): Holder | null {
  try {
    return raw === null ? null : (JSON.parse(raw) as Holder);
  } catch {
    return null;
  }
}

function readHolder(file: string): Holder | null {
  return parseHolder(readRaw(file));
}

export interface FolderLock {
  file: string;
  release(): void;
  /** True while the lock file still names this process. */
  stillHeld(): boolean;
}

/** Links `from` to `to` atomically; false if `to` already exists. */
function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Removes a stale lock file if it still reads `seen`. Only the process holding the `.lock.takeover` guard may remove a
 * lock file, and no new lock file can appear while the stale one exists, so two processes clearing one stale lock at
 * once cannot remove each other's fresh lock (without the guard they did, and both then used the folder).
 */
function clearStale(file: string, seen: string, tmp: string, token: string): void {
  const guard = `${file}.takeover`;
  if (!tryLink(tmp, guard)) {
    const other = readHolder(guard);
    // Gone already, or another process is clearing: look again shortly. Left by a process that died while clearing
    // (a window of microseconds): remove it.
    if (!other || isAlive(other)) pause(10);
    else if (readHolder(guard)?.token === other.token) unlinkQuietly(guard);
    return;
  }
  try {
    if (readRaw(file) === seen) unlinkQuietly(file);
  } finally {
    if (readHolder(guard)?.token === token) unlinkQuietly(guard);
  }
}

export function lockFolder(folder: string): FolderLock {
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, '.lock');
  const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const me: Holder = { host: hostname(), pid: process.pid, started: processStart(process.pid), token };
  const tmp = `${file}.${token}`;
  const fd = openSync(tmp, 'wx', 0o600);
  writeSync(fd, JSON.stringify(me));
  closeSync(fd);
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (tryLink(tmp, file)) {
        // atomic: only one process can create the lock file
        if (readHolder(file)?.token !== token) throw new DatabaseLockedError(`Lost a race for ${file}`);
        heldHere.add(token);
        return {
          file,
          stillHeld: () => readHolder(file)?.token === token,
          release: () => {
            heldHere.delete(token);
            if (readHolder(file)?.token === token) unlinkSync(file);
          },
        };
      }
      const raw = readRaw(file);
      if (raw === null) continue; // released or cleared meanwhile: try again
      const holder = parseHolder(raw);
      if (holder && isAlive(holder)) {
        const who =
          holder.pid === process.pid && holder.host === hostname()
            ? 'is already open in this process'
            : `is in use by another process (pid ${holder.pid} on ${holder.host})`;
        throw new DatabaseLockedError(
          `The embedded database in ${folder} ${who}. ` +
            'Only one process may use it at a time: stop the other one, or set DATABASE_URL to use a PostgreSQL server.',
        );
      }
      clearStale(file, raw, tmp, token); // the holder is gone (killed, crashed): its lock is stale
    }
    throw new DatabaseLockedError(`Could not lock ${folder}: another process keeps taking the lock.`);
  } finally {
    unlinkQuietly(tmp);
  }
}
