import type { SQL } from 'drizzle-orm';
import type { Db } from './client.js';

/**
 * Runs a raw SQL query and returns its rows (both drivers, node-postgres and PGlite, answer `{ rows }`). For queries the
 * query builder cannot say as well: joins with aggregates, CTEs that write.
 */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
