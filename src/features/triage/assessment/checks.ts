import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { appendCaseEvent } from '../case-events.js';
import { informationChecks, staffUsers } from '../../../db/schema/index.js';

/**
 * Information checks with partners and systems during triage: who was asked, when and what, and what came back. Each
 * change writes a 'check' entry in the chronology in the same transaction.
 */

export const CHECK_OUTCOMES = ['nothing_known', 'information_held', 'declined'] as const;
export type CheckOutcome = (typeof CHECK_OUTCOMES)[number];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CheckRow {
  id: string;
  source: string;
  askedOn: string;
  askedByName: string | null;
  request: string | null;
  outcome: 'pending' | CheckOutcome;
  response: string | null;
  respondedOn: string | null;
  createdAt: Date;
}

const columns = {
  id: informationChecks.id,
  source: informationChecks.source,
  askedOn: informationChecks.askedOn,
  askedByName: staffUsers.displayName,
  request: informationChecks.request,
  outcome: informationChecks.outcome,
  response: informationChecks.response,
  respondedOn: informationChecks.respondedOn,
  createdAt: informationChecks.createdAt,
};

/** A referral's checks, in the order they were asked. */
export async function listChecks(db: Db, referralId: string): Promise<CheckRow[]> {
  return db
    .select(columns)
    .from(informationChecks)
    .leftJoin(staffUsers, eq(staffUsers.id, informationChecks.askedBy))
    .where(eq(informationChecks.referralId, referralId))
    .orderBy(asc(informationChecks.askedOn), asc(informationChecks.createdAt), asc(informationChecks.id));
}

/** One check of this referral, or null (an id that is not a UUID, or another referral's check, is not found). */
export async function findCheck(db: Db, referralId: string, id: string): Promise<CheckRow | null> {
  if (!UUID.test(id)) return null;
  const [row] = await db
    .select(columns)
    .from(informationChecks)
    .leftJoin(staffUsers, eq(staffUsers.id, informationChecks.askedBy))
    .where(and(eq(informationChecks.id, id), eq(informationChecks.referralId, referralId)));
  return row ?? null;
}

export async function addCheck(
  db: Db,
  input: { referralId: string; officerId: string; source: string; askedOn: string; request: string | null },
): Promise<string> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(informationChecks)
      .values({
        referralId: input.referralId,
        source: input.source,
        askedOn: input.askedOn,
        askedBy: input.officerId,
        request: input.request,
      })
      .returning({ id: informationChecks.id });
    await appendCaseEvent(tx, {
      record: { referralId: input.referralId },
      kind: 'check',
      author: { kind: 'staff', id: input.officerId },
      body: input.request ? `Asked ${input.source}: ${input.request}` : `Asked ${input.source}`,
      data: { checkId: row!.id, action: 'asked', source: input.source, askedOn: input.askedOn },
    });
    return row!.id;
  });
}

export async function recordCheckResponse(
  db: Db,
  input: {
    referralId: string;
    checkId: string;
    officerId: string;
    outcome: CheckOutcome;
    response: string | null;
    respondedOn: string;
  },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(informationChecks)
      .set({ outcome: input.outcome, response: input.response, respondedOn: input.respondedOn })
      .where(and(eq(informationChecks.id, input.checkId), eq(informationChecks.referralId, input.referralId)))
      .returning({ source: informationChecks.source });
    if (!row) return false;
    await appendCaseEvent(tx, {
      record: { referralId: input.referralId },
      kind: 'check',
      author: { kind: 'staff', id: input.officerId },
      body: `${row.source}: ${OUTCOME_LABELS[input.outcome].toLowerCase()}${input.response ? `. ${input.response}` : ''}`,
      data: {
        checkId: input.checkId,
        action: 'response',
        outcome: input.outcome,
        respondedOn: input.respondedOn,
      },
    });
    return true;
  });
}

export const OUTCOME_LABELS: Record<'pending' | CheckOutcome, string> = {
  pending: 'Waiting for a reply',
  nothing_known: 'Nothing known',
  information_held: 'Information held',
  declined: 'Declined to share',
};

/** Suggestions for the source field (free text: any partner or system may be named). */
export const CHECK_SOURCES = [
  'Police National Computer',
  'Local police systems',
  'Children’s social care',
  'Adult social care',
  'Education',
  'Health',
  'Probation',
] as const;
