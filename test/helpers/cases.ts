import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { adviceRequests, caseReferences, caseShares, referrals } from '../../src/db/schema/index.js';
import { generateReference } from '../../src/cases/reference.js';

/**
 * Factories for case tests: real referrals and advice requests inserted directly (the reference first, as the
 * submission does), through every CHECK constraint. They arrive by e-mail unless told otherwise (an online record needs
 * a draft; use the public form for those: test/helpers/journeys.ts).
 */

type ReferralInsert = typeof referrals.$inferInsert;
type AdviceInsert = typeof adviceRequests.$inferInsert;

export interface TestCase {
  id: string;
  reference: string;
}

async function newReference(db: Db, kind: 'referral' | 'advice', reference?: string): Promise<string> {
  for (let i = 0; i < 5; i++) {
    const ref = reference ?? generateReference();
    const inserted = await db.insert(caseReferences).values({ reference: ref, kind }).onConflictDoNothing().returning();
    if (inserted.length) return ref;
    if (reference) throw new Error(`reference ${reference} is taken`);
  }
  throw new Error('no free reference');
}

/** A referral from a member of the public who gave their details, received by e-mail now (override anything). */
export async function createReferral(
  db: Db,
  opts: Partial<Omit<ReferralInsert, 'id'>> & { reference?: string } = {},
): Promise<TestCase> {
  const { reference: wanted, ...values } = opts;
  const reference = await newReference(db, 'referral', wanted);
  const anonymous = values.referrerAnonymous ?? false;
  const [row] = await db
    .insert(referrals)
    .values({
      source: 'email',
      personFullName: 'Robin Testperson',
      personAddressKnown: false,
      concernText: 'Has been sharing extremist material with classmates.',
      concernViolence: 'no',
      personAware: 'no',
      referrerType: 'public',
      referrerAnonymous: anonymous,
      referrerName: anonymous ? null : 'Casey Referrer',
      referrerEmail: anonymous ? null : 'casey@example.org',
      answers: { note: 'entered by the team from an e-mail' },
      ...values,
      reference,
    })
    .returning({ id: referrals.id, reference: referrals.reference });
  return row!;
}

/** An advice request from a member of the public, received by phone now (override anything). */
export async function createAdvice(
  db: Db,
  opts: Partial<Omit<AdviceInsert, 'id'>> & { reference?: string } = {},
): Promise<TestCase> {
  const { reference: wanted, ...values } = opts;
  const reference = await newReference(db, 'advice', wanted);
  const [row] = await db
    .insert(adviceRequests)
    .values({
      source: 'phone',
      question: 'Should I be worried about what my nephew says online?',
      askerType: 'public',
      askerName: 'Drew Asker',
      askerPhone: '01632 960 002',
      answers: { note: 'taken by phone' },
      ...values,
      reference,
    })
    .returning({ id: adviceRequests.id, reference: adviceRequests.reference });
  return row!;
}

/** Gives the case to an organisation: its council (hand-over to Channel) or an agency at its Channel panel. */
export async function shareCase(
  db: Db,
  referralId: string,
  organisationId: string,
  purpose: 'council' | 'panel',
  opts: { ended?: boolean } = {},
): Promise<void> {
  await db.insert(caseShares).values({ referralId, organisationId, purpose, endedAt: opts.ended ? new Date() : null });
}

/** Assigns a referral to an officer (the triage feature will do this through the UI). */
export async function assignReferral(db: Db, referralId: string, officerId: string | null): Promise<void> {
  await db.execute(sql`update referrals set assigned_officer_id = ${officerId} where id = ${referralId}`);
}

/** A date `days` days and `hours` hours ago. */
export function ago(days: number, hours = 0): Date {
  return new Date(Date.now() - (days * 24 + hours) * 60 * 60 * 1000);
}

/** Other names for the same factories (the access matrix test uses these). */
export const insertReferral = createReferral;
export const insertAdvice = createAdvice;

/**
 * A referral about a person (name, other names, date of birth or approximate age, address), for the earlier-referral
 * matching tests: everything else as createReferral makes it, and the address marked known when one is given.
 */
export async function createPersonReferral(
  db: Db,
  person: Partial<
    Pick<
      ReferralInsert,
      | 'personFullName'
      | 'personOtherNames'
      | 'personDob'
      | 'personAgeApprox'
      | 'personAddressLine1'
      | 'personTown'
      | 'personPostcode'
      | 'receivedAt'
      | 'assignedOfficerId'
    >
  >,
): Promise<TestCase> {
  const addressKnown = Boolean(person.personAddressLine1 ?? person.personPostcode ?? person.personTown);
  return createReferral(db, { personAddressKnown: addressKnown, ...person });
}
