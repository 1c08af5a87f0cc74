import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Db } from './client.js';
import { queryRows } from './sql.js';

/**
 * The node-postgres pool under a database handle; undefined for PGlite and for a transaction (which must run its
 * queries on its own connection).
 */
export function pgPool(db: Db): pg.Pool | undefined {
  const client = (db as unknown as { $client?: unknown }).$client;
  return client instanceof pg.Pool ? client : undefined;
}

/**
 * Runs one of the queries every staff page makes (the session, the case's scope, the intake queue) with `$1…$n`
 * placeholders. On the PostgreSQL pool it goes as a named prepared statement, parsed and planned once per connection
 * instead of on every request, without Drizzle's query building; on PGlite or in a transaction, through Drizzle as an
 * ordinary query. The text must never change for the same name.
 */
export async function preparedRows<T>(db: Db, name: string, text: string, values: unknown[]): Promise<T[]> {
  const pool = pgPool(db);
  if (pool) return (await pool.query({ name, text, values })).rows as T[];
  return queryRows<T>(db, withParams(text, values));
}

/** `$n` placeholders as Drizzle parameters. */
function withParams(text: string, values: unknown[]): SQL {
  const pieces = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < pieces.length; i++) {
    chunks.push(i % 2 === 0 ? sql.raw(pieces[i]!) : sql`${values[Number(pieces[i]) - 1]}`);
  }
  return sql.join(chunks);
}

const dialect = new PgDialect();

/**
 * A Drizzle condition (a policy's list twin) as text for one of these `$1…$n` statements: its parameters are appended
 * to `values` and its placeholders numbered after them. The text is the same whenever the condition's shape is.
 */
export function conditionText(condition: SQL, values: unknown[]): string {
  const query = dialect.sqlToQuery(condition);
  const base = values.length;
  values.push(...query.params);
  return query.sql.replace(/\$(\d+)/g, (_, n: string) => `$${base + Number(n)}`);
}
