import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { inventoryGaps } from '../../src/db/personal-data.js';
import { queryRows } from '../../src/db/sql.js';
import { openTestDatabase } from '../helpers/engines.js';

/**
 * The personal-data inventory names every column of the public schema after all migrations, and nothing else. PGlite
 * only: both engines run the same migrations, so their lists of columns cannot differ.
 */
describe('personal-data inventory against the database', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
  });
  afterAll(async () => {
    await database.close();
  });

  const columns = () =>
    queryRows<{ table: string; column: string }>(
      database.db,
      sql`select table_name as "table", column_name as "column" from information_schema.columns
          where table_schema = 'public' order by table_name, ordinal_position`,
    );

  it('classifies every column, and only columns that exist', async () => {
    expect(inventoryGaps(await columns())).toEqual({ unclassified: [], missing: [] });
  });

  it('names a column nobody classified, and a classified column that is gone', async () => {
    await database.exec('ALTER TABLE referrals ADD COLUMN person_shoe_size integer');
    await database.exec('ALTER TABLE staff_sessions DROP COLUMN user_agent');
    await database.exec('CREATE TABLE notes_nobody_classified (id integer primary key, body text)');
    expect(inventoryGaps(await columns())).toEqual({
      unclassified: ['notes_nobody_classified.body', 'notes_nobody_classified.id', 'referrals.person_shoe_size'],
      missing: ['staff_sessions.user_agent'],
    });
  });
});
