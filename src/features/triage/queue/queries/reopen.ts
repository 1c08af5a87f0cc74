import { eq } from 'drizzle-orm';
import type { Db } from '../../../../db/client.js';
import { referrals, type REFERRAL_STATES } from '../../../../db/schema/index.js';

/**
 * The reopen page's query (the queue's routes): a referral's triage state, to say whether it can be reopened.
 * (In its own file: the queue's list query, in service.ts, is being rewritten separately.)
 */
export async function referralStatus(
  db: Db,
  referralId: string,
): Promise<(typeof REFERRAL_STATES)[number] | undefined> {
  const [row] = await db.select({ status: referrals.status }).from(referrals).where(eq(referrals.id, referralId));
  return row?.status;
}
