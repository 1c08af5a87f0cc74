import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { queryRows } from '../../../db/sql.js';
import { preparedRows } from '../../../db/prepared.js';

/** How many referrals and advice requests are waiting (for the Prevent team's home page). */
export async function intakeCounts(db: Db): Promise<{ referrals: number; advice: number }> {
  const result = await queryRows<{ referrals: number | string; advice: number | string }>(
    db,
    sql`
    select (select count(*) from referrals where status = 'new') as referrals,
           (select count(*) from advice_requests where status = 'new') as advice`,
  );
  const row = result[0]!;
  return { referrals: Number(row.referrals), advice: Number(row.advice) };
}

/** One line of the intake queue: the reference and facts about how it arrived, never a name or what was written. */
export interface IntakeItem {
  kind: 'referral' | 'advice';
  reference: string;
  receivedAt: Date;
  source: 'online' | 'email' | 'phone' | 'post';
  /** Referrals only: the officer it is assigned to (null: unassigned). Always null for advice requests. */
  assignedOfficerName: string | null;
}

export interface IntakeQueuePage {
  items: IntakeItem[];
  /** Everything waiting, on every page. */
  total: number;
}

/**
 * One page of the intake queue: new referrals and new advice requests together, oldest first (then by reference, so
 * the order is stable). One statement: each side takes only the rows the page can need (offset + page size, from the
 * partial indexes on `status = 'new'`, referrals_intake_idx and advice_intake_idx, or the status index while the queue
 * is short), the two are merged with UNION ALL and cut with LIMIT/OFFSET, and the totals come from the same statement,
 * so they are there even for a page past the end. About 2 ms with 100,000 referrals on PostgreSQL.
 */
const INTAKE_QUEUE = `
    with queue as (
      (select 'referral' as kind, r.reference, r.received_at, r.source, r.assigned_officer_id
         from referrals r where r.status = 'new' order by r.received_at, r.reference limit $1::int)
      union all
      (select 'advice' as kind, a.reference, a.received_at, a.source, null::uuid as assigned_officer_id
         from advice_requests a where a.status = 'new' order by a.received_at, a.reference limit $1::int)
    ),
    page as (
      select q.kind, q.reference, q.received_at, q.source, u.display_name as officer_name
        from queue q left join staff_users u on u.id = q.assigned_officer_id
       order by q.received_at, q.reference
       limit $2::int offset $3::int
    ),
    totals as (
      select (select count(*) from referrals where status = 'new')
           + (select count(*) from advice_requests where status = 'new') as total
    )
    select t.total, p.kind, p.reference, p.received_at, p.source, p.officer_name
      from totals t left join page p on true
     order by p.received_at, p.reference`;

export async function intakeQueue(db: Db, opts: { page: number; perPage: number }): Promise<IntakeQueuePage> {
  const perPage = Math.max(1, Math.floor(opts.perPage));
  const offset = (Math.max(1, Math.floor(opts.page)) - 1) * perPage;
  const reach = offset + perPage;
  const rows = await preparedRows<{
    total: number | string;
    kind: 'referral' | 'advice' | null;
    reference: string | null;
    received_at: Date | string | null;
    source: IntakeItem['source'] | null;
    officer_name: string | null;
  }>(db, 'intake_queue_page', INTAKE_QUEUE, [reach, perPage, offset]);
  const total = Number(rows[0]?.total ?? 0);
  const items: IntakeItem[] = [];
  for (const row of rows) {
    if (!row.kind || !row.reference || !row.received_at || !row.source) continue;
    items.push({
      kind: row.kind,
      reference: row.reference,
      receivedAt: row.received_at instanceof Date ? row.received_at : new Date(row.received_at),
      source: row.source,
      assignedOfficerName: row.kind === 'referral' ? row.officer_name : null,
    });
  }
  return { items, total };
}
