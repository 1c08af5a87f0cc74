import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/sql.js';
import { REFERENCE_PATTERN } from './filters.js';

export interface PersonRecord {
  recordType: 'referral' | 'advice';
  recordId: string;
  reference: string;
}

/**
 * The records held about the person a case reference is about: for now the referral (or advice request) itself. When
 * referrals are linked to one person (a later feature: confirmed links only), the linked records are added here, and
 * the "every access to one person's records" page follows without change. Null when no record has this reference.
 */
export async function personRecordIds(db: Db, reference: string): Promise<PersonRecord[] | null> {
  if (!REFERENCE_PATTERN.test(reference)) return null;
  const rows = await queryRows<{ record_type: 'referral' | 'advice'; record_id: string; reference: string }>(
    db,
    sql`select 'referral' as record_type, id::text as record_id, reference from referrals where reference = ${reference}
        union all
        select 'advice' as record_type, id::text as record_id, reference from advice_requests where reference = ${reference}`,
  );
  if (rows.length === 0) return null;
  return rows.map((r) => ({ recordType: r.record_type, recordId: r.record_id, reference: r.reference }));
}
