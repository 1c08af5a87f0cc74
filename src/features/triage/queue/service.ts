import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { conditionText } from '../../../db/prepared.js';
import { preparedRows, queryRows } from '../../../db/sql.js';
import type { CaseListAccess } from '../../../policies/index.js';

/**
 * The Prevent team's triage queue: referrals not yet decided and advice requests not yet answered, in one list ordered
 * by target date, then receipt; and the supervisor's workload per officer. References, states, officers and dates only:
 * never the name of a referred person or of whoever made the referral.
 */

/** The referral states that are still open (the queue's state filter), plus `new` for advice requests. */
export const OPEN_REFERRAL_STATES = ['new', 'in_triage', 'awaiting_information', 'awaiting_approval'] as const;
export type OpenState = (typeof OPEN_REFERRAL_STATES)[number];

export interface QueueFilters {
  /** One open state (`new` also means advice requests not yet answered). */
  state?: OpenState | undefined;
  /** `none`: not assigned; otherwise an officer's id (the route turns "Mine" into the person's own id). */
  officer?: { kind: 'none' } | { kind: 'officer'; id: string } | undefined;
  /** `overdue`: past the target date; `soon`: due today or within the next 2 working days. */
  age?: 'overdue' | 'soon' | undefined;
  /** A referral's type of concern (advice requests have none, so they drop out). */
  concern?: string | undefined;
  type?: 'referral' | 'advice' | undefined;
}

export interface QueueItem {
  kind: 'referral' | 'advice';
  reference: string;
  /** A referral's state, or `new` for an advice request not yet answered. */
  status: OpenState;
  officerId: string | null;
  officerName: string | null;
  receivedAt: Date;
  /** Target date, YYYY-MM-DD (London). */
  dueOn: string;
}

/** The queue counts this many at most; beyond, it says "more than". */
export const QUEUE_COUNT_CAP = 5000;

export interface QueuePage {
  items: QueueItem[];
  /** Everything matching the filters, on every page, up to QUEUE_COUNT_CAP (then `more` is true). */
  total: number;
  more: boolean;
}

interface Built {
  text: string;
  values: unknown[];
}

/**
 * One statement for a page and its total. Each side (referrals, advice requests) takes only the rows the page can need
 * (offset + page size) in the queue's order from `referrals_triage_order_idx` (migration 0011), the two are merged with
 * UNION ALL and cut with LIMIT/OFFSET, and the total comes from the same statement. An advice request's target date is
 * stored on receipt as a referral's is: `triage_settings.target_working_days` working days after it (London date).
 * Only the cases the `triage.queue` policy's twin (`access`, built on CASE_ALIASES) lets the person see; a table it
 * allows nothing of is left out.
 */
export function queueQuery(
  filters: QueueFilters,
  today: string,
  opts: { reach: number; perPage: number; offset: number },
  access: CaseListAccess,
): Built | null {
  const values: unknown[] = [];
  const p = (v: unknown, cast: string) => {
    values.push(v);
    return `$${values.length}::${cast}`;
  };
  const reachP = p(opts.reach, 'int');
  const perPageP = p(opts.perPage, 'int');
  const offsetP = p(opts.offset, 'int');
  // Today goes in only when a filter needs it (PostgreSQL refuses a parameter the text never uses).
  let todayP: string | undefined;
  const todayParam = () => (todayP ??= p(today, 'date'));
  let officerP: string | undefined;
  const officerParam = (id: string) => (officerP ??= p(id, 'uuid'));

  const withReferrals = filters.type !== 'advice' && access.referrals !== null;
  const withAdvice =
    filters.type !== 'referral' &&
    filters.concern === undefined &&
    (filters.state ?? 'new') === 'new' &&
    access.advice !== null;

  const common = (alias: string, due: string): string[] => {
    const where: string[] = [];
    if (filters.officer?.kind === 'none') where.push(`${alias}.assigned_officer_id is null`);
    if (filters.officer?.kind === 'officer')
      where.push(`${alias}.assigned_officer_id = ${officerParam(filters.officer.id)}`);
    if (filters.age === 'overdue') where.push(`${due} < ${todayParam()}`);
    if (filters.age === 'soon') {
      where.push(
        `${due} >= ${todayParam()} and ${due} <= (select public.prevent_add_working_days(${todayParam()}, 2))`,
      );
    }
    return where;
  };

  // Each side's conditions are built only when the side is used, so every parameter pushed appears in the text (and
  // one text always comes with the same parameters: it is a prepared statement's).
  const referralWhere =
    withReferrals && access.referrals
      ? [`r.status <> 'decided'`, conditionText(access.referrals.where, values), ...common('r', 'r.due_on')]
      : [];
  if (withReferrals && filters.state) referralWhere.push(`r.status = ${p(filters.state, 'text')}`);
  if (withReferrals && filters.concern !== undefined) {
    referralWhere.push(`r.concern_type_code = ${p(filters.concern, 'text')}`);
  }
  const adviceWhere =
    withAdvice && access.advice ? [conditionText(access.advice.where, values), ...common('a', 'a.due_on')] : [];

  const referralSide = `
      (select 'referral' as kind, r.reference, r.status, r.assigned_officer_id, r.received_at, r.due_on
         from referrals r where ${referralWhere.join(' and ')}
        order by r.due_on, r.received_at, r.reference limit ${reachP})`;
  // Advice requests not yet answered, read once for the page and the count; their target dates are stored on receipt
  // (migration 0013), in the order of `advice_triage_order_idx`.
  const adviceCtes = `
    advice_open as materialized (
      select a.reference, a.assigned_officer_id, a.received_at, a.due_on
        from advice_requests a
       where a.status = 'new'${adviceWhere.length ? ` and ${adviceWhere.join(' and ')}` : ''}
    ),`;
  const adviceSide = `
      (select 'advice' as kind, a.reference, 'new' as status, a.assigned_officer_id, a.received_at, a.due_on
         from advice_open a order by a.due_on, a.received_at, a.reference limit ${reachP})`;
  const sides = [...(withReferrals ? [referralSide] : []), ...(withAdvice ? [adviceSide] : [])];
  // Counted up to just past QUEUE_COUNT_CAP: past that, "more than" is all a person needs, and counting stays cheap.
  const capP = p(QUEUE_COUNT_CAP + 1, 'int');
  const counts = [
    ...(withReferrals
      ? [`(select count(*) from (select 1 from referrals r where ${referralWhere.join(' and ')} limit ${capP}) c)`]
      : []),
    ...(withAdvice ? [`(select count(*) from (select 1 from advice_open limit ${capP}) c)`] : []),
  ];
  if (!sides.length) return null;
  const text = `
    with ${withAdvice ? adviceCtes : ''}
    queue as (${sides.join('\n      union all')}
    ),
    page as (
      select q.kind, q.reference, q.status, q.assigned_officer_id, q.received_at,
             to_char(q.due_on, 'YYYY-MM-DD') as due_on, u.display_name as officer_name
        from queue q left join staff_users u on u.id = q.assigned_officer_id
       order by q.due_on, q.received_at, q.reference
       limit ${perPageP} offset ${offsetP}
    ),
    totals as (select ${counts.join(' + ')} as total)
    select t.total, p.kind, p.reference, p.status, p.assigned_officer_id, p.received_at, p.due_on, p.officer_name
      from totals t left join page p on true
     order by p.due_on, p.received_at, p.reference`;
  return { text, values };
}

/** One page of the triage queue (`today`: London date, YYYY-MM-DD). */
export async function triageQueue(
  db: Db,
  access: CaseListAccess,
  filters: QueueFilters,
  opts: { page: number; perPage: number; today: string },
): Promise<QueuePage> {
  const perPage = Math.max(1, Math.floor(opts.perPage));
  const offset = (Math.max(1, Math.floor(opts.page)) - 1) * perPage;
  const built = queueQuery(filters, opts.today, { reach: offset + perPage, perPage, offset }, access);
  if (!built) return { items: [], total: 0, more: false };
  // The text depends only on which filters are set, so a few dozen prepared statements at most.
  const name = `triage_queue_${createHash('sha256').update(built.text).digest('hex').slice(0, 16)}`;
  const rows = await preparedRows<{
    total: number | string;
    kind: 'referral' | 'advice' | null;
    reference: string | null;
    status: OpenState | null;
    assigned_officer_id: string | null;
    received_at: Date | string | null;
    due_on: string | null;
    officer_name: string | null;
  }>(db, name, built.text, built.values);
  const counted = Number(rows[0]?.total ?? 0);
  const items: QueueItem[] = [];
  for (const row of rows) {
    if (!row.kind || !row.reference || !row.status || !row.received_at || !row.due_on) continue;
    items.push({
      kind: row.kind,
      reference: row.reference,
      status: row.status,
      officerId: row.assigned_officer_id,
      officerName: row.officer_name,
      receivedAt: row.received_at instanceof Date ? row.received_at : new Date(row.received_at),
      dueOn: row.due_on,
    });
  }
  return { items, total: Math.min(counted, QUEUE_COUNT_CAP), more: counted > QUEUE_COUNT_CAP };
}

/** England and Wales bank holidays (YYYY-MM-DD), for counting working days as the database does. */
export async function bankHolidayDays(db: Db): Promise<string[]> {
  const rows = await preparedRows<{ day: string }>(
    db,
    'triage_bank_holidays',
    `select to_char(day, 'YYYY-MM-DD') as day from bank_holidays order by day`,
    [],
  );
  return rows.map((r) => r.day);
}

/** One officer's (or the unassigned) open referrals in one state. */
export interface WorkloadRow {
  officerId: string | null;
  status: OpenState;
  count: number;
  overdue: number;
  /** The earliest target date among them (YYYY-MM-DD). */
  oldestDue: string;
}

/** Open referrals counted per officer and state, with how many are overdue and the earliest target date. */
export async function referralWorkload(db: Db, today: string): Promise<WorkloadRow[]> {
  const rows = await queryRows<{
    assigned_officer_id: string | null;
    status: OpenState;
    n: number | string;
    overdue: number | string;
    oldest: string;
  }>(
    db,
    sql`select assigned_officer_id, status, count(*) as n,
               count(*) filter (where due_on < ${today}::date) as overdue,
               to_char(min(due_on), 'YYYY-MM-DD') as oldest
          from referrals where status <> 'decided'
         group by assigned_officer_id, status`,
  );
  return rows.map((r) => ({
    officerId: r.assigned_officer_id,
    status: r.status,
    count: Number(r.n),
    overdue: Number(r.overdue),
    oldestDue: r.oldest,
  }));
}

/** Advice requests not yet answered, per officer (null: nobody has taken them). */
export async function adviceWorkload(db: Db): Promise<Map<string | null, number>> {
  const rows = await queryRows<{ assigned_officer_id: string | null; n: number | string }>(
    db,
    sql`select assigned_officer_id, count(*) as n from advice_requests where status = 'new' group by assigned_officer_id`,
  );
  return new Map(rows.map((r) => [r.assigned_officer_id, Number(r.n)]));
}

/** Names of staff (for officers who hold work but are no longer active). */
export async function staffNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await queryRows<{ id: string; display_name: string }>(
    db,
    sql`select id, display_name from staff_users where id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`,
  );
  return new Map(rows.map((r) => [r.id, r.display_name]));
}
