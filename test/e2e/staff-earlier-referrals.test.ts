import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { asc } from 'drizzle-orm';
import type { Role } from '../../src/db/schema/index.js';
import { accessLog } from '../../src/db/schema/index.js';
import { browserEngines } from '../helpers/engines.js';
import { axeCheck, expectErrors, text, useBrowser, type Server } from '../helpers/browser.js';
import { signedInStaffPage } from '../helpers/staff-browser.js';
import { ago, createPersonReferral } from '../helpers/cases.js';

/** The earlier-referrals page in a real Chromium, JavaScript on and off, on every engine: zero axe violations each. */
describe.each(browserEngines)('earlier referrals in a browser on %s', (engine) => {
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

  async function signedInPage(js: boolean, roles: Role[]): Promise<Page> {
    return (await signedInStaffPage(browser, server, { js, roles })).page;
  }

  async function clickIn(page: Page, reference: string, button: string): Promise<number | undefined> {
    const section = page.locator(`section[aria-labelledby="candidate-${reference}"]`);
    const [response] = await Promise.all([
      page.waitForNavigation(),
      section.getByRole('button', { name: button, exact: true }).click(),
    ]);
    return response?.status();
  }

  it.each([true, false])(
    'an officer checks, confirms and rejects earlier referrals (JavaScript on: %s)',
    async (js) => {
      const db = server.database.db;
      const earlier = await createPersonReferral(db, {
        personFullName: 'Aleksandr Petrov',
        personDob: '2009-01-30',
        personPostcode: 'CA11 0AB',
        personAddressLine1: '3 Castle Street',
        personTown: 'Penrith',
        receivedAt: ago(200),
      });
      const other = await createPersonReferral(db, {
        personFullName: 'Alexander Petrov',
        personPostcode: 'LA9 4QR',
        receivedAt: ago(90),
      });
      const current = await createPersonReferral(db, {
        personFullName: 'Alexander Petrov',
        personDob: '2009-01-30',
        personPostcode: 'CA11 7XY',
        receivedAt: ago(1),
      });
      const page = await signedInPage(js, ['prevent_officer']);
      const url = `/staff/referrals/${current.reference}/earlier-referrals`;

      expect((await page.goto(url))?.status()).toBe(200);
      expect(await text(page.locator('h1'))).toBe('Earlier referrals of the same person');
      const first = page.locator(`section[aria-labelledby="candidate-${earlier.reference}"]`);
      expect(await text(first)).toContain('Strong match');
      expect(await text(first.locator('ul'))).toContain('Same date of birth');
      expect(await text(first.locator('table'))).toContain('30 January 2009');
      expect(await page.locator('section.app-match').count()).toBe(2);
      await axeCheck(page, 'earlier referrals');

      // A note that is too long: the error summary and the field's message.
      await first.getByRole('textbox').fill('x'.repeat(501));
      expect(await clickIn(page, earlier.reference, 'Confirm same person')).toBe(400);
      await expectErrors(
        page,
        { [`note-${earlier.reference}`]: 'The note must be 500 characters or fewer' },
        'note too long',
      );
      await axeCheck(page, 'earlier referrals with an error');

      await page
        .locator(`section[aria-labelledby="candidate-${earlier.reference}"]`)
        .getByRole('textbox')
        .fill('Same school and the same mother');
      expect(await clickIn(page, earlier.reference, 'Confirm same person')).toBe(200);
      expect(new URL(page.url()).pathname).toBe(url);
      const banner = page.locator('.govuk-notification-banner--success');
      expect(await text(banner)).toContain(
        `You confirmed that referral ${earlier.reference} is about the same person.`,
      );
      expect(await text(page.locator('main'))).toContain('Repeat referral');
      expect(await text(page.locator('main'))).toContain('Confirmed: same person');
      expect(await page.locator('#history ~ ul a').first().textContent()).toBe(earlier.reference);
      await axeCheck(page, 'earlier referrals after confirming');

      expect(await clickIn(page, other.reference, 'Not the same person')).toBe(200);
      expect(await text(page.locator('.govuk-notification-banner--success'))).toContain(
        `You recorded that referral ${other.reference} is not about the same person.`,
      );
      await axeCheck(page, 'earlier referrals after rejecting');

      const changes = (await db.select().from(accessLog).orderBy(asc(accessLog.id))).filter(
        (e) => e.action !== 'consultation',
      );
      expect(changes.map((e) => [e.action, e.reference, e.detail])).toEqual([
        ['combination', current.reference, { linkedReference: earlier.reference, status: 'confirmed' }],
        ['alteration', current.reference, { linkedReference: other.reference, status: 'rejected' }],
      ]);
    },
  );

  it.each([true, false])('a council coordinator sees the permission page (JavaScript on: %s)', async (js) => {
    const current = await createPersonReferral(server.database.db, { personFullName: 'Robin Testperson' });
    const page = await signedInPage(js, ['channel_coordinator']);
    const url = `/staff/referrals/${current.reference}/earlier-referrals`;
    // Chromium logs a 403 as a console error (a page problem): the answer is served as 200 to check it with axe.
    let status = 0;
    await page.route(`**${url}`, async (route) => {
      const response = await route.fetch();
      status = response.status();
      await route.fulfill({ response, status: 200 });
    });
    await page.goto(url);
    expect(status).toBe(403);
    expect(await text(page.locator('h1'))).toBe('You do not have permission to see this page');
    await axeCheck(page, '403 earlier referrals');
  });
});
