import { describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { accessLog, type Role } from '../../src/db/schema/index.js';
import { browserEngines } from '../helpers/engines.js';
import { axeCheck, expectErrors, text, useBrowser, type Server } from '../helpers/browser.js';
import { signedInStaffPage } from '../helpers/staff-browser.js';

/** The postcode-to-council pages in a real Chromium, JavaScript on and off, on every engine: zero axe violations each. */
describe.each(browserEngines)('the postcode-to-council pages in a browser on %s', (engine) => {
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

  async function signedInPage(js: boolean, roles: Role[]): Promise<{ page: Page; id: string }> {
    const { page, staff } = await signedInStaffPage(browser, server, { js, roles });
    return { page, id: staff.id };
  }

  const click = async (page: Page, role: 'button' | 'link', name: string, url: string | RegExp) => {
    await Promise.all([page.waitForURL(url), page.getByRole(role, { name, exact: true }).click()]);
  };
  const banner = (page: Page) => text(page.locator('.govuk-notification-banner--success'));

  it.each([true, false])(
    'an administrator looks up, filters, adds, changes and removes rows (JavaScript on: %s)',
    { timeout: 240_000 },
    async (js) => {
      const { page, id } = await signedInPage(js, ['administrator']);
      expect((await page.goto('/staff'))?.status()).toBe(200);
      await click(page, 'link', 'Manage the postcode-to-council table', '**/staff/admin/postcodes');
      expect(await text(page.locator('h1'))).toBe('Postcodes and councils');
      expect(await page.title()).toBe('Postcodes and councils – Prevent case management – Cumbria Police');
      await axeCheck(page, 'list');

      // The lookup box, and its error.
      await page.getByLabel('Which council for this postcode?').fill('');
      await click(page, 'button', 'Look up', '**/staff/admin/postcodes/lookup');
      await expectErrors(page, { postcode: 'Enter a postcode, like CA1 1AA' }, 'lookup, empty');
      await axeCheck(page, 'lookup error');
      await page.getByLabel('Which council for this postcode?').fill('la18 4aa');
      await click(page, 'button', 'Look up', '**/staff/admin/postcodes/lookup');
      expect(await text(page.locator('#lookup-result h3'))).toBe('LA18 4AA: Cumberland Council');
      await page.getByLabel('Which council for this postcode?').fill('CA12 5AA');
      await click(page, 'button', 'Look up', '**/staff/admin/postcodes/lookup');
      expect(await text(page.locator('#lookup-result'))).toContain('CA12 5AA: The officer chooses the council');
      await axeCheck(page, 'lookup result');

      // The filter, and its error.
      await page.getByLabel('Show postcodes starting with').fill('la1');
      await click(page, 'button', 'Filter', '**/staff/admin/postcodes?prefix=la1');
      expect(await text(page.locator('#postcode-count'))).toBe('10 rows starting with LA1.');
      await axeCheck(page, 'filtered list');
      await page.getByLabel('Show postcodes starting with').fill('99');
      await click(page, 'button', 'Filter', '**/staff/admin/postcodes?prefix=99');
      await expectErrors(page, { prefix: 'Enter the start of a postcode district, like CA or CA4' }, 'filter');
      await axeCheck(page, 'filter error');

      // Adding a sector.
      await page.goto('/staff/admin/postcodes');
      await click(page, 'button', 'Add a postcode district or sector', '**/staff/admin/postcodes/new');
      await axeCheck(page, 'add');
      await click(page, 'button', 'Add to the table', '**/staff/admin/postcodes/new');
      await expectErrors(
        page,
        {
          prefix: 'Enter a postcode district or sector, like CA4 or CA4 9',
          suggestion: 'Select what the table should suggest for this postcode',
        },
        'add, empty',
      );
      await axeCheck(page, 'add errors');
      await page.getByLabel('Postcode district or sector').fill('ca4 8');
      await page.getByLabel('Cumberland Council').check();
      await page.getByLabel('Note').fill('Wetheral, Scotby and Warwick Bridge');
      await click(page, 'button', 'Add to the table', '**/staff/admin/postcodes?done=added&changed=CA4-8');
      expect(await banner(page)).toContain('CA4 8 added to the table.');
      await axeCheck(page, 'added');

      // Changing a district.
      await Promise.all([
        page.waitForURL('**/staff/admin/postcodes/CA12'),
        page.getByRole('link', { name: /^CA12\b/ }).click(),
      ]);
      expect(await text(page.locator('h1'))).toBe('Change CA12');
      await axeCheck(page, 'change');
      await page.getByLabel('Outside Cumbria').check();
      await page.getByLabel('Note').fill('');
      await click(page, 'button', 'Save the change', '**/staff/admin/postcodes/CA12');
      await expectErrors(page, { note: 'Enter a note saying which councils or areas the postcode covers' }, 'change');
      await axeCheck(page, 'change errors');
      await page.getByLabel('Westmorland and Furness Council').check();
      await click(page, 'button', 'Save the change', '**/staff/admin/postcodes?done=changed&changed=CA12');
      expect(await banner(page)).toContain('CA12 changed.');

      // Removing a sector, after confirming.
      await page.goto('/staff/admin/postcodes/CA7-4');
      await click(page, 'link', 'Remove CA7 4 from the table', '**/staff/admin/postcodes/CA7-4/delete');
      expect(await text(page.locator('h1'))).toBe('Remove CA7 4 from the table');
      await axeCheck(page, 'remove');
      await click(page, 'button', 'Continue', '**/staff/admin/postcodes/CA7-4/delete');
      await expectErrors(page, { confirm: 'Select yes if you want to remove CA7 4' }, 'remove, no answer');
      await axeCheck(page, 'remove error');
      await page.getByLabel('Yes, remove it').check();
      await click(page, 'button', 'Continue', '**/staff/admin/postcodes?done=removed&changed=CA7-4');
      expect(await banner(page)).toContain('CA7 4 removed from the table.');
      await axeCheck(page, 'removed');

      const entries = await server.database.db
        .select()
        .from(accessLog)
        .where(eq(accessLog.recordType, 'postcode_council'))
        .orderBy(asc(accessLog.id));
      expect(
        entries.map((e) => [e.action, e.actorId, (e.detail as { prefix: string; change: string }).change]),
      ).toEqual([
        ['alteration', id, 'added'],
        ['alteration', id, 'changed'],
        ['alteration', id, 'removed'],
      ]);
    },
  );

  it.each([true, false])('a Prevent officer is refused (JavaScript on: %s)', async (js) => {
    const { page } = await signedInPage(js, ['prevent_officer']);
    expect((await page.goto('/staff/admin/postcodes'))?.status()).toBe(403);
    expect(await text(page.locator('h1'))).toBe('You do not have permission to see this page');
    await axeCheck(page, 'refused');
  });
});
