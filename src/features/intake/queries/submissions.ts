import { createHash } from 'node:crypto';
import { and, eq, getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../../../db/client.js';
import { accessLog, adviceRequests, drafts, outbox, recontactRequests, referrals } from '../../../db/schema/index.js';
import { preparedSqlRows } from '../../../db/sql.js';
import type { DraftAnswers } from '../../../forms/journey.js';
import type { EmailContent } from '../../../outbox/emails.js';

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

/** A live draft of this kind, for submitting it: its answers, and its reference if it was already sent. */
export async function findDraftToSubmit(
  db: Db,
  draftId: string,
  kind: 'referral' | 'advice',
): Promise<{ answers: DraftAnswers; submittedReference: string | null } | undefined> {
  const [draft] = await db
    .select({ answers: drafts.answers, submittedReference: drafts.submittedReference })
    .from(drafts)
    .where(and(eq(drafts.id, draftId), eq(drafts.kind, kind), sql`${drafts.expiresAt} > now()`));
  return draft;
}

/** Whether a draft is still live, and its reference if it was sent. */
export async function liveDraftState(
  db: Db,
  draftId: string,
): Promise<{ submittedReference: string | null } | undefined> {
  const [now] = await db
    .select({ submittedReference: drafts.submittedReference })
    .from(drafts)
    .where(and(eq(drafts.id, draftId), sql`${drafts.expiresAt} > now()`));
  return now;
}

const columnCache = new Map<PgTable, Record<string, PgColumn>>();
function columnsOf(table: PgTable): Record<string, PgColumn> {
  let cols = columnCache.get(table);
  if (!cols) columnCache.set(table, (cols = getTableColumns(table) as Record<string, PgColumn>));
  return cols;
}

/** Collects parameters; each placeholder is cast to its column's type (the values are encoded as Drizzle would). */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type: string, column?: PgColumn): string {
    this.values.push(value === null || value === undefined ? null : column ? column.mapToDriverValue(value) : value);
    return `$${this.values.length}::${type}`;
  }
}

/** `insert into table (cols) select $n::type, … from claimed` for one row. */
function insertFromClaim(params: Params, table: PgTable, row: Record<string, unknown>): string {
  const columns = columnsOf(table);
  const names: string[] = [];
  const placeholders: string[] = [];
  for (const [key, value] of Object.entries(row)) {
    const column = columns[key];
    if (!column) throw new Error(`no column ${key} in ${getTableName(table)}`);
    names.push(`"${column.name}"`);
    placeholders.push(params.add(value, column.getSQLType(), column));
  }
  return `insert into "${getTableName(table)}" (${names.join(', ')}) select ${placeholders.join(', ')} from claimed`;
}

export interface Submission {
  draftId: string;
  reference: string;
  kind: 'referral' | 'advice';
  /** referrals or advice_requests, and the record's row (with its id). */
  recordTable: PgTable;
  record: Record<string, unknown> & { id: string };
  /** The "collected" access-log entry's detail. */
  logDetail: Record<string, unknown>;
  mails: { id: string; to: string; content: EmailContent }[];
  messageDomain: string;
  /** The referrer's single-use "add information later" link (only its hash), when they gave an e-mail. */
  addInformation?: { tokenHash: string; expiresAt: Date };
}

/**
 * The submission in ONE statement (data-modifying CTEs), a named prepared statement on PostgreSQL (one per shape of
 * submission, named by its text's hash): the draft is claimed by an UPDATE that only matches an unsent, unexpired
 * draft, and the reference, the record, its "received" event, its "collected" log entry, its e-mails and its
 * add-information link are inserted only from that claim. Returns how many rows the claim, the reference and the
 * record took (all 1, or the claim matched nothing); a colliding reference is a unique violation.
 */
export async function claimAndInsert(
  db: Db,
  s: Submission,
): Promise<{ refs: number; claimed: number; recs: number } | undefined> {
  const params = new Params();
  const draftParam = params.add(s.draftId, 'uuid');
  const referenceParam = params.add(s.reference, 'text');
  const recordId = s.record.id;
  // The claim comes first and everything else is inserted only from it. (The reference was once inserted before the
  // claim, checked against the statement's snapshot: a concurrent second submission, whose claim then matched
  // nothing, still committed a reference that belonged to no record.) The foreign keys to case_references are
  // checked at the end of the statement; a colliding reference is a unique violation, and the caller tries another.
  const parts = [
    `with claimed as (update drafts set submitted_reference = ${referenceParam}, submitted_at = now(),
        answers = ${params.add(JSON.stringify({ values: {}, completed: [] }), 'jsonb')}
        where id = ${draftParam} and submitted_reference is null and expires_at > now()
        returning id)`,
    `ref as (insert into case_references (reference, kind) select ${referenceParam}, ${params.add(s.kind, 'text')}
        from claimed returning reference)`,
    `rec as (${insertFromClaim(params, s.recordTable, s.record)} returning id)`,
    // The chronology starts with how the case arrived.
    `received as (insert into case_events (${s.kind === 'referral' ? 'referral_id' : 'advice_id'}, kind, author_kind, data)
        select ${params.add(recordId, 'uuid')}, 'received', 'system', ${params.add(JSON.stringify({ source: 'online' }), 'jsonb')}
        from claimed returning id)`,
    `log as (${insertFromClaim(params, accessLog, {
      action: 'collection',
      recordType: s.kind,
      recordId,
      reference: s.reference,
      actorType: 'public',
      channel: 'online',
      detail: s.logDetail,
    })} returning id)`,
    ...s.mails.map(
      (m, i) =>
        `mail${i} as (${insertFromClaim(params, outbox, {
          id: m.id,
          template: m.content.template,
          recipient: m.to,
          subject: m.content.subject,
          textBody: m.content.text,
          reference: s.reference,
          messageId: `<${m.id}@${s.messageDomain}>`,
        })} returning id)`,
    ),
    ...(s.addInformation
      ? [
          `addinfo as (${insertFromClaim(params, recontactRequests, {
            referralId: recordId,
            purpose: 'add_information',
            tokenHash: s.addInformation.tokenHash,
            expiresAt: s.addInformation.expiresAt,
          })} returning id)`,
        ]
      : []),
  ];
  const text = `${parts.join(',\n')}
      select (select count(*) from ref)::int as refs, (select count(*) from claimed)::int as claimed,
             (select count(*) from rec)::int as recs`;
  const name = `submit_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
  const [counts] = await preparedSqlRows<{ refs: number; claimed: number; recs: number }>(
    db,
    name,
    text,
    params.values,
  );
  return counts;
}
