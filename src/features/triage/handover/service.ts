import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { appendAccessLog } from '../../../access-log/queries.js';
import { appendCaseEvent } from '../case-events.js';
import { CASE_ALIASES } from '../../../db/case-aliases.js';
import { handovers } from '../../../db/schema/index.js';
import { queryRows } from '../../../db/sql.js';
import { listAccess, type Principal } from '../../../policies/index.js';
import { WorkflowError } from '../workflow.js';

/**
 * The hand-over of a referral that meets the threshold for Channel to the council where the person lives (domain.md
 * §2–§6). Offering it shares the case with that council (a `case_shares` row, which the policies read) and is a
 * disclosure in the access log; the council's coordinators accept it, or return it with a reason, which ends the share.
 */

export type HandoverStatus = 'offered' | 'accepted' | 'returned';

export interface HandoverRow {
  id: string;
  organisationId: string;
  organisationCode: string;
  organisationName: string;
  suggestedOrganisationId: string | null;
  overrideReason: string | null;
  status: HandoverStatus;
  createdByName: string;
  createdAt: Date;
  respondedByName: string | null;
  respondedAt: Date | null;
  returnReason: string | null;
}

const toDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/** A referral's hand-overs, newest first. */
export async function listHandovers(db: Db, referralId: string): Promise<HandoverRow[]> {
  const rows = await queryRows<{
    id: string;
    organisation_id: string;
    organisation_code: string;
    organisation_name: string;
    suggested_organisation_id: string | null;
    override_reason: string | null;
    status: HandoverStatus;
    created_by_name: string;
    created_at: Date | string;
    responded_by_name: string | null;
    responded_at: Date | string | null;
    return_reason: string | null;
  }>(
    db,
    sql`select h.id, h.organisation_id, o.code as organisation_code, o.name as organisation_name,
          h.suggested_organisation_id, h.override_reason, h.status, c.display_name as created_by_name, h.created_at,
          r.display_name as responded_by_name, h.responded_at, h.return_reason
        from handovers h
        join organisations o on o.id = h.organisation_id
        join staff_users c on c.id = h.created_by
        left join staff_users r on r.id = h.responded_by
        where h.referral_id = ${referralId}
        order by h.created_at desc, h.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    organisationId: r.organisation_id,
    organisationCode: r.organisation_code,
    organisationName: r.organisation_name,
    suggestedOrganisationId: r.suggested_organisation_id,
    overrideReason: r.override_reason,
    status: r.status,
    createdByName: r.created_by_name,
    createdAt: toDate(r.created_at),
    respondedByName: r.responded_by_name,
    respondedAt: r.responded_at === null ? null : toDate(r.responded_at),
    returnReason: r.return_reason,
  }));
}

/** The hand-over still standing (offered or accepted), if any. */
export function currentHandover(list: readonly HandoverRow[]): HandoverRow | undefined {
  return list.find((h) => h.status === 'offered' || h.status === 'accepted');
}

/** The person's postcode (for the council suggestion; never logged). */
export async function personPostcode(db: Db, referralId: string): Promise<string | null> {
  const [row] = await queryRows<{ person_postcode: string | null }>(
    db,
    sql`select person_postcode from referrals where id = ${referralId}`,
  );
  return row?.person_postcode ?? null;
}

/**
 * Offers the referral to a council: the hand-over, the share, the chronology entry and the disclosure entry in one
 * transaction. The database refuses a second current hand-over, and a different council without a reason.
 */
export async function offerHandover(
  db: Db,
  input: {
    referralId: string;
    reference: string;
    principal: Principal;
    council: { id: string; code: string };
    suggestedOrganisationId: string | null;
    overrideReason: string | null;
  },
): Promise<{ handoverId: string }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select id from referrals where id = ${input.referralId} for update`);
    const [current] = await queryRows<{ id: string }>(
      tx,
      sql`select id from handovers where referral_id = ${input.referralId} and status in ('offered', 'accepted')`,
    );
    if (current) throw new WorkflowError('state_changed', 'the referral has already been handed over');
    const override =
      input.suggestedOrganisationId !== null && input.suggestedOrganisationId !== input.council.id
        ? input.overrideReason
        : null;
    const [row] = await tx
      .insert(handovers)
      .values({
        referralId: input.referralId,
        organisationId: input.council.id,
        suggestedOrganisationId: input.suggestedOrganisationId,
        overrideReason: override,
        createdBy: input.principal.userId,
      })
      .returning({ id: handovers.id });
    const handoverId = row!.id;
    // A council that had the case before (and returned it) gets it back: the share is reopened.
    await tx.execute(
      sql`insert into case_shares (referral_id, organisation_id, purpose, shared_by)
          values (${input.referralId}, ${input.council.id}, 'council', ${input.principal.userId})
          on conflict (referral_id, organisation_id, purpose)
          do update set ended_at = null, shared_at = now(), shared_by = excluded.shared_by`,
    );
    await appendCaseEvent(tx, {
      record: { referralId: input.referralId },
      kind: 'handover',
      author: { kind: 'staff', id: input.principal.userId },
      body: override,
      data: {
        handoverId,
        organisationId: input.council.id,
        organisation: input.council.code,
        suggestedOrganisationId: input.suggestedOrganisationId,
        overridden: override !== null,
      },
    });
    await appendAccessLog(tx, {
      action: 'disclosure',
      recordType: 'referral',
      recordId: input.referralId,
      reference: input.reference,
      actorType: 'staff',
      actorId: input.principal.userId,
      organisation: input.principal.organisationCode,
      channel: 'staff-web',
      justification: override ?? 'Meets the threshold for Channel: handed over to the council where the person lives',
      recipients: [input.council.code],
      detail: { handoverId, purpose: 'council', overridden: override !== null },
    });
    return { handoverId };
  });
}

/**
 * The hand-overs offered to the person's council and not answered yet, oldest first (references and dates only), of
 * the referrals the `handover.list` policy's twin lets them see (src/policies/handovers.ts).
 */
export async function offeredToCouncil(
  db: Db,
  principal: Principal,
): Promise<{ reference: string; createdAt: Date; createdByName: string }[]> {
  const access = listAccess('handover.list', principal, CASE_ALIASES).referrals;
  if (!access) return [];
  const rows = await queryRows<{ reference: string; created_at: Date | string; created_by_name: string }>(
    db,
    sql`select r.reference, h.created_at, u.display_name as created_by_name
        from handovers h join referrals r on r.id = h.referral_id join staff_users u on u.id = h.created_by
        where h.organisation_id = ${principal.organisationId} and h.status = 'offered' and ${access.where}
        order by h.created_at, h.id`,
  );
  return rows.map((r) => ({
    reference: r.reference,
    createdAt: toDate(r.created_at),
    createdByName: r.created_by_name,
  }));
}

/**
 * A council's answer to the hand-over offered to it: accept, or return with a reason (the share ends, so the council no
 * longer sees the case). Only the hand-over offered to the coordinator's own council can be answered.
 */
export async function answerHandover(
  db: Db,
  input: {
    referralId: string;
    principal: Principal;
    answer: 'accept' | 'return';
    reason: string | null;
  },
): Promise<{ handoverId: string }> {
  return db.transaction(async (tx) => {
    const [offered] = await queryRows<{ id: string }>(
      tx,
      sql`select id from handovers
          where referral_id = ${input.referralId} and organisation_id = ${input.principal.organisationId}
            and status = 'offered'
          for update`,
    );
    if (!offered) throw new WorkflowError('state_changed', 'no hand-over is waiting for this council');
    if (input.answer === 'return' && !input.reason?.trim()) {
      throw new WorkflowError('reason_required', 'a reason is needed to return a hand-over');
    }
    const author = { kind: 'staff', id: input.principal.userId } as const;
    if (input.answer === 'accept') {
      await tx.execute(
        sql`update handovers set status = 'accepted', responded_by = ${input.principal.userId}, responded_at = now()
            where id = ${offered.id}`,
      );
    } else {
      await tx.execute(
        sql`update handovers set status = 'returned', responded_by = ${input.principal.userId}, responded_at = now(),
              return_reason = ${input.reason!.trim()}
            where id = ${offered.id}`,
      );
      await tx.execute(
        sql`update case_shares set ended_at = now()
            where referral_id = ${input.referralId} and organisation_id = ${input.principal.organisationId}
              and purpose = 'council' and ended_at is null`,
      );
    }
    await appendCaseEvent(tx, {
      record: { referralId: input.referralId },
      kind: input.answer === 'accept' ? 'handover_accepted' : 'handover_returned',
      author,
      body: input.answer === 'return' ? input.reason!.trim() : null,
      data: { handoverId: offered.id, organisation: input.principal.organisationCode },
    });
    return { handoverId: offered.id };
  });
}
