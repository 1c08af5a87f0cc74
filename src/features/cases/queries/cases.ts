import { eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../../db/client.js';
import { adviceRequests, concernTypes, referrals, referrerSectors, staffUsers } from '../../../db/schema/index.js';

export type ReferralRow = typeof referrals.$inferSelect;
export type AdviceRow = typeof adviceRequests.$inferSelect;

/** A referral as the case page shows it: the stored row, with the labels of its codes and its officer's name. */
export interface ReferralRecord {
  referral: ReferralRow;
  concernTypeLabel: string | null;
  sectorLabel: string | null;
  assignedOfficerName: string | null;
}

const officer = alias(staffUsers, 'assigned_officer');

/** The whole referral with the reference, for a page the caller has already checked the policy for. One query. */
export async function findReferralRecord(db: Db, reference: string): Promise<ReferralRecord | undefined> {
  let query = recordQueries.get(db);
  if (!query) {
    query = recordQuery(db);
    recordQueries.set(db, query);
  }
  const [row] = await query.execute({ reference });
  return row;
}

/**
 * Every referral view runs this: prepared once per database handle (a named statement on PostgreSQL, so it is not
 * planned again on every view: planning this join cost about 1 ms of the server's CPU).
 */
function recordQuery(db: Db) {
  return db
    .select({
      referral: referrals,
      concernTypeLabel: concernTypes.label,
      sectorLabel: referrerSectors.label,
      assignedOfficerName: officer.displayName,
    })
    .from(referrals)
    .leftJoin(concernTypes, eq(concernTypes.code, referrals.concernTypeCode))
    .leftJoin(referrerSectors, eq(referrerSectors.code, referrals.referrerSectorCode))
    .leftJoin(officer, eq(officer.id, referrals.assignedOfficerId))
    .where(eq(referrals.reference, sql.placeholder('reference')))
    .limit(1)
    .prepare('find_referral_record');
}
const recordQueries = new WeakMap<Db, ReturnType<typeof recordQuery>>();

/** The whole advice request with the reference. */
export async function findAdviceRecord(db: Db, reference: string): Promise<AdviceRow | undefined> {
  const [row] = await db.select().from(adviceRequests).where(eq(adviceRequests.reference, reference)).limit(1);
  return row;
}

/** A staff member's display name (for "this case is assigned to …"); null if there is no such person. */
export async function staffDisplayName(db: Db, userId: string): Promise<string | null> {
  const [row] = await db
    .select({ displayName: staffUsers.displayName })
    .from(staffUsers)
    .where(eq(staffUsers.id, userId))
    .limit(1);
  return row?.displayName ?? null;
}
