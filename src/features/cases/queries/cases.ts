import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { adviceRequests, referrals, staffUsers } from '../../../db/schema/index.js';
import { columnList, preparedSqlRows } from '../../../db/sql.js';

export type ReferralRow = typeof referrals.$inferSelect;
export type AdviceRow = typeof adviceRequests.$inferSelect;

/** A referral as the case page shows it: the stored row, with the labels of its codes and its officer's name. */
export interface ReferralRecord {
  referral: ReferralRow;
  concernTypeLabel: string | null;
  sectorLabel: string | null;
  assignedOfficerName: string | null;
}

/** The whole referral with the reference, for a page the caller has already checked the policy for. One query. */
export async function findReferralRecord(db: Db, reference: string): Promise<ReferralRecord | undefined> {
  const [row] = await preparedSqlRows<
    ReferralRow & {
      recordConcernTypeLabel: string | null;
      recordSectorLabel: string | null;
      recordOfficerName: string | null;
    }
  >(db, 'find_referral_record', REFERRAL_RECORD, [reference]);
  if (!row) return undefined;
  const { recordConcernTypeLabel, recordSectorLabel, recordOfficerName, ...referral } = row;
  return {
    referral,
    concernTypeLabel: recordConcernTypeLabel,
    sectorLabel: recordSectorLabel,
    assignedOfficerName: recordOfficerName,
  };
}

/**
 * Every referral view runs this: a named prepared statement on PostgreSQL, not planned again on every view (planning
 * this join cost about 1 ms of the server's CPU). The referral's columns are the schema's, so the row is a ReferralRow.
 */
const REFERRAL_RECORD = `select ${columnList(referrals, 'r')},
    ct.label as record_concern_type_label, rs.label as record_sector_label, o.display_name as record_officer_name
  from referrals r
  left join concern_types ct on ct.code = r.concern_type_code
  left join referrer_sectors rs on rs.code = r.referrer_sector_code
  left join staff_users o on o.id = r.assigned_officer_id
  where r.reference = $1
  limit 1`;

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
