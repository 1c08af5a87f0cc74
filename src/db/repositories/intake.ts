import { sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { queryRows } from '../sql.js';

/** How many referrals and advice requests are waiting (for the Prevent team's home page). */
export async function intakeCounts(db: Db): Promise<{ referrals: number; advice: number }> {
  const result = await queryRows<{ referrals: number | string; advice: number | string }>(
    db,
    sql`
    select (select count(*) from referrals where status = 'new') as referrals,
           (select count(*) from advice_requests where status = 'new') as advice`,
  );
  const row = result[0]!;
  return { referrals: Number(row.referrals), advice: Number(row.advice) };
}
