import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { browserEngines, openTestDatabase } from '../helpers/engines.js';
import { axeCheck, closePages, launchBrowser, releaseBrowser, text } from '../helpers/browser.js';
import { signedInStaffPage } from '../helpers/staff-browser.js';
import { testApp, testConfig } from '../helpers/app.js';
import type { Database } from '../../src/db/client.js';

/**
 * What every staff page has: "Hide screen" (with and without JavaScript), the sign-out button, and the warning before
 * the idle limit with "Stay signed in". The idle limit is set to its minimum (5 minutes) so the warning, which shows 5
 * minutes before, is due as soon as a page opens.
 */
describe.each(browserEngines)('the staff layout in a browser on %s', (engine) => {
  let browser: Browser;
  let database: Database;
  let app: FastifyInstance;
  let baseURL: string;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    ({ app } = await testApp(database, { config: testConfig({}, { STAFF_IDLE_MINUTES: '5' }) }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseURL = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await releaseBrowser(browser);
    await app?.close();
    await database?.close();
  });
  afterEach(() => closePages(browser));

  async function signedIn(js: boolean): Promise<Page> {
    const server = { app, database, baseURL };
    return (await signedInStaffPage(browser, server, { js, roles: ['prevent_officer'], displayName: 'Sam Layout' }))
      .page;
  }

  it('hides the screen at once with JavaScript, and shows it again with the button or Escape', async () => {
    const page = await signedIn(true);
    await page.goto('/staff');
    const cover = page.locator('.app-screen-cover');
    await expect(cover.isHidden()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Hide screen' }).click();
    await expect(cover.isVisible()).resolves.toBe(true);
    expect(page.url()).toMatch(/\/staff$/); // no navigation: the page is covered, not left
    const mainInert = () => page.evaluate(() => document.querySelector('main')?.closest('[inert]') !== null);
    await expect(mainInert()).resolves.toBe(true);
    await axeCheck(page, 'screen hidden (cover)');
    await page.getByRole('button', { name: 'Show the page again' }).click();
    await expect(cover.isHidden()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Hide screen' }).click();
    await page.keyboard.press('Escape');
    await expect(cover.isHidden()).resolves.toBe(true);
    await expect(mainInert()).resolves.toBe(false);
  });

  it('hides the screen without JavaScript by opening a plain page that leads back', async () => {
    const page = await signedIn(false);
    await page.goto('/staff');
    await Promise.all([
      page.waitForURL('**/staff/screen-hidden'),
      page.getByRole('button', { name: 'Hide screen' }).click(),
    ]);
    expect(await text(page.locator('h1'))).toBe('Screen hidden');
    expect(await page.content()).not.toContain('Sam Layout');
    await axeCheck(page, 'screen hidden (page)');
    await Promise.all([page.waitForURL(/\/staff$/), page.getByRole('link', { name: 'Show the page again' }).click()]);
    expect(await text(page.locator('h1'))).toBe('Home');
  });

  it('warns before the idle limit, and "Stay signed in" keeps the session (JavaScript on)', async () => {
    const page = await signedIn(true);
    await page.goto('/staff');
    const warning = page.locator('.app-timeout-warning');
    await expect(warning.isVisible()).resolves.toBe(true);
    expect(await text(warning)).toContain('You will be signed out soon');
    await axeCheck(page, 'idle warning');
    await Promise.all([page.waitForURL(/\/staff$/), page.getByRole('button', { name: 'Stay signed in' }).click()]);
    expect(await text(page.locator('h1'))).toBe('Home');
  });

  it('signs out with the button, and the old session no longer opens staff pages', async () => {
    for (const js of [true, false]) {
      const page = await signedIn(js);
      await page.goto('/staff');
      await Promise.all([
        page.waitForURL('**/staff/signed-out'),
        page.getByRole('button', { name: 'Sign out' }).click(),
      ]);
      expect(await text(page.locator('h1'))).toBe('You have signed out');
      await axeCheck(page, `signed out (JavaScript ${js ? 'on' : 'off'})`);
      await page.goto('/staff');
      expect(new URL(page.url()).pathname).toBe('/staff/sign-in');
    }
  });
});
