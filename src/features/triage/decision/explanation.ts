import { eq, sql } from 'drizzle-orm';
import type { Config } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import { appendAccessLog } from '../../../access-log/queries.js';
import { appendCaseEvent } from '../case-events.js';
import { enqueueEmail } from '../../../outbox/queries.js';
import { explanations, letterTemplates } from '../../../db/schema/index.js';
import { queryRows } from '../../../db/sql.js';
import type { Principal } from '../../../policies/index.js';
import { messageDomain } from '../../staff-auth/emails.js';

/**
 * The explanation to a referrer when a referral does not meet the threshold (the seed's promise to "explain why"): an
 * editable template per audience, filled with the reference and what the officer writes, sent by e-mail (through the
 * outbox) or as a PDF letter. The text is kept exactly as sent, and sending it is a disclosure in the access log.
 */

export type Audience = 'public' | 'professional';
export type ExplanationChannel = 'email' | 'letter';

export const TEMPLATE_FOR: Record<Audience, string> = {
  professional: 'not-met-professional',
  public: 'not-met-public',
};

export interface LetterTemplate {
  code: string;
  audience: Audience;
  title: string;
  subject: string;
  body: string;
  updatedAt: Date;
}

export async function listTemplates(db: Db): Promise<LetterTemplate[]> {
  const rows = await db.select().from(letterTemplates).orderBy(letterTemplates.code);
  return rows.map((r) => ({
    code: r.code,
    audience: r.audience,
    title: r.title,
    subject: r.subject,
    body: r.body,
    updatedAt: r.updatedAt,
  }));
}

export async function findTemplate(db: Db, code: string): Promise<LetterTemplate | undefined> {
  return (await listTemplates(db)).find((t) => t.code === code);
}

/** Changes a template's subject and body, with an "alteration" entry in the access log (same transaction). */
export async function updateTemplate(
  db: Db,
  principal: Principal,
  code: string,
  change: { subject: string; body: string },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(letterTemplates).where(eq(letterTemplates.code, code)).for('update');
    if (!before) return false;
    await tx
      .update(letterTemplates)
      .set({ subject: change.subject, body: change.body, updatedAt: sql`now()`, updatedBy: principal.userId })
      .where(eq(letterTemplates.code, code));
    await appendAccessLog(tx, {
      action: 'alteration',
      recordType: 'letter-template',
      reference: code,
      actorType: 'staff',
      actorId: principal.userId,
      organisation: principal.organisationCode,
      channel: 'staff-web',
      detail: {
        code,
        changed: [
          ...(before.subject !== change.subject ? ['subject'] : []),
          ...(before.body !== change.body ? ['body'] : []),
        ],
      },
    });
    return true;
  });
}

/** Fills `{{reference}}`, `{{reasons}}` and `{{signposting}}` (with or without spaces inside the braces). */
export function fillTemplate(
  text: string,
  values: { reference: string; reasons: string; signposting: string },
): string {
  return text
    .replace(/\{\{\s*(reference|reasons|signposting)\s*\}\}/g, (_m, key: 'reference' | 'reasons' | 'signposting') =>
      values[key].trim(),
    )
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const fold = (text: string) => text.normalize('NFKC').toLocaleLowerCase('en-GB').replace(/\s+/g, ' ').trim();

/** Which of these names appear in the text, compared without regard to case or spacing. */
export function namesIn(text: string, names: readonly (string | null | undefined)[]): string[] {
  const haystack = fold(text);
  return names.filter((n): n is string => typeof n === 'string' && fold(n).length > 1 && haystack.includes(fold(n)));
}

/** The referral's facts the explanation needs. */
export interface ExplanationReferral {
  id: string;
  reference: string;
  status: string;
  personFullName: string;
  referrerType: Audience;
  referrerAnonymous: boolean;
  referrerName: string | null;
  referrerEmail: string | null;
}

export async function explanationReferral(db: Db, referralId: string): Promise<ExplanationReferral | undefined> {
  const [r] = await queryRows<{
    id: string;
    reference: string;
    status: string;
    person_full_name: string;
    referrer_type: Audience;
    referrer_anonymous: boolean;
    referrer_name: string | null;
    referrer_email: string | null;
  }>(
    db,
    sql`select id, reference, status, person_full_name, referrer_type, referrer_anonymous, referrer_name, referrer_email
        from referrals where id = ${referralId}`,
  );
  if (!r) return undefined;
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    personFullName: r.person_full_name,
    referrerType: r.referrer_type,
    referrerAnonymous: r.referrer_anonymous,
    referrerName: r.referrer_name,
    referrerEmail: r.referrer_email,
  };
}

export interface ExplanationRow {
  id: string;
  decisionId: string;
  audience: Audience;
  channel: ExplanationChannel;
  subject: string;
  body: string;
  sentBy: string;
  sentByName: string;
  sentAt: Date;
}

export async function listExplanations(db: Db, referralId: string): Promise<ExplanationRow[]> {
  const rows = await queryRows<{
    id: string;
    decision_id: string;
    audience: Audience;
    channel: ExplanationChannel;
    subject: string;
    body: string;
    sent_by: string;
    sent_by_name: string;
    sent_at: Date | string;
  }>(
    db,
    sql`select e.id, e.decision_id, e.audience, e.channel, e.subject, e.body, e.sent_by, u.display_name as sent_by_name,
          e.sent_at
        from explanations e join staff_users u on u.id = e.sent_by
        where e.referral_id = ${referralId} order by e.sent_at desc, e.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    decisionId: r.decision_id,
    audience: r.audience,
    channel: r.channel,
    subject: r.subject,
    body: r.body,
    sentBy: r.sent_by,
    sentByName: r.sent_by_name,
    sentAt: r.sent_at instanceof Date ? r.sent_at : new Date(r.sent_at),
  }));
}

export async function findExplanation(db: Db, referralId: string, id: string): Promise<ExplanationRow | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  return (await listExplanations(db, referralId)).find((e) => e.id === id.toLowerCase());
}

export type SendResult =
  | { ok: true; explanationId: string }
  | { ok: false; problem: 'names'; names: string[] }
  | { ok: false; problem: 'no-email' | 'anonymous' };

/**
 * Sends (or, for a letter, keeps for printing) an explanation: the explanations row with the exact text, the e-mail
 * in the outbox, the chronology entry and the disclosure entry, all in one transaction. Refuses text that names the
 * person referred or the referrer.
 */
export async function sendExplanation(
  db: Db,
  config: Config,
  input: {
    referral: ExplanationReferral;
    decisionId: string;
    principal: Principal;
    audience: Audience;
    channel: ExplanationChannel;
    templateCode: string;
    subject: string;
    body: string;
    justification: string | null;
  },
): Promise<SendResult> {
  const { referral } = input;
  if (referral.referrerAnonymous) return { ok: false, problem: 'anonymous' };
  if (input.channel === 'email' && !referral.referrerEmail) return { ok: false, problem: 'no-email' };
  const names = namesIn(`${input.subject}\n${input.body}`, [referral.personFullName, referral.referrerName]);
  if (names.length) return { ok: false, problem: 'names', names };
  return db.transaction(async (tx) => {
    const outboxId =
      input.channel === 'email'
        ? await enqueueEmail(
            tx,
            referral.referrerEmail!,
            { template: `explanation-${input.templateCode}`, subject: input.subject, text: input.body },
            referral.reference,
            messageDomain(config.mailFrom),
          )
        : null;
    const [row] = await tx
      .insert(explanations)
      .values({
        referralId: referral.id,
        decisionId: input.decisionId,
        audience: input.audience,
        channel: input.channel,
        templateCode: input.templateCode,
        subject: input.subject,
        body: input.body,
        outboxId,
        sentBy: input.principal.userId,
      })
      .returning({ id: explanations.id });
    const explanationId = row!.id;
    await appendCaseEvent(tx, {
      record: { referralId: referral.id },
      kind: 'explanation',
      author: { kind: 'staff', id: input.principal.userId },
      data: { explanationId, decisionId: input.decisionId, channel: input.channel, audience: input.audience },
    });
    await appendAccessLog(tx, {
      action: 'disclosure',
      recordType: 'referral',
      recordId: referral.id,
      reference: referral.reference,
      actorType: 'staff',
      actorId: input.principal.userId,
      organisation: input.principal.organisationCode,
      channel: 'staff-web',
      justification: input.justification,
      recipients: ['referrer'],
      detail: { explanationId, channel: input.channel },
    });
    return { ok: true, explanationId };
  });
}
