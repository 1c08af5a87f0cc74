import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';

/**
 * The canonical text of one access-log row, which the hash chain seals. Every value is turned into text by PostgreSQL
 * itself (nothing passes through a JavaScript number or Date, so no precision is lost): the id, the time in UTC to the
 * microsecond, the jsonb detail as PostgreSQL prints it (keys sorted, spacing normalised) and the recipients array as
 * PostgreSQL prints it. The values are joined as a JSON array, so no separator can be confused with a value.
 */
export const CANONICAL_COLUMNS = sql.raw(`
  l.id::text as c_id,
  to_char(l.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as c_occurred_at,
  l.action as c_action,
  l.record_type as c_record_type,
  l.record_id::text as c_record_id,
  l.reference as c_reference,
  l.actor_type as c_actor_type,
  l.actor_id as c_actor_id,
  l.organisation as c_organisation,
  l.channel as c_channel,
  l.justification as c_justification,
  l.recipients::text as c_recipients,
  l.detail::text as c_detail`);

/** The columns `CANONICAL_COLUMNS` selects, as both drivers return them (text or null). */
export interface CanonicalRow {
  c_id: string | null;
  c_occurred_at: string | null;
  c_action: string | null;
  c_record_type: string | null;
  c_record_id: string | null;
  c_reference: string | null;
  c_actor_type: string | null;
  c_actor_id: string | null;
  c_organisation: string | null;
  c_channel: string | null;
  c_justification: string | null;
  c_recipients: string | null;
  c_detail: string | null;
}

export function canonicalText(row: CanonicalRow): string {
  return JSON.stringify([
    row.c_id,
    row.c_occurred_at,
    row.c_action,
    row.c_record_type,
    row.c_record_id,
    row.c_reference,
    row.c_actor_type,
    row.c_actor_id,
    row.c_organisation,
    row.c_channel,
    row.c_justification,
    row.c_recipients,
    row.c_detail,
  ]);
}

/** The hash before seal 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** hash(n) = SHA-256(hash(n-1) + "\n" + canonical text of the row sealed at n), in lower-case hex. */
export function chainHash(previous: string, canonical: string): string {
  return createHash('sha256').update(previous).update('\n').update(canonical).digest('hex');
}
