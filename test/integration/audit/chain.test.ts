import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { engines, postgresUrlForWorker } from '../../helpers/engines.js';
import { useTestApp } from '../../helpers/app.js';
import { FormClient } from '../../helpers/client.js';
import { completeJourney, publicReferral } from '../../helpers/journeys.js';
import { accessLog } from '../../../src/db/schema/index.js';
import { queryRows } from '../../../src/db/sql.js';
import { appendAccessLog } from '../../../src/access-log/queries.js';
import { chainStatus, sealPending } from '../../../src/access-log/seal.js';
import { describeProblem, verifyChain } from '../../../src/access-log/verify.js';
import { count, someEntries, tamperLog, tamperSeals } from './owner.js';

async function seals(db: Parameters<typeof queryRows>[0]) {
  return queryRows<{ seq: string; log_id: string; hash: string }>(
    db,
    sql`select seq::text as seq, log_id::text as log_id, hash from access_log_seal order by seq`,
  );
}

describe.each(engines)('the access log hash chain (%s)', (engine) => {
  const t = useTestApp(engine);

  it('hashes each row as specified: SHA-256 of the previous hash, a newline and the row as a JSON array of texts', async () => {
    const actor = '0b7f9c1e-1111-4222-8333-944455556666';
    const recordId = '5a0e8d36-7a7c-4f3e-9d55-0123456789ab';
    await t.database.db.insert(accessLog).values({
      occurredAt: new Date('2026-01-02T03:04:05.678Z'),
      action: 'disclosure',
      recordType: 'referral',
      recordId,
      reference: '7KM3PQ2D',
      actorType: 'staff',
      actorId: actor,
      organisation: 'cumbria-police-prevent',
      channel: 'staff-web',
      justification: 'Hand-over to the "council"',
      recipients: ['cumberland', 'two words'],
      detail: { b: 1, a: [2.5, null] },
    });
    expect(await sealPending(t.database.db)).toBe(1);
    const canonical = JSON.stringify([
      '1',
      '2026-01-02T03:04:05.678000Z',
      'disclosure',
      'referral',
      recordId,
      '7KM3PQ2D',
      'staff',
      actor,
      'cumbria-police-prevent',
      'staff-web',
      'Hand-over to the "council"',
      '{cumberland,"two words"}',
      '{"a": [2.5, null], "b": 1}',
    ]);
    const expected = createHash('sha256')
      .update(`${'0'.repeat(64)}\n${canonical}`)
      .digest('hex');
    expect(await seals(t.database.db)).toEqual([{ seq: '1', log_id: '1', hash: expected }]);
  });

  it('seals every row, including a real public submission, and verifies the chain as intact', async () => {
    await someEntries(t.database, 5);
    const reference = await completeJourney(new FormClient(t.app), '/refer', publicReferral);
    const logged = await count(t.database, 'access_log');
    expect(logged).toBeGreaterThanOrEqual(6);
    expect(await sealPending(t.database.db, { batch: 4 })).toBe(logged);
    expect(await sealPending(t.database.db)).toBe(0);
    const rows = await seals(t.database.db);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: logged }, (_, i) => i + 1));
    // The submission's own log row (written inside its one SQL statement) is sealed like any other.
    const [collected] = await queryRows<{ id: string }>(
      t.database.db,
      sql`select id::text as id from access_log where reference = ${reference} and action = 'collection'`,
    );
    expect(rows.map((r) => r.log_id)).toContain(collected!.id);

    const result = await verifyChain(t.database.db);
    expect(result).toMatchObject({ ok: true, checked: logged, lastSeq: logged, problemCount: 0, unsealed: 0 });
    expect(result.anchor).toBe(rows[rows.length - 1]!.hash);

    // Later rows continue the chain.
    await someEntries(t.database, 12);
    expect(await sealPending(t.database.db)).toBe(12);
    const later = await verifyChain(t.database.db);
    expect(later).toMatchObject({ ok: true, checked: logged + 12, lastSeq: logged + 12 });

    // Where the chain stands (seal numbers past 9 and 10 compared as numbers, not as text).
    await someEntries(t.database, 1);
    const status = await chainStatus(t.database.db);
    expect(status.last).toMatchObject({ seq: logged + 12, hash: later.anchor });
    expect(status.unsealed).toBe(1);
    expect(status.oldestUnsealedAt).toBeInstanceOf(Date);
  });

  it('detects an edited row and names it', async () => {
    await someEntries(t.database, 5);
    await sealPending(t.database.db);
    await tamperLog(t.database, `UPDATE access_log SET justification = 'nothing to see' WHERE id = 3`);
    const result = await verifyChain(t.database.db);
    expect(result.ok).toBe(false);
    expect(result.checked).toBe(5);
    expect(result.problems).toEqual([{ kind: 'edited', seq: 3, logId: 3 }]);
    expect(result.problemCount).toBe(1);
    expect(describeProblem(result.problems[0]!)).toMatch(/^Seal 3: log entry 3 does not match its seal/);
  });

  it('detects a change the eye cannot see: a time moved by one microsecond, a jsonb number written 3.0, an array shortened', async () => {
    await someEntries(t.database, 6);
    await sealPending(t.database.db);
    await tamperLog(
      t.database,
      `UPDATE access_log SET occurred_at = occurred_at + interval '1 microsecond' WHERE id = 1`,
    );
    await tamperLog(t.database, `UPDATE access_log SET recipients = '{cumberland}' WHERE id = 3`);
    // Row 6 holds {"fields": 17, "formVersion": 3}.
    await tamperLog(t.database, `UPDATE access_log SET detail = '{"fields": 17, "formVersion": 3.0}' WHERE id = 6`);
    const result = await verifyChain(t.database.db);
    expect(result.problems).toEqual([
      { kind: 'edited', seq: 1, logId: 1 },
      { kind: 'edited', seq: 3, logId: 3 },
      { kind: 'edited', seq: 6, logId: 6 },
    ]);
  });

  it('detects a deleted row and names it', async () => {
    await someEntries(t.database, 5);
    await sealPending(t.database.db);
    await tamperLog(t.database, `DELETE FROM access_log WHERE id = 2`);
    const result = await verifyChain(t.database.db);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ kind: 'deleted', seq: 2, logId: 2 }]);
  });

  it('detects a removed seal as a gap, even once the row has been sealed again', async () => {
    await someEntries(t.database, 5);
    await sealPending(t.database.db);
    await tamperSeals(t.database, `DELETE FROM access_log_seal WHERE seq = 3`);
    expect((await verifyChain(t.database.db)).problems).toEqual([{ kind: 'missing-seals', fromSeq: 3, toSeq: 3 }]);
    // The sealer finds the row unsealed and seals it at the end: the gap stays.
    expect(await sealPending(t.database.db, { full: true })).toBe(1);
    const result = await verifyChain(t.database.db);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ kind: 'missing-seals', fromSeq: 3, toSeq: 3 }]);
    expect(result.lastSeq).toBe(6);
  });

  it('detects seals removed from the start of the chain', async () => {
    await someEntries(t.database, 4);
    await sealPending(t.database.db);
    await tamperLog(t.database, `DELETE FROM access_log WHERE id <= 2`);
    await tamperSeals(t.database, `DELETE FROM access_log_seal WHERE seq <= 2`);
    expect((await verifyChain(t.database.db)).problems).toEqual([{ kind: 'missing-seals', fromSeq: 1, toSeq: 2 }]);
  });

  it('detects an altered seal (a broken link) and tells it from an edited row', async () => {
    await someEntries(t.database, 5);
    await sealPending(t.database.db);
    await tamperSeals(t.database, `UPDATE access_log_seal SET hash = repeat('ab', 32) WHERE seq = 2`);
    const result = await verifyChain(t.database.db);
    expect(result.problems).toEqual([{ kind: 'seal-changed', seq: 2, logId: 2 }]);
  });

  it('reports rows left unsealed past the grace period, not recent ones', async () => {
    await someEntries(t.database, 2);
    await sealPending(t.database.db);
    await t.database.db.insert(accessLog).values({
      occurredAt: new Date(Date.now() - 3600_000),
      action: 'consultation',
      recordType: 'referral',
      actorType: 'system',
    });
    await someEntries(t.database, 1);
    const result = await verifyChain(t.database.db, { unsealedGraceSeconds: 300 });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ kind: 'unsealed', logId: 3 }]);
    expect(result.unsealed).toBe(2);
    expect(describeProblem(result.problems[0]!, 300)).toBe('Log entry 3 has not been sealed within 300 seconds.');
    await sealPending(t.database.db);
    expect((await verifyChain(t.database.db, { unsealedGraceSeconds: 300 })).ok).toBe(true);
  });

  it('walks the chain in batches and keeps at most the first problems while counting them all', async () => {
    await t.database.db.execute(sql`insert into access_log (action, record_type, actor_type, detail)
      select 'consultation', 'referral', 'system', jsonb_build_object('n', g) from generate_series(1, 250) g`);
    await sealPending(t.database.db, { batch: 100 });
    await tamperLog(t.database, `UPDATE access_log SET channel = 'x' WHERE id % 10 = 0`);
    const result = await verifyChain(t.database.db, { batch: 7, maxProblems: 5 });
    expect(result.checked).toBe(250);
    expect(result.problemCount).toBe(25);
    expect(result.problems).toEqual([10, 20, 30, 40, 50].map((n) => ({ kind: 'edited', seq: n, logId: n })));
  });

  it('two sealers at once, while rows are being written, make one unbroken chain', async () => {
    await t.database.db.execute(sql`insert into access_log (action, record_type, actor_type, detail)
      select 'consultation', 'referral', 'system', jsonb_build_object('n', g) from generate_series(1, 600) g`);
    const writing = (async () => {
      for (let i = 0; i < 30; i++)
        await appendAccessLog(t.database.db, { action: 'consultation', recordType: 'referral', actorType: 'system' });
    })();
    const sealed = await Promise.all([
      sealPending(t.database.db, { batch: 25 }),
      sealPending(t.database.db, { batch: 25 }),
      sealPending(t.database.db, { batch: 40 }),
    ]);
    await writing;
    const rest = await sealPending(t.database.db);
    expect(sealed.reduce((a, b) => a + b, 0) + rest).toBe(630);
    const result = await verifyChain(t.database.db);
    expect(result).toMatchObject({ ok: true, checked: 630, lastSeq: 630 });
  });

  // Only PostgreSQL has concurrent connections (PGlite has one): a transaction can commit after later rows were sealed.
  if (engine === 'postgres')
    it('seals a row committed after later rows were sealed; a full search finds one older than the quick search looks', async () => {
      await someEntries(t.database, 2);
      await sealPending(t.database.db);
      const client = new pg.Client({ connectionString: await postgresUrlForWorker(), options: '-c role=prevent_app' });
      await client.connect();
      try {
        // A long transaction takes ids 3 and 4; row 5 commits first and is sealed first.
        await client.query('BEGIN');
        await client.query(
          `insert into access_log (action, record_type, actor_type) values ('consultation', 'referral', 'system')`,
        );
        await client.query(
          `insert into access_log (occurred_at, action, record_type, actor_type)
           values (now() - interval '2 hours', 'consultation', 'referral', 'system')`,
        );
        await someEntries(t.database, 1);
        expect(await sealPending(t.database.db)).toBe(1);
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
      // The quick search finds the recent late row, not the one written "two hours ago".
      expect(await sealPending(t.database.db)).toBe(1);
      const late = await verifyChain(t.database.db, { unsealedGraceSeconds: 60 });
      expect(late.problems).toEqual([{ kind: 'unsealed', logId: 4 }]);
      expect(await sealPending(t.database.db, { full: true })).toBe(1);
      const rows = await seals(t.database.db);
      expect(rows.map((r) => r.log_id)).toEqual(['1', '2', '5', '3', '4']);
      expect(await verifyChain(t.database.db, { unsealedGraceSeconds: 60 })).toMatchObject({ ok: true, checked: 5 });
    });
});
