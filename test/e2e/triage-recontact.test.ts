import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eq, sql } from 'drizzle-orm';
import { browserEngines } from '../helpers/engines.js';
import { axeCheck, expectErrors, newPage, submit, text, useBrowser, type Server } from '../helpers/browser.js';
import { signedInStaffPage } from '../helpers/staff-browser.js';
import { createReferral } from '../helpers/cases.js';
import { outbox, recontactRequests } from '../../src/db/schema/index.js';
import { takeReferral } from '../../src/features/triage/workflow.js';
import { activeFramework } from '../../src/features/triage/assessment/service.js';
import { newToken } from '../../src/features/triage/recontact/service.js';

/**
 * Re-contact, the referrer's page, information checks and the assessment in a real Chromium, JavaScript on and off, on
 * every engine: each page and each error state with zero axe violations.
 */
describe.each(browserEngines)('re-contact, checks and assessment in a browser on %s', (engine) => {
  let browser: Browser;
  let server: Server;
  useBrowser(
    engine,
    (b, s) => {
      browser = b;
      server = s;
    },
    { reset: true },
  );

  async function officerWithReferral(js: boolean) {
    const { page, staff } = await signedInStaffPage(browser, server, { js, roles: ['prevent_officer'] });
    const referral = await createReferral(server.database.db);
    await takeReferral(server.database.db, staff.id, referral.id);
    return { page, referral };
  }

  /**
   * Opens a page the server answers with an error status (410) in a page of its own: the status is checked, and the
   * page is shown to axe as if it were a 200 (Chromium logs any 4xx page as a console error, which axeCheck counts).
   */
  async function refusedPage(js: boolean, url: string, status: number, label: string): Promise<Page> {
    const page = await newPage(browser, server.baseURL, { js });
    let seen = 0;
    await page.route(`**${url}`, async (route) => {
      const response = await route.fetch();
      seen = response.status();
      await route.fulfill({ response, status: 200 });
    });
    await page.goto(url);
    expect(seen, label).toBe(status);
    await axeCheck(page, label);
    return page;
  }

  it.each([true, false])(
    'an officer asks the referrer, who answers through the link once (JavaScript on: %s)',
    { timeout: 180_000 },
    async (js) => {
      const { page, referral } = await officerWithReferral(js);
      expect((await page.goto(`/staff/referrals/${referral.reference}/recontact`))?.status()).toBe(200);
      expect(await text(page.locator('h1'))).toBe('Ask the referrer for more information');
      await axeCheck(page, 're-contact form');

      expect(await submit(page, 'Send the request')).toBe(400);
      await expectErrors(page, { question: 'Enter what you need to know from the referrer' }, 're-contact');
      await axeCheck(page, 're-contact form with an error');

      await page
        .getByRole('textbox', { name: 'What do you need to know?' })
        .fill('Which school does the person go to?');
      expect(await submit(page, 'Send the request')).toBe(200);
      expect(await text(page.locator('.govuk-notification-banner--success'))).toContain('Your request has been sent');
      expect(await text(page.locator('main'))).toContain('Waiting for an answer');
      await axeCheck(page, 're-contact sent');

      const [mail] = await server.database.db.select().from(outbox).where(eq(outbox.reference, referral.reference));
      const path = /\/referral-update\/[A-Za-z0-9_-]{43}/.exec(mail!.textBody)![0];

      const referrer = await newPage(browser, server.baseURL, { js });
      expect((await referrer.goto(path))?.status()).toBe(200);
      expect(await text(referrer.locator('h1'))).toBe('The Prevent team would like more information');
      expect(await text(referrer.locator('.govuk-inset-text'))).toBe('Which school does the person go to?');
      await axeCheck(referrer, 'referrer page');

      expect(await submit(referrer, 'Send')).toBe(400);
      await expectErrors(referrer, { answer: 'Enter the information you want to give us' }, 'referrer page');
      await axeCheck(referrer, 'referrer page with an error');

      await referrer.getByRole('textbox', { name: 'Your answer' }).fill('Example High School, since September.');
      expect(await submit(referrer, 'Send')).toBe(200);
      expect(new URL(referrer.url()).pathname).toBe('/referral-update/sent');
      expect(await text(referrer.locator('h1'))).toBe('We have received your information');
      await axeCheck(referrer, 'referrer confirmation');

      const used = await refusedPage(js, path, 410, 'used link');
      expect(await text(used.locator('h1'))).toBe('This link has already been used');
      expect(await text(used.locator('main'))).not.toContain('Which school');

      await page.reload();
      expect(await text(page.locator('main'))).toContain('Answered');
      await axeCheck(page, 're-contact answered');
    },
  );

  it.each([true, false])('an expired link says so (JavaScript on: %s)', { timeout: 120_000 }, async (js) => {
    const referral = await createReferral(server.database.db);
    const { token, hash } = newToken();
    await server.database.db.insert(recontactRequests).values({
      referralId: referral.id,
      purpose: 'add_information',
      tokenHash: hash,
      createdAt: sql`now() - interval '100 days'`,
      expiresAt: sql`now() - interval '10 days'`,
    });
    const page = await refusedPage(js, `/referral-update/${token}`, 410, 'expired link');
    expect(await text(page.locator('h1'))).toBe('This link has expired');
    expect(await text(page.locator('main'))).toContain('call 101');
  });

  it.each([true, false])(
    'an officer records information checks (JavaScript on: %s)',
    { timeout: 180_000 },
    async (js) => {
      const { page, referral } = await officerWithReferral(js);
      const base = `/staff/referrals/${referral.reference}`;

      expect((await page.goto(`${base}/checks`))?.status()).toBe(200);
      await axeCheck(page, 'checks');
      expect(await submit(page, 'Add the check')).toBe(400);
      await expectErrors(page, { source: 'Enter who or which system you asked' }, 'checks');
      await axeCheck(page, 'checks with an error');
      await page.getByRole('combobox', { name: 'Who or which system did you ask?' }).fill('Police National Computer');
      await page.getByRole('textbox', { name: 'What did you ask? (optional)' }).fill('Any records');
      expect(await submit(page, 'Add the check')).toBe(200);
      expect(await text(page.locator('table'))).toContain('Police National Computer');
      await axeCheck(page, 'checks with one check');

      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /Record what came back/ }).click()]);
      expect(await text(page.locator('h1'))).toBe('Record what came back');
      await axeCheck(page, 'check reply');
      expect(await submit(page, 'Save the reply')).toBe(400);
      await expectErrors(page, { outcome: 'Select what came back' }, 'check reply');
      await axeCheck(page, 'check reply with an error');
      await page.getByRole('radio', { name: 'Nothing known' }).check();
      expect(await submit(page, 'Save the reply')).toBe(200);
      expect(await text(page.locator('table'))).toContain('Nothing known');
      await axeCheck(page, 'checks with a reply');
    },
  );

  it.each([true, false])('an officer makes two assessments (JavaScript on: %s)', { timeout: 240_000 }, async (js) => {
    const { page, referral } = await officerWithReferral(js);
    const base = `/staff/referrals/${referral.reference}`;
    const framework = (await activeFramework(server.database.db))!;
    const factors = framework.definition.sections.flatMap((s) => s.factors);
    expect((await page.goto(`${base}/assessment`))?.status()).toBe(200);
    await axeCheck(page, 'assessment');
    expect(await submit(page, 'Save the assessment')).toBe(400);
    await expectErrors(
      page,
      {
        ...Object.fromEntries(
          factors.map((f) => [
            `rating-${f.code}`,
            `Select a rating for ${f.label.charAt(0).toLowerCase()}${f.label.slice(1)}`,
          ]),
        ),
        summary: 'Enter a summary of the assessment',
      },
      'assessment',
    );
    await axeCheck(page, 'assessment with errors');
    for (const f of factors) await page.locator(`input[name="rating-${f.code}"][value="no_evidence"]`).check();
    await page.locator('input[name="rating-grievance"][value="some"]').check();
    await page.getByRole('textbox', { name: 'Summary of the assessment' }).fill('Low vulnerability for now.');
    expect(await submit(page, 'Save the assessment')).toBe(200);
    expect(new URL(page.url()).pathname).toBe(`${base}/assessments`);
    expect(await text(page.locator('main'))).toContain('This is the first assessment of this referral.');
    await axeCheck(page, 'assessments');

    // A second assessment: the page shows what moved.
    await page.goto(`${base}/assessment`);
    await page.locator('input[name="rating-grievance"][value="significant"]').check();
    await page.getByRole('textbox', { name: 'Summary of the assessment' }).fill('Grievance has grown.');
    expect(await submit(page, 'Save the assessment')).toBe(200);
    const second = page.locator('section').filter({ hasText: 'Assessment 2' });
    expect(await text(second.locator('table').first())).toContain(
      'Feelings of grievance or injustice Some evidence Significant evidence',
    );
    await axeCheck(page, 'assessments compared');
  });
});
