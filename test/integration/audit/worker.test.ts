import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../src/db/client.js';
import { queryRows } from '../../../src/db/sql.js';
import { SEAL_QUEUE, startWorker, type Worker } from '../../../src/jobs/worker.js';
import { fileMailer } from '../../../src/outbox/mailer.js';
import { verifyChain } from '../../../src/access-log/verify.js';
import { engines, openTestDatabase, postgresUrlForWorker, resetDatabase } from '../../helpers/engines.js';
import { count, someEntries } from './owner.js';

async function until(what: string, probe: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(engines)('the sealing job (%s)', (engine) => {
  let database: Database;
  const workers: Worker[] = [];

  /** Sealing jobs done (pg-boss's tables are not the application role's to read: on PostgreSQL, ask as the owner). */
  async function sealJobsDone(): Promise<number> {
    const text = `select count(*)::text as n from pgboss.job where name = '${SEAL_QUEUE}' and state = 'completed'`;
    if (engine === 'postgres') {
      const client = new pg.Client({ connectionString: await postgresUrlForWorker() });
      await client.connect();
      try {
        return Number((await client.query<{ n: string }>(text)).rows[0]!.n);
      } finally {
        await client.end();
      }
    }
    const [row] = await queryRows<{ n: string }>(database.db, sql.raw(text));
    return Number(row!.n);
  }

  async function worker(auditSealSeconds: number | undefined): Promise<Worker> {
    const w = await startWorker({
      database,
      mailer: fileMailer(mkdtempSync(path.join(tmpdir(), 'prevent-outbox-'))),
      mailFrom: 'Prevent <no-reply@example.test>',
      log: pino({ level: 'silent' }),
      schedule: false,
      pollingIntervalSeconds: 0.5,
      ...(auditSealSeconds !== undefined ? { auditSealSeconds } : {}),
    });
    workers.push(w);
    return w;
  }

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(() => resetDatabase(database));
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
  });

  it('seals new log rows every few seconds, through its queue', async () => {
    await worker(1);
    await someEntries(database, 4);
    await until('4 seals', async () => (await count(database, 'access_log_seal')) === 4);
    await someEntries(database, 3);
    await until('7 seals', async () => (await count(database, 'access_log_seal')) === 7);
    expect(await verifyChain(database.db)).toMatchObject({ ok: true, checked: 7 });
    expect(await sealJobsDone()).toBeGreaterThanOrEqual(2);
  });

  it('seals what is left when it stops', async () => {
    const w = await worker(3600);
    await until('the first run', async () => (await sealJobsDone()) >= 1);
    await someEntries(database, 3);
    expect(await count(database, 'access_log_seal')).toBe(0);
    workers.splice(workers.indexOf(w), 1);
    await w.stop();
    expect(await count(database, 'access_log_seal')).toBe(3);
  });

  it('seals on demand (the job handler) without a timer', async () => {
    const w = await worker(undefined);
    await someEntries(database, 2);
    expect(await w.sealAccessLog()).toBe(2);
    expect(await w.sealAccessLog()).toBe(0);
  });

  // Two server processes, each with its worker and its timer, on one PostgreSQL database.
  if (engine === 'postgres')
    it('two workers sealing the same database keep one unbroken chain', async () => {
      await worker(1);
      await worker(1);
      for (let i = 0; i < 10; i++) {
        await someEntries(database, 5);
        await new Promise((r) => setTimeout(r, 300));
      }
      await until('50 seals', async () => (await count(database, 'access_log_seal')) === 50);
      expect(await verifyChain(database.db)).toMatchObject({ ok: true, checked: 50, lastSeq: 50 });
    });
});
