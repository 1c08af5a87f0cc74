import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Site } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import { appendAccessLog } from '../../../access-log/queries.js';
import { appendCaseEvent } from '../case-events.js';
import { enqueueEmail } from '../../../outbox/queries.js';
import { recontactRequests, referrals } from '../../../db/schema/index.js';
import { queryRows } from '../../../db/sql.js';
import { formatLondon } from '../../../lib/dates.js';
import type { EmailContent } from '../../../outbox/emails.js';
import { changeState, WorkflowError, type ReferralState } from '../workflow.js';

/**
 * Re-contacting the referrer: a single-use link, sent by e-mail (without any personal data), to a public page where the
 * referrer answers the officer's question or adds information to their referral. Only the SHA-256 of the link's token
 * is stored, so the table cannot be used to open a link.
 */

export const REFERRER_PATH = '/referral-update';
const DAY_MS = 86_400_000;

export type RecontactPurpose = 'question' | 'add_information';

/** A new link token (32 random bytes, base64url: 43 characters) and the hash that is stored. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A token as the links carry it (anything else is not one of ours and is not looked up). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function referrerLink(baseUrl: string, token: string): string {
  return `${baseUrl}${REFERRER_PATH}/${token}`;
}

export function expiryFrom(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

/**
 * The e-mail asking the referrer for more information. No personal data and not the question: only the reference,
 * the link, when it stops working and how to phone instead (the question is shown on the page behind the link).
 */
export function recontactEmail(site: Site, reference: string, url: string, expires: string): EmailContent {
  const h = site.helplines;
  return {
    template: 'referral-recontact',
    subject: `The Prevent team would like more information: ${reference}`,
    text: [
      `Your reference number is ${reference}`,
      '',
      'The Prevent team would like some more information about the referral you made.',
      '',
      'Use this link to see what we would like to know and to answer. The link works once.',
      url,
      '',
      `The link stops working on ${expires}.`,
      '',
      `If you would rather talk to us, call ${site.nonEmergencyNumber} and ask for the ${site.teamName}, quoting your reference number. ${h.textRelay.name}: ${h.textRelay.number}.`,
      '',
      'We do not include any details of your referral in emails.',
      '',
      `If anyone is in immediate danger, call ${h.emergency.number}.`,
      '',
      `If you did not make a Prevent referral, please tell us at ${site.teamEmail}.`,
      '',
      `${site.teamName}\n${site.forceName}\n${site.teamEmail}`,
    ].join('\n'),
  };
}

export interface RecontactRequestRow {
  id: string;
  purpose: RecontactPurpose;
  question: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  withdrawnAt: Date | null;
}

export interface RecontactFacts {
  referralId: string;
  reference: string;
  status: ReferralState;
  onHoldUntil: string | null;
  anonymous: boolean;
  email: string | null;
  phone: string | null;
  requests: RecontactRequestRow[];
}

/** What the re-contact page needs about a referral: its state, how the referrer can be reached, its requests. */
export async function recontactFacts(db: Db, referralId: string): Promise<RecontactFacts | null> {
  const [r] = await db
    .select({
      id: referrals.id,
      reference: referrals.reference,
      status: referrals.status,
      onHoldUntil: referrals.onHoldUntil,
      anonymous: referrals.referrerAnonymous,
      email: referrals.referrerEmail,
      phone: referrals.referrerPhone,
    })
    .from(referrals)
    .where(eq(referrals.id, referralId));
  if (!r) return null;
  const requests = await db
    .select({
      id: recontactRequests.id,
      purpose: recontactRequests.purpose,
      question: recontactRequests.question,
      createdAt: recontactRequests.createdAt,
      expiresAt: recontactRequests.expiresAt,
      usedAt: recontactRequests.usedAt,
      withdrawnAt: recontactRequests.withdrawnAt,
    })
    .from(recontactRequests)
    .where(eq(recontactRequests.referralId, referralId))
    .orderBy(desc(recontactRequests.createdAt), desc(recontactRequests.id));
  return {
    referralId: r.id,
    reference: r.reference,
    status: r.status,
    onHoldUntil: r.onHoldUntil ?? null,
    anonymous: r.anonymous,
    email: r.email,
    phone: r.phone,
    requests,
  };
}

export interface SendRecontact {
  referralId: string;
  reference: string;
  officerId: string;
  question: string;
  /** YYYY-MM-DD: the referral is on hold until this day. */
  holdUntil: string;
  now?: Date;
  days: number;
  baseUrl: string;
  site: Site;
  messageDomain: string;
}

/**
 * Sends the officer's question: in ONE transaction the referral moves from in triage to awaiting information (on hold
 * until the chosen day), the request is stored (its token's hash only), the e-mail is queued in the outbox and the
 * question goes into the chronology. Returns the outbox id to hand to the worker.
 */
export async function sendRecontact(db: Db, input: SendRecontact): Promise<{ outboxId: string; requestId: string }> {
  const now = input.now ?? new Date();
  const expiresAt = expiryFrom(now, input.days);
  const { token, hash } = newToken();
  return db.transaction(async (tx) => {
    const [referral] = await queryRows<{ anonymous: boolean; email: string | null }>(
      tx,
      sql`select referrer_anonymous as anonymous, referrer_email as email from referrals
          where id = ${input.referralId} for update`,
    );
    if (!referral) throw new WorkflowError('not_found', 'no such referral');
    if (referral.anonymous || !referral.email) {
      throw new WorkflowError('not_allowed', 'the referrer cannot be contacted by e-mail');
    }
    await changeState(tx, input.referralId, {
      from: 'in_triage',
      to: 'awaiting_information',
      author: { kind: 'staff', id: input.officerId },
      onHoldUntil: input.holdUntil,
      data: { recontact: true },
    });
    const [request] = await tx
      .insert(recontactRequests)
      .values({
        referralId: input.referralId,
        purpose: 'question',
        tokenHash: hash,
        question: input.question,
        createdBy: input.officerId,
        createdAt: now,
        expiresAt,
      })
      .returning({ id: recontactRequests.id });
    const outboxId = await enqueueEmail(
      tx,
      referral.email,
      recontactEmail(input.site, input.reference, referrerLink(input.baseUrl, token), formatLondon(expiresAt, true)),
      input.reference,
      input.messageDomain,
    );
    await appendCaseEvent(tx, {
      record: { referralId: input.referralId },
      kind: 'recontact_sent',
      author: { kind: 'staff', id: input.officerId },
      body: input.question,
      data: { requestId: request!.id, outboxId, expiresAt: expiresAt.toISOString(), holdUntil: input.holdUntil },
    });
    return { outboxId, requestId: request!.id };
  });
}

/**
 * Withdraws a pending question: its link stops working at once. If the referral is waiting only for that answer, it
 * comes back into triage. Returns false if the request was not pending (answered, withdrawn or not this referral's).
 */
export async function withdrawRecontact(
  db: Db,
  input: { referralId: string; requestId: string; officerId: string },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(recontactRequests)
      .set({ withdrawnAt: sql`now()` })
      .where(
        and(
          eq(recontactRequests.id, input.requestId),
          eq(recontactRequests.referralId, input.referralId),
          eq(recontactRequests.purpose, 'question'),
          sql`${recontactRequests.usedAt} is null and ${recontactRequests.withdrawnAt} is null`,
        ),
      )
      .returning({ id: recontactRequests.id });
    if (!row) return false;
    await appendCaseEvent(tx, {
      record: { referralId: input.referralId },
      kind: 'recontact_withdrawn',
      author: { kind: 'staff', id: input.officerId },
      body: 'The link sent to the referrer no longer works.',
      data: { requestId: row.id },
    });
    const [others] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from recontact_requests
          where referral_id = ${input.referralId} and purpose = 'question' and used_at is null
            and withdrawn_at is null and expires_at > now()`,
    );
    const [state] = await queryRows<{ status: ReferralState }>(
      tx,
      sql`select status from referrals where id = ${input.referralId}`,
    );
    if (state?.status === 'awaiting_information' && Number(others?.n ?? 0) === 0) {
      await changeState(tx, input.referralId, {
        from: 'awaiting_information',
        to: 'in_triage',
        author: { kind: 'staff', id: input.officerId },
        reason: 'Re-contact request withdrawn',
        data: { recontactWithdrawn: row.id },
      });
    }
    return true;
  });
}

export type LinkState = 'open' | 'unknown' | 'expired' | 'used' | 'withdrawn';

export interface LinkLookup {
  state: LinkState;
  purpose?: RecontactPurpose;
  question?: string | null;
  expiresAt?: Date;
}

/** What a link leads to. Nothing about the case is returned for a link that no longer works. */
export async function lookupLink(db: Db, token: string): Promise<LinkLookup> {
  if (!TOKEN_PATTERN.test(token)) return { state: 'unknown' };
  const [row] = await queryRows<{
    purpose: RecontactPurpose;
    question: string | null;
    expires_at: Date | string;
    used: boolean;
    withdrawn: boolean;
    expired: boolean;
  }>(
    db,
    sql`select purpose, question, expires_at, used_at is not null as used, withdrawn_at is not null as withdrawn,
          expires_at <= now() as expired
        from recontact_requests where token_hash = ${hashToken(token)}`,
  );
  if (!row) return { state: 'unknown' };
  if (row.withdrawn) return { state: 'withdrawn' };
  if (row.used) return { state: 'used' };
  if (row.expired) return { state: 'expired' };
  return {
    state: 'open',
    purpose: row.purpose,
    question: row.question,
    expiresAt: row.expires_at instanceof Date ? row.expires_at : new Date(row.expires_at),
  };
}

/**
 * The referrer's answer through the link, in ONE transaction: the link is used up (only an open one matches), the
 * answer goes into the chronology as the referrer's, the "collection" is logged and a referral that was waiting for
 * information comes back into triage. A link that is not open gives its state and writes nothing.
 */
export async function answerLink(
  db: Db,
  token: string,
  answer: string,
): Promise<{ state: 'done'; referralId: string } | { state: Exclude<LinkState, 'open'> }> {
  if (!TOKEN_PATTERN.test(token)) return { state: 'unknown' };
  const result = await db.transaction(async (tx) => {
    const [used] = await queryRows<{ id: string; referral_id: string; purpose: RecontactPurpose }>(
      tx,
      sql`update recontact_requests set used_at = now()
          where token_hash = ${hashToken(token)} and used_at is null and withdrawn_at is null and expires_at > now()
          returning id, referral_id, purpose`,
    );
    if (!used) return null;
    await appendCaseEvent(tx, {
      record: { referralId: used.referral_id },
      kind: used.purpose === 'question' ? 'referrer_answer' : 'referrer_added',
      author: { kind: 'referrer' },
      body: answer,
      data: { requestId: used.id },
    });
    const [referral] = await queryRows<{ status: ReferralState; reference: string }>(
      tx,
      sql`select status, reference from referrals where id = ${used.referral_id} for update`,
    );
    await appendAccessLog(tx, {
      action: 'collection',
      recordType: 'referral',
      recordId: used.referral_id,
      reference: referral?.reference ?? null,
      actorType: 'public',
      channel: 'online',
      detail: { via: 'referrer-link', purpose: used.purpose },
    });
    if (referral?.status === 'awaiting_information') {
      await changeState(tx, used.referral_id, {
        from: 'awaiting_information',
        to: 'in_triage',
        author: { kind: 'referrer' },
        data: { answered: used.id },
      });
    }
    return used.referral_id;
  });
  if (result) return { state: 'done', referralId: result };
  const after = await lookupLink(db, token);
  // Open again only if it was answered and reverted in between: count it as used.
  return { state: after.state === 'open' ? 'used' : after.state };
}
