import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserEngines } from '../helpers/engines.js';
import { axeCheck, expectErrors, text, useBrowser, type Server } from '../helpers/browser.js';
import { signedInStaffPage } from '../helpers/staff-browser.js';
import { ago, createPersonReferral } from '../helpers/cases.js';

/** Staff search in a real Chromium, JavaScript on and off, on every engine: zero axe violations in every state. */
describe.each(browserEngines)('staff search in a browser on %s', (engine) => {
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

  async function submit(page: Page): Promise<number | undefined> {
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Search', exact: true }).click(),
    ]);
    return response?.status();
  }

  async function people() {
    const db = server.database.db;
    const khan = await createPersonReferral(db, {
      personFullName: 'Mohammed Khan',
      personDob: '2006-04-12',
      personPostcode: 'CA2 5AB',
      receivedAt: ago(30),
    });
    const swapped = await createPersonReferral(db, {
      personFullName: 'Mohamed Kahn',
      personDob: '2006-12-04',
      personPostcode: 'CA2 7XY',
      receivedAt: ago(5),
    });
    return { khan, swapped };
  }

  async function searchPage(js: boolean): Promise<Page> {
    const { page } = await signedInStaffPage(browser, server, { roles: ['prevent_officer'], js });
    expect((await page.goto('/staff/search'))?.status()).toBe(200);
    expect(await text(page.locator('h1'))).toBe('Search referrals and advice requests');
    return page;
  }

  it.each([true, false])('an empty search shows the error state (JavaScript on: %s)', async (js) => {
    const page = await searchPage(js);
    await axeCheck(page, 'search form');
    expect(await submit(page)).toBe(400);
    expect(new URL(page.url()).pathname).toBe('/staff/search');
    await expectErrors(
      page,
      {
        reference: 'Enter at least one thing to search for: a reference, a name, a date of birth, a postcode or words',
      },
      'empty search',
    );
    await axeCheck(page, 'search with an error');
  });

  it.each([true, false])('a search with results, best first, opens a case (JavaScript on: %s)', async (js) => {
    const { khan, swapped } = await people();
    const page = await searchPage(js);
    await page.getByLabel('Name', { exact: true }).fill('Muhammad Khan');
    await page.getByLabel('Day').fill('12');
    await page.getByLabel('Month').fill('4');
    await page.getByLabel('Year').fill('2006');
    await page.getByLabel('Also find dates close to this one').check();
    expect(await submit(page)).toBe(200);
    // The terms went in the body: the address is the form's own.
    expect(page.url()).toBe(`${server.baseURL}/staff/search`);
    const rows = page.locator('table.app-search-results tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await text(rows.nth(0).locator('th a'))).toBe(khan.reference);
    expect(await text(rows.nth(0))).toContain('Same date of birth');
    expect(await text(rows.nth(1).locator('th a'))).toBe(swapped.reference);
    expect(await text(rows.nth(1))).toContain('Similar date of birth');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Muhammad Khan');
    expect(await text(page.locator('#results-summary'))).toBe(
      '2 referrals and advice requests match, best match first.',
    );
    await axeCheck(page, 'search with results');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: khan.reference }).click()]);
    expect(new URL(page.url()).pathname).toBe(`/staff/referrals/${khan.reference}`);
  });

  it.each([true, false])('a search with no results (JavaScript on: %s)', async (js) => {
    await people();
    const page = await searchPage(js);
    await page.getByLabel('Name', { exact: true }).fill('Zebedee Quarrington');
    expect(await submit(page)).toBe(200);
    expect(await text(page.locator('#results-summary'))).toBe('No referrals or advice requests match your search.');
    expect(await page.locator('table.app-search-results').count()).toBe(0);
    await axeCheck(page, 'search with no results');
  });
});
