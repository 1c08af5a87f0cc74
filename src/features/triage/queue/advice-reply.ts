import { sql } from 'drizzle-orm';
import type { Site } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import { appendAccessLog } from '../../../access-log/queries.js';
import { appendCaseEvent } from '../case-events.js';
import { enqueueEmail } from '../../../outbox/queries.js';
import { queryRows } from '../../../db/sql.js';
import type { EmailContent } from '../../../outbox/emails.js';
import { assignCase, WorkflowError } from '../workflow.js';

/**
 * Answering advice requests: an officer writes the reply, which is e-mailed through the outbox when the asker gave an
 * e-mail address (and kept in the chronology), or records a reply given by phone with a summary. The request becomes
 * "answered" in the same transaction; "closed" later. Assignment of advice requests by a supervisor is here too.
 */

export interface AdviceContact {
  id: string;
  reference: string;
  status: 'new' | 'answered' | 'closed';
  question: string;
  askerName: string;
  askerEmail: string | null;
  askerPhone: string | null;
  assignedOfficerId: string | null;
  answeredAt: Date | null;
  answeredByName: string | null;
}

export async function findAdviceContact(db: Db, reference: string): Promise<AdviceContact | undefined> {
  const [row] = await queryRows<{
    id: string;
    reference: string;
    status: AdviceContact['status'];
    question: string;
    asker_name: string;
    asker_email: string | null;
    asker_phone: string | null;
    assigned_officer_id: string | null;
    answered_at: Date | string | null;
    answered_by_name: string | null;
  }>(
    db,
    sql`select a.id, a.reference, a.status, a.question, a.asker_name, a.asker_email, a.asker_phone,
               a.assigned_officer_id, a.answered_at, u.display_name as answered_by_name
          from advice_requests a left join staff_users u on u.id = a.answered_by
         where a.reference = ${reference}`,
  );
  if (!row) return undefined;
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    question: row.question,
    askerName: row.asker_name,
    askerEmail: row.asker_email,
    askerPhone: row.asker_phone,
    assignedOfficerId: row.assigned_officer_id,
    answeredAt: row.answered_at === null ? null : new Date(row.answered_at),
    answeredByName: row.answered_by_name,
  };
}

/** What in a reply would identify the asker: their e-mail address, phone number or name. Empty when there is none. */
export function personalDataInReply(
  text: string,
  asker: { name: string; email: string | null; phone: string | null },
): ('email' | 'phone' | 'name')[] {
  const found: ('email' | 'phone' | 'name')[] = [];
  const lower = text.toLowerCase();
  if (asker.email && lower.includes(asker.email.trim().toLowerCase())) found.push('email');
  const phoneDigits = nationalDigits(asker.phone ?? '');
  if (phoneDigits.length >= 6) {
    // Digits in the text with spaces, dots, dashes and brackets between them taken out; +44 read as 0.
    const runs = text.match(/[+\d][\d\s().-]{4,}\d/g) ?? [];
    if (runs.some((run) => nationalDigits(run).includes(phoneDigits))) found.push('phone');
  }
  const name = asker.name.trim().replace(/\s+/g, ' ');
  if (name) {
    const whole = lower.replace(/\s+/g, ' ').includes(name.toLowerCase());
    // Each part of the name as a whole word, as it is written (so "Young" the name, not "young people").
    const parts = name.split(' ').filter((part) => part.replace(/[^\p{L}]/gu, '').length >= 3);
    const partFound = parts.some((part) =>
      new RegExp(`(^|[^\\p{L}])${escapeRegExp(part)}($|[^\\p{L}])`, 'u').test(text),
    );
    if (whole || partFound) found.push('name');
  }
  return found;
}

function nationalDigits(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (!(value.trim().startsWith('+44') || digits.startsWith('44'))) return digits;
  const rest = digits.replace(/^44/, ''); // "+44 (0)1632…" keeps its 0
  return rest.startsWith('0') ? rest : `0${rest}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The e-mail that carries an officer's reply: the reference, the reply as written, help lines and sign-off. */
export function adviceReplyEmail(site: Site, reference: string, reply: string): EmailContent {
  const h = site.helplines;
  return {
    template: 'advice-reply',
    subject: `Our reply to your request for advice: ${reference}`,
    text: [
      `This is the Prevent team's reply to your request for advice (reference ${reference}).`,
      '',
      reply.trim(),
      '',
      'Quote your reference number if you contact us again. Do not reply with details of the person you are worried',
      'about: e-mail is not a secure way to send them. Call us instead.',
      '',
      `If anyone is in immediate danger, call ${h.emergency.number}.`,
      `${h.antiTerroristHotline.name}: ${h.antiTerroristHotline.number}.`,
      `${h.actEarly.name}: ${h.actEarly.number} (${h.actEarly.hours}).`,
      '',
      `${site.teamName}\n${site.forceName}\n${site.teamEmail}`,
    ].join('\n'),
  };
}

export type ReplyResult = { channel: 'email'; outboxId: string } | { channel: 'phone' };

/**
 * Records the answer to an advice request in one transaction: the request becomes "answered" (only from "new", so two
 * officers cannot both answer it), the chronology gets an `advice_reply` entry with the text, and an e-mail reply is
 * queued in the outbox with a "disclosure" entry in the access log.
 */
export async function replyToAdvice(
  db: Db,
  opts: {
    adviceId: string;
    reference: string;
    officer: { id: string; organisationCode: string };
    channel: 'email' | 'phone';
    text: string;
    site: Site;
    messageDomain: string;
  },
): Promise<ReplyResult> {
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ asker_email: string | null }>(
      tx,
      sql`update advice_requests set status = 'answered', answered_at = now(), answered_by = ${opts.officer.id}
           where id = ${opts.adviceId} and status = 'new' returning asker_email`,
    );
    if (!row) throw new WorkflowError('state_changed', 'the advice request has already been answered');
    let outboxId: string | undefined;
    if (opts.channel === 'email') {
      if (!row.asker_email) throw new WorkflowError('not_allowed', 'the asker gave no e-mail address');
      outboxId = await enqueueEmail(
        tx,
        row.asker_email,
        adviceReplyEmail(opts.site, opts.reference, opts.text),
        opts.reference,
        opts.messageDomain,
      );
      await appendAccessLog(tx, {
        action: 'disclosure',
        recordType: 'advice',
        recordId: opts.adviceId,
        reference: opts.reference,
        actorType: 'staff',
        actorId: opts.officer.id,
        organisation: opts.officer.organisationCode,
        channel: 'email',
        recipients: ['asker'],
        detail: { what: 'advice-reply', outboxId },
      });
    }
    await appendCaseEvent(tx, {
      record: { adviceId: opts.adviceId },
      kind: 'advice_reply',
      author: { kind: 'staff', id: opts.officer.id },
      body: opts.text.trim(),
      data: { channel: opts.channel, ...(outboxId ? { outboxId } : {}) },
    });
    await appendCaseEvent(tx, {
      record: { adviceId: opts.adviceId },
      kind: 'status',
      author: { kind: 'staff', id: opts.officer.id },
      data: { from: 'new', to: 'answered' },
    });
    return outboxId ? { channel: 'email', outboxId } : { channel: 'phone' };
  });
}

/** Closes an answered advice request (nothing more to do). */
export async function closeAdvice(db: Db, staffId: string, adviceId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`update advice_requests set status = 'closed' where id = ${adviceId} and status = 'answered' returning id`,
    );
    if (!row) throw new WorkflowError('state_changed', 'only an answered advice request can be closed');
    await appendCaseEvent(tx, {
      record: { adviceId },
      kind: 'status',
      author: { kind: 'staff', id: staffId },
      data: { from: 'answered', to: 'closed' },
    });
  });
}

/** A supervisor gives an advice request to an officer of the Prevent team (see `assignCase`). */
export function assignAdvice(
  db: Db,
  supervisorId: string,
  adviceId: string,
  officerId: string,
  reason: string | null,
): Promise<void> {
  return assignCase(db, supervisorId, { adviceId }, officerId, reason);
}
