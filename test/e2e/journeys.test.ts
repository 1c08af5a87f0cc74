import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { browserEngines, journeyEngines, resetDatabase, type Engine } from '../helpers/engines.js';
import {
  REFERENCE_PATTERN,
  answer,
  axeCheck,
  closePages,
  expectPageStructure,
  launchBrowser,
  releaseBrowser,
  newPage,
  serve,
  slugOf,
  submit,
  text,
  walkJourney,
  type Server,
} from '../helpers/browser.js';
import { adviceRequests, referrals } from '../../src/db/schema/index.js';
import {
  CONCERN_TEXT,
  adviceRequestUi,
  advicePath,
  anonymousPath,
  anonymousReferralUi,
  professionalPath,
  professionalReferralUi,
  publicPath,
  publicReferralUi,
  type UiAnswers,
} from './answers.js';

/** Browser runs are slow: every case runs on the first engine, and the public referral on each of the others too. */
const primary: Engine = browserEngines[0]!;

interface Referrer {
  who: string;
  answers: UiAnswers;
  path: string[];
  /** Answers shown on check your answers, as the person would say them. */
  shown: string[];
  /** What must have been stored. */
  row: Record<string, unknown>;
  /** Said on the confirmation page. */
  confirmation: string;
}

const referrers: Referrer[] = [
  {
    who: 'a member of the public',
    answers: publicReferralUi,
    path: publicPath,
    shown: ['Jamie Example', '14 March 2009', 'CA1 1AA', 'Mental health needs', 'alex@example.org'],
    row: {
      personFullName: 'Jamie Example',
      personOtherNames: 'J Ex',
      personDob: '2009-03-14',
      personGender: 'male',
      personPostcode: 'CA1 1AA',
      concernText: CONCERN_TEXT,
      concernViolence: 'yes',
      concernViolenceDetails: 'Said he wanted a knife',
      vulnerabilities: ['mental-health', 'neurodivergence'],
      concernTypeCode: 'not-sure',
      referrerType: 'public',
      referrerAnonymous: false,
      referrerName: 'Alex Aunt',
      referrerEmail: 'alex@example.org',
      referrerContactPreference: 'email',
      source: 'online',
      status: 'new',
    },
    confirmation: 'We have sent you an email with your reference number',
  },
  {
    who: 'a professional',
    answers: professionalReferralUi,
    path: professionalPath,
    shown: ['Yes, I am a professional', 'Sam Teacher', 'Education (school, college or university)', '01632 960 001'],
    row: {
      referrerType: 'professional',
      referrerDslInformed: 'yes',
      referrerName: 'Sam Teacher',
      referrerOrganisation: 'Example Academy',
      referrerRole: 'Head of year',
      referrerSectorCode: 'education',
      referrerPhone: '01632 960 001',
      referrerContactPreference: 'either',
      personDob: null,
      personAgeApprox: 15,
      personAddressKnown: false,
      personAddressLine1: null,
    },
    confirmation: 'We have sent you an email with your reference number',
  },
  {
    who: 'an anonymous referrer',
    answers: anonymousReferralUi,
    path: anonymousPath,
    shown: ['No, I want to stay anonymous'],
    row: {
      referrerAnonymous: true,
      referrerName: null,
      referrerEmail: null,
      referrerPhone: null,
      personDob: null,
      personAgeApprox: null,
    },
    confirmation: 'you chose to stay anonymous, so we will not be able to',
  },
];

const modes = [
  { js: true, label: 'JavaScript on' },
  { js: false, label: 'JavaScript off' },
];

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await releaseBrowser(browser);
});

/** Opens a journey's start page, checks it, and starts. */
async function start(page: Page, basePath: '/refer' | '/advice', label: string): Promise<void> {
  expect((await page.goto(basePath))?.status()).toBe(200);
  await expectPageStructure(page, `${label}, start`);
  await axeCheck(page, `${label}, start`);
  expect(await submit(page, 'Start now')).toBe(200);
}

/** On check your answers: checks it, sends, and returns the reference shown on the confirmation page. */
async function send(page: Page, basePath: '/refer' | '/advice', shown: string[], label: string): Promise<string> {
  await expectPageStructure(page, `${label}, check your answers`);
  await axeCheck(page, `${label}, check your answers`);
  const summary = await text(page.locator('main'));
  for (const s of shown) expect(summary, `${label}: check your answers shows ${s}`).toContain(s);
  expect(await submit(page, basePath === '/refer' ? 'Send referral' : 'Send request'), `${label}: send`).toBe(200);
  expect(slugOf(page, basePath)).toBe('confirmation');
  await expectPageStructure(page, `${label}, confirmation`);
  await axeCheck(page, `${label}, confirmation`);
  const reference = await text(page.locator('.govuk-panel .app-reference'));
  expect(reference, `${label}: reference`).toMatch(REFERENCE_PATTERN);
  return reference;
}

describe.each(journeyEngines)('journeys through the browser on %s', (engine) => {
  let server: Server;

  beforeAll(async () => {
    server = await serve(engine);
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await resetDatabase(server.database);
  });
  afterEach(async () => {
    await closePages(browser);
  });

  const runs = (engine === primary ? referrers : referrers.slice(0, 1)).flatMap((r) =>
    (engine === primary ? modes : modes.slice(0, 1)).map((m) => ({ ...r, ...m })),
  );

  it.each(runs)('$who refers through every page, $label', async (run) => {
    const label = `${run.who} (${run.label})`;
    const page = await newPage(browser, server.baseURL, { js: run.js });
    await start(page, '/refer', label);
    const visited = await walkJourney(page, '/refer', run.answers, label);
    expect(visited).toEqual(run.path);
    const reference = await send(page, '/refer', run.shown, label);
    expect(await text(page.locator('main')), label).toContain(run.confirmation);

    const rows = await server.database.db.select().from(referrals).where(eq(referrals.reference, reference));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject(run.row);
    const [{ n }] = (await server.database.db.select({ n: sql<number>`count(*)::int` }).from(referrals)) as [
      { n: number },
    ];
    expect(n, 'one referral in all').toBe(1);
  });

  if (engine !== primary) return;

  it.each(modes)('asks for advice through every page, $label', async ({ js, label: mode }) => {
    const label = `advice (${mode})`;
    const page = await newPage(browser, server.baseURL, { js });
    await start(page, '/advice', label);
    expect(await walkJourney(page, '/advice', adviceRequestUi, label)).toEqual(advicePath);
    const reference = await send(page, '/advice', ['Pat Neighbour', 'pat@example.org'], label);
    const rows = await server.database.db.select().from(adviceRequests).where(eq(adviceRequests.reference, reference));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      askerName: 'Pat Neighbour',
      askerType: 'public',
      askerEmail: 'pat@example.org',
      question: 'My neighbour’s son says worrying things. Should I refer him?',
    });
    const [{ n }] = (await server.database.db.select({ n: sql<number>`count(*)::int` }).from(adviceRequests)) as [
      { n: number },
    ];
    expect(n).toBe(1);
  });

  it.each(modes)('someone in immediate danger is told to call 999, $label', async ({ js, label: mode }) => {
    const label = `call 999 (${mode})`;
    const page = await newPage(browser, server.baseURL, { js });
    await start(page, '/refer', label);
    await answer(page, { 'Is anyone in immediate danger?': 'Yes' });
    expect(await submit(page)).toBe(200);
    expect(slugOf(page, '/refer')).toBe('call-999');
    await expectPageStructure(page, label);
    expect(await text(page.locator('h1'))).toBe('Call 999 now');
    expect(await text(page.locator('.govuk-warning-text'))).toContain('Call 999 straight away');
    await axeCheck(page, label);
    const [{ n }] = (await server.database.db.select({ n: sql<number>`count(*)::int` }).from(referrals)) as [
      { n: number },
    ];
    expect(n, 'nothing is sent').toBe(0);
  });
});
