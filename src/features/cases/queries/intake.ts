import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { preparedRows, queryRows } from '../../../db/sql.js';
import { conditionText } from '../../../db/prepared.js';
import type { CaseListAccess } from '../../../policies/index.js';

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
 * the order is stable), of those the `intake.list` policy's twin (`access`, built on CASE_ALIASES) lets the person see.
 * One statement: each side takes only the rows the page can need (offset + page size, from the partial indexes on
 * `status = 'new'`, referrals_intake_idx and advice_intake_idx, or the status index while the queue is short), the two
 * are merged with UNION ALL and cut with LIMIT/OFFSET, and the totals come from the same statement, so they are there
 * even for a page past the end. About 2 ms with 100,000 referrals on PostgreSQL.
 */
export function intakeQueueQuery(
  access: CaseListAccess,
  opts: { reach: number; perPage: number; offset: number },
): { text: string; values: unknown[] } {
  const values: unknown[] = [opts.reach, opts.perPage, opts.offset];
  // The twin's text goes in each place it is needed (its parameters numbered after $1–$3); a table the policy allows
  // nothing of: no row.
  const referralRows = () => (access.referrals ? conditionText(access.referrals.where, values) : 'false');
  const adviceRows = () => (access.advice ? conditionText(access.advice.where, values) : 'false');
  const text = `
    with queue as (
      (select 'referral' as kind, r.reference, r.received_at, r.source, r.assigned_officer_id
         from referrals r where r.status = 'new' and ${referralRows()}
        order by r.received_at, r.reference limit $1::int)
      union all
      (select 'advice' as kind, a.reference, a.received_at, a.source, null::uuid as assigned_officer_id
         from advice_requests a where a.status = 'new' and ${adviceRows()}
        order by a.received_at, a.reference limit $1::int)
    ),
    page as (
      select q.kind, q.reference, q.received_at, q.source, u.display_name as officer_name
        from queue q left join staff_users u on u.id = q.assigned_officer_id
       order by q.received_at, q.reference
       limit $2::int offset $3::int
    ),
    totals as (
      select (select count(*) from referrals r where r.status = 'new' and ${referralRows()})
           + (select count(*) from advice_requests a where a.status = 'new' and ${adviceRows()}) as total
    )
    select t.total, p.kind, p.reference, p.received_at, p.source, p.officer_name
      from totals t left join page p on true
     order by p.received_at, p.reference`;
  return { text, values };
}

export async function intakeQueue(
  db: Db,
  access: CaseListAccess,
  opts: { page: number; perPage: number },
): Promise<IntakeQueuePage> {
  const perPage = Math.max(1, Math.floor(opts.perPage));
  const offset = (Math.max(1, Math.floor(opts.page)) - 1) * perPage;
  const { text, values } = intakeQueueQuery(access, { reach: offset + perPage, perPage, offset });
  // The text depends only on the twin's shape: one prepared statement per shape (one for the whole Prevent team).
  const name = `intake_queue_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  const rows = await preparedRows<{
    total: number | string;
    kind: 'referral' | 'advice' | null;
    reference: string | null;
    received_at: Date | string | null;
    source: IntakeItem['source'] | null;
    officer_name: string | null;
  }>(db, name, text, values);
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
