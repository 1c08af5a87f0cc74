import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { engines } from '../helpers/engines.js';
import {
  answer,
  axeCheck,
  expectErrors,
  expectPageStructure,
  fastForward,
  isJsEnabled,
  newPage,
  type PageAnswers,
  type Server,
  slugOf,
  submit,
  text,
  useBrowser,
} from '../helpers/browser.js';
import { publicReferral } from '../helpers/journeys.js';
import { drafts } from '../../src/db/schema/index.js';
import { publicReferralUi } from './answers.js';

// Browser tests run on one engine; journeys.test.ts proves the public referral on every engine.
const engine = engines.includes('pglite') ? 'pglite' : engines[0]!;

interface Attempt {
  /** What the person does wrong. */
  does: string;
  fields: PageAnswers;
  /** Runs before the answers (to get into a state the interface would not normally allow). */
  prepare?: (page: Page) => Promise<void>;
  /** The id each error summary link points to → the message. */
  errors: Record<string, string>;
  /** Fields that must keep what was typed: label → value. */
  kept?: Record<string, string>;
}

const nextYear = String(new Date().getUTCFullYear() + 1);

/** Wrong answers on the public referral's pages, in the order the pages come. */
const mistakes: Record<string, Attempt[]> = {
  'immediate-danger': [
    {
      does: 'chooses nothing',
      fields: {},
      errors: { immediateDanger: 'Select whether anyone is in immediate danger' },
    },
  ],
  'person-name': [
    {
      does: 'leaves the name empty',
      fields: { 'Full name': '', 'Other names they use or are known by (optional)': 'Kept <b>text</b>' },
      errors: { personFullName: 'Enter their full name' },
      kept: { 'Other names they use or are known by (optional)': 'Kept <b>text</b>' },
    },
  ],
  'person-dob': [
    {
      does: 'gives 31 February',
      fields: { 'Do you know their date of birth?': 'Yes', 'Date of birth': { day: '31', month: '02', year: '2000' } },
      errors: { 'personDob-day': 'Their date of birth must be a real date' },
      kept: { Day: '31', Month: '02', Year: '2000' },
    },
    {
      does: 'gives a date in the future',
      fields: { 'Do you know their date of birth?': 'Yes', 'Date of birth': { day: '1', month: '1', year: nextYear } },
      errors: { 'personDob-day': 'Their date of birth must be today or in the past' },
    },
  ],
  'person-address': [
    {
      does: 'gives a postcode that is not one',
      fields: {
        'Do you know their home address?': 'Yes',
        'Address line 1': '1 Example Street',
        'Town or city': 'Carlisle',
        'Postcode (optional)': 'NOT A CODE',
      },
      errors: { personPostcode: 'Enter a full UK postcode, like CA1 1AA' },
      kept: { 'Postcode (optional)': 'NOT A CODE', 'Address line 1': '1 Example Street' },
    },
  ],
  concern: [
    {
      does: 'says nothing about the concern',
      fields: { 'What has happened, and why are you worried?': '' },
      errors: { concernText: 'Enter what has happened and why you are worried' },
    },
  ],
  vulnerabilities: [
    {
      does: 'chooses ‘None that I know of’ and a need',
      // With JavaScript the interface unticks the other boxes when ‘None’ is ticked (checked here), so the clash can
      // only come from a browser without it; it is forced for the JavaScript run to check the server's answer too.
      prepare: async (page) => {
        const group = page.getByRole('group', { name: 'Do they have any vulnerabilities or complex needs?' });
        await group.getByRole('checkbox', { name: 'Mental health needs', exact: true }).check();
        await group.getByRole('checkbox', { name: 'None that I know of', exact: true }).check();
        const mentalHealth = group.getByRole('checkbox', { name: 'Mental health needs', exact: true });
        if (isJsEnabled(page)) {
          expect(await mentalHealth.isChecked(), '‘None’ unticks the others').toBe(false);
          await mentalHealth.evaluate((el) => ((el as HTMLInputElement).checked = true));
        }
      },
      fields: {},
      errors: { vulnerabilities: 'Select the needs that apply, or select ‘None that I know of’ on its own' },
    },
  ],
  'contact-details': [
    {
      does: 'gives neither an email address nor a telephone number',
      fields: { 'Email address': '', 'Telephone number': '', 'How would you prefer us to contact you?': 'By email' },
      errors: { referrerEmail: 'Enter an email address or a telephone number so that we can contact you' },
    },
    {
      does: 'gives an email address that is not one',
      fields: { 'Email address': 'alex@', 'How would you prefer us to contact you?': 'By email' },
      errors: { referrerEmail: 'Enter an email address in the correct format, like name@example.com' },
      kept: { 'Email address': 'alex@' },
    },
  ],
};

describe(`errors and page furniture in a browser on ${engine}`, () => {
  let browser: Browser;
  let server: Server;

  useBrowser(
    engine,
    (b: Browser, s: Server) => {
      browser = b;
      server = s;
    },
    { reset: true },
  );

  const countDrafts = async () => {
    const [{ n }] = (await server.database.db.select({ n: sql<number>`count(*)::int` }).from(drafts)) as [
      { n: number },
    ];
    return n;
  };

  it.each([
    { js: true, mode: 'JavaScript on' },
    { js: false, mode: 'JavaScript off' },
  ])('explains each mistake on the page where it was made, $mode', async ({ js, mode }) => {
    const page = await newPage(browser, server.baseURL, { js });
    await page.goto('/refer');
    await submit(page, 'Start now');
    const seen: string[] = [];
    while (slugOf(page, '/refer') !== 'check-answers') {
      const slug = slugOf(page, '/refer');
      for (const attempt of mistakes[slug] ?? []) {
        const label = `${slug}: ${attempt.does} (${mode})`;
        await attempt.prepare?.(page);
        await answer(page, attempt.fields);
        expect(await submit(page), label).toBe(400);
        expect(slugOf(page, '/refer'), label).toBe(slug);
        await expectPageStructure(page, label);
        await expectErrors(page, attempt.errors, label);
        for (const [field, value] of Object.entries(attempt.kept ?? {}))
          expect(await page.getByLabel(field, { exact: true }).inputValue(), `${label}: keeps ${field}`).toBe(value);
        await axeCheck(page, label);
        seen.push(slug);
      }
      await answer(page, publicReferralUi[slug]!);
      expect(await submit(page), `${slug} (${mode}): the right answer is accepted`).toBe(200);
    }
    expect(seen).toEqual(Object.entries(mistakes).flatMap(([slug, attempts]) => attempts.map(() => slug)));
  });

  it('the concern box counts characters with JavaScript, and states its limit without', async () => {
    const page = await newPage(browser, server.baseURL, { js: true });
    await fastForward(page, '/refer', publicReferral, 'concern');
    const box = page.getByRole('textbox', { name: 'What has happened, and why are you worried?' });
    const status = page.locator('.govuk-character-count__status');
    expect(await text(status)).toBe('You have 10,000 characters remaining');
    await box.fill('Twelve chars');
    await page.waitForFunction(() =>
      document.querySelector('.govuk-character-count__status')?.textContent?.includes('9,988'),
    );
    expect(await text(status)).toBe('You have 9,988 characters remaining');
    await box.fill('x'.repeat(10_005));
    await page.waitForFunction(() =>
      document.querySelector('.govuk-character-count__status')?.textContent?.includes('too many'),
    );
    expect(await text(status)).toBe('You have 5 characters too many');
    expect(await status.getAttribute('class')).toContain('govuk-error-message');
    await axeCheck(page, 'concern, over the limit');

    const plain = await newPage(browser, server.baseURL, { js: false });
    await fastForward(plain, '/refer', publicReferral, 'concern');
    expect(await text(plain.locator('.govuk-character-count__message'))).toBe('You can enter up to 10,000 characters');
    expect(await plain.locator('.govuk-character-count__status').count()).toBe(0);
    await axeCheck(plain, 'concern (JavaScript off)');
  });

  it.each([
    { js: true, mode: 'JavaScript on' },
    { js: false, mode: 'JavaScript off' },
  ])('"Delete my answers" deletes the draft and leaves, $mode', async ({ js, mode }) => {
    const page = await newPage(browser, server.baseURL, { js });
    await fastForward(page, '/refer', publicReferral, 'person-name');
    expect(await countDrafts()).toBe(1);
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('link', { name: 'Delete my answers and leave' }).click(),
    ]);
    expect(new URL(page.url()).pathname).toBe('/refer/delete');
    await expectPageStructure(page, `delete (${mode})`);
    await axeCheck(page, `delete (${mode})`);
    expect(await submit(page, 'Delete my answers')).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await countDrafts()).toBe(0);
    // Nothing is left to come back to.
    await page.goto('/refer/person-name');
    expect(await text(page.locator('h1'))).toBe('Your answers have been deleted');
    await axeCheck(page, `answers deleted (${mode})`);
  });

  it('the timeout warning stays hidden until answers are about to be deleted, then offers to keep them', async () => {
    const page = await newPage(browser, server.baseURL, { js: true });
    await fastForward(page, '/refer', publicReferral, 'person-name');
    const warning = page.locator('.app-timeout-warning');
    expect(await warning.count()).toBe(1);
    expect(await warning.isHidden(), 'hidden with a day to go').toBe(true);
    expect(await text(page.locator('main'))).toContain('we delete unfinished answers 24 hours after');

    await server.database.db.update(drafts).set({ expiresAt: new Date(Date.now() + 5 * 60_000) });
    await page.reload();
    await warning.waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Keep my answers');
    await axeCheck(page, 'timeout warning shown');
    expect(await submit(page, 'Keep my answers')).toBe(200);
    expect(slugOf(page, '/refer')).toBe('person-name');
    const [draft] = await server.database.db.select().from(drafts);
    expect(draft!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(await warning.isHidden()).toBe(true);
  });

  // The page exactly as a browser without JavaScript gets it (nothing in it is changed by the test): the warning needs a
  // clock, so it never appears and its "Keep my answers" button is out of reach; the page states the time limit
  // instead, and saving the page (its own Continue button) is what keeps the answers.
  it('without JavaScript the page states the time limit, and saving a page keeps the answers', async () => {
    const page = await newPage(browser, server.baseURL, { js: false });
    await fastForward(page, '/refer', publicReferral, 'person-aware');
    await server.database.db.update(drafts).set({ expiresAt: new Date(Date.now() + 5 * 60_000) });
    expect((await page.reload())?.status()).toBe(200);
    expect(await text(page.locator('main'))).toContain(
      'we delete unfinished answers 24 hours after you last saved a page',
    );
    expect(await page.locator('.app-timeout-warning').count()).toBe(1);
    expect(await page.locator('.app-timeout-warning').isHidden(), 'the warning needs JavaScript').toBe(true);
    expect(await page.getByRole('button', { name: 'Keep my answers' }).count()).toBe(0);
    await axeCheck(page, 'person-aware, answers about to be deleted (JavaScript off)');
    await answer(page, publicReferralUi['person-aware']!);
    expect(await submit(page)).toBe(200);
    expect(slugOf(page, '/refer')).not.toBe('person-aware');
    const [draft] = await server.database.db.select().from(drafts);
    expect(draft!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
  });
});
