import type { Db } from '../../../db/client.js';
import type { DecisionOutcome, REFERRAL_STATES } from '../../../db/schema/index.js';
import { preparedSqlRows } from '../../../db/sql.js';

/** What the referral page needs to say where a referral stands in triage and what can be done next. One query. */
export interface TriageSummary {
  status: (typeof REFERRAL_STATES)[number];
  dueOn: string;
  onHoldUntil: string | null;
  assignedOfficerId: string | null;
  assignedOfficerName: string | null;
  isRepeat: boolean;
  referrerAnonymous: boolean;
  referrerHasEmail: boolean;
  /** The latest decision, if any. */
  decision: {
    outcome: DecisionOutcome;
    approval: 'not_required' | 'pending' | 'approved' | 'returned';
    madeBy: string;
  } | null;
  /** The current hand-over (offered or accepted), else the latest returned one. */
  handover: { status: 'offered' | 'accepted' | 'returned'; organisationName: string } | null;
}

const TRIAGE_SUMMARY = `
      select r.status, to_char(r.due_on, 'YYYY-MM-DD') as due_on, to_char(r.on_hold_until, 'YYYY-MM-DD') as on_hold_until,
        r.assigned_officer_id, u.display_name as officer_name, r.is_repeat, r.referrer_anonymous,
        r.referrer_email is not null as has_email, d.outcome, d.approval, d.made_by, h.status as handover_status,
        o.name as council
      from referrals r
      left join staff_users u on u.id = r.assigned_officer_id
      left join lateral (
        select outcome, approval, made_by from decisions where referral_id = r.id order by made_at desc, id desc limit 1
      ) d on true
      left join lateral (
        select status, organisation_id from handovers where referral_id = r.id
        order by (status in ('offered', 'accepted')) desc, created_at desc limit 1
      ) h on true
      left join organisations o on o.id = h.organisation_id
      where r.id = $1`;

export async function loadTriageSummary(db: Db, referralId: string): Promise<TriageSummary | null> {
  // A named prepared statement on PostgreSQL (planned once per connection): every referral page runs it.
  const [row] = await preparedSqlRows<{
    status: TriageSummary['status'];
    dueOn: string;
    onHoldUntil: string | null;
    assignedOfficerId: string | null;
    officerName: string | null;
    isRepeat: boolean;
    referrerAnonymous: boolean;
    hasEmail: boolean;
    outcome: DecisionOutcome | null;
    approval: NonNullable<TriageSummary['decision']>['approval'] | null;
    madeBy: string | null;
    handoverStatus: NonNullable<TriageSummary['handover']>['status'] | null;
    council: string | null;
  }>(db, 'triage_summary', TRIAGE_SUMMARY, [referralId]);
  if (!row) return null;
  return {
    status: row.status,
    dueOn: row.dueOn,
    onHoldUntil: row.onHoldUntil,
    assignedOfficerId: row.assignedOfficerId,
    assignedOfficerName: row.officerName,
    isRepeat: row.isRepeat,
    referrerAnonymous: row.referrerAnonymous,
    referrerHasEmail: row.hasEmail,
    decision:
      row.outcome && row.approval && row.madeBy
        ? { outcome: row.outcome, approval: row.approval, madeBy: row.madeBy }
        : null,
    handover: row.handoverStatus && row.council ? { status: row.handoverStatus, organisationName: row.council } : null,
  };
}
