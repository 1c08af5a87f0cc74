import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserEngines } from '../helpers/engines.js';
import { axeCheck, expectErrors, submit, text, useBrowser, type Server } from '../helpers/browser.js';
import { signedInStaffPage } from '../helpers/staff-browser.js';

/**
 * A Prevent supervisor changes the triage target and the bank holidays in a real Chromium, with JavaScript on and off,
 * on every engine: axe on the page, its error states and its confirmations.
 */
describe.each(browserEngines)('triage settings in a browser on %s', (engine) => {
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

  it.each([true, false])(
    'a supervisor changes the target, adds a bank holiday and removes it (JavaScript on: %s)',
    async (js) => {
      const { page } = await signedInStaffPage(browser, server, { js, roles: ['prevent_supervisor'] });
      const banner = () => text(page.locator('.govuk-notification-banner--success'));
      await page.goto('/staff');
      await Promise.all([
        page.waitForURL('**/staff/triage/settings'),
        page.getByRole('link', { name: 'Target for decisions and bank holidays' }).click(),
      ]);
      expect(await text(page.locator('h1'))).toBe('Target for decisions and bank holidays');
      await axeCheck(page, 'triage settings');

      await page.getByRole('textbox', { name: 'New target' }).fill('sixty');
      expect(await submit(page, 'Change the target')).toBe(400);
      await expectErrors(
        page,
        { workingDays: 'The target must be a whole number of working days, like 5' },
        'target not a number',
      );
      await axeCheck(page, 'target with an error');
      await page.getByRole('textbox', { name: 'New target' }).fill('4');
      expect(await submit(page, 'Change the target')).toBe(200);
      expect(await banner()).toContain('Target changed');
      expect(await text(page.locator('.govuk-summary-list'))).toContain('4 working days from receipt');
      await axeCheck(page, 'target changed');

      expect(await submit(page, 'Add the bank holiday')).toBe(400);
      await expectErrors(
        page,
        {
          'day-day': 'Enter the date of the bank holiday',
          name: 'Enter the name of the bank holiday, like Christmas Day',
        },
        'bank holiday with nothing entered',
      );
      await axeCheck(page, 'bank holiday with errors');
      const year = String(new Date().getUTCFullYear() + 3);
      await page.getByRole('textbox', { name: 'Day' }).fill('7');
      await page.getByRole('textbox', { name: 'Month' }).fill('10');
      await page.getByRole('textbox', { name: 'Year' }).fill(year);
      await page.getByRole('textbox', { name: 'Name' }).fill('Extra holiday');
      expect(await submit(page, 'Add the bank holiday')).toBe(200);
      expect(await banner()).toContain('Bank holiday added');
      expect(await text(page.locator('table'))).toContain(`7 October ${year}`);
      await axeCheck(page, 'bank holiday added');

      expect(await submit(page, `Remove Extra holiday, 7 October ${year}`)).toBe(200);
      expect(await banner()).toContain('Bank holiday removed');
      expect(await text(page.locator('table'))).not.toContain('Extra holiday');
      await axeCheck(page, 'bank holiday removed');
    },
  );
});
