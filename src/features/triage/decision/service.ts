import type { Db } from '../../../db/client.js';
import { appendCaseEvent } from '../case-events.js';
import type { DecisionOutcome } from '../../../db/schema/index.js';
import {
  insertDecision,
  lockPendingDecision,
  lockReferralStatus,
  saveReview,
  type Approval,
  type DecisionRow,
} from './queries.js';
import { changeState, WorkflowError, type ReferralState } from '../workflow.js';

export { listDecisions, pendingApprovals, referralStatus } from './queries.js';
export type { Approval, DecisionRow, PendingApproval } from './queries.js';

/**
 * The threshold decision and its approval. The database decides whether a decision needs a supervisor's approval (a
 * "does not meet the threshold" outcome, or any decision on a repeat referral), refuses a reviewer who made the
 * decision, and refuses a move of state the decision does not allow; this module writes each step with its chronology
 * entries in one transaction.
 */

async function lockStatus(tx: Db, referralId: string): Promise<ReferralState> {
  const status = await lockReferralStatus(tx, referralId);
  if (!status) throw new WorkflowError('not_found', 'no such referral');
  return status;
}

/** The decision that took effect last (approved, or needing no approval), if any. */
export function effectiveDecision(list: readonly DecisionRow[]): DecisionRow | undefined {
  return list.find((d) => d.approval === 'approved' || d.approval === 'not_required');
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
    const decision = await insertDecision(tx, {
      referralId: input.referralId,
      outcome: input.outcome,
      referredTo: input.outcome === 'signposted' ? input.referredTo : null,
      rationale: input.rationale,
      madeBy: input.officerId,
    });
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

/**
 * A supervisor's review of a pending decision: approve it (the referral is decided) or return it with comments (back
 * into triage for the officer). Never one's own decision: refused here, and by the database's CHECK.
 */
export async function reviewDecision(
  db: Db,
  input: { referralId: string; supervisorId: string; verdict: 'approve' | 'return'; comment: string | null },
): Promise<{ decisionId: string }> {
  return db.transaction(async (tx) => {
    const pending = await lockPendingDecision(tx, input.referralId);
    if (!pending) throw new WorkflowError('state_changed', 'no decision is waiting for approval');
    if (pending.madeBy === input.supervisorId) {
      throw new WorkflowError('not_allowed', 'a supervisor cannot review their own decision');
    }
    if (input.verdict === 'return' && !input.comment?.trim()) {
      throw new WorkflowError('reason_required', 'comments are needed to return a decision');
    }
    const approval = input.verdict === 'approve' ? 'approved' : 'returned';
    await saveReview(tx, pending.id, {
      approval,
      reviewedBy: input.supervisorId,
      comment: input.comment?.trim() || null,
    });
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
