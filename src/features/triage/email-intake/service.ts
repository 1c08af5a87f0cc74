import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import { simpleParser, type AddressObject } from 'mailparser';
import type { Db } from '../../../db/client.js';
import { appendAccessLog } from '../../../access-log/queries.js';
import { appendCaseEvent } from '../case-events.js';
import { drafts, referrals } from '../../../db/schema/index.js';
import { queryRows } from '../../../db/sql.js';
import type { ReferenceData } from '../../../forms/context.js';
import { entryField, questions } from '../../../forms/questions.js';
import { cleanText, parseFields, type Errors, type Field, type TextField, type Values } from '../../../forms/fields.js';
import { REFERRAL_FORM_VERSION } from '../../../forms/referral/index.js';
import { messages } from '../../../messages.js';
import { sizeText } from '../../../lib/format.js';
import { generateReference } from '../../../cases/reference.js';
import { isUniqueViolation, referralRow } from '../../intake/submissions.js';
import { documentType, sanitiseFileName, storeAttachment, withAttachmentFiles } from '../attachments/service.js';

/**
 * Referrals that arrive by e-mail: an officer uploads the .eml file (kept server-side in a short-lived `drafts` row,
 * never in the URL or a cookie), types the referral's facts beside the original, and the referral is created with the
 * original e-mail and any referral form it carried as attachments, exactly once per upload (the draft id is the
 * idempotency key: referrals.draft_id is unique).
 */

/** How long an uploaded e-mail waits for the officer to finish. */
export const EMAIL_DRAFT_MINUTES = 120;
const TEXT_SHOWN_MAX = 50_000;

export interface ParsedEmail {
  from: string;
  fromAddress: string;
  to: string;
  date: string | null;
  subject: string;
  text: string;
  attachments: { fileName: string; contentType: string; size: number }[];
}

interface EmailDraft {
  uploadedBy: string;
  fileName: string;
  raw: string;
  parsed: ParsedEmail;
}

/** "Name <address>, …" as people read it (mailparser's own text quotes names). */
const addressText = (a: AddressObject | AddressObject[] | undefined) =>
  cleanText(
    [a ?? []]
      .flat()
      .flatMap((x) => x.value)
      .map((v) => (v.name && v.address ? `${v.name} <${v.address}>` : (v.address ?? v.name ?? '')))
      .filter(Boolean)
      .join(', '),
  ).trim();

export type EmlCheck = { ok: true; parsed: ParsedEmail } | { ok: false; error: string };

/** Reads an uploaded .eml file: it must parse and look like an e-mail (a sender, and a date or a subject). */
export async function readEml(
  file: { data: Buffer; truncated: boolean; fileName: string | undefined } | undefined,
  maxBytes: number,
): Promise<EmlCheck> {
  const m = messages.chronology;
  if (!file || (file.data.length === 0 && !file.fileName)) return { ok: false, error: m.emlMissing };
  if (file.truncated || file.data.length > maxBytes) return { ok: false, error: m.emlTooLarge(sizeText(maxBytes)) };
  if (file.data.length === 0) return { ok: false, error: m.emlEmpty };
  // A PDF, an image or an archive is not an e-mail whatever its name says.
  if (await fileTypeFromBuffer(file.data)) return { ok: false, error: m.emlNotEmail };
  // The header block must come first: "Name: value" lines up to a blank line.
  const head = file.data.subarray(0, 4096).toString('latin1');
  if (!/^[\x21-\x39\x3b-\x7e]+:/.test(head)) return { ok: false, error: m.emlNotEmail };
  let mail;
  try {
    mail = await simpleParser(file.data, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  } catch {
    return { ok: false, error: m.emlNotEmail };
  }
  const from = [mail.from ?? []].flat()[0]?.value.find((v) => v.address)?.address;
  if (!from || (!mail.date && !mail.subject)) return { ok: false, error: m.emlNotEmail };
  const text = cleanText(mail.text ?? '').trim();
  return {
    ok: true,
    parsed: {
      from: addressText(mail.from),
      fromAddress: cleanText(from).trim(),
      to: addressText(mail.to),
      date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null,
      subject: cleanText(mail.subject ?? '').trim(),
      text: text.length > TEXT_SHOWN_MAX ? `${text.slice(0, TEXT_SHOWN_MAX)}…` : text,
      attachments: mail.attachments.map((a) => ({
        fileName: sanitiseFileName(a.filename, 'unnamed attachment'),
        contentType: a.contentType,
        size: a.size,
      })),
    },
  };
}

/** Keeps an uploaded e-mail for the second step and returns the draft's id. */
export async function saveEmailDraft(
  db: Db,
  opts: { uploadedBy: string; fileName: string | undefined; raw: Buffer; parsed: ParsedEmail },
): Promise<string> {
  const id = randomUUID();
  const draft: EmailDraft = {
    uploadedBy: opts.uploadedBy,
    fileName: sanitiseFileName(opts.fileName, 'original-email.eml'),
    raw: opts.raw.toString('base64'),
    parsed: opts.parsed,
  };
  await db.insert(drafts).values({
    id,
    kind: 'referral',
    answers: { values: { emailIntake: draft }, completed: [] },
    expiresAt: new Date(Date.now() + EMAIL_DRAFT_MINUTES * 60_000),
  });
  return id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type LoadedEmailDraft =
  { status: 'open'; parsed: ParsedEmail } | { status: 'submitted'; reference: string } | { status: 'missing' };

function draftOf(answers: unknown): EmailDraft | undefined {
  const v = (answers as { values?: { emailIntake?: EmailDraft } } | null)?.values?.emailIntake;
  return v && typeof v.uploadedBy === 'string' && typeof v.raw === 'string' ? v : undefined;
}

/** The uploaded e-mail of this person (another's, an expired or unknown one: missing). */
export async function loadEmailDraft(db: Db, rawId: string, userId: string): Promise<LoadedEmailDraft> {
  if (!UUID.test(rawId)) return { status: 'missing' };
  const [row] = await queryRows<{ answers: unknown; submitted_reference: string | null }>(
    db,
    sql`select answers, submitted_reference from drafts
        where id = ${rawId} and kind = 'referral' and expires_at > now()`,
  );
  if (!row) return { status: 'missing' };
  const answers = typeof row.answers === 'string' ? (JSON.parse(row.answers) as unknown) : row.answers;
  if (row.submitted_reference) {
    const [made] = await queryRows<{ source: string }>(
      db,
      sql`select source from referrals where draft_id = ${rawId} and source = 'email'`,
    );
    return made ? { status: 'submitted', reference: row.submitted_reference } : { status: 'missing' };
  }
  const draft = draftOf(answers);
  if (!draft || draft.uploadedBy !== userId) return { status: 'missing' };
  return { status: 'open', parsed: draft.parsed };
}

/**
 * The structured fields: the online form's own definitions, in the officer's wording (each definition's `staff` entry
 * wording, `src/forms/questions.ts`). The referrer's organisation, e-mail address and telephone number are optional
 * here (the e-mail may not say), and nothing is filled in from the officer's own browser.
 */
export function emailIntakeSections(ctx: ReferenceData): { title: string; fields: Field[] }[] {
  const { field } = questions(ctx);
  const entry = (name: string) => entryField(field(name));
  const typedIn = (name: string, changes: Partial<TextField>): Field => ({ ...entry(name), ...changes }) as Field;
  return [
    {
      title: 'The person',
      fields: [
        entry('personFullName'),
        entry('personOtherNames'),
        entry('personDobKnown'),
        entry('personAddressKnown'),
      ],
    },
    {
      title: 'The concern',
      fields: [
        entry('concernText'),
        entry('concernSince'),
        entry('concernViolence'),
        entry('personAware'),
        entry('concernTypeCode'),
      ],
    },
    {
      title: 'The referrer',
      fields: [
        entry('referrerType'),
        typedIn('referrerName', { autocomplete: 'off' }),
        typedIn('referrerOrganisation', { autocomplete: 'off', optional: true }),
        typedIn('referrerEmail', { autocomplete: 'off' }),
        typedIn('referrerPhone', { autocomplete: 'off' }),
      ],
    },
  ];
}

/** Parses and validates the officer's fields with the online form's rules; the referrer must be contactable. */
export function parseEmailIntake(fields: Field[], body: unknown): { values: Values; errors: Errors } {
  const form = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const { values, errors } = parseFields(fields, form);
  if (!errors.referrerEmail && !errors.referrerPhone && !values.referrerEmail && !values.referrerPhone) {
    errors.referrerEmail = messages.chronology.referrerContactNeeded;
  }
  return { values, errors };
}

export type CreateResult = { status: 'created' | 'already'; reference: string } | { status: 'missing' };

/**
 * Creates the referral from the officer's fields and the uploaded e-mail, in one transaction: the reference, the
 * referral (source e-mail), the original e-mail and any PDF or Word form it carried as attachments, the "received"
 * chronology entry, a "collection" access-log entry, and the draft marked sent (its e-mail emptied). A second
 * submission of the same draft finds it sent and answers with the same reference.
 */
export async function createEmailReferral(
  db: Db,
  opts: {
    draftId: string;
    actor: { userId: string; organisationCode: string };
    values: Values;
    attachmentsDir: string | undefined;
  },
): Promise<CreateResult> {
  if (!UUID.test(opts.draftId)) return { status: 'missing' };
  try {
    return await withAttachmentFiles(opts.attachmentsDir, (files) =>
      db.transaction(async (tx) => {
        const [row] = await queryRows<{ answers: unknown; submitted_reference: string | null }>(
          tx,
          sql`select answers, submitted_reference from drafts
            where id = ${opts.draftId} and kind = 'referral' and expires_at > now() for update`,
        );
        if (!row) return { status: 'missing' } as const;
        if (row.submitted_reference) return { status: 'already', reference: row.submitted_reference } as const;
        const answers = typeof row.answers === 'string' ? (JSON.parse(row.answers) as unknown) : row.answers;
        const draft = draftOf(answers);
        if (!draft || draft.uploadedBy !== opts.actor.userId) return { status: 'missing' } as const;
        const raw = Buffer.from(draft.raw, 'base64');

        let reference: string | undefined;
        for (let i = 0; i < 10 && !reference; i++) {
          const candidate = generateReference();
          const inserted = await queryRows<{ reference: string }>(
            tx,
            sql`insert into case_references (reference, kind) values (${candidate}, 'referral')
              on conflict do nothing returning reference`,
          );
          if (inserted.length) reference = candidate;
        }
        if (!reference) throw new Error('Could not issue a unique reference after 10 attempts');

        const values: Values = { ...opts.values, referrerAnonymous: 'no' };
        const [made] = await tx
          .insert(referrals)
          .values({
            ...referralRow(values),
            reference,
            draftId: opts.draftId,
            source: 'email',
            answers: { formVersion: REFERRAL_FORM_VERSION, enteredFrom: 'email', values: opts.values },
          })
          .returning({ id: referrals.id });
        const referralId = made!.id;

        const stored: string[] = [];
        stored.push(
          await storeAttachment(tx, files, {
            referralId,
            role: 'original_email',
            fileName: draft.fileName,
            mediaType: 'message/rfc822',
            bytes: raw,
            uploadedBy: opts.actor.userId,
          }),
        );
        const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
        for (const a of mail.attachments) {
          const mediaType = await documentType(a.content);
          if (mediaType !== 'application/pdf' && mediaType?.includes('word') !== true) continue;
          stored.push(
            await storeAttachment(tx, files, {
              referralId,
              role: 'original_form',
              fileName: sanitiseFileName(a.filename, 'referral-form'),
              mediaType,
              bytes: a.content,
              uploadedBy: opts.actor.userId,
            }),
          );
        }

        await appendCaseEvent(tx, {
          record: { referralId },
          kind: 'received',
          author: { kind: 'staff', id: opts.actor.userId },
          data: { source: 'email', attachmentIds: stored },
        });
        await appendAccessLog(tx, {
          action: 'collection',
          recordType: 'referral',
          recordId: referralId,
          reference,
          actorType: 'staff',
          actorId: opts.actor.userId,
          organisation: opts.actor.organisationCode,
          channel: 'email',
          detail: {
            formVersion: REFERRAL_FORM_VERSION,
            fields: Object.keys(opts.values).length,
            attachments: stored.length,
            draft: opts.draftId,
          },
        });
        await tx.execute(
          sql`update drafts set submitted_reference = ${reference}, submitted_at = now(),
            answers = ${JSON.stringify({ values: {}, completed: [] })}::jsonb
            where id = ${opts.draftId}`,
        );
        return { status: 'created', reference } as const;
      }),
    );
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // Another submission of the same draft won the race: answer with its referral.
    const [other] = await queryRows<{ reference: string }>(
      db,
      sql`select reference from referrals where draft_id = ${opts.draftId}`,
    );
    if (other) return { status: 'already', reference: other.reference };
    throw err;
  }
}
