import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { caseEvents, type CaseEventKind } from '../../db/schema/index.js';
import { queryRows } from '../../db/sql.js';

/** Who wrote a chronology entry. */
export type EventAuthor = { kind: 'staff'; id: string } | { kind: 'referrer' } | { kind: 'system' };

/** The case an entry belongs to: a referral or an advice request. */
export type EventRecord = { referralId: string } | { adviceId: string };

export interface NewCaseEvent {
  record: EventRecord;
  kind: CaseEventKind;
  author: EventAuthor;
  /** Text shown in the chronology (a note, a message, a rationale); null for events described by their kind. */
  body?: string | null;
  /** Structured facts (ids, states, recipients): shown through the view model, never raw. */
  data?: Record<string, unknown>;
  /** For a correction: the entry it corrects (of the same case; the database checks). */
  correctsId?: number | null;
}

/** Appends one entry to a case's chronology (in the caller's transaction) and returns its id. Entries never change. */
export async function appendCaseEvent(db: Db, event: NewCaseEvent): Promise<number> {
  const [row] = await db
    .insert(caseEvents)
    .values({
      referralId: 'referralId' in event.record ? event.record.referralId : null,
      adviceId: 'adviceId' in event.record ? event.record.adviceId : null,
      kind: event.kind,
      authorKind: event.author.kind,
      authorId: event.author.kind === 'staff' ? event.author.id : null,
      body: event.body ?? null,
      data: event.data ?? {},
      correctsId: event.correctsId ?? null,
    })
    .returning({ id: caseEvents.id });
  return row!.id;
}

export interface CaseEventRow {
  id: number;
  kind: CaseEventKind;
  authorKind: 'staff' | 'referrer' | 'system';
  authorId: string | null;
  authorName: string | null;
  body: string | null;
  data: Record<string, unknown>;
  correctsId: number | null;
  /** Ids of later entries that correct this one. */
  correctedBy: number[];
  createdAt: Date;
}

/** A case's chronology in time order (oldest first), with each author's name and which entries were corrected. */
export async function listCaseEvents(db: Db, record: EventRecord): Promise<CaseEventRow[]> {
  const where =
    'referralId' in record ? sql`e.referral_id = ${record.referralId}` : sql`e.advice_id = ${record.adviceId}`;
  const rows = await queryRows<{
    id: string | number;
    kind: CaseEventKind;
    author_kind: CaseEventRow['authorKind'];
    author_id: string | null;
    author_name: string | null;
    body: string | null;
    data: Record<string, unknown> | string;
    corrects_id: string | number | null;
    corrected_by: (string | number)[] | string | null;
    created_at: Date | string;
  }>(
    db,
    sql`
      select e.id, e.kind, e.author_kind, e.author_id, u.display_name as author_name, e.body, e.data, e.corrects_id,
        (select array_agg(c.id order by c.id) from case_events c where c.corrects_id = e.id) as corrected_by,
        e.created_at
      from case_events e
      left join staff_users u on u.id = e.author_id
      where ${where}
      order by e.created_at, e.id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    authorKind: r.author_kind,
    authorId: r.author_id,
    authorName: r.author_name,
    body: r.body,
    data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
    correctsId: r.corrects_id === null ? null : Number(r.corrects_id),
    correctedBy: numberArray(r.corrected_by),
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
  }));
}

function numberArray(value: (string | number)[] | string | null): number[] {
  if (!value) return [];
  if (Array.isArray(value)) return value.map(Number);
  // A Postgres array literal such as {1,2}
  return value.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
}
