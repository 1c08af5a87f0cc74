import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../src/db/client.js';
import { appendAccessLog, type AccessEntry } from '../../../src/access-log/queries.js';
import { queryRows } from '../../../src/db/sql.js';
import { postgresUrlForWorker } from '../../helpers/engines.js';

/**
 * Runs SQL as the tables' owner, in one transaction (so a failure leaves no trigger disabled). On PostgreSQL the app's
 * pool works as the restricted role, so this opens a connection of its own as the login role; PGlite's one connection
 * is the owner already.
 */
export async function asOwner(database: Database, statements: string): Promise<void> {
  const text = `BEGIN;\n${statements}\nCOMMIT;`;
  if (database.kind === 'postgres') {
    const client = new pg.Client({ connectionString: await postgresUrlForWorker() });
    await client.connect();
    try {
      await client.query('SET ROLE NONE');
      await client.query(text);
    } finally {
      await client.end();
    }
    return;
  }
  try {
    await database.exec(text);
  } catch (err) {
    await database.exec('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Changes log rows as an attacker with the owner's rights would: with the append-only trigger lifted for a moment. */
export function tamperLog(database: Database, statement: string): Promise<void> {
  return asOwner(
    database,
    `ALTER TABLE access_log DISABLE TRIGGER access_log_no_update;
     ${statement};
     ALTER TABLE access_log ENABLE TRIGGER access_log_no_update;`,
  );
}

export function tamperSeals(database: Database, statement: string): Promise<void> {
  return asOwner(
    database,
    `ALTER TABLE access_log_seal DISABLE TRIGGER access_log_seal_no_update;
     ${statement};
     ALTER TABLE access_log_seal ENABLE TRIGGER access_log_seal_no_update;`,
  );
}

/** A few log entries of every shape (recipients, justification with quotes and non-ASCII, nested detail). */
export async function someEntries(database: Database, n = 5): Promise<void> {
  const shapes: AccessEntry[] = [
    {
      action: 'collection',
      recordType: 'referral',
      recordId: randomUUID(),
      reference: '7KM3PQ2D',
      actorType: 'public',
      channel: 'online',
      detail: { formVersion: 3, fields: 17 },
    },
    {
      action: 'consultation',
      recordType: 'referral',
      recordId: randomUUID(),
      reference: '7KM3PQ2D',
      actorType: 'staff',
      actorId: randomUUID(),
      organisation: 'cumbria-police-prevent',
      channel: 'staff-web',
      justification: 'Covering for a colleague’s "urgent" case',
      detail: { route: '/staff/referrals/:reference' },
    },
    {
      action: 'disclosure',
      recordType: 'referral',
      recordId: randomUUID(),
      actorType: 'staff',
      actorId: randomUUID(),
      organisation: 'cumbria-police-prevent',
      justification: 'Channel hand-over',
      recipients: ['cumberland', 'nhs-north-cumbria'],
      detail: { purpose: 'council', items: [1, 2.5, { a: null }] },
    },
    {
      action: 'erasure',
      recordType: 'advice',
      recordId: randomUUID(),
      actorType: 'system',
      detail: { what: ['answers'], rule: 'retention' },
    },
    {
      action: 'combination',
      recordType: 'referral',
      recordId: randomUUID(),
      actorType: 'staff',
      actorId: randomUUID(),
      detail: {},
    },
  ];
  for (let i = 0; i < n; i++) await appendAccessLog(database.db, shapes[i % shapes.length]!);
}

export async function count(database: Database, table: 'access_log' | 'access_log_seal'): Promise<number> {
  const [row] = await queryRows<{ n: string }>(database.db, sql`select count(*)::text as n from ${sql.raw(table)}`);
  return Number(row!.n);
}
