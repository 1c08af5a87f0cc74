import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { adviceRequests, referrals } from '../../../db/schema/index.js';

/** What the confirmation page may say about a submission: whether we e-mailed, whether it was anonymous. No content. */
export async function confirmationFacts(
  db: Db,
  kind: 'referral' | 'advice',
  reference: string,
): Promise<{ emailed: boolean; anonymous: boolean } | undefined> {
  if (kind === 'referral') {
    const [r] = await db
      .select({ email: referrals.referrerEmail, anonymous: referrals.referrerAnonymous })
      .from(referrals)
      .where(eq(referrals.reference, reference));
    return r && { emailed: r.email !== null, anonymous: r.anonymous };
  }
  const [a] = await db
    .select({ email: adviceRequests.askerEmail })
    .from(adviceRequests)
    .where(eq(adviceRequests.reference, reference));
  return a && { emailed: a.email !== null, anonymous: false };
}
