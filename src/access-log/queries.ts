import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { accessLog, type AccessAction } from '../db/schema/index.js';
import { pgPool, preparedSqlRows, queryRows } from '../db/sql.js';

export interface AccessEntry {
  action: AccessAction;
  recordType: string;
  recordId?: string | null;
  reference?: string | null;
  actorType: 'public' | 'staff' | 'system';
  actorId?: string | null;
  organisation?: string | null;
  channel?: string | null;
  justification?: string | null;
  recipients?: string[] | null;
  /** What was done, never the personal data itself (field names, counts, never values). */
  detail?: Record<string, unknown>;
}

/**
 * Appends to the DPA 2018 s.62 log, in the caller's transaction so that the log and the change stand or fall together.
 * One plain INSERT: rows are sealed into the hash chain later, by the sealing job (src/access-log/seal.ts).
 */
export async function appendAccessLog(db: Db, entry: AccessEntry): Promise<void> {
  const pool = pgPool(db);
  if (!pool) {
    await db.insert(accessLog).values({ ...entry, detail: entry.detail ?? {} });
    return;
  }
  // Outside a transaction on PostgreSQL (every staff page view): a named prepared statement, planned once per connection.
  await preparedSqlRows(db, 'append_access_log', APPEND_ACCESS_LOG, [
    entry.action,
    entry.recordType,
    entry.recordId ?? null,
    entry.reference ?? null,
    entry.actorType,
    entry.actorId ?? null,
    entry.organisation ?? null,
    entry.channel ?? null,
    entry.justification ?? null,
    entry.recipients ?? null,
    JSON.stringify(entry.detail ?? {}),
  ]);
}

const APPEND_ACCESS_LOG = `insert into access_log
  (action, record_type, record_id, reference, actor_type, actor_id, organisation, channel, justification, recipients, detail)
  values ($1, $2, $3::uuid, $4, $5, $6, $7, $8, $9, $10::text[], $11::jsonb)`;

// ---------------------------------------------------------------------------------------------------------------------
// Reading the log (the data protection officer's pages and export).

/** What the log can be filtered by: ids, references, codes and dates only (never a name). */
export interface AccessLogFilters {
  reference?: string;
  action?: AccessAction;
  /** A staff member's id. */
  actorId?: string;
  /** An organisation's code. */
  organisation?: string;
  /** First and last day, inclusive, as YYYY-MM-DD: days in the UK (midnight to midnight, GMT or BST). */
  from?: string;
  to?: string;
  /** Only entries about these records (the "one person" page). */
  records?: readonly { recordType: string; recordId: string }[];
}

export interface AccessLogRow {
  id: number;
  occurredAt: Date;
  /** The time in UTC to the microsecond, as PostgreSQL prints it (for the export). */
  occurredAtUtc: string;
  action: AccessAction;
  recordType: string;
  recordId: string | null;
  reference: string | null;
  actorType: 'public' | 'staff' | 'system';
  actorId: string | null;
  /** The staff member's name now, for staff entries. */
  actorName: string | null;
  organisation: string | null;
  organisationName: string | null;
  channel: string | null;
  justification: string | null;
  recipients: string[];
  detail: Record<string, unknown>;
}

interface RawRow {
  id: string;
  occurred_at: string;
  action: AccessAction;
  record_type: string;
  record_id: string | null;
  reference: string | null;
  actor_type: 'public' | 'staff' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  organisation: string | null;
  organisation_name: string | null;
  channel: string | null;
  justification: string | null;
  recipients: string | null;
  detail: string | null;
}

function whereOf(f: AccessLogFilters): SQL {
  const c: SQL[] = [sql`true`];
  if (f.reference) c.push(sql`l.reference = ${f.reference}`);
  if (f.action) c.push(sql`l.action = ${f.action}`);
  if (f.actorId) c.push(sql`l.actor_type = 'staff' and l.actor_id = ${f.actorId}`);
  if (f.organisation) c.push(sql`l.organisation = ${f.organisation}`);
  if (f.from) c.push(sql`l.occurred_at >= (${f.from}::date::timestamp at time zone 'Europe/London')`);
  if (f.to) c.push(sql`l.occurred_at < ((${f.to}::date + 1)::timestamp at time zone 'Europe/London')`);
  if (f.records) {
    if (f.records.length === 0) c.push(sql`false`);
    else
      c.push(
        sql`(${sql.join(
          f.records.map((r) => sql`(l.record_type = ${r.recordType} and l.record_id = ${r.recordId}::uuid)`),
          sql` or `,
        )})`,
      );
  }
  return sql.join(c, sql` and `);
}

const SELECT = sql`select l.id::text as id,
    to_char(l.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
    l.action, l.record_type, l.record_id::text as record_id, l.reference, l.actor_type, l.actor_id,
    u.display_name as actor_name, l.organisation, o.name as organisation_name, l.channel, l.justification,
    array_to_json(l.recipients)::text as recipients, l.detail::text as detail
  from access_log l
  left join staff_users u on l.actor_type = 'staff' and u.id::text = l.actor_id
  left join organisations o on o.code = l.organisation`;

function toRow(r: RawRow): AccessLogRow {
  return {
    id: Number(r.id),
    occurredAt: new Date(r.occurred_at),
    occurredAtUtc: r.occurred_at,
    action: r.action,
    recordType: r.record_type,
    recordId: r.record_id,
    reference: r.reference,
    actorType: r.actor_type,
    actorId: r.actor_id,
    actorName: r.actor_name,
    organisation: r.organisation,
    organisationName: r.organisation_name,
    channel: r.channel,
    justification: r.justification,
    recipients: r.recipients ? (JSON.parse(r.recipients) as string[]) : [],
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : {},
  };
}

/** The position of one entry in the log's order (newest first: by time, then id). */
const positionOf = (id: number) => sql`(select p.occurred_at, p.id from access_log p where p.id = ${id}::bigint)`;

export interface AccessLogPage {
  entries: AccessLogRow[];
  /** Whether entries newer than the first shown, and older than the last shown, match the filters. */
  newer: boolean;
  older: boolean;
}

/**
 * One page of entries, newest first. Pages are keyed by an entry (`before`: the page after it; `after`: the page before
 * it), not by an offset, so a page deep in millions of entries costs what the first one does.
 */
export async function searchAccessLog(
  db: Db,
  filters: AccessLogFilters,
  page: { before?: number | undefined; after?: number | undefined; size?: number } = {},
): Promise<AccessLogPage> {
  const size = page.size ?? 50;
  const where = whereOf(filters);
  let raw: RawRow[];
  if (page.after !== undefined) {
    raw = await queryRows<RawRow>(
      db,
      sql`${SELECT} where ${where} and (l.occurred_at, l.id) > ${positionOf(page.after)}
          order by l.occurred_at asc, l.id asc limit ${size}`,
    );
    raw.reverse();
  } else {
    const before = page.before === undefined ? sql`true` : sql`(l.occurred_at, l.id) < ${positionOf(page.before)}`;
    raw = await queryRows<RawRow>(
      db,
      sql`${SELECT} where ${where} and ${before} order by l.occurred_at desc, l.id desc limit ${size}`,
    );
  }
  const entries = raw.map(toRow);
  if (entries.length === 0) {
    // Past either end (or nothing matches): offer the way back if there is one.
    const [edge] = await queryRows<{ newer: boolean; older: boolean }>(
      db,
      sql`select
          ${page.before !== undefined ? sql`exists (select 1 from access_log l where ${where} and (l.occurred_at, l.id) >= ${positionOf(page.before)})` : sql`false`} as newer,
          ${page.after !== undefined ? sql`exists (select 1 from access_log l where ${where} and (l.occurred_at, l.id) <= ${positionOf(page.after)})` : sql`false`} as older`,
    );
    return { entries, newer: edge?.newer === true, older: edge?.older === true };
  }
  const first = entries[0]!.id;
  const last = entries[entries.length - 1]!.id;
  const [edge] = await queryRows<{ newer: boolean; older: boolean }>(
    db,
    sql`select
        exists (select 1 from access_log l where ${where} and (l.occurred_at, l.id) > ${positionOf(first)}) as newer,
        exists (select 1 from access_log l where ${where} and (l.occurred_at, l.id) < ${positionOf(last)}) as older`,
  );
  return { entries, newer: edge?.newer === true, older: edge?.older === true };
}

/** How many entries match, counted up to `cap` (a count of millions is slow and says nothing more). */
export async function countAccessLog(db: Db, filters: AccessLogFilters, cap = 10_000): Promise<number> {
  const [row] = await queryRows<{ n: string }>(
    db,
    sql`select count(*)::text as n from (select 1 from access_log l where ${whereOf(filters)} limit ${cap + 1}) c`,
  );
  return Number(row?.n ?? 0);
}

/**
 * Every matching entry, newest first, in batches of `batch` (one query each, keyed by the last entry of the one
 * before): an export of millions of entries never holds more than one batch.
 */
export async function* accessLogBatches(
  db: Db,
  filters: AccessLogFilters,
  batch = 1000,
): AsyncGenerator<AccessLogRow[]> {
  let before: number | undefined;
  for (;;) {
    const where = whereOf(filters);
    const after = before === undefined ? sql`true` : sql`(l.occurred_at, l.id) < ${positionOf(before)}`;
    const rows = (
      await queryRows<RawRow>(
        db,
        sql`${SELECT} where ${where} and ${after} order by l.occurred_at desc, l.id desc limit ${batch}`,
      )
    ).map(toRow);
    if (rows.length) yield rows;
    if (rows.length < batch) return;
    before = rows[rows.length - 1]!.id;
  }
}

/** The choices of the filter form: staff members (id, name, organisation) and organisations (code, name). */
export async function accessLogFilterChoices(db: Db): Promise<{
  staff: { id: string; name: string; organisation: string }[];
  organisations: { code: string; name: string }[];
}> {
  const staff = await queryRows<{ id: string; name: string; organisation: string }>(
    db,
    sql`select u.id::text as id, u.display_name as name, o.name as organisation
        from staff_users u join organisations o on o.id = u.organisation_id
        order by lower(u.display_name), u.id`,
  );
  const organisations = await queryRows<{ code: string; name: string }>(
    db,
    sql`select code, name from organisations order by lower(name), code`,
  );
  return { staff, organisations };
}
