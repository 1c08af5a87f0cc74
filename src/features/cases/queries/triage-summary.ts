import type { Db } from '../../../db/client.js';
import type { DecisionOutcome, REFERRAL_STATES } from '../../../db/schema/index.js';
import { preparedRows } from '../../../db/prepared.js';

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
  const [row] = await preparedRows<{
    status: TriageSummary['status'];
    due_on: string;
    on_hold_until: string | null;
    assigned_officer_id: string | null;
    officer_name: string | null;
    is_repeat: boolean;
    referrer_anonymous: boolean;
    has_email: boolean;
    outcome: DecisionOutcome | null;
    approval: NonNullable<TriageSummary['decision']>['approval'] | null;
    made_by: string | null;
    handover_status: NonNullable<TriageSummary['handover']>['status'] | null;
    council: string | null;
  }>(db, 'triage_summary', TRIAGE_SUMMARY, [referralId]);
  if (!row) return null;
  return {
    status: row.status,
    dueOn: row.due_on,
    onHoldUntil: row.on_hold_until,
    assignedOfficerId: row.assigned_officer_id,
    assignedOfficerName: row.officer_name,
    isRepeat: row.is_repeat,
    referrerAnonymous: row.referrer_anonymous,
    referrerHasEmail: row.has_email,
    decision:
      row.outcome && row.approval && row.made_by
        ? { outcome: row.outcome, approval: row.approval, madeBy: row.made_by }
        : null,
    handover:
      row.handover_status && row.council ? { status: row.handover_status, organisationName: row.council } : null,
  };
}
