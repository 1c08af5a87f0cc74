import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { browserEngines } from '../helpers/engines.js';
import { axeCheck, expectErrors, submit, text, useBrowser, type Server } from '../helpers/browser.js';
import { ago, assignReferral, createAdvice, createReferral } from '../helpers/cases.js';
import { createStaff } from '../helpers/staff.js';
import { signedInStaffPage } from '../helpers/staff-browser.js';

/** The triage queue, its filters, the workload, the assignment form and the advice reply in Chromium, with axe. */
describe.each(browserEngines)('the triage queue in a browser on %s', (engine) => {
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
  const db = () => server.database.db;

  it.each([true, false])('an officer filters the queue and takes a referral (JavaScript on: %s)', async (js) => {
    const colleague = await createStaff(db(), { roles: ['prevent_officer'], displayName: 'Casey Colleague' });
    const overdue = await createReferral(db(), { receivedAt: ago(40) });
    const fresh = await createReferral(db(), {});
    const theirs = await createReferral(db(), { receivedAt: ago(3) });
    await assignReferral(db(), theirs.id, colleague.id);
    await db().execute(sql`update referrals set status = 'in_triage' where id = ${theirs.id}`);
    const advice = await createAdvice(db(), { receivedAt: ago(1) });
    const { page } = await signedInStaffPage(browser, server, { roles: ['prevent_officer'], js });

    expect((await page.goto('/staff/triage'))?.status()).toBe(200);
    expect(await text(page.locator('h1'))).toBe('Triage queue');
    const table = page.locator('table.app-queue-table');
    expect(await table.locator('tbody th a').allTextContents()).toEqual([
      overdue.reference,
      theirs.reference,
      advice.reference,
      fresh.reference,
    ]);
    expect(await text(table)).not.toContain('Robin Testperson');
    const overdueRow = table.locator('tr', { has: page.getByRole('link', { name: overdue.reference }) });
    expect(await text(overdueRow.locator('.govuk-tag'))).toBe('Overdue');
    expect(await text(overdueRow)).toMatch(/\d+ working days over/);
    await axeCheck(page, 'triage queue');

    // Filters: a GET form, kept in the address and the form.
    await page.getByLabel('State').selectOption('in_triage');
    await Promise.all([
      page.waitForURL('**/staff/triage?**'),
      page.getByRole('button', { name: 'Apply filters' }).click(),
    ]);
    expect(await table.locator('tbody th a').allTextContents()).toEqual([theirs.reference]);
    expect(await text(page.locator('#queue-count'))).toBe('Showing 1 to 1 of 1');
    await page.getByLabel('State').selectOption('');
    await page.getByLabel('Officer').selectOption({ label: 'Not assigned' });
    await page.getByLabel('Target date').selectOption('overdue');
    await Promise.all([
      page.waitForURL('**age=overdue**'),
      page.getByRole('button', { name: 'Apply filters' }).click(),
    ]);
    expect(await table.locator('tbody th a').allTextContents()).toEqual([overdue.reference]);
    await axeCheck(page, 'triage queue, filtered');

    // Take it in another tab: the case page opens, and it is the officer's.
    const otherTab = await page.context().newPage();
    await otherTab.goto(page.url());
    await Promise.all([
      otherTab.waitForURL(`**/staff/referrals/${overdue.reference}`),
      otherTab.getByRole('button', { name: `Take referral ${overdue.reference}` }).click(),
    ]);
    expect(await text(otherTab.locator('h1'))).toBe(overdue.reference);
    await otherTab.close();
    // This tab's button, now stale, says so and changes nothing; its link opens the case.
    const [stale] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/staff/referrals/${overdue.reference}/take`)),
      page.getByRole('button', { name: `Take referral ${overdue.reference}` }).click(),
    ]);
    expect(stale.status()).toBe(403);
    await page.waitForLoadState();
    expect(await text(page.locator('h1'))).toBe('You have already taken this referral');
    await axeCheck(page, 'already taken');
    await Promise.all([
      page.waitForURL(`**/staff/referrals/${overdue.reference}`),
      page.getByRole('link', { name: 'Open it' }).click(),
    ]);
    expect(await text(page.locator('h1'))).toBe(overdue.reference);
    await page.goto('/staff/triage?officer=mine');
    expect(await table.locator('tbody th a').allTextContents()).toEqual([overdue.reference]);
    await page.goto('/staff/triage?officer=mine&type=advice');
    expect(await text(page.locator('#queue-count'))).toBe('Nothing matches these filters.');
    await axeCheck(page, 'triage queue, nothing matches');
  });

  it.each([true, false])(
    'a supervisor sees the workload and reassigns a referral, with the error state (JavaScript on: %s)',
    async (js) => {
      const first = await createStaff(db(), { roles: ['prevent_officer'], displayName: 'Fran First' });
      await createStaff(db(), { roles: ['prevent_officer'], displayName: 'Sid Second' });
      const referral = await createReferral(db(), { receivedAt: ago(20) });
      await assignReferral(db(), referral.id, first.id);
      await db().execute(sql`update referrals set status = 'in_triage' where id = ${referral.id}`);
      await createReferral(db(), {});
      const { page } = await signedInStaffPage(browser, server, {
        roles: ['prevent_supervisor'],
        displayName: 'Sam Supervisor',
        js,
      });

      await page.goto('/staff/triage');
      await Promise.all([
        page.waitForURL('**/staff/triage/workload'),
        page.getByRole('link', { name: 'See the workload by officer' }).click(),
      ]);
      expect(await text(page.locator('h1'))).toBe('Workload by officer');
      const fran = page.locator('tr', { hasText: 'Fran First' });
      expect(await text(fran.locator('td').nth(4))).toBe('1'); // open referrals
      expect(await text(fran.locator('td').nth(5))).toBe('1'); // overdue
      expect(await text(page.locator('tr', { hasText: 'Not assigned' }).locator('td').first())).toBe('1');
      await axeCheck(page, 'workload');

      await page.goto('/staff/triage');
      await Promise.all([
        page.waitForURL(`**/staff/referrals/${referral.reference}/assign`),
        page.getByRole('link', { name: `Reassign referral ${referral.reference}` }).click(),
      ]);
      expect(await text(page.locator('h1'))).toContain('Reassign to another officer');
      await axeCheck(page, 'assign form');
      await page.getByLabel('Sid Second').check();
      await submit(page, 'Assign');
      await expectErrors(page, { reason: 'Enter why you are moving it from the officer who has it now' }, 'assign');
      await axeCheck(page, 'assign form with an error');
      await page.getByLabel('Why are you moving it?').fill('Fran is on leave for two weeks.');
      await Promise.all([page.waitForURL('**/staff/triage?done=assigned**'), submit(page, 'Assign')]);
      expect(await text(page.locator('.govuk-notification-banner--success'))).toContain(
        `Referral ${referral.reference} is now assigned to Sid Second.`,
      );
      await axeCheck(page, 'queue with a banner');
    },
  );

  it.each([true, false])(
    'an officer answers an advice request by e-mail, refused first for naming the asker (JavaScript on: %s)',
    async (js) => {
      const advice = await createAdvice(db(), {
        source: 'email',
        askerName: 'Drew Asker',
        askerEmail: 'drew.asker@example.org',
        askerPhone: null,
      });
      const { page } = await signedInStaffPage(browser, server, { roles: ['prevent_officer'], js });
      expect((await page.goto(`/staff/advice/${advice.reference}/reply`))?.status()).toBe(200);
      expect(await text(page.locator('.govuk-warning-text'))).toContain('E-mail is not secure');
      await axeCheck(page, 'advice reply');
      await submit(page, 'Send the reply');
      await expectErrors(page, { reply: 'Enter your reply' }, 'empty reply');
      await page.getByLabel('Your reply').fill('Dear Drew, thank you for asking us.');
      await submit(page, 'Send the reply');
      await expectErrors(
        page,
        {
          reply: 'Take out the asker’s name: e-mail is not secure, so the reply must not name or identify anyone',
        },
        'reply naming the asker',
      );
      await axeCheck(page, 'advice reply with an error');
      await page.getByLabel('Your reply').fill('Thank you for asking. Please call the team to talk it through.');
      await Promise.all([page.waitForURL('**/staff/triage?done=answered**'), submit(page, 'Send the reply')]);
      expect(await text(page.locator('.govuk-notification-banner--success'))).toContain(
        `Your reply to advice request ${advice.reference} has been recorded.`,
      );
      await page.goto(`/staff/advice/${advice.reference}/reply`);
      expect(await text(page.locator('h1'))).toBe('This request has been answered');
      await axeCheck(page, 'advice answered');
      await Promise.all([page.waitForURL('**/staff/triage?done=closed**'), submit(page, 'Close the request')]);
    },
  );
});
