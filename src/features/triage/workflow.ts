import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { appendCaseEvent, type EventAuthor, type EventRecord } from './case-events.js';
import type { REFERRAL_STATES } from '../../db/schema/index.js';
import { queryRows } from '../../db/sql.js';

/**
 * The triage workflow's state changes: taking a referral from the queue, assigning it, moving it between states. Each
 * change and its chronology entry are written in one transaction; the database refuses a change of state that is not
 * allowed (trigger `referrals_transition`), so a stale form or a race cannot put a referral in the wrong state.
 */

export type ReferralState = (typeof REFERRAL_STATES)[number];

/** Why a workflow step could not be done. Routes turn these into a message for the officer, never a 500. */
export class WorkflowError extends Error {
  constructor(
    readonly code:
      'already_assigned' | 'not_an_officer' | 'state_changed' | 'reason_required' | 'not_found' | 'not_allowed',
    message: string,
  ) {
    super(message);
    this.name = 'WorkflowError';
  }
}

interface StateRow {
  id: string;
  status: ReferralState;
  assigned_officer_id: string | null;
}

async function lockReferral(tx: Db, referralId: string): Promise<StateRow> {
  const [row] = await queryRows<StateRow>(
    tx,
    sql`select id, status, assigned_officer_id from referrals where id = ${referralId} for update`,
  );
  if (!row) throw new WorkflowError('not_found', 'no such referral');
  return row;
}

/**
 * Moves a referral from one state to another, if it is still in the state the officer saw, and writes the chronology
 * entry. In the caller's transaction.
 */
export async function changeState(
  tx: Db,
  referralId: string,
  change: {
    from: ReferralState | readonly ReferralState[];
    to: ReferralState;
    author: EventAuthor;
    reason?: string | null;
    onHoldUntil?: string | null;
    data?: Record<string, unknown>;
  },
): Promise<void> {
  const current = await lockReferral(tx, referralId);
  const allowedFrom = typeof change.from === 'string' ? [change.from] : change.from;
  if (!allowedFrom.includes(current.status)) {
    throw new WorkflowError('state_changed', `the referral is ${current.status}, not ${allowedFrom.join(' or ')}`);
  }
  await tx.execute(
    sql`update referrals set status = ${change.to}, on_hold_until = ${change.onHoldUntil ?? null}
        where id = ${referralId}`,
  );
  await appendCaseEvent(tx, {
    record: { referralId },
    kind: 'status',
    author: change.author,
    body: change.reason?.trim() || null,
    data: {
      from: current.status,
      to: change.to,
      ...(change.onHoldUntil ? { onHoldUntil: change.onHoldUntil } : {}),
      ...change.data,
    },
  });
}

/** Is this person an active member of the Prevent team (officer or supervisor)? */
export async function isActivePreventOfficer(db: Db, userId: string): Promise<boolean> {
  const rows = await queryRows<{ ok: boolean }>(
    db,
    sql`select true as ok from staff_users u
        join organisations o on o.id = u.organisation_id and o.kind = 'police_prevent'
        join staff_roles r on r.user_id = u.id and r.role in ('prevent_officer', 'prevent_supervisor')
        where u.id = ${userId} and u.status = 'active' limit 1`,
  );
  return rows.length > 0;
}

/** The Prevent team's active officers and supervisors, by name (for assignment and filters). */
export async function listPreventOfficers(db: Db): Promise<{ id: string; displayName: string }[]> {
  const rows = await queryRows<{ id: string; display_name: string }>(
    db,
    sql`select distinct u.id, u.display_name from staff_users u
        join organisations o on o.id = u.organisation_id and o.kind = 'police_prevent'
        join staff_roles r on r.user_id = u.id and r.role in ('prevent_officer', 'prevent_supervisor')
        where u.status = 'active' order by u.display_name, u.id`,
  );
  return rows.map((r) => ({ id: r.id, displayName: r.display_name }));
}

/**
 * An officer takes a referral from the intake queue: it becomes theirs and moves into triage. Refused if someone else
 * took it first (the update only matches an unassigned referral).
 */
export async function takeReferral(db: Db, officerId: string, referralId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await lockReferral(tx, referralId);
    if (current.assigned_officer_id !== null) {
      throw new WorkflowError('already_assigned', 'the referral has already been taken');
    }
    await tx.execute(sql`update referrals set assigned_officer_id = ${officerId} where id = ${referralId}`);
    await appendCaseEvent(tx, {
      record: { referralId },
      kind: 'assigned',
      author: { kind: 'staff', id: officerId },
      data: { from: null, to: officerId, taken: true },
    });
    if (current.status === 'new') {
      await changeState(tx, referralId, { from: 'new', to: 'in_triage', author: { kind: 'staff', id: officerId } });
    }
  });
}

/**
 * A supervisor assigns or reassigns a referral or an advice request to an officer of the Prevent team (with a reason
 * when it moves from one officer to another). A new referral moves into triage.
 */
export async function assignCase(
  db: Db,
  supervisorId: string,
  record: EventRecord,
  officerId: string,
  reason: string | null,
): Promise<void> {
  if (!(await isActivePreventOfficer(db, officerId))) {
    throw new WorkflowError('not_an_officer', 'not an active member of the Prevent team');
  }
  const referralId = 'referralId' in record ? record.referralId : null;
  await db.transaction(async (tx) => {
    const [current] = await queryRows<{ assigned_officer_id: string | null; status: string }>(
      tx,
      referralId
        ? sql`select assigned_officer_id, status from referrals where id = ${referralId} for update`
        : sql`select assigned_officer_id, status from advice_requests where id = ${'adviceId' in record ? record.adviceId : null} for update`,
    );
    if (!current) throw new WorkflowError('not_found', referralId ? 'no such referral' : 'no such advice request');
    if (current.assigned_officer_id === officerId) return;
    if (current.assigned_officer_id !== null && !reason?.trim()) {
      throw new WorkflowError('reason_required', 'a reason is needed to reassign a case');
    }
    await tx.execute(
      referralId
        ? sql`update referrals set assigned_officer_id = ${officerId} where id = ${referralId}`
        : sql`update advice_requests set assigned_officer_id = ${officerId} where id = ${'adviceId' in record ? record.adviceId : null}`,
    );
    await appendCaseEvent(tx, {
      record,
      kind: 'assigned',
      author: { kind: 'staff', id: supervisorId },
      body: reason?.trim() || null,
      data: { from: current.assigned_officer_id, to: officerId },
    });
    if (referralId && current.status === 'new') {
      await changeState(tx, referralId, { from: 'new', to: 'in_triage', author: { kind: 'staff', id: supervisorId } });
    }
  });
}

/** `assignCase` for a referral. */
export function assignReferral(
  db: Db,
  supervisorId: string,
  referralId: string,
  officerId: string,
  reason: string | null,
): Promise<void> {
  return assignCase(db, supervisorId, { referralId }, officerId, reason);
}

/** Reopens a decided referral (back into triage), with the reason in the chronology. */
export async function reopenReferral(db: Db, staffId: string, referralId: string, reason: string): Promise<void> {
  if (reason.trim().length < 10) throw new WorkflowError('reason_required', 'a reason is needed to reopen a referral');
  await db.transaction((tx) =>
    changeState(tx, referralId, {
      from: 'decided',
      to: 'in_triage',
      author: { kind: 'staff', id: staffId },
      reason,
      data: { reopened: true },
    }),
  );
}

/**
 * Referrals on hold whose date has come move back into triage (the worker runs this daily and at start). Returns how
 * many moved.
 */
export async function releaseHeldReferrals(db: Db, today: string): Promise<number> {
  const due = await queryRows<{ id: string }>(
    db,
    sql`select id from referrals where status = 'awaiting_information' and on_hold_until <= ${today}::date`,
  );
  let moved = 0;
  for (const { id } of due) {
    try {
      await db.transaction((tx) =>
        changeState(tx, id, {
          from: 'awaiting_information',
          to: 'in_triage',
          author: { kind: 'system' },
          data: { holdEnded: true },
        }),
      );
      moved++;
    } catch (err) {
      if (!(err instanceof WorkflowError && err.code === 'state_changed')) throw err;
    }
  }
  return moved;
}

/** An officer takes an advice request from the queue to answer it. */
export async function takeAdvice(db: Db, officerId: string, adviceId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`update advice_requests set assigned_officer_id = ${officerId}
          where id = ${adviceId} and assigned_officer_id is null returning id`,
    );
    if (!row) throw new WorkflowError('already_assigned', 'the advice request has already been taken');
    await appendCaseEvent(tx, {
      record: { adviceId },
      kind: 'assigned',
      author: { kind: 'staff', id: officerId },
      data: { from: null, to: officerId, taken: true },
    });
  });
}
