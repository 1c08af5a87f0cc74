import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { decisions, type DecisionOutcome, type REFERRAL_STATES } from '../../../db/schema/index.js';
import { sqlRows } from '../../../db/sql.js';

/**
 * The decision feature's queries (service.ts keeps the transactions and the rules). Each takes the database handle,
 * or the caller's transaction, first.
 */

type ReferralState = (typeof REFERRAL_STATES)[number];

export type Approval = 'not_required' | 'pending' | 'approved' | 'returned';

export interface DecisionRow {
  id: string;
  referralId: string;
  outcome: DecisionOutcome;
  referredTo: string | null;
  rationale: string;
  madeBy: string;
  madeByName: string;
  madeAt: Date;
  onRepeat: boolean;
  requiresApproval: boolean;
  approval: Approval;
  reviewedBy: string | null;
  reviewedByName: string | null;
  reviewedAt: Date | null;
  reviewComment: string | null;
}

const SELECT_DECISIONS = sql`select d.id, d.referral_id, d.outcome, d.referred_to, d.rationale, d.made_by,
    m.display_name as made_by_name, d.made_at, d.on_repeat, d.requires_approval, d.approval, d.reviewed_by,
    r.display_name as reviewed_by_name, d.reviewed_at, d.review_comment
  from decisions d
  join staff_users m on m.id = d.made_by
  left join staff_users r on r.id = d.reviewed_by`;

/** A referral's decisions, newest first. */
export function listDecisions(db: Db, referralId: string): Promise<DecisionRow[]> {
  return sqlRows<DecisionRow>(
    db,
    sql`${SELECT_DECISIONS} where d.referral_id = ${referralId} order by d.made_at desc, d.id desc`,
  );
}

/** The referral's status, read fresh. */
export async function referralStatus(db: Db, referralId: string): Promise<ReferralState | undefined> {
  const [row] = await sqlRows<{ status: ReferralState }>(
    db,
    sql`select status from referrals where id = ${referralId}`,
  );
  return row?.status;
}

/** The referral's status, its row locked for the rest of the transaction; undefined if there is no such referral. */
export async function lockReferralStatus(tx: Db, referralId: string): Promise<ReferralState | undefined> {
  const [row] = await sqlRows<{ status: ReferralState }>(
    tx,
    sql`select status from referrals where id = ${referralId} for update`,
  );
  return row?.status;
}

/** Writes a decision; the database sets whether it needs approval (trigger decisions_set_approval). */
export async function insertDecision(
  tx: Db,
  input: { referralId: string; outcome: DecisionOutcome; referredTo: string | null; rationale: string; madeBy: string },
): Promise<{ id: string; approval: Approval }> {
  const [row] = await tx
    .insert(decisions)
    .values({
      ...input,
      // The database sets these from the referral and the outcome (trigger decisions_set_approval).
      approval: 'not_required',
      requiresApproval: false,
    })
    .returning({ id: decisions.id, approval: decisions.approval });
  return row!;
}

/** Decisions waiting for a supervisor, oldest first (references, no names of the people concerned). */
export interface PendingApproval {
  reference: string;
  outcome: DecisionOutcome;
  madeByName: string;
  madeBy: string;
  madeAt: Date;
  onRepeat: boolean;
}

export function pendingApprovals(db: Db): Promise<PendingApproval[]> {
  return sqlRows<PendingApproval>(
    db,
    sql`select r.reference, d.outcome, u.display_name as made_by_name, d.made_by, d.made_at, d.on_repeat
        from decisions d join referrals r on r.id = d.referral_id join staff_users u on u.id = d.made_by
        where d.approval = 'pending' order by d.made_at, d.id`,
  );
}

/** The referral's pending decision, locked for the rest of the transaction. */
export async function lockPendingDecision(
  tx: Db,
  referralId: string,
): Promise<{ id: string; madeBy: string } | undefined> {
  const [row] = await sqlRows<{ id: string; madeBy: string }>(
    tx,
    sql`select id, made_by from decisions where referral_id = ${referralId} and approval = 'pending' for update`,
  );
  return row;
}

/** Records a supervisor's review on a decision. */
export async function saveReview(
  tx: Db,
  decisionId: string,
  review: { approval: 'approved' | 'returned'; reviewedBy: string; comment: string | null },
): Promise<void> {
  await tx.execute(
    sql`update decisions set approval = ${review.approval}, reviewed_by = ${review.reviewedBy}, reviewed_at = now(),
        review_comment = ${review.comment}
        where id = ${decisionId}`,
  );
}
