import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { accessReasons } from '../db/schema/index.js';
import type { CaseScope, Principal } from '../policies/index.js';

/** The reason this person gave, in this session, to open this case; null if none yet. */
export async function findAccessReason(db: Db, principal: Principal, scope: CaseScope): Promise<string | null> {
  const rows = await db
    .select({ reason: accessReasons.reason })
    .from(accessReasons)
    .where(
      and(
        eq(accessReasons.sessionIdHash, principal.sessionIdHash),
        eq(accessReasons.recordType, scope.recordType),
        eq(accessReasons.recordId, scope.recordId),
      ),
    )
    .limit(1);
  return rows[0]?.reason ?? null;
}

/** Records a reason for the rest of the session (a second reason for the same case keeps the first). */
export async function recordAccessReason(
  db: Db,
  principal: Principal,
  scope: CaseScope,
  reason: string,
): Promise<void> {
  await db
    .insert(accessReasons)
    .values({
      sessionIdHash: principal.sessionIdHash,
      userId: principal.userId,
      recordType: scope.recordType,
      recordId: scope.recordId,
      reason,
    })
    .onConflictDoNothing();
}
