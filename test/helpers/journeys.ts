import { expect } from 'vitest';
import type { FormClient } from './client.js';

export type Answers = Record<string, Record<string, string | string[]>>;

/** A member of the public who gives their contact details. */
export const publicReferral: Answers = {
  'immediate-danger': { immediateDanger: 'no' },
  'about-you': { referrerType: 'public' },
  'person-name': { personFullName: 'Jamie Example', personOtherNames: 'J Ex' },
  'person-dob': { personDobKnown: 'yes', 'personDob-day': '14', 'personDob-month': '3', 'personDob-year': '2009' },
  'person-gender': { personGender: 'male' },
  'person-address': {
    personAddressKnown: 'yes',
    personAddressLine1: '1 Example Street',
    personTown: 'Carlisle',
    personPostcode: 'ca1 1aa',
  },
  'person-occupation': { personOccupation: 'Example Academy' },
  'person-contact': {},
  concern: {
    concernText: 'He has been sharing violent videos and talking about hurting people at school.',
    concernSince: 'September',
  },
  online: { concernOnline: 'Posts in a group chat' },
  violence: { concernViolence: 'yes', concernViolenceDetails: 'Said he wanted a knife' },
  vulnerabilities: { vulnerabilities: ['mental-health', 'neurodivergence'] },
  agencies: {},
  'person-aware': { personAware: 'no' },
  'concern-type': { concernTypeCode: 'not-sure' },
  anonymous: { referrerAnonymous: 'no' },
  'your-details': { referrerName: 'Alex Aunt', referrerRelationship: 'I am his aunt' },
  'contact-details': { referrerEmail: 'alex@example.org', referrerPhone: '', referrerContactPreference: 'email' },
};

export const professionalReferral: Answers = {
  ...publicReferral,
  'about-you': { referrerType: 'professional' },
  'safeguarding-lead': { referrerDslInformed: 'yes' },
  'person-dob': { personDobKnown: 'no', personAgeApprox: '15' },
  'person-address': { personAddressKnown: 'no' },
  'your-work': {
    referrerName: 'Sam Teacher',
    referrerOrganisation: 'Example Academy',
    referrerRole: 'Head of year',
    referrerSectorCode: 'education',
    referrerRelationship: 'Head of year',
  },
  'contact-details': {
    referrerEmail: 'sam.teacher@example.sch.uk',
    referrerPhone: '01632 960 001',
    referrerContactPreference: 'either',
  },
};

export const anonymousReferral: Answers = {
  ...publicReferral,
  'person-dob': { personDobKnown: 'no', personAgeApprox: '' },
  anonymous: { referrerAnonymous: 'yes' },
};

export const adviceRequest: Answers = {
  'immediate-danger': { immediateDanger: 'no' },
  question: { adviceQuestion: 'My neighbour’s son says worrying things. Should I refer him?' },
  'about-person': {},
  'about-you': { askerName: 'Pat Neighbour', askerType: 'public' },
  'contact-details': { askerEmail: 'pat@example.org', askerContactPreference: 'email' },
};

/** Walks a journey by answering whatever page the service sends it to, and submits. Returns the reference. */
export async function completeJourney(
  client: FormClient,
  basePath: '/refer' | '/advice',
  answers: Answers,
): Promise<string> {
  await client.get(basePath);
  let page = await client.follow(await client.post(`${basePath}/start`));
  for (let i = 0; i < 40; i++) {
    const slug = page.url.slice(basePath.length + 1);
    if (slug === 'check-answers') break;
    const fields = answers[slug];
    if (!fields) throw new Error(`no answers for page ${slug}`);
    const res = await client.post(`${basePath}/${slug}`, fields);
    expect(res.status, `page ${slug}: ${res.body.match(/govuk-error-summary__list[\s\S]*?<\/ul>/)?.[0] ?? ''}`).toBe(
      303,
    );
    page = await client.follow(res);
  }
  expect(page.url).toBe(`${basePath}/check-answers`);
  const confirmation = await client.follow(await client.post(`${basePath}/check-answers`));
  expect(confirmation.url).toBe(`${basePath}/confirmation`);
  const m = /class="app-reference">([A-Z0-9]{8})</.exec(confirmation.body);
  if (!m) throw new Error('no reference on the confirmation page');
  return m[1]!;
}

/** The pages each person passes through, in order, before check your answers. */
export const publicPath = [
  'immediate-danger',
  'about-you',
  'person-name',
  'person-dob',
  'person-gender',
  'person-address',
  'person-occupation',
  'person-contact',
  'concern',
  'online',
  'violence',
  'vulnerabilities',
  'agencies',
  'person-aware',
  'concern-type',
  'anonymous',
  'your-details',
  'contact-details',
];
export const professionalPath = [
  ...publicPath.slice(0, 2),
  'safeguarding-lead',
  ...publicPath.slice(2, 15),
  'your-work',
  'contact-details',
];
export const anonymousPath = publicPath.slice(0, 16);
export const advicePath = ['immediate-danger', 'question', 'about-person', 'about-you', 'contact-details'];
