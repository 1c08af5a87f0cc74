import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { drafts } from '../../../db/schema/index.js';
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

/** Every page view reads its draft: the query is built and prepared once per database handle, not per request. */
const preparedFind = new WeakMap<Db, ReturnType<typeof prepareFind>>();
function prepareFind(db: Db) {
  return db
    .select()
    .from(drafts)
    .where(
      and(
        eq(drafts.id, sql.placeholder('id')),
        eq(drafts.kind, sql.placeholder('kind')),
        gt(drafts.expiresAt, sql`now()`),
      ),
    )
    .limit(1)
    .prepare('find_live_draft');
}

/** A draft that has not expired (a submitted one is returned too, so the user can be told it was sent). */
export async function findLiveDraft(db: Db, id: string, kind: DraftKind): Promise<Draft | undefined> {
  let query = preparedFind.get(db);
  if (!query) preparedFind.set(db, (query = prepareFind(db)));
  const [row] = await query.execute({ id, kind });
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
