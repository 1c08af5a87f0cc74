import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { drafts } from '../../../db/schema/index.js';
import { columnList, preparedSqlRows } from '../../../db/sql.js';
import type { DraftAnswers } from '../../../forms/journey.js';

export type DraftKind = 'referral' | 'advice';

export interface Draft {
  id: string;
  kind: DraftKind;
  answers: DraftAnswers;
  expiresAt: Date;
  submittedReference: string | null;
}

const EMPTY: DraftAnswers = { values: {}, completed: [] };

function toDraft(row: typeof drafts.$inferSelect): Draft {
  const a = row.answers as Partial<DraftAnswers>;
  return {
    id: row.id,
    kind: row.kind,
    answers: { values: a.values ?? {}, completed: a.completed ?? [] },
    expiresAt: row.expiresAt,
    submittedReference: row.submittedReference,
  };
}

export async function createDraft(db: Db, id: string, kind: DraftKind, ttlHours: number): Promise<Draft> {
  const [row] = await db
    .insert(drafts)
    .values({ id, kind, answers: EMPTY, expiresAt: sql`now() + make_interval(hours => ${ttlHours})` })
    .returning();
  return toDraft(row!);
}

/** Every page view reads its draft: a named prepared statement on PostgreSQL, planned once per connection. */
const FIND_LIVE_DRAFT = `select ${columnList(drafts, 'd')} from drafts d
  where d.id = $1 and d.kind = $2 and d.expires_at > now() limit 1`;

/** A draft that has not expired (a submitted one is returned too, so the user can be told it was sent). */
export async function findLiveDraft(db: Db, id: string, kind: DraftKind): Promise<Draft | undefined> {
  const [row] = await preparedSqlRows<typeof drafts.$inferSelect>(db, 'find_live_draft', FIND_LIVE_DRAFT, [id, kind]);
  return row ? toDraft(row) : undefined;
}

/** Saves answers and pushes the expiry forward; refuses silently (returns false) once the draft is submitted or expired. */
export async function saveAnswers(db: Db, id: string, answers: DraftAnswers, ttlHours: number): Promise<boolean> {
  const rows = await db
    .update(drafts)
    .set({ answers, updatedAt: sql`now()`, expiresAt: sql`now() + make_interval(hours => ${ttlHours})` })
    .where(and(eq(drafts.id, id), isNull(drafts.submittedReference), gt(drafts.expiresAt, sql`now()`)))
    .returning({ id: drafts.id });
  return rows.length === 1;
}

export async function extendDraft(db: Db, id: string, ttlHours: number): Promise<Date | undefined> {
  const [row] = await db
    .update(drafts)
    .set({ expiresAt: sql`now() + make_interval(hours => ${ttlHours})` })
    .where(and(eq(drafts.id, id), isNull(drafts.submittedReference), gt(drafts.expiresAt, sql`now()`)))
    .returning({ expiresAt: drafts.expiresAt });
  return row?.expiresAt;
}

export async function deleteDraft(db: Db, id: string): Promise<void> {
  await db.delete(drafts).where(and(eq(drafts.id, id), isNull(drafts.submittedReference)));
}

/** Removes expired drafts (the retention job). Submitted drafts hold no answers and are removed with the rest. */
export async function deleteExpiredDrafts(db: Db): Promise<number> {
  const rows = await db
    .delete(drafts)
    .where(lt(drafts.expiresAt, sql`now()`))
    .returning({ id: drafts.id });
  return rows.length;
}
