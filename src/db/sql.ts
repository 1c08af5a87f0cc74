import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Db } from './client.js';

/**
 * Raw SQL, for what the query builder cannot say as well (CTEs that write, locks, window functions, joins with
 * aggregates). Only queries modules and the kernel's database modules use it (test/unit/architecture.test.ts).
 *
 * `sqlRows` and `preparedSqlRows` return rows as the application wants them, whichever driver ran the query
 * (node-postgres or PGlite, through Drizzle or as a named statement, which parse values differently):
 * - keys in camelCase (`received_at` → `receivedAt`; an alias already in camelCase stays as it is), so a row of
 *   `select * from t` has the same keys as Drizzle's `typeof t.$inferSelect`;
 * - `timestamp` and `timestamptz` as a `Date` (Drizzle's `execute` returns them as text, a named statement as a Date);
 * - `date` as `YYYY-MM-DD` text (node-postgres makes a local-midnight Date of it);
 * - `bigint` (`count(*)`) as a number (node-postgres returns text, PGlite a number);
 * - arrays as arrays, also arrays of an enum, which neither driver knows how to parse (`{a,b}` text).
 * Everything else (text, booleans, integers, json, numeric as text) is as both drivers already return it.
 */

/** A column of a result, as both drivers describe it. */
interface Field {
  name: string;
  dataTypeID: number;
}

interface DriverResult {
  rows: Record<string, unknown>[];
  fields?: readonly Field[];
}

const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
const DATE = 1082;
const INT8 = 20;
/** Types whose values are text or parsed JSON, never an array literal. */
const NOT_ARRAYS = new Set([18, 19, 25, 114, 705, 1042, 1043, 3802, DATE, TIMESTAMP, TIMESTAMPTZ]);

const toCamel = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const asDate = (v: unknown): unknown => (v === null || v instanceof Date ? v : new Date(String(v)));

function asDay(v: unknown): unknown {
  if (!(v instanceof Date)) return v;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${v.getFullYear()}-${pad(v.getMonth() + 1)}-${pad(v.getDate())}`;
}

const asNumber = (v: unknown): unknown => (typeof v === 'string' ? Number(v) : v);

/** An array literal (`{a,"b c",NULL}`) as text values; an array stays as it is. */
export function arrayLiteral(v: unknown): unknown {
  if (typeof v !== 'string' || !v.startsWith('{') || !v.endsWith('}')) return v;
  const out: (string | null)[] = [];
  const inner = v.slice(1, -1);
  let i = 0;
  while (i < inner.length) {
    let item = '';
    if (inner[i] === '"') {
      i++;
      while (i < inner.length && inner[i] !== '"') {
        if (inner[i] === '\\') i++;
        item += inner[i++];
      }
      i++;
      out.push(item);
    } else {
      while (i < inner.length && inner[i] !== ',') item += inner[i++];
      out.push(item === 'NULL' ? null : item);
    }
    i++; // the comma
  }
  return out;
}

function converterFor(field: Field): ((v: unknown) => unknown) | undefined {
  if (field.dataTypeID === TIMESTAMP || field.dataTypeID === TIMESTAMPTZ) return asDate;
  if (field.dataTypeID === DATE) return asDay;
  if (field.dataTypeID === INT8) return asNumber;
  if (!NOT_ARRAYS.has(field.dataTypeID)) return arrayLiteral;
  return undefined;
}

/** The rows of a driver's result, normalised as described at the top of this file. */
export function normaliseRows<T>(result: DriverResult): T[] {
  const names = result.fields?.map((f) => f.name) ?? Object.keys(result.rows[0] ?? {});
  const plan = names.map((name, i) => {
    const field = result.fields?.[i];
    return { name, key: toCamel(name), convert: field && converterFor(field) };
  });
  return result.rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const { name, key, convert } of plan) {
      const value = row[name];
      out[key] = convert && value !== null && value !== undefined ? convert(value) : value;
    }
    return out as T;
  });
}

/** Whether the database answers (the readiness check); throws when it does not. */
export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

/** Runs a raw SQL query (any handle, a transaction too) and returns its rows, normalised. */
export async function sqlRows<T>(db: Db, query: SQL): Promise<T[]> {
  return normaliseRows<T>((await db.execute(query)) as unknown as DriverResult);
}

/**
 * Every column of a table in the schema, as `alias."column"` text for a prepared statement: with the camelCase keys,
 * the row has exactly the keys and types of Drizzle's `typeof table.$inferSelect`.
 */
export function columnList(table: PgTable, alias: string): string {
  return Object.values(getTableColumns(table))
    .map((c) => `${alias}."${c.name}"`)
    .join(', ');
}

/**
 * The node-postgres pool under a database handle; undefined for PGlite and for a transaction (which must run its
 * queries on its own connection).
 */
export function pgPool(db: Db): pg.Pool | undefined {
  const client = (db as unknown as { $client?: unknown }).$client;
  return client instanceof pg.Pool ? client : undefined;
}

/**
 * The one prepared-statement mechanism: a query on a hot path (every staff page's session and case scope, the
 * referral record and its triage summary, the draft lookup, the submission, the access-log insert) with `$1…$n`
 * placeholders. On the PostgreSQL pool it goes as a named prepared statement, parsed and planned once per connection
 * instead of on every request, without Drizzle's query building (docs/performance.md); on PGlite or in a transaction,
 * through Drizzle as an ordinary query. The text must never change for the same name. Rows are normalised.
 */
export async function preparedSqlRows<T>(db: Db, name: string, text: string, values: unknown[]): Promise<T[]> {
  return normaliseRows<T>(await runPrepared(db, name, text, values));
}

async function runPrepared(db: Db, name: string, text: string, values: unknown[]): Promise<DriverResult> {
  const pool = pgPool(db);
  if (pool) return pool.query({ name, text, values });
  return (await db.execute(withParams(text, values))) as unknown as DriverResult;
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

/**
 * The rows as the driver returned them (snake_case keys, dates as the driver parsed them).
 * @deprecated Use `sqlRows`. Kept only for the list queries being rewritten on other branches (search, intake list,
 * queue list) and for tests that read tables directly.
 */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/**
 * `preparedSqlRows` with the rows as the driver returned them.
 * @deprecated Use `preparedSqlRows`. Kept only for the list queries being rewritten on other branches.
 */
export async function preparedRows<T>(db: Db, name: string, text: string, values: unknown[]): Promise<T[]> {
  return (await runPrepared(db, name, text, values)).rows as T[];
}
