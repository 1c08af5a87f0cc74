import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { adviceRequests, caseReferences, drafts, referrals } from '../db/schema.js';
import { appendAccessLog } from '../db/repositories/access-log.js';
import { enqueueEmail } from '../db/repositories/outbox.js';
import { finalAnswers, type Journey } from '../forms/journey.js';
import { toIsoDate, type DateValue, type Values } from '../forms/fields.js';
import type { Site } from '../config.js';
import { generateReference } from './reference.js';
import { adviceAcknowledgement, referralAcknowledgement, teamNotification, type EmailContent } from './emails.js';

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

/** Issues a new reference, retrying on the (rare) collision: the primary key decides. */
async function issueReference(tx: Db, kind: 'referral' | 'advice'): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const reference = generateReference();
    const rows = await tx
      .insert(caseReferences)
      .values({ reference, kind })
      .onConflictDoNothing()
      .returning({ reference: caseReferences.reference });
    if (rows.length === 1) return reference;
  }
  throw new Error('Could not issue a unique reference after 10 attempts');
}

/**
 * Submits a draft, exactly once: the draft row is locked, a submitted draft returns its reference again, and the
 * unique draft_id on the record is the database's guarantee. The record, its "collected" log entry and its e-mails
 * commit together or not at all.
 */
export async function submitDraft(db: Db, journey: Journey, draftId: string, deps: SubmitDeps): Promise<SubmitResult> {
  try {
    return await db.transaction(async (tx) => {
      const [draft] = await tx
        .select()
        .from(drafts)
        .where(and(eq(drafts.id, draftId), eq(drafts.kind, journey.kind), sql`${drafts.expiresAt} > now()`))
        .for('update');
      if (!draft) return { status: 'expired' } as const;
      if (draft.submittedReference)
        return { status: 'already-submitted', reference: draft.submittedReference } as const;
      const answers = draft.answers as { values?: Values; completed?: string[] };
      const final = finalAnswers(journey, { values: answers.values ?? {}, completed: answers.completed ?? [] });
      if (!final.ok) return { status: 'incomplete', slug: final.slug } as const;

      const reference = await issueReference(tx, journey.kind);
      const snapshot = { formVersion: journey.version, values: final.values };
      let recordId: string;
      let contactEmail: string | null;
      let ack: EmailContent;
      if (journey.kind === 'referral') {
        const row = referralRow(final.values);
        const [inserted] = await tx
          .insert(referrals)
          .values({ ...row, reference, draftId, source: 'online', answers: snapshot })
          .returning({ id: referrals.id });
        recordId = inserted!.id;
        contactEmail = row.referrerEmail ?? null;
        ack = referralAcknowledgement(deps.site, reference);
      } else {
        const row = adviceRow(final.values);
        const [inserted] = await tx
          .insert(adviceRequests)
          .values({ ...row, reference, draftId, source: 'online', answers: snapshot })
          .returning({ id: adviceRequests.id });
        recordId = inserted!.id;
        contactEmail = row.askerEmail ?? null;
        ack = adviceAcknowledgement(deps.site, reference);
      }
      // The draft keeps only the fact that it was submitted: the answers now live in the record alone.
      await tx
        .update(drafts)
        .set({ submittedReference: reference, submittedAt: sql`now()`, answers: { values: {}, completed: [] } })
        .where(eq(drafts.id, draftId));
      await appendAccessLog(tx, {
        action: 'collection',
        recordType: journey.kind,
        recordId,
        reference,
        actorType: 'public',
        channel: 'online',
        detail: { formVersion: journey.version, fields: Object.keys(final.values).length },
      });
      const outboxIds: string[] = [];
      if (contactEmail) outboxIds.push(await enqueueEmail(tx, contactEmail, ack, reference, deps.messageDomain));
      const link = `${deps.baseUrl}/staff/${journey.kind === 'referral' ? 'referrals' : 'advice'}/${reference}`;
      outboxIds.push(
        await enqueueEmail(
          tx,
          deps.teamInbox,
          teamNotification(journey.kind, reference, link),
          reference,
          deps.messageDomain,
        ),
      );
      return { status: 'submitted', reference, outboxIds } as const;
    });
  } catch (err) {
    // Two submissions of one draft that raced past the row lock: the unique draft_id refused the second.
    if (isUniqueViolation(err)) {
      const [draft] = await db.select().from(drafts).where(eq(drafts.id, draftId));
      if (draft?.submittedReference) return { status: 'already-submitted', reference: draft.submittedReference };
    }
    throw err;
  }
}

export function isUniqueViolation(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 3 && e; i++) {
    if ((e as { code?: string }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
