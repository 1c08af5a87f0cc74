import type { Db } from '../db/client.js';
import { preparedSqlRows } from '../db/sql.js';
import type { CaseScope } from './index.js';

const REFERENCE = /^[2-9A-HJKMNP-Z]{8}$/;

// Every view of a case runs one of these before anything else: named prepared statements on PostgreSQL (`src/db/sql.ts`).
const REFERRAL_SCOPE = `
    select r.id, r.reference, r.assigned_officer_id,
      (select array_agg(s.organisation_id) from case_shares s
        where s.referral_id = r.id and s.purpose = 'council' and s.ended_at is null) as council_org_ids,
      (select array_agg(s.organisation_id) from case_shares s
        where s.referral_id = r.id and s.purpose = 'panel' and s.ended_at is null) as panel_org_ids
    from referrals r where r.reference = $1`;
const ADVICE_SCOPE = `select id, reference, assigned_officer_id from advice_requests where reference = $1`;

/** The facts the policies need about one referral, by its reference; null if there is none. One query. */
export async function referralScope(db: Db, reference: string): Promise<CaseScope | null> {
  if (!REFERENCE.test(reference)) return null;
  const result = await preparedSqlRows<{
    id: string;
    reference: string;
    assignedOfficerId: string | null;
    councilOrgIds: string[] | null;
    panelOrgIds: string[] | null;
  }>(db, 'case_scope_referral', REFERRAL_SCOPE, [reference]);
  const row = result[0];
  if (!row) return null;
  return {
    recordType: 'referral',
    recordId: row.id,
    reference: row.reference,
    assignedOfficerId: row.assignedOfficerId,
    councilOrgIds: row.councilOrgIds ?? [],
    panelOrgIds: row.panelOrgIds ?? [],
  };
}

/** The facts the policies need about one advice request; null if there is none. */
export async function adviceScope(db: Db, reference: string): Promise<CaseScope | null> {
  if (!REFERENCE.test(reference)) return null;
  const result = await preparedSqlRows<{ id: string; reference: string; assignedOfficerId: string | null }>(
    db,
    'case_scope_advice',
    ADVICE_SCOPE,
    [reference],
  );
  const row = result[0];
  if (!row) return null;
  return {
    recordType: 'advice',
    recordId: row.id,
    reference: row.reference,
    assignedOfficerId: row.assignedOfficerId,
    councilOrgIds: [],
    panelOrgIds: [],
  };
}
