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

function isAlive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true; // cannot tell for another host: assume it is alive
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const started = processStart(holder.pid);
  return !(holder.started && started && started !== holder.started);
}

function readHolder(file: string): Holder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder;
  } catch {
    return null;
  }
}

export interface FolderLock {
  file: string;
  release(): void;
  /** True while the lock file still names this process. */
  stillHeld(): boolean;
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
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(tmp, file); // atomic: fails if a lock file exists
        const check = readHolder(file);
        if (check?.token !== token) throw new DatabaseLockedError(`Lost a race for ${file}`);
        return {
          file,
          stillHeld: () => readHolder(file)?.token === token,
          release: () => {
            if (readHolder(file)?.token === token) unlinkSync(file);
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = readHolder(file);
        if (holder && isAlive(holder)) {
          throw new DatabaseLockedError(
            `The embedded database in ${folder} is in use by another process (pid ${holder.pid} on ${holder.host}). ` +
              'Only one process may use it at a time: stop the other one, or set DATABASE_URL to use a PostgreSQL server.',
          );
        }
        try {
          unlinkSync(file); // the holder is gone: its lock is stale
        } catch {
          /* someone else removed it first */
        }
      }
    }
    throw new DatabaseLockedError(`Could not lock ${folder}: another process keeps taking the lock.`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
}
