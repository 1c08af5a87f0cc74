import { describe, expect, it } from 'vitest';
import { loadSite } from '../../src/config.js';
import {
  answerPage,
  applyAnswers,
  canVisit,
  CHECK,
  finalAnswers,
  firstOpenPage,
  pageFieldNames,
  route,
  toBody,
  type DraftAnswers,
  type Journey,
} from '../../src/forms/journey.js';
import { referralJourney } from '../../src/forms/referral/index.js';
import { adviceJourney } from '../../src/forms/advice/index.js';
import type { JourneyContext } from '../../src/forms/context.js';
import { adviceRequest, professionalReferral, publicPath, publicReferral, type Answers } from '../helpers/journeys.js';

const ctx: JourneyContext = {
  concernTypes: [
    { code: 'islamist', label: 'Islamist' },
    { code: 'not-sure', label: 'Not sure' },
  ],
  sectors: [{ code: 'education', label: 'Education' }],
  site: loadSite(),
};
const referral = referralJourney(ctx);
const advice = adviceJourney(ctx);
const TODAY = new Date('2024-06-15T12:00:00Z');
const EMPTY: DraftAnswers = { values: {}, completed: [] };

/** Answers pages as the service does (validate, then apply), following the route, until check-your-answers or a stop. */
function walk(journey: Journey, fixture: Answers, start: DraftAnswers = EMPTY): DraftAnswers {
  let answers = start;
  for (let i = 0; i < 40; i++) {
    const slug = firstOpenPage(journey, answers);
    const page = journey.pages.get(slug);
    if (!page) return answers;
    const body = fixture[slug];
    if (!body) throw new Error(`no answers for ${slug}`);
    const { values, errors } = answerPage(page, body, TODAY);
    expect(errors, slug).toEqual({});
    answers = applyAnswers(page, answers, values);
  }
  throw new Error('walk did not finish');
}

function answer(journey: Journey, answers: DraftAnswers, slug: string, body: Record<string, unknown>): DraftAnswers {
  const page = journey.pages.get(slug)!;
  const { values, errors } = answerPage(page, body, TODAY);
  expect(errors).toEqual({});
  return applyAnswers(page, answers, values);
}

describe('route and canVisit', () => {
  it('a new draft is on the first page only', () => {
    expect(route(referral, EMPTY)).toEqual({
      pages: [referral.pages.get('immediate-danger')],
      current: 'immediate-danger',
      stop: undefined,
      complete: false,
    });
    expect(canVisit(referral, EMPTY, 'immediate-danger')).toBe(true);
    for (const slug of ['about-you', 'concern', 'contact-details', CHECK, 'call-999', 'nonsense', '__proto__']) {
      expect(canVisit(referral, EMPTY, slug), slug).toBe(false);
    }
  });

  it('follows each answer: the public path, then check-your-answers', () => {
    const done = walk(referral, publicReferral);
    const r = route(referral, done);
    expect(r.pages.map((p) => p.slug)).toEqual(publicPath);
    expect(r).toMatchObject({ current: undefined, stop: undefined, complete: true });
    expect(firstOpenPage(referral, done)).toBe(CHECK);
    expect(canVisit(referral, done, CHECK)).toBe(true);
    for (const slug of publicPath) expect(canVisit(referral, done, slug)).toBe(true);
    // Pages of the professional path are not on this one.
    expect(canVisit(referral, done, 'safeguarding-lead')).toBe(false);
    expect(canVisit(referral, done, 'your-work')).toBe(false);
  });

  it('professionals see the safeguarding lead and work pages instead of the anonymous ones', () => {
    const slugs = route(referral, walk(referral, professionalReferral)).pages.map((p) => p.slug);
    expect(slugs).toContain('safeguarding-lead');
    expect(slugs).toContain('your-work');
    expect(slugs).not.toContain('anonymous');
    expect(slugs).not.toContain('your-details');
    expect(route(advice, walk(advice, adviceRequest)).pages.map((p) => p.slug)).toEqual([
      'immediate-danger',
      'question',
      'about-person',
      'about-you',
      'contact-details',
    ]);
  });

  it('an anonymous referrer goes straight from the anonymous question to check-your-answers', () => {
    const done = walk(referral, { ...publicReferral, anonymous: { referrerAnonymous: 'yes' } });
    const r = route(referral, done);
    expect(r.complete).toBe(true);
    expect(r.pages.at(-1)!.slug).toBe('anonymous');
  });

  it('immediate danger stops at call-999, which is the only further page that may be visited', () => {
    const danger = answer(referral, EMPTY, 'immediate-danger', { immediateDanger: 'yes' });
    expect(route(referral, danger)).toMatchObject({ current: undefined, stop: 'call-999', complete: false });
    expect(firstOpenPage(referral, danger)).toBe('call-999');
    expect(canVisit(referral, danger, 'call-999')).toBe(true);
    expect(canVisit(referral, danger, 'about-you')).toBe(false);
    expect(canVisit(referral, danger, CHECK)).toBe(false);
  });

  it('a changed answer that opens new questions sends the user to them and off check-your-answers', () => {
    const done = walk(referral, publicReferral);
    const changed = answer(referral, done, 'about-you', { referrerType: 'professional' });
    expect(route(referral, changed)).toMatchObject({ current: 'safeguarding-lead', complete: false });
    expect(canVisit(referral, changed, CHECK)).toBe(false);
    expect(canVisit(referral, changed, 'concern')).toBe(false);
  });

  it('completed pages listed out of order, twice, or unknown do not let the user skip ahead', () => {
    const forged: DraftAnswers = { values: {}, completed: ['concern', 'contact-details', 'nonsense', 'concern'] };
    expect(firstOpenPage(referral, forged)).toBe('immediate-danger');
    expect(canVisit(referral, forged, 'concern')).toBe(false);
  });

  it('a journey whose pages loop is reported, not followed for ever', () => {
    const page = { ...referral.pages.get('immediate-danger')!, next: () => 'immediate-danger' };
    const looping: Journey = { ...referral, pages: new Map([['immediate-danger', page]]) };
    expect(() => route(looping, { values: {}, completed: ['immediate-danger'] })).toThrow(/loop/);
  });
});

describe('applyAnswers', () => {
  it('records the page as completed once and replaces only its own fields', () => {
    let a = answer(referral, EMPTY, 'immediate-danger', { immediateDanger: 'no' });
    a = answer(referral, a, 'immediate-danger', { immediateDanger: 'no' });
    expect(a.completed).toEqual(['immediate-danger']);
    a = answer(referral, a, 'about-you', { referrerType: 'public' });
    expect(a.values).toEqual({ immediateDanger: 'no', referrerType: 'public' });
  });

  it('drops conditional answers that the new choice hides', () => {
    let a = walk(referral, publicReferral);
    expect(a.values.personDob).toEqual({ day: '14', month: '3', year: '2009' });
    a = answer(referral, a, 'person-dob', { personDobKnown: 'no', personAgeApprox: '15' });
    expect(a.values).not.toHaveProperty('personDob');
    expect(a.values.personAgeApprox).toBe('15');

    a = answer(referral, a, 'person-address', { personAddressKnown: 'no', personAddressLine1: 'sent anyway' });
    for (const name of ['personAddressLine1', 'personAddressLine2', 'personTown', 'personCounty', 'personPostcode']) {
      expect(a.values, name).not.toHaveProperty(name);
    }
    a = answer(referral, a, 'violence', { concernViolence: 'no', concernViolenceDetails: 'sent anyway' });
    expect(a.values).not.toHaveProperty('concernViolenceDetails');
  });

  it('does not keep stray body keys that are not fields of the page', () => {
    const body = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}') as object;
    const a = answer(referral, EMPTY, 'immediate-danger', {
      ...body,
      immediateDanger: 'no',
      referrerType: 'professional',
      _csrf: 'token',
    });
    expect(Object.keys(a.values)).toEqual(['immediateDanger']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('finalAnswers', () => {
  it('returns the answers of the final path, re-validated', () => {
    const result = finalAnswers(referral, walk(referral, publicReferral), TODAY);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.values).toMatchObject({
      personFullName: 'Jamie Example',
      personDob: { day: '14', month: '3', year: '2009' },
      personPostcode: 'CA1 1AA',
      vulnerabilities: ['mental-health', 'neurodivergence'],
      referrerEmail: 'alex@example.org',
    });
  });

  it('refuses an incomplete draft, pointing at the first open page', () => {
    expect(finalAnswers(referral, EMPTY, TODAY)).toEqual({ ok: false, slug: 'immediate-danger' });
    const half = answer(referral, EMPTY, 'immediate-danger', { immediateDanger: 'no' });
    expect(finalAnswers(referral, half, TODAY)).toEqual({ ok: false, slug: 'about-you' });
    const danger = answer(referral, EMPTY, 'immediate-danger', { immediateDanger: 'yes' });
    expect(finalAnswers(referral, danger, TODAY)).toEqual({ ok: false, slug: 'call-999' });
  });

  it('drops answers from pages that are no longer on the path (stale) and hidden conditionals (tampered)', () => {
    const done = walk(referral, publicReferral);
    const tampered: DraftAnswers = {
      completed: [...done.completed, 'your-work', 'safeguarding-lead'],
      values: {
        ...done.values,
        referrerOrganisation: 'Not on the public path',
        referrerDslInformed: 'yes',
        personAgeApprox: '99', // hidden: their date of birth is known
        unknownField: '<script>alert(1)</script>',
      },
    };
    const result = finalAnswers(referral, tampered, TODAY);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const name of ['referrerOrganisation', 'referrerDslInformed', 'personAgeApprox', 'unknownField']) {
      expect(result.values, name).not.toHaveProperty(name);
    }
  });

  it('refuses a draft whose stored answers no longer pass validation, naming the page to fix', () => {
    const done = walk(referral, publicReferral);
    const cases: [Record<string, unknown>, string][] = [
      [{ immediateDanger: 'maybe' }, 'immediate-danger'],
      [{ personFullName: 'x'.repeat(201) }, 'person-name'],
      [{ personFullName: '' }, 'person-name'],
      [{ personDob: { day: '31', month: '2', year: '2000' } }, 'person-dob'],
      [{ personDob: { day: '1', month: '1', year: '2999' } }, 'person-dob'],
      [{ vulnerabilities: ['sen', 'invented'] }, 'vulnerabilities'],
      [{ concernTypeCode: 'withdrawn-category' }, 'concern-type'],
      [{ referrerEmail: 'x<victim@other.example>' }, 'contact-details'],
      [{ referrerEmail: '', referrerPhone: '' }, 'contact-details'],
      [{ personFullName: ['Jamie', 'Other'] }, 'person-name'],
    ];
    for (const [change, slug] of cases) {
      const result = finalAnswers(referral, { ...done, values: { ...done.values, ...change } }, TODAY);
      expect(result, JSON.stringify(change)).toEqual({ ok: false, slug });
    }
  });

  it('checks dates against the day of submission: a date valid when typed stays valid later', () => {
    const done = walk(referral, publicReferral);
    expect(finalAnswers(referral, done, new Date('2030-01-01T00:00:00Z')).ok).toBe(true);
    expect(finalAnswers(referral, done, new Date('2009-03-13T12:00:00Z'))).toEqual({ ok: false, slug: 'person-dob' });
  });
});

describe('toBody and pageFieldNames', () => {
  it('turns stored values back into the form body they came from', () => {
    const page = referral.pages.get('person-dob')!;
    expect(pageFieldNames(page)).toEqual(['personDobKnown', 'personDob', 'personAgeApprox']);
    const body = toBody(page, {
      personDobKnown: 'yes',
      personDob: { day: '14', month: '3', year: '2009' },
      other: 'x',
    });
    expect(body).toEqual({
      personDobKnown: 'yes',
      'personDob-day': '14',
      'personDob-month': '3',
      'personDob-year': '2009',
    });
    expect(answerPage(page, body, TODAY)).toEqual({
      values: { personDobKnown: 'yes', personDob: { day: '14', month: '3', year: '2009' } },
      errors: {},
    });
  });

  it('every fixture answer survives toBody and re-validation unchanged', () => {
    for (const [journey, fixture] of [
      [referral, publicReferral],
      [referral, professionalReferral],
      [advice, adviceRequest],
    ] as const) {
      const done = walk(journey, fixture);
      for (const page of route(journey, done).pages) {
        const again = answerPage(page, toBody(page, done.values), TODAY);
        expect(again.errors, page.slug).toEqual({});
        for (const [k, v] of Object.entries(again.values)) expect(done.values[k] ?? '', `${page.slug}.${k}`).toEqual(v);
      }
    }
  });
});
