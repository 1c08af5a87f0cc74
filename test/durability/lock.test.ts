import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DatabaseLockedError, lockFolder, type FolderLock } from '../../src/db/lock.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { referrals } from '../../src/db/schema/index.js';
import { rootDir } from '../../src/config.js';
import { FormClient } from '../helpers/client.js';
import { completeJourney, publicReferral } from '../helpers/journeys.js';
import { killAllServers, seedPgliteDataDir, spawnServer, startServer } from '../helpers/server-process.js';

const folders: string[] = [];
function tempFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'prevent-lock-'));
  folders.push(dir);
  return dir;
}

interface Holder {
  host: string;
  pid: number;
  started: string | null;
  token: string;
}
const lockFile = (folder: string) => path.join(folder, '.lock');
const readLock = (folder: string) => JSON.parse(readFileSync(lockFile(folder), 'utf8')) as Holder;
const writeLock = (folder: string, holder: Holder) => writeFileSync(lockFile(folder), JSON.stringify(holder));

/** The start time of a process, as the lock records it (field 22 of /proc/<pid>/stat). */
function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The pid of a process that has just ended. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  expect(isRunning(pid!)).toBe(false);
  return pid!;
}

describe('lockFolder', () => {
  const held: FolderLock[] = [];
  afterEach(() => {
    for (const l of held.splice(0)) l.release();
    for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
  });
  const lock = (folder: string) => {
    const l = lockFolder(folder);
    held.push(l);
    return l;
  };

  it('writes a lock file naming this process, and removes it on release', () => {
    const folder = tempFolder();
    const l = lockFolder(folder);
    expect(readLock(folder)).toMatchObject({ host: hostname(), pid: process.pid, started: startTime(process.pid) });
    expect(l.stillHeld()).toBe(true);
    l.release();
    expect(existsSync(lockFile(folder))).toBe(false);
    lock(folder); // and the folder can be locked again
  });

  it('refuses a second lock on a folder this process already holds (two databases on one folder lose rows)', () => {
    const folder = tempFolder();
    const first = lock(folder);
    expect(() => lockFolder(folder)).toThrow(DatabaseLockedError);
    expect(() => lockFolder(folder)).toThrow(/already open in this process/);
    expect(first.stillHeld()).toBe(true);
  });

  it('refuses a folder held by another live process on this host, naming the folder and the holder', () => {
    const folder = tempFolder();
    // pid 1 always runs; with its real start time, or with none recorded, it is taken at its word.
    for (const started of [startTime(1), null]) {
      writeLock(folder, { host: hostname(), pid: 1, started, token: `pid-1-${started}` });
      let error: unknown;
      try {
        lockFolder(folder);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(DatabaseLockedError);
      expect((error as Error).message).toContain(folder);
      expect((error as Error).message).toContain('in use by another process (pid 1 on');
      expect(readLock(folder).token).toBe(`pid-1-${started}`); // untouched
    }
  });

  it('refuses a folder held from another host, where it cannot tell whether the holder still runs', () => {
    const folder = tempFolder();
    writeLock(folder, { host: `not-${hostname()}`, pid: deadPid(), started: null, token: 'elsewhere' });
    expect(() => lockFolder(folder)).toThrow(/in use by another process/);
  });

  it('takes over a lock left by a process that no longer runs (killed, crashed)', () => {
    const folder = tempFolder();
    writeLock(folder, { host: hostname(), pid: deadPid(), started: '1', token: 'dead' });
    const l = lock(folder);
    expect(l.stillHeld()).toBe(true);
    expect(readLock(folder).pid).toBe(process.pid);
  });

  it('takes over a lock whose pid now belongs to another process (the start time differs)', () => {
    const folder = tempFolder();
    writeLock(folder, { host: hostname(), pid: 1, started: `${startTime(1)}9`, token: 'reused-pid' });
    expect(lock(folder).stillHeld()).toBe(true);
  });

  it("takes over a lock naming this process's pid that it does not hold (left by an earlier process, e.g. pid 1 in a container)", () => {
    const folder = tempFolder();
    writeLock(folder, { host: hostname(), pid: process.pid, started: startTime(process.pid), token: 'earlier' });
    expect(lock(folder).stillHeld()).toBe(true);
  });

  it('takes over an unreadable lock file', () => {
    const folder = tempFolder();
    writeFileSync(lockFile(folder), '{not json');
    expect(lock(folder).stillHeld()).toBe(true);
  });

  it('release leaves alone a lock that another process has taken over since', () => {
    const folder = tempFolder();
    const l = lockFolder(folder);
    writeLock(folder, { host: hostname(), pid: 1, started: null, token: 'successor' });
    expect(l.stillHeld()).toBe(false);
    l.release();
    expect(readLock(folder).token).toBe('successor');
  });

  it('of several processes taking over one stale lock at the same moment, exactly one wins, every time', async () => {
    const CONTENDERS = 5;
    const ROUNDS = 40;
    const children: { child: ChildProcessWithoutNullStreams; lines: Interface; next: () => Promise<string> }[] = [];
    try {
      for (let i = 0; i < CONTENDERS; i++) {
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/durability/fixtures/lock-contender.ts'], {
          cwd: rootDir,
        });
        const lines = createInterface({ input: child.stdout });
        const queue: string[] = [];
        const waiting: ((line: string) => void)[] = [];
        lines.on('line', (line) => (waiting.length ? waiting.shift()!(line) : queue.push(line)));
        const next = () =>
          queue.length ? Promise.resolve(queue.shift()!) : new Promise<string>((r) => waiting.push(r));
        children.push({ child, lines, next });
      }
      expect(await Promise.all(children.map((c) => c.next()))).toEqual(Array(CONTENDERS).fill('ready'));
      const dead = deadPid();
      const outcomes: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const folder = tempFolder();
        writeLock(folder, { host: hostname(), pid: dead, started: null, token: `stale-${round}` });
        const at = Date.now() + 50;
        for (const c of children) c.child.stdin.write(`lock ${folder} ${at}\n`);
        const answers = await Promise.all(children.map((c) => c.next()));
        outcomes.push(answers.join(','));
        expect(
          answers.filter((a) => a === 'got'),
          `round ${round}: ${answers.join(', ')}`,
        ).toHaveLength(1);
        expect(answers.filter((a) => a === 'refused')).toHaveLength(CONTENDERS - 1);
        for (const c of children) c.child.stdin.write('release\n');
        expect(await Promise.all(children.map((c) => c.next()))).toEqual(Array(CONTENDERS).fill('released'));
        expect(existsSync(lockFile(folder))).toBe(false);
      }
    } finally {
      for (const c of children) c.child.kill('SIGKILL');
    }
  }, 120_000);
});

describe('two server processes on one embedded database folder', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'prevent-lock-server-'));
  let database: Database | undefined;
  afterAll(async () => {
    await killAllServers();
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a second process is refused clearly while the first keeps serving; after a SIGKILL a new one takes over', async () => {
    const folder = path.join(dataDir, 'pglite');
    await seedPgliteDataDir(dataDir);
    const first = await startServer({ dataDir });
    expect(readLock(folder).pid).toBe(first.pid);

    // A second process on the same folder stops at once, saying which folder and why, and touches nothing.
    const t = Date.now();
    const second = await spawnServer({ dataDir });
    const refused = await second.exited;
    const refusedAfter = Date.now() - t;
    expect(refused.code, second.output()).toBe(75);
    expect(second.output()).toContain(folder);
    expect(second.output()).toContain(`is in use by another process (pid ${first.pid} on`);
    expect(refusedAfter, 'refused promptly, not after a wait').toBeLessThan(60_000);
    expect(readLock(folder).pid).toBe(first.pid);

    // The first is unaffected: a whole referral goes through.
    const client = new FormClient(first.baseUrl);
    const reference = await completeJourney(client, '/refer', publicReferral);
    expect(first.hasExited()).toBe(false);

    // Killed, it leaves its lock file behind; the next process sees the holder is gone and takes over.
    expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');
    expect(readLock(folder).pid).toBe(first.pid);
    const third = await startServer({ dataDir, port: first.port });
    expect(readLock(folder).pid).toBe(third.pid);
    const confirmation = await client.get('/refer/confirmation');
    expect(confirmation.body).toContain(reference);

    // A clean stop releases the lock, and the folder can be opened again.
    expect((await third.stop()).code, third.output()).toBe(0);
    expect(existsSync(lockFile(folder))).toBe(false);
    database = await openDatabase({ pgliteDir: folder });
    const rows = await database.db.select().from(referrals).where(eq(referrals.reference, reference));
    expect(rows).toHaveLength(1);
    console.log(JSON.stringify({ secondProcessRefusedAfterMs: refusedAfter }));
  }, 240_000);
});
