import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

/**
 * `pgPool` and `preparedRows` moved to `./sql.js` (the one raw-SQL and prepared-statement module); re-exported here for
 * the list queries (intake list, queue list) that still import them from this file.
 */
export { pgPool, preparedRows } from './sql.js';

const dialect = new PgDialect();

/**
 * A Drizzle condition (a policy's list twin) as text for one of the `$1…$n` prepared statements: its parameters are
 * appended to `values` and its placeholders numbered after them. The text is the same whenever the condition's shape is.
 */
export function conditionText(condition: SQL, values: unknown[]): string {
  const query = dialect.sqlToQuery(condition);
  const base = values.length;
  values.push(...query.params);
  return query.sql.replace(/\$(\d+)/g, (_, n: string) => `$${base + Number(n)}`);
}
