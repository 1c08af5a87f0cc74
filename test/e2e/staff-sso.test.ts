import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { queryRows } from '../../src/db/sql.js';
import { testApp, testConfig } from '../helpers/app.js';
import {
  axeCheck,
  closePages,
  expectNoPageProblems,
  launchBrowser,
  releaseBrowser,
  newPage,
  text,
} from '../helpers/browser.js';
import { engines, openTestDatabase, resetDatabase } from '../helpers/engines.js';
import { freePort, startOidcProvider, type TestProvider } from '../helpers/oidc-provider.js';

// Browser tests run on one engine; test/integration/staff/oidc.test.ts covers single sign-on on both.
const engine = engines.includes('pglite') ? 'pglite' : engines[0]!;

describe(`staff single sign-on in a browser on ${engine}`, () => {
  let browser: Browser;
  let provider: TestProvider;
  let database: Database;
  let app: FastifyInstance;
  let baseURL: string;

  beforeAll(async () => {
    // The app's address must be known before it is built (it is the redirect URI registered at the provider).
    const port = await freePort();
    baseURL = `http://127.0.0.1:${port}`;
    [browser, provider, database] = await Promise.all([
      launchBrowser(),
      startOidcProvider({ redirectUris: [`${baseURL}/staff/sign-in/sso/callback`] }),
      openTestDatabase(engine),
    ]);
    const config = testConfig(
      {},
      {
        BASE_URL: baseURL,
        OIDC_ISSUER_URL: provider.issuer,
        OIDC_CLIENT_ID: provider.clientId,
        OIDC_CLIENT_SECRET: provider.clientSecret,
        OIDC_ALLOW_HTTP: 'true',
        OIDC_DISPLAY_NAME: 'Cumbria Police account',
        OIDC_GROUP_MAP: JSON.stringify({
          'prevent-officers': { organisation: 'cumbria-police-prevent', roles: ['prevent_officer'] },
        }),
        RATE_LIMIT_SIGN_IN: '1000',
      },
    );
    ({ app } = await testApp(database, { config }));
    await app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await releaseBrowser(browser);
    await app?.close();
    await database?.close();
    await provider?.stop();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    provider.accounts.clear();
  });
  afterEach(() => closePages(browser));

  /** From our sign-in page, through the provider's login page, back to us. */
  async function signInThroughProvider(page: Page, login: string): Promise<{ status: number; html: string }> {
    expect((await page.goto('/staff/sign-in'))?.status()).toBe(200);
    await Promise.all([
      page.waitForURL((url) => url.origin === provider.issuer),
      page.getByRole('button', { name: 'Sign in with Cumbria Police account' }).click(),
    ]);
    expect(await page.title()).toBe('Sign in to the test identity provider');
    await page.getByRole('textbox', { name: 'Login name' }).fill(login);
    const [response] = await Promise.all([
      page.waitForResponse((res) => res.url().startsWith(`${baseURL}/staff/sign-in/sso/callback`)),
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
    await page.waitForLoadState();
    const status = response.status();
    return { status, html: status >= 300 && status < 400 ? '' : await response.text() };
  }

  /**
   * axe on a refusal page. The browser helper counts Chrome's console line about a 403 document as a page problem, so
   * the page is checked as served (same markup, our stylesheet and scripts) at the same address, with status 200.
   */
  async function axeCheckRefusal(refused: Page, html: string, js: boolean, label: string): Promise<void> {
    const page = await newPage(browser, baseURL, { js });
    const url = refused.url();
    await page.route(url, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await page.goto(url);
    expect(await text(page.locator('h1'))).toBe(await text(refused.locator('h1')));
    await axeCheck(page, label);
  }

  it.each([true, false])('a person clicks through the provider and lands signed in (JavaScript on: %s)', async (js) => {
    provider.accounts.set('sam', { email: 'sam@example.test', name: 'Sam Officer', groups: ['prevent-officers'] });
    const page = await newPage(browser, baseURL, { js });
    expect((await signInThroughProvider(page, 'sam')).status).toBe(303);
    expect(new URL(page.url()).pathname).toBe('/staff');
    expect(await text(page.locator('.app-staff-bar__who'))).toContain('Sam Officer');
    expectNoPageProblems(page, 'signed in through single sign-on');
    const sessions = await queryRows<{ method: string }>(
      database.db,
      sql`select s.method from staff_sessions s join staff_users u on u.id = s.user_id
            where u.email = 'sam@example.test' and s.ended_at is null`,
    );
    expect(sessions).toEqual([{ method: 'oidc' }]);
  });

  it.each([true, false])(
    'a person in no mapped group is refused on an accessible page (JavaScript on: %s)',
    async (js) => {
      provider.accounts.set('kim', { email: 'kim@example.test', name: 'Kim Finance', groups: ['finance'] });
      const page = await newPage(browser, baseURL, { js });
      const { status, html } = await signInThroughProvider(page, 'kim');
      expect(status).toBe(403);
      expect(await text(page.locator('h1'))).toBe('Your account does not give you access to this service');
      expect(await page.title()).toMatch(/^Your account does not give you access to this service – /);
      await axeCheckRefusal(page, html, js, `single sign-on refusal (JavaScript on: ${js})`);
      await page.getByRole('link', { name: 'Go back to sign in' }).click();
      expect(new URL(page.url()).pathname).toBe('/staff/sign-in');
    },
  );
});
