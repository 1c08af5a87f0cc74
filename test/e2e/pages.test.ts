import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { rootDir } from '../../src/config.js';
import { engines } from '../helpers/engines.js';
import { axeCheck, expectPageStructure, newPage, type Server, text, useBrowser } from '../helpers/browser.js';

/** Every information page, from the folder its text lives in. */
const slugs = readdirSync(path.join(rootDir, 'content', 'pages'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.replace(/\.md$/, ''))
  .sort();

const publicPages = ['/', ...slugs.map((s) => `/${s}`), '/refer', '/advice'];

// Browser tests run on one engine (these pages barely touch the database); journeys.test.ts covers both.
const engine = engines.includes('pglite') ? 'pglite' : engines[0]!;

describe(`public pages in a browser on ${engine}`, () => {
  let browser: Browser;
  let server: Server;

  useBrowser(engine, (b: Browser, s: Server) => {
    browser = b;
    server = s;
  });

  it('finds the content pages', () => {
    expect(slugs.length).toBeGreaterThanOrEqual(10);
    expect(slugs).toContain('what-is-prevent');
  });

  it.each([true, false])('every public page loads, is structured and passes axe (JavaScript on: %s)', async (js) => {
    const page = await newPage(browser, server.baseURL, { js });
    for (const url of publicPages) {
      const res = await page.goto(url);
      expect(res?.status(), url).toBe(200);
      await expectPageStructure(page, url);
      await axeCheck(page, `${url} (JavaScript on: ${js})`);
    }
  });

  it.each([
    { url: '/', js: true },
    { url: '/', js: false },
    { url: '/what-is-prevent', js: false },
  ])('$url shows the urgent help numbers (JavaScript on: $js)', async ({ url, js }) => {
    const page = await newPage(browser, server.baseURL, { js });
    expect((await page.goto(url))?.status()).toBe(200);
    await expectPageStructure(page, url);
    const help = await text(page.locator('.app-urgent-help'));
    const { helplines } = server.config.site;
    for (const h of [helplines.emergency, helplines.antiTerroristHotline, helplines.actEarly])
      expect(help, `${url}: ${h.name}`).toContain(h.number);
    // The hotline can be called from a phone with one tap.
    const tel = `tel:${helplines.antiTerroristHotline.number.replace(/ /g, '')}`;
    expect(await page.locator(`.app-urgent-help a[href="${tel}"]`).count()).toBe(1);
    if (!js) expect(await page.locator('body').getAttribute('class')).not.toContain('govuk-frontend-supported');
    await axeCheck(page, `${url} (JavaScript on: ${js})`);
  });

  it.each([true, false])('the accessibility check itself fails on a broken page (JavaScript on: %s)', async (js) => {
    const page = await newPage(browser, server.baseURL, { js });
    const url = `${server.baseURL}/broken-for-the-test`;
    await page.route(url, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><html><head><title>Broken</title></head><body><main><h1>Broken</h1><img src="/assets/brand/favicon.svg"><input type="text"></main></body></html>',
      }),
    );
    await page.goto(url);
    const failure = await axeCheck(page, 'broken page').then(
      () => '',
      (err: Error) => err.message,
    );
    expect(failure).toMatch(/image-alt/); // an image without alternative text
    expect(failure).toMatch(/label/); // a field without a label
    expect(failure).toMatch(/html-has-lang/);
  });

  it.each([true, false])('a missing page is a 404 page that passes axe (JavaScript on: %s)', async (js) => {
    const page = await newPage(browser, server.baseURL, { js });
    const res = await page.goto('/no-such-page');
    expect(res?.status()).toBe(404);
    await expectPageStructure(page, '404');
    expect(await text(page.locator('h1'))).toBe('Page not found');
    expect(await page.title()).toMatch(/^Page not found – /);
    await axeCheck(page, '404');
  });

  it('"Exit this page" leads to the configured site, and counts Shift presses with JavaScript', async () => {
    const exitUrl = server.config.site.exitPageUrl;
    for (const js of [true, false]) {
      const page = await newPage(browser, server.baseURL, { js });
      await page.goto('/refer');
      const button = page.locator('.govuk-exit-this-page').getByRole('button', { name: 'Exit this page' });
      expect(await button.getAttribute('href'), `JavaScript on: ${js}`).toBe(exitUrl);
      expect(await button.isVisible()).toBe(true);
    }
    // With JavaScript, the component starts, and the Shift key (three times exits) is counted and announced. The third
    // press is not made: it would leave for the real site, and the network is closed.
    const page = await newPage(browser, server.baseURL, { js: true });
    await page.goto('/');
    const exit = page.locator('.govuk-exit-this-page');
    expect(await exit.getAttribute('data-govuk-exit-this-page-init')).toBe('');
    await page.keyboard.press('Shift');
    // Read at once, in the page: the count resets itself after a few seconds.
    const counted = await page.waitForFunction(
      () => {
        const root = document.querySelector('.govuk-exit-this-page');
        const lights = root?.querySelectorAll('.govuk-exit-this-page__indicator-light--on').length;
        const shown = root?.querySelector('.govuk-exit-this-page__indicator--visible') !== null;
        const said = root?.querySelector('[role="status"]')?.textContent ?? '';
        return shown && lights === 1 && /Shift, press 2 more times to exit/.test(said);
      },
      undefined,
      { timeout: 4000 },
    );
    expect(await counted.jsonValue()).toBe(true);
    expect(new URL(page.url()).origin).toBe(server.baseURL);
  });
});
