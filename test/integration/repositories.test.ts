import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { engines, openTestDatabase, resetDatabase } from '../helpers/engines.js';
import { runMigrations, type Database } from '../../src/db/client.js';
import { accessLog, caseReferences, drafts, referrals } from '../../src/db/schema/index.js';
import * as draftsRepo from '../../src/features/intake/queries/drafts.js';
import { appendAccessLog } from '../../src/access-log/queries.js';
import { claimMessage, enqueueEmail, markFailed, markSent, pendingMessageIds } from '../../src/outbox/queries.js';
import { generateReference } from '../../src/cases/reference.js';

/** A valid referral row (the factory): tests override what they are about. */
async function insertReferral(database: Database, overrides: Partial<typeof referrals.$inferInsert> = {}) {
  const reference = overrides.reference ?? generateReference();
  await database.db.insert(caseReferences).values({ reference, kind: 'referral' }).onConflictDoNothing();
  const [row] = await database.db
    .insert(referrals)
    .values({
      reference,
      draftId: randomUUID(),
      source: 'online',
      personFullName: 'Test Person',
      personAddressKnown: false,
      concernText: 'A concern',
      concernViolence: 'unknown',
      personAware: 'unknown',
      referrerType: 'public',
      referrerAnonymous: true,
      answers: {},
      ...overrides,
    })
    .returning();
  return row!;
}

/** The database's own error code, wherever the driver puts it. */
async function sqlState(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    let e: unknown = err;
    while (e) {
      const code = (e as { code?: string }).code;
      if (code && /^[0-9A-Z]{5}$/.test(code)) return code;
      e = (e as { cause?: unknown }).cause;
    }
    return 'unknown';
  }
}

describe.each(engines)('database invariants and repositories on %s', (engine) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database?.close());
  beforeEach(() => resetDatabase(database));

  it('migrations are idempotent', async () => {
    await runMigrations(database);
    await runMigrations(database);
    const rows = await database.db.execute(sql`select count(*)::int as n from concern_types`);
    expect((rows as unknown as { rows: { n: number }[] }).rows[0]!.n).toBeGreaterThan(5);
  });

  it('refuses a second referral from the same draft (the idempotency key)', async () => {
    const first = await insertReferral(database);
    expect(await sqlState(insertReferral(database, { draftId: first.draftId }))).toBe('23505');
  });

  it('refuses references with confusable characters, and reuse of a reference', async () => {
    expect(await sqlState(database.db.insert(caseReferences).values({ reference: 'ABCDEF0O', kind: 'referral' }))).toBe(
      '23514',
    );
    expect(await sqlState(database.db.insert(caseReferences).values({ reference: 'abcdefgh', kind: 'referral' }))).toBe(
      '23514',
    );
    await database.db.insert(caseReferences).values({ reference: 'ABCDEFGH', kind: 'referral' });
    expect(await sqlState(database.db.insert(caseReferences).values({ reference: 'ABCDEFGH', kind: 'advice' }))).toBe(
      '23505',
    );
  });

  it('refuses states, sources and contact combinations that are not allowed', async () => {
    expect(await sqlState(insertReferral(database, { status: 'lost' as 'new' }))).toBe('23514');
    expect(await sqlState(insertReferral(database, { source: 'fax' as 'online' }))).toBe('23514');
    expect(await sqlState(insertReferral(database, { referrerAnonymous: false }))).toBe('23514'); // no way to contact
    expect(await sqlState(insertReferral(database, { referrerEmail: 'a@b.example' }))).toBe('23514'); // anonymous with e-mail
    expect(await sqlState(insertReferral(database, { referrerType: 'professional' }))).toBe('23514'); // professional anonymous
    expect(await sqlState(insertReferral(database, { personFullName: '   ' }))).toBe('23514');
    expect(await sqlState(insertReferral(database, { personAgeApprox: 130 }))).toBe('23514');
    expect(await sqlState(insertReferral(database, { personDob: '2999-01-01' }))).toBe('23514');
    expect(await sqlState(insertReferral(database, { source: 'online', draftId: null }))).toBe('23514');
    expect(await sqlState(insertReferral(database, { source: 'email', draftId: null }))).toBeUndefined();
  });

  it('the access log is append-only: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    await appendAccessLog(database.db, {
      action: 'collection',
      recordType: 'referral',
      actorType: 'public',
      channel: 'online',
    });
    expect(await sqlState(database.db.update(accessLog).set({ justification: 'x' }))).toBe('42501');
    expect(await sqlState(database.db.delete(accessLog))).toBe('42501');
    expect(await sqlState(database.exec('TRUNCATE access_log'))).toBe('42501');
    expect(
      await sqlState(
        appendAccessLog(database.db, { action: 'peeked' as 'collection', recordType: 'x', actorType: 'public' }),
      ),
    ).toBe('23514');
    const rows = await database.db.select().from(accessLog);
    expect(rows).toHaveLength(1);
  });

  it('drafts: saved answers push the expiry forward; a submitted or expired draft cannot be changed', async () => {
    const id = randomUUID();
    const created = await draftsRepo.createDraft(database.db, id, 'referral', 24);
    expect(created.expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(await draftsRepo.saveAnswers(database.db, id, { values: { a: 1 }, completed: ['x'] }, 24)).toBe(true);
    expect((await draftsRepo.findLiveDraft(database.db, id, 'referral'))!.answers.values).toEqual({ a: 1 });
    expect(await draftsRepo.findLiveDraft(database.db, id, 'advice')).toBeUndefined();

    await database.db.insert(caseReferences).values({ reference: 'ABCDEFGH', kind: 'referral' });
    await database.db
      .update(drafts)
      .set({ submittedReference: 'ABCDEFGH', submittedAt: new Date() })
      .where(eq(drafts.id, id));
    expect(await draftsRepo.saveAnswers(database.db, id, { values: {}, completed: [] }, 24)).toBe(false);
    await database.db.insert(caseReferences).values({ reference: 'ABCDEFGJ', kind: 'referral' });
    expect(
      await sqlState(database.db.update(drafts).set({ submittedReference: 'ABCDEFGJ' }).where(eq(drafts.id, id))),
    ).toBe('23514');

    const old = randomUUID();
    await draftsRepo.createDraft(database.db, old, 'advice', 24);
    await database.db
      .update(drafts)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(drafts.id, old));
    expect(await draftsRepo.findLiveDraft(database.db, old, 'advice')).toBeUndefined();
    expect(await draftsRepo.saveAnswers(database.db, old, { values: {}, completed: [] }, 24)).toBe(false);
    expect(await draftsRepo.deleteExpiredDrafts(database.db)).toBeGreaterThanOrEqual(1);
  });

  it('outbox: a message is claimed by one worker at a time, sent once, and given up after the last attempt', async () => {
    const id = await enqueueEmail(
      database.db,
      'a@example.org',
      { template: 't', subject: 's', text: 'x' },
      null,
      'example.org',
    );
    const first = await claimMessage(database.db, id, 60);
    expect(first?.attempts).toBe(1);
    expect(await claimMessage(database.db, id, 60)).toBeUndefined(); // held by the first
    expect(await pendingMessageIds(database.db, 0)).toEqual([]);
    expect(await markFailed(database.db, id, 'temporary', 3)).toBe('retry');
    expect((await claimMessage(database.db, id, 60))?.attempts).toBe(2);
    await markSent(database.db, id);
    expect(await claimMessage(database.db, id, 60)).toBeUndefined();

    const doomed = await enqueueEmail(
      database.db,
      'b@example.org',
      { template: 't', subject: 's', text: 'x' },
      null,
      'example.org',
    );
    for (let i = 0; i < 2; i++) {
      await claimMessage(database.db, doomed, 60);
      await markFailed(database.db, doomed, 'down', 2);
    }
    expect(await claimMessage(database.db, doomed, 60)).toBeUndefined();
  });
});
