import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rootDir } from '../../../src/config.js';
import { openDatabase, type Database } from '../../../src/db/client.js';
import { sealPending } from '../../../src/access-log/seal.js';
import { engines, openTestDatabase, postgresUrlForWorker, resetDatabase, type Engine } from '../../helpers/engines.js';
import { seedPgliteDataDir } from '../../helpers/server-process.js';
import { someEntries, tamperLog } from './owner.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run audit -- …` as an operator runs it: a process of its own, with only the environment it needs. */
function runAudit(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/audit.ts', ...args], {
      cwd: rootDir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Each run starts Node, tsx and (for PGlite) the embedded database from its folder: seconds each on a busy machine. */
const SLOW = 240_000;

/** What must never appear in the command's output: what the log entries say (see someEntries). */
const ENTRY_TEXT = ['colleague', 'urgent', 'Channel hand-over', 'cumberland', 'retention'];

describe.each(engines)('npm run audit (%s)', (engine: Engine) => {
  let dataDir: string;
  let env: Record<string, string>;
  /** The database, open in this process only while the test writes to it (PGlite allows one process at a time). */
  let database: Database | undefined;

  async function open(): Promise<Database> {
    database =
      engine === 'postgres'
        ? await openTestDatabase('postgres')
        : await openDatabase({ pgliteDir: path.join(dataDir, 'pglite'), migrate: false });
    return database;
  }
  async function close(): Promise<void> {
    await database?.close();
    database = undefined;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'prevent-audit-cli-'));
    env = { DATA_DIR: dataDir };
    if (engine === 'postgres') env.DATABASE_URL = await postgresUrlForWorker();
    else await seedPgliteDataDir(dataDir);
  });
  afterAll(async () => {
    await close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    const db = await open();
    await resetDatabase(db);
    await close();
  });

  it(
    'exits 0 on an intact chain and prints the anchor, without what the entries say',
    async () => {
      const db = await open();
      await someEntries(db, 5);
      await sealPending(db.db);
      await close();
      const run = await runAudit(['verify'], env);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Access log hash chain: INTACT');
      expect(run.stdout).toContain('Seals checked: 5 (the last is seal 5)');
      expect(run.stdout).toMatch(/Anchor \(hash of seal 5\): [0-9a-f]{64}\n/);
      for (const text of ENTRY_TEXT) expect(run.stdout).not.toContain(text);
    },
    SLOW,
  );

  it(
    'exits 1 on a tampered database, naming the edited and the deleted entries',
    async () => {
      const db = await open();
      await someEntries(db, 5);
      await sealPending(db.db);
      await tamperLog(db, `UPDATE access_log SET justification = 'nothing happened' WHERE id = 2`);
      await tamperLog(db, `DELETE FROM access_log WHERE id = 4`);
      await close();
      const run = await runAudit(['verify'], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('Access log hash chain: PROBLEMS FOUND (2)');
      expect(run.stdout).toContain('Seal 2: log entry 2 does not match its seal');
      expect(run.stdout).toContain('Seal 4: log entry 4 has been deleted.');
      for (const text of [...ENTRY_TEXT, 'nothing happened']) expect(run.stdout).not.toContain(text);

      const json = await runAudit(['verify', '--json'], env);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({
        ok: false,
        checked: 5,
        problems: [
          { kind: 'edited', seq: 2, logId: 2 },
          { kind: 'deleted', seq: 4, logId: 4 },
        ],
      });
    },
    SLOW,
  );

  it(
    'reports entries left unsealed, and seals them with --seal or the seal command',
    async () => {
      const db = await open();
      await someEntries(db, 3);
      await close();
      const waiting = await runAudit(['verify', '--grace', '0'], env);
      expect(waiting.code).toBe(1);
      expect(waiting.stdout).toContain('Log entry 1 has not been sealed within 0 seconds.');
      expect(waiting.stdout).toContain('npm run audit -- verify --seal');

      const sealed = await runAudit(['verify', '--seal', '--grace', '0'], env);
      expect(sealed.code).toBe(0);
      expect(sealed.stdout).toContain('Sealed 3 log entries.');

      const db2 = await open();
      await someEntries(db2, 2);
      await close();
      const seal = await runAudit(['seal'], env);
      expect(seal.code).toBe(0);
      expect(seal.stdout).toContain('Sealed 2 log entries.');
      expect(seal.stdout).toMatch(/Anchor \(hash of seal 5\): [0-9a-f]{64}/);
    },
    SLOW,
  );

  if (engine === 'pglite')
    it(
      'says the service must be stopped while it holds the embedded database',
      async () => {
        await open(); // this process holds the folder, as the running service would
        const run = await runAudit(['verify'], env);
        await close();
        expect(run.code).toBe(75);
        expect(run.stderr).toContain('is in use by the running service');
        expect(run.stderr).toContain('Stop the service');
        expect(run.stderr).toContain('PostgreSQL');
      },
      SLOW,
    );
});

describe('npm run audit, used wrongly', () => {
  it(
    'exits 2 with the usage',
    async () => {
      const env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'prevent-audit-usage-')) };
      for (const args of [[], ['check'], ['verify', '--grace', 'soon'], ['seal', '--seal']]) {
        const run = await runAudit(args, env);
        expect(run.code, args.join(' ')).toBe(2);
        expect(run.stderr, args.join(' ')).toContain('Usage:');
      }
      rmSync(env.DATA_DIR, { recursive: true, force: true });
    },
    SLOW,
  );
});
