import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

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
