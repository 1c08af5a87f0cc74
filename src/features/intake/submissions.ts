import { randomUUID } from 'node:crypto';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { adviceRequests, referrals } from '../../db/schema/index.js';
import { claimAndInsert, findDraftToSubmit, liveDraftState } from './queries/submissions.js';
import { finalAnswers, type Journey } from '../../forms/journey.js';
import { toIsoDate, type DateValue, type Values } from '../../forms/fields.js';
import type { Site } from '../../config.js';
import { generateReference } from '../../cases/reference.js';
import {
  adviceAcknowledgement,
  referralAcknowledgement,
  teamNotification,
  type EmailContent,
} from '../../outbox/emails.js';
import { formatLondon } from '../../lib/dates.js';
import { expiryFrom, newToken, referrerLink } from '../triage/recontact/service.js';

export type SubmitResult =
  | { status: 'submitted'; reference: string; outboxIds: string[] }
  | { status: 'already-submitted'; reference: string }
  | { status: 'expired' }
  | { status: 'incomplete'; slug: string };

export interface SubmitDeps {
  site: Site;
  baseUrl: string;
  teamInbox: string;
  messageDomain: string;
  /** Days the referrer's "add information later" link lasts (ADD_INFORMATION_DAYS; 90 when not given). */
  addInformationDays?: number;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Turns a referral journey's validated answers into a row. Only this function knows both shapes. */
export function referralRow(
  values: Values,
): Omit<typeof referrals.$inferInsert, 'reference' | 'draftId' | 'source' | 'answers'> {
  const anonymous = values.referrerAnonymous === 'yes';
  const dob = values.personDobKnown === 'yes' ? toIsoDate(values.personDob as DateValue) : undefined;
  const age = values.personDobKnown === 'no' ? str(values.personAgeApprox) : null;
  return {
    personFullName: String(values.personFullName),
    personOtherNames: str(values.personOtherNames),
    personDob: dob ?? null,
    personAgeApprox: age === null ? null : Number(age),
    personGender: str(values.personGender),
    personAddressKnown: values.personAddressKnown === 'yes',
    personAddressLine1: str(values.personAddressLine1),
    personAddressLine2: str(values.personAddressLine2),
    personTown: str(values.personTown),
    personCounty: str(values.personCounty),
    personPostcode: str(values.personPostcode),
    personOccupation: str(values.personOccupation),
    personPhone: str(values.personPhone),
    personEmail: str(values.personEmail),
    concernText: String(values.concernText),
    concernSince: str(values.concernSince),
    concernOnline: str(values.concernOnline),
    concernViolence: values.concernViolence as 'yes' | 'no' | 'unknown',
    concernViolenceDetails: str(values.concernViolenceDetails),
    vulnerabilities: Array.isArray(values.vulnerabilities) ? (values.vulnerabilities as string[]) : [],
    vulnerabilitiesDetails: str(values.vulnerabilitiesDetails),
    otherAgencies: str(values.otherAgencies),
    personAware: values.personAware as 'yes' | 'no' | 'unknown',
    concernTypeCode: str(values.concernTypeCode),
    referrerType: values.referrerType as 'public' | 'professional',
    referrerAnonymous: anonymous,
    referrerName: anonymous ? null : str(values.referrerName),
    referrerRelationship: anonymous ? null : str(values.referrerRelationship),
    referrerOrganisation: str(values.referrerOrganisation),
    referrerRole: str(values.referrerRole),
    referrerSectorCode: str(values.referrerSectorCode),
    referrerDslInformed: (str(values.referrerDslInformed) as 'yes' | 'no' | 'not_applicable' | null) ?? null,
    referrerEmail: anonymous ? null : str(values.referrerEmail),
    referrerPhone: anonymous ? null : str(values.referrerPhone),
    referrerContactPreference: anonymous
      ? null
      : ((str(values.referrerContactPreference) as 'email' | 'phone' | 'either' | null) ?? null),
  };
}

export function adviceRow(
  values: Values,
): Omit<typeof adviceRequests.$inferInsert, 'reference' | 'draftId' | 'source' | 'answers'> {
  return {
    question: String(values.adviceQuestion),
    aboutPerson: str(values.aboutPerson),
    askerType: values.askerType as 'public' | 'professional',
    askerName: String(values.askerName),
    askerOrganisation: str(values.askerOrganisation),
    askerEmail: str(values.askerEmail),
    askerPhone: str(values.askerPhone),
    askerContactPreference: (str(values.askerContactPreference) as 'email' | 'phone' | 'either' | null) ?? null,
  };
}

interface Prepared {
  kind: 'referral' | 'advice';
  recordTable: PgTable;
  record: Record<string, unknown>;
  contactEmail: string | null;
  ack: EmailContent;
  /** The referrer's single-use "add information later" link (only its hash is stored), when they gave an e-mail. */
  addInformation?: { tokenHash: string; expiresAt: Date };
}

function prepare(journey: Journey, values: Values, reference: string, draftId: string, deps: SubmitDeps): Prepared {
  const snapshot = { formVersion: journey.version, values };
  if (journey.kind === 'referral') {
    const row = referralRow(values);
    const link = row.referrerEmail ? newToken() : undefined;
    const expiresAt = expiryFrom(new Date(), deps.addInformationDays ?? 90);
    return {
      kind: 'referral',
      recordTable: referrals,
      record: { ...row, reference, draftId, source: 'online', answers: snapshot },
      contactEmail: row.referrerEmail ?? null,
      ack: referralAcknowledgement(
        deps.site,
        reference,
        link && { url: referrerLink(deps.baseUrl, link.token), expires: formatLondon(expiresAt, true) },
      ),
      ...(link ? { addInformation: { tokenHash: link.hash, expiresAt } } : {}),
    };
  }
  const row = adviceRow(values);
  return {
    kind: 'advice',
    recordTable: adviceRequests,
    record: { ...row, reference, draftId, source: 'online', answers: snapshot },
    contactEmail: row.askerEmail ?? null,
    ack: adviceAcknowledgement(deps.site, reference),
  };
}

/**
 * Submits a draft, exactly once, in ONE statement (no transaction round trips): the draft is claimed by an UPDATE that
 * only matches an unsent, unexpired draft, and the reference, the record, its "collected" log entry and its e-mails are
 * inserted only from that claim. A concurrent second submission of the same draft waits for the first, then matches
 * nothing; the unique draft_id on the record is the database's last word. Either everything is written or nothing is.
 */
export async function submitDraft(db: Db, journey: Journey, draftId: string, deps: SubmitDeps): Promise<SubmitResult> {
  const draft = await findDraftToSubmit(db, draftId, journey.kind);
  if (!draft) return { status: 'expired' };
  if (draft.submittedReference) return { status: 'already-submitted', reference: draft.submittedReference };
  const final = finalAnswers(journey, { values: draft.answers.values ?? {}, completed: draft.answers.completed ?? [] });
  if (!final.ok) return { status: 'incomplete', slug: final.slug };

  for (let attempt = 0; attempt < 10; attempt++) {
    const reference = generateReference();
    const p = prepare(journey, final.values, reference, draftId, deps);
    const link = `${deps.baseUrl}/staff/${p.kind === 'referral' ? 'referrals' : 'advice'}/${reference}`;
    const mails: { id: string; to: string; content: EmailContent }[] = [];
    if (p.contactEmail) mails.push({ id: randomUUID(), to: p.contactEmail, content: p.ack });
    mails.push({ id: randomUUID(), to: deps.teamInbox, content: teamNotification(p.kind, reference, link) });
    const recordId = randomUUID();
    const logDetail = { formVersion: journey.version, fields: Object.keys(final.values).length };
    let counts: { refs: number; claimed: number; recs: number } | undefined;
    try {
      counts = await claimAndInsert(db, {
        draftId,
        reference,
        kind: p.kind,
        recordTable: p.recordTable,
        record: { id: recordId, ...p.record },
        logDetail,
        mails,
        messageDomain: deps.messageDomain,
        ...(p.addInformation ? { addInformation: p.addInformation } : {}),
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // A record for this draft already exists (a race the claim lost): fall through and report it.
    }
    if (counts && counts.claimed === 1 && counts.recs === 1) {
      return { status: 'submitted', reference, outboxIds: mails.map((m) => m.id) };
    }
    // Nothing was written. Either the draft was sent or expired meanwhile (then say so), or the reference collided.
    const now = await liveDraftState(db, draftId);
    if (!now) return { status: 'expired' };
    if (now.submittedReference) return { status: 'already-submitted', reference: now.submittedReference };
  }
  throw new Error('Could not issue a unique reference after 10 attempts');
}

export function isUniqueViolation(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 3 && e; i++) {
    if ((e as { code?: string }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
