import { describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import type { Role } from '../../src/db/schema/index.js';
import { accessLog } from '../../src/db/schema/index.js';
import { browserEngines } from '../helpers/engines.js';
import { axeCheck, expectErrors, newPage, submit, text, useBrowser, type Server } from '../helpers/browser.js';
import { signedInStaffPage } from '../helpers/staff-browser.js';
import { FormClient } from '../helpers/client.js';
import { completeJourney, publicReferral } from '../helpers/journeys.js';
import { createStaff } from '../helpers/staff.js';
import { assignReferral, createAdvice, createReferral } from '../helpers/cases.js';

/** The staff case pages in a real Chromium, with JavaScript on and off, on every engine: zero axe violations each. */
describe.each(browserEngines)('staff case pages in a browser on %s', (engine) => {
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

  /** A browser page signed in as a new staff member with these roles (the session made directly in the database). */
  async function signedInPage(js: boolean, roles: Role[], displayName?: string): Promise<{ page: Page; id: string }> {
    const { page, staff } = await signedInStaffPage(browser, server, {
      js,
      roles,
      ...(displayName ? { displayName } : {}),
    });
    return { page, id: staff.id };
  }

  async function consultations() {
    return server.database.db
      .select()
      .from(accessLog)
      .where(eq(accessLog.action, 'consultation'))
      .orderBy(asc(accessLog.id));
  }

  it.each([true, false])(
    'an officer goes from home to the intake list, a referral and its PDF (JavaScript on: %s)',
    async (js) => {
      const reference = await completeJourney(new FormClient(server.baseURL), '/refer', publicReferral);
      const advice = await createAdvice(server.database.db);
      const { page, id } = await signedInPage(js, ['prevent_officer'], 'Alex Officer');

      expect((await page.goto('/staff'))?.status()).toBe(200);
      await axeCheck(page, 'home');
      await Promise.all([
        page.waitForURL('**/staff/intake'),
        page.getByRole('link', { name: 'Open the intake list' }).click(),
      ]);
      expect(await text(page.locator('h1'))).toBe('New referrals and advice requests');
      expect(await text(page.locator('#intake-count'))).toBe('Showing 1 to 2 of 2 waiting');
      const table = page.locator('table');
      expect(await text(table)).not.toContain('Jamie Example');
      // The online referral came first (oldest first).
      expect(await table.getByRole('link').allTextContents()).toEqual([reference, advice.reference]);
      await axeCheck(page, 'intake list');

      await Promise.all([
        page.waitForURL(`**/staff/referrals/${reference}`),
        page.getByRole('link', { name: reference }).click(),
      ]);
      expect(await page.title()).toBe(`Referral ${reference} – Prevent case management – Cumbria Police`);
      expect(await text(page.locator('h1'))).toBe(reference);
      const person = page.locator('h2:text-is("About the person") + .govuk-summary-list');
      expect(await text(person)).toContain('Jamie Example');
      expect(await text(person)).toContain('14 March 2009');
      expect(await text(page.locator('h2:text-is("Who made the referral") + .govuk-summary-list'))).toContain(
        'alex@example.org',
      );
      await axeCheck(page, 'referral');

      const href = await page.getByRole('link', { name: 'Download summary (PDF)' }).getAttribute('href');
      expect(href).toBe(`/staff/referrals/${reference}/summary.pdf`);
      const pdf = await page.request.get(href!);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      expect(pdf.headers()['content-disposition']).toBe(`attachment; filename="referral-${reference}.pdf"`);
      expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

      await page.goto(`/staff/advice/${advice.reference}`);
      expect(await text(page.locator('h1'))).toBe(advice.reference);
      expect(await text(page.locator('main'))).toContain('Should I be worried about what my nephew says online?');
      await axeCheck(page, 'advice request');

      const entries = await consultations();
      expect(entries.map((e) => [e.reference, e.actorId, (e.detail as { route: string }).route])).toEqual([
        [null, id, '/staff/intake'],
        [reference, id, '/staff/referrals/:reference'],
        [reference, id, '/staff/referrals/:reference/summary.pdf'],
        [advice.reference, id, '/staff/advice/:reference'],
      ]);
    },
  );

  it.each([true, false])(
    'an officer gives a reason before opening another officer’s case (JavaScript on: %s)',
    async (js) => {
      const db = server.database.db;
      const colleague = await createStaff(db, { roles: ['prevent_officer'], displayName: 'Avery Colleague' });
      const referral = await createReferral(db, { referrerAnonymous: true });
      await assignReferral(db, referral.id, colleague.id);
      const { page, id } = await signedInPage(js, ['prevent_officer']);

      await page.goto(`/staff/referrals/${referral.reference}`);
      expect(new URL(page.url()).pathname).toBe(`/staff/referrals/${referral.reference}/reason`);
      expect(await text(page.locator('h1'))).toBe('This case is assigned to another officer');
      expect(await text(page.locator('main'))).toContain('It is assigned to Avery Colleague.');
      await axeCheck(page, 'reason page');

      await page.getByRole('textbox', { name: 'Why do you need to open this case?' }).fill('too short');
      expect(await submit(page, 'Open the case')).toBe(400);
      await expectErrors(page, { reason: 'Why you need to open this case must be 10 characters or more' }, 'reason');
      await axeCheck(page, 'reason page with an error');
      expect(await consultations()).toEqual([]);

      const reason = 'Checking background for a related safeguarding enquiry';
      await page.getByRole('textbox', { name: 'Why do you need to open this case?' }).fill(reason);
      expect(await submit(page, 'Open the case')).toBe(200);
      expect(new URL(page.url()).pathname).toBe(`/staff/referrals/${referral.reference}`);
      expect(await text(page.locator('main'))).toContain(
        'The person who made this referral chose not to give their details. We cannot contact them.',
      );
      await axeCheck(page, 'referral opened with a reason');

      const entries = await consultations();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ actorId: id, reference: referral.reference, justification: reason });
    },
  );

  it.each([true, false])('an analyst sees the permission page (JavaScript on: %s)', async (js) => {
    const referral = await createReferral(server.database.db);
    const { page } = await signedInPage(js, ['analyst']);
    for (const url of ['/staff/intake', `/staff/referrals/${referral.reference}`]) {
      // Chromium reports any page answered with 403 as a console error, which the page checks count as a problem: the
      // refusal is checked on one page, and the server's very answer (status aside) on another for axe.
      const refused = await newPage(browser, server.baseURL, { js });
      await refused.context().addCookies(await page.context().cookies());
      expect((await refused.goto(url))?.status(), url).toBe(403);
      expect(await text(refused.locator('h1'))).toBe('You do not have permission to see this page');
      expect(await text(refused.locator('main'))).not.toContain('Robin Testperson');

      let status = 0;
      await page.route(`**${url}`, async (route) => {
        const response = await route.fetch();
        status = response.status();
        await route.fulfill({ response, status: 200 });
      });
      await page.goto(url);
      expect(status, url).toBe(403);
      expect(await text(page.locator('h1'))).toBe('You do not have permission to see this page');
      await axeCheck(page, `403 at ${url}`);
      await page.unrouteAll();
    }
    expect(await consultations()).toEqual([]);
  });
});
