import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { appendCaseEvent } from '../case-events.js';
import { decisions, type DecisionOutcome } from '../../../db/schema/index.js';
import { queryRows } from '../../../db/sql.js';
import { changeState, WorkflowError, type ReferralState } from '../workflow.js';

/**
 * The threshold decision and its approval. The database decides whether a decision needs a supervisor's approval (a
 * "does not meet the threshold" outcome, or any decision on a repeat referral), refuses a reviewer who made the
 * decision, and refuses a move of state the decision does not allow; this module writes each step with its chronology
 * entries in one transaction.
 */

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

interface RawDecision {
  id: string;
  referral_id: string;
  outcome: DecisionOutcome;
  referred_to: string | null;
  rationale: string;
  made_by: string;
  made_by_name: string;
  made_at: Date | string;
  on_repeat: boolean;
  requires_approval: boolean;
  approval: Approval;
  reviewed_by: string | null;
  reviewed_by_name: string | null;
  reviewed_at: Date | string | null;
  review_comment: string | null;
}

const toDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

function toDecision(r: RawDecision): DecisionRow {
  return {
    id: r.id,
    referralId: r.referral_id,
    outcome: r.outcome,
    referredTo: r.referred_to,
    rationale: r.rationale,
    madeBy: r.made_by,
    madeByName: r.made_by_name,
    madeAt: toDate(r.made_at),
    onRepeat: r.on_repeat,
    requiresApproval: r.requires_approval,
    approval: r.approval,
    reviewedBy: r.reviewed_by,
    reviewedByName: r.reviewed_by_name,
    reviewedAt: r.reviewed_at === null ? null : toDate(r.reviewed_at),
    reviewComment: r.review_comment,
  };
}

const SELECT_DECISIONS = sql`select d.id, d.referral_id, d.outcome, d.referred_to, d.rationale, d.made_by,
    m.display_name as made_by_name, d.made_at, d.on_repeat, d.requires_approval, d.approval, d.reviewed_by,
    r.display_name as reviewed_by_name, d.reviewed_at, d.review_comment
  from decisions d
  join staff_users m on m.id = d.made_by
  left join staff_users r on r.id = d.reviewed_by`;

/** A referral's decisions, newest first. */
export async function listDecisions(db: Db, referralId: string): Promise<DecisionRow[]> {
  const rows = await queryRows<RawDecision>(
    db,
    sql`${SELECT_DECISIONS} where d.referral_id = ${referralId} order by d.made_at desc, d.id desc`,
  );
  return rows.map(toDecision);
}

/** The decision that took effect last (approved, or needing no approval), if any. */
export function effectiveDecision(list: readonly DecisionRow[]): DecisionRow | undefined {
  return list.find((d) => d.approval === 'approved' || d.approval === 'not_required');
}

/** The referral's status, read fresh. */
export async function referralStatus(db: Db, referralId: string): Promise<ReferralState | undefined> {
  const [row] = await queryRows<{ status: ReferralState }>(
    db,
    sql`select status from referrals where id = ${referralId}`,
  );
  return row?.status;
}

async function lockStatus(tx: Db, referralId: string): Promise<ReferralState> {
  const [row] = await queryRows<{ status: ReferralState }>(
    tx,
    sql`select status from referrals where id = ${referralId} for update`,
  );
  if (!row) throw new WorkflowError('not_found', 'no such referral');
  return row.status;
}

export interface NewDecision {
  referralId: string;
  officerId: string;
  outcome: DecisionOutcome;
  referredTo: string | null;
  rationale: string;
}

/**
 * Records an officer's decision on a referral in triage: the decision, its chronology entry, and the move to
 * "awaiting approval" (when the database says it needs approval) or "decided". Returns what happened.
 */
export async function recordDecision(db: Db, input: NewDecision): Promise<{ decisionId: string; approval: Approval }> {
  return db.transaction(async (tx) => {
    const status = await lockStatus(tx, input.referralId);
    if (status !== 'in_triage') throw new WorkflowError('state_changed', `the referral is ${status}, not in triage`);
    const [row] = await tx
      .insert(decisions)
      .values({
        referralId: input.referralId,
        outcome: input.outcome,
        referredTo: input.outcome === 'signposted' ? input.referredTo : null,
        rationale: input.rationale,
        madeBy: input.officerId,
        // The database sets these from the referral and the outcome (trigger decisions_set_approval).
        approval: 'not_required',
        requiresApproval: false,
      })
      .returning({ id: decisions.id, approval: decisions.approval });
    const decision = row!;
    const author = { kind: 'staff', id: input.officerId } as const;
    await appendCaseEvent(tx, {
      record: { referralId: input.referralId },
      kind: 'decision',
      author,
      body: input.rationale,
      data: {
        decisionId: decision.id,
        outcome: input.outcome,
        referredTo: input.outcome === 'signposted' ? input.referredTo : null,
        approval: decision.approval,
      },
    });
    await changeState(tx, input.referralId, {
      from: 'in_triage',
      to: decision.approval === 'pending' ? 'awaiting_approval' : 'decided',
      author,
      data: { decisionId: decision.id },
    });
    return { decisionId: decision.id, approval: decision.approval };
  });
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

export async function pendingApprovals(db: Db): Promise<PendingApproval[]> {
  const rows = await queryRows<{
    reference: string;
    outcome: DecisionOutcome;
    made_by_name: string;
    made_by: string;
    made_at: Date | string;
    on_repeat: boolean;
  }>(
    db,
    sql`select r.reference, d.outcome, u.display_name as made_by_name, d.made_by, d.made_at, d.on_repeat
        from decisions d join referrals r on r.id = d.referral_id join staff_users u on u.id = d.made_by
        where d.approval = 'pending' order by d.made_at, d.id`,
  );
  return rows.map((r) => ({
    reference: r.reference,
    outcome: r.outcome,
    madeByName: r.made_by_name,
    madeBy: r.made_by,
    madeAt: toDate(r.made_at),
    onRepeat: r.on_repeat,
  }));
}

async function lockPending(tx: Db, referralId: string): Promise<{ id: string; made_by: string }> {
  const [row] = await queryRows<{ id: string; made_by: string }>(
    tx,
    sql`select id, made_by from decisions where referral_id = ${referralId} and approval = 'pending' for update`,
  );
  if (!row) throw new WorkflowError('state_changed', 'no decision is waiting for approval');
  return row;
}

/**
 * A supervisor's review of a pending decision: approve it (the referral is decided) or return it with comments (back
 * into triage for the officer). Never one's own decision: refused here, and by the database's CHECK.
 */
export async function reviewDecision(
  db: Db,
  input: { referralId: string; supervisorId: string; verdict: 'approve' | 'return'; comment: string | null },
): Promise<{ decisionId: string }> {
  return db.transaction(async (tx) => {
    const pending = await lockPending(tx, input.referralId);
    if (pending.made_by === input.supervisorId) {
      throw new WorkflowError('not_allowed', 'a supervisor cannot review their own decision');
    }
    if (input.verdict === 'return' && !input.comment?.trim()) {
      throw new WorkflowError('reason_required', 'comments are needed to return a decision');
    }
    const approval = input.verdict === 'approve' ? 'approved' : 'returned';
    await tx.execute(
      sql`update decisions set approval = ${approval}, reviewed_by = ${input.supervisorId}, reviewed_at = now(),
          review_comment = ${input.comment?.trim() || null}
          where id = ${pending.id}`,
    );
    const author = { kind: 'staff', id: input.supervisorId } as const;
    await appendCaseEvent(tx, {
      record: { referralId: input.referralId },
      kind: input.verdict === 'approve' ? 'approval' : 'approval_returned',
      author,
      body: input.comment?.trim() || null,
      data: { decisionId: pending.id },
    });
    await changeState(tx, input.referralId, {
      from: 'awaiting_approval',
      to: input.verdict === 'approve' ? 'decided' : 'in_triage',
      author,
      data: { decisionId: pending.id },
    });
    return { decisionId: pending.id };
  });
}
