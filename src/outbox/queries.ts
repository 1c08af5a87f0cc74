import { randomUUID } from 'node:crypto';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { outbox } from '../db/schema/index.js';
import type { EmailContent } from './emails.js';

export type OutboxRow = typeof outbox.$inferSelect;

/** Queues an e-mail inside the caller's transaction: it is sent only if that transaction commits. */
export async function enqueueEmail(
  db: Db,
  recipient: string,
  content: EmailContent,
  reference: string | null,
  messageDomain: string,
): Promise<string> {
  const id = randomUUID();
  await db.insert(outbox).values({
    id,
    template: content.template,
    recipient,
    subject: content.subject,
    textBody: content.text,
    reference,
    messageId: `<${id}@${messageDomain}>`,
  });
  return id;
}

/**
 * Takes a message for delivery: only a pending one not held by another worker nor waiting out a retry backoff. The
 * hold lasts `leaseSeconds`, so a worker that dies mid-send releases it; attempts are counted here.
 */
export async function claimMessage(db: Db, id: string, leaseSeconds: number): Promise<OutboxRow | undefined> {
  const [row] = await db
    .update(outbox)
    .set({
      attempts: sql`${outbox.attempts} + 1`,
      lastAttemptAt: sql`now()`,
      lockedUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
    })
    .where(
      and(
        eq(outbox.id, id),
        eq(outbox.status, 'pending'),
        or(isNull(outbox.lockedUntil), lt(outbox.lockedUntil, sql`now()`)),
      ),
    )
    .returning();
  return row;
}

export async function markSent(db: Db, id: string): Promise<void> {
  await db
    .update(outbox)
    .set({ status: 'sent', sentAt: sql`now()`, lockedUntil: null, lastError: null })
    .where(eq(outbox.id, id));
}

/**
 * Records a failed attempt; gives up for good after `maxAttempts` (status failed, left for a person to look at).
 * A message to be retried is held until `retryAfterSeconds` from now, so that neither the sweep nor another copy of
 * its job tries it before its backoff is over.
 */
export async function markFailed(
  db: Db,
  id: string,
  error: string,
  maxAttempts: number,
  retryAfterSeconds = 0,
): Promise<'retry' | 'failed'> {
  const giveUp = sql`${outbox.attempts} >= ${maxAttempts}`;
  const [row] = await db
    .update(outbox)
    .set({
      lastError: error.slice(0, 500),
      lockedUntil:
        retryAfterSeconds > 0
          ? sql`case when ${giveUp} then null else now() + make_interval(secs => ${retryAfterSeconds}) end`
          : null,
      status: sql`case when ${giveUp} then 'failed' else 'pending' end`,
    })
    .where(eq(outbox.id, id))
    .returning({ status: outbox.status });
  return row?.status === 'failed' ? 'failed' : 'retry';
}

/** Pending messages nobody is working on, oldest first: the sweep that catches anything a crash left behind. */
export async function pendingMessageIds(db: Db, olderThanSeconds: number, limit = 100): Promise<string[]> {
  const rows = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.status, 'pending'),
        lt(outbox.createdAt, sql`now() - make_interval(secs => ${olderThanSeconds})`),
        or(isNull(outbox.lockedUntil), lt(outbox.lockedUntil, sql`now()`)),
      ),
    )
    .orderBy(outbox.createdAt)
    .limit(limit);
  return rows.map((r) => r.id);
}
