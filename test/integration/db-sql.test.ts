import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { engines, openTestDatabase, resetDatabase } from '../helpers/engines.js';
import type { Database } from '../../src/db/client.js';
import { drafts } from '../../src/db/schema/index.js';
import { arrayLiteral, columnList, pgPool, preparedSqlRows, sqlRows } from '../../src/db/sql.js';

/**
 * src/db/sql.ts: raw SQL answers the same rows whichever driver ran it (node-postgres or PGlite), and whichever way
 * (through Drizzle, as a named prepared statement on the pool, in a transaction).
 */

const PROBE = `select now() as stamped_at, '2026-03-29 01:30:00'::timestamp as local_stamp, '2026-03-29'::date as on_day,
  array['a', 'b c', 'd,e']::text[] as some_names, '{}'::text[] as no_names,
  array['6f1c1f2e-8a51-4a55-9c39-6b0b2d1f7a10']::uuid[] as org_ids, array[2, 3]::int[] as counts, 41::bigint + 1 as big_count,
  3::int as small_count, 1.5::numeric as ratio, '{"a":[1]}'::jsonb as detail, null::timestamptz as ended_at,
  'x' as "alreadyCamel", '{not an array}'::text as braces`;

const EXPECTED = {
  stampedAt: expect.any(Date),
  localStamp: new Date('2026-03-29T01:30:00'),
  onDay: '2026-03-29',
  someNames: ['a', 'b c', 'd,e'],
  noNames: [],
  orgIds: ['6f1c1f2e-8a51-4a55-9c39-6b0b2d1f7a10'],
  counts: [2, 3],
  bigCount: 42,
  smallCount: 3,
  ratio: '1.5',
  detail: { a: [1] },
  endedAt: null,
  alreadyCamel: 'x',
  braces: '{not an array}',
};

describe.each(engines)('raw SQL rows on %s', (engine) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await resetDatabase(database);
  });
  afterAll(() => database?.close());

  it('are camelCase, with dates, days, counts and arrays normalised, through Drizzle', async () => {
    const [row] = await sqlRows<Record<string, unknown>>(database.db, sql.raw(PROBE));
    expect(row).toEqual(EXPECTED);
    expect(Object.keys(row!)).toEqual(Object.keys(EXPECTED));
  });

  it('are the same as a prepared statement, and in a transaction', async () => {
    if (engine === 'postgres') expect(pgPool(database.db)).toBeDefined();
    const [prepared] = await preparedSqlRows<Record<string, unknown>>(database.db, 'test_sql_probe', PROBE, []);
    expect(prepared).toEqual(EXPECTED);
    const [inTx] = await database.db.transaction((tx) =>
      preparedSqlRows<Record<string, unknown>>(tx, 'test_sql_probe', PROBE, []),
    );
    expect(inTx).toEqual(EXPECTED);
  });

  it('take $n parameters, and read a table as Drizzle reads it', async () => {
    const id = '6f1c1f2e-8a51-4a55-9c39-6b0b2d1f7a10';
    await database.db.insert(drafts).values({
      id,
      kind: 'referral',
      answers: { values: { a: 'b' }, completed: [] },
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    });
    const [viaDrizzle] = await database.db.select().from(drafts).where(eq(drafts.id, id));
    const text = `select ${columnList(drafts, 'd')} from drafts d where d.id = $1 and d.kind = $2`;
    const [viaPrepared] = await preparedSqlRows(database.db, 'test_sql_draft', text, [id, 'referral']);
    expect(viaPrepared).toEqual(viaDrizzle);
    expect(await preparedSqlRows(database.db, 'test_sql_draft', text, [id, 'advice'])).toEqual([]);
  });
});

describe('array literals', () => {
  it('are split as PostgreSQL writes them (quotes, escapes, NULL)', () => {
    expect(arrayLiteral('{a,"b c","d,e","f\\"g",NULL}')).toEqual(['a', 'b c', 'd,e', 'f"g', null]);
    expect(arrayLiteral('{}')).toEqual([]);
    expect(arrayLiteral(['x'])).toEqual(['x']);
  });
});
