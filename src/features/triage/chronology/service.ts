import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { appendAccessLog } from '../../../access-log/queries.js';
import { appendCaseEvent, listCaseEvents, type CaseEventRow, type EventRecord } from '../case-events.js';
import { caseEvents, organisations, staffUsers } from '../../../db/schema/index.js';
import type { CaseScope } from '../../../policies/index.js';

/** Names the entries refer to by id (looked up by the service), and the case's attachments. */
export interface ChronologyLookups {
  staff: Record<string, string>;
  organisations: Record<string, string>;
  attachments: Record<string, { fileName: string; href: string }>;
}

/** An attachment of a case as its list shows it. */
export interface AttachmentListItem {
  id: string;
  role: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  createdAt: Date;
  uploadedByName: string | null;
}

/**
 * A case's chronology: reading it with the names its entries refer to, and adding notes and corrections. Entries never
 * change; a correction is a new entry pointing at the one it corrects (the database checks it is of the same case).
 */

export function eventRecordOf(scope: CaseScope): EventRecord {
  return scope.recordType === 'referral' ? { referralId: scope.recordId } : { adviceId: scope.recordId };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every entry of the case, oldest first, and the names of the staff and organisations their facts name. */
export async function loadChronology(
  db: Db,
  scope: CaseScope,
  files: AttachmentListItem[],
): Promise<{ events: CaseEventRow[]; lookups: ChronologyLookups }> {
  const events = await listCaseEvents(db, eventRecordOf(scope));
  const ids = new Set<string>();
  for (const e of events) {
    for (const key of ['from', 'to', 'organisationId', 'councilId']) {
      const v = e.data?.[key];
      if (typeof v === 'string' && UUID.test(v)) ids.add(v);
    }
  }
  const list = [...ids];
  const [people, orgs] = list.length
    ? await Promise.all([
        db
          .select({ id: staffUsers.id, name: staffUsers.displayName })
          .from(staffUsers)
          .where(inArray(staffUsers.id, list)),
        db
          .select({ id: organisations.id, name: organisations.name })
          .from(organisations)
          .where(inArray(organisations.id, list)),
      ])
    : [[], []];
  return {
    events,
    lookups: {
      staff: Object.fromEntries(people.map((p) => [p.id, p.name])),
      organisations: Object.fromEntries(orgs.map((o) => [o.id, o.name])),
      attachments: Object.fromEntries(
        files.map((f) => [
          f.id,
          { fileName: f.fileName, href: `/staff/referrals/${scope.reference}/attachments/${f.id}` },
        ]),
      ),
    },
  };
}

/** One entry of this case by its id as typed in a URL; undefined for anything else (another case's, not a number). */
export async function findCaseEvent(db: Db, scope: CaseScope, rawId: string): Promise<CaseEventRow | undefined> {
  if (!/^[1-9][0-9]{0,15}$/.test(rawId)) return undefined;
  const id = Number(rawId);
  if (!Number.isSafeInteger(id)) return undefined;
  const column = scope.recordType === 'referral' ? caseEvents.referralId : caseEvents.adviceId;
  const [row] = await db
    .select({ id: caseEvents.id })
    .from(caseEvents)
    .where(and(eq(caseEvents.id, id), eq(column, scope.recordId)));
  if (!row) return undefined;
  const events = await listCaseEvents(db, eventRecordOf(scope));
  return events.find((e) => e.id === id);
}

interface Actor {
  userId: string;
  organisationCode: string;
}

/**
 * Adds a note, or a correction of an entry of the same case, with an "alteration" entry in the access log, in one
 * transaction. Returns the new entry's id, or undefined when the entry to correct is not this case's.
 */
export async function addEntry(
  db: Db,
  opts: {
    scope: CaseScope;
    actor: Actor;
    justification: string | null;
    text: string;
    correctsId?: number;
  },
): Promise<number | undefined> {
  const { scope } = opts;
  return db.transaction(async (tx) => {
    if (opts.correctsId !== undefined) {
      const column = scope.recordType === 'referral' ? caseEvents.referralId : caseEvents.adviceId;
      const [target] = await tx
        .select({ id: caseEvents.id })
        .from(caseEvents)
        .where(and(eq(caseEvents.id, opts.correctsId), eq(column, scope.recordId)));
      if (!target) return undefined;
    }
    const id = await appendCaseEvent(tx, {
      record: eventRecordOf(scope),
      kind: opts.correctsId === undefined ? 'note' : 'correction',
      author: { kind: 'staff', id: opts.actor.userId },
      body: opts.text,
      correctsId: opts.correctsId ?? null,
    });
    await appendAccessLog(tx, {
      action: 'alteration',
      recordType: scope.recordType,
      recordId: scope.recordId,
      reference: scope.reference,
      actorType: 'staff',
      actorId: opts.actor.userId,
      organisation: opts.actor.organisationCode,
      channel: 'staff-web',
      justification: opts.justification,
      detail:
        opts.correctsId === undefined
          ? { change: 'note-added', event: id }
          : { change: 'entry-corrected', event: id, corrects: opts.correctsId },
    });
    return id;
  });
}
