import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { browserEngines } from '../helpers/engines.js';
import { axeCheck, expectErrors, submit, text, type Server, useBrowser } from '../helpers/browser.js';
import { signedInStaffPage } from '../helpers/staff-browser.js';
import { FormClient } from '../helpers/client.js';
import { completeJourney, publicReferral } from '../helpers/journeys.js';
import { createStaff } from '../helpers/staff.js';
import { appendAccessLog } from '../../src/access-log/queries.js';
import { queryRows } from '../../src/db/sql.js';
import { sealPending } from '../../src/access-log/seal.js';
import { tamperLog } from '../integration/audit/owner.js';

/**
 * The data protection officer's access-log pages in a real Chromium, with JavaScript on and off: each page, its results,
 * its pages of entries and its error states pass axe (WCAG 2.2 A and AA) with no violation.
 */
describe.each(browserEngines)('the access-log pages in a browser (%s)', (engine) => {
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

  /** A referral, views and a disclosure by a real officer, 60 more entries (so there are pages), all sealed. */
  async function history(): Promise<string> {
    const { db } = server.database;
    const reference = await completeJourney(new FormClient(server.app), '/refer', publicReferral);
    const [ref] = await queryRows<{ id: string }>(
      db,
      sql`select id::text as id from referrals where reference = ${reference}`,
    );
    const officer = await createStaff(db, { roles: ['prevent_officer'], displayName: 'Olly Officer' });
    await appendAccessLog(db, {
      action: 'consultation',
      recordType: 'referral',
      recordId: ref!.id,
      reference,
      actorType: 'staff',
      actorId: officer.id,
      organisation: 'cumbria-police-prevent',
      channel: 'staff-web',
      justification: 'Covering while the assigned officer is away',
      detail: { route: '/staff/referrals/:reference', basis: 'not-assigned' },
    });
    await appendAccessLog(db, {
      action: 'disclosure',
      recordType: 'referral',
      recordId: ref!.id,
      reference,
      actorType: 'staff',
      actorId: officer.id,
      organisation: 'cumbria-police-prevent',
      channel: 'staff-web',
      justification: 'Hand-over to Channel',
      recipients: ['cumberland'],
      detail: { purpose: 'council' },
    });
    await db.execute(sql`insert into access_log (action, record_type, actor_type, detail)
      select 'erasure', 'advice', 'system', jsonb_build_object('rule', 'retention', 'n', g) from generate_series(1, 60) g`);
    await sealPending(db);
    return reference;
  }

  async function signedIn(js: boolean): Promise<Page> {
    return (await signedInStaffPage(browser, server, { js, roles: ['dpo'], displayName: 'Dana Protection' })).page;
  }

  async function open(page: Page, url: string, label: string): Promise<void> {
    const res = await page.goto(url);
    expect(res?.status(), label).toBe(200);
    expect(await page.locator('h1').count(), `${label}: one h1`).toBe(1);
    expect(await page.title(), label).toMatch(/ – Prevent case management – /);
    await axeCheck(page, label);
  }

  it.each([true, false])('search, filter, pages and errors of the log (JavaScript on: %s)', async (js) => {
    const reference = await history();
    const page = await signedIn(js);
    await open(page, '/staff/audit', 'the access log');
    expect(await page.locator('tbody tr').count()).toBe(50);
    expect(await text(page.locator('.govuk-pagination'))).toContain('Older entries');

    // Older entries, then the filter form as a person uses it.
    await page.getByRole('link', { name: 'Older entries' }).click();
    await page.waitForURL(/before=/);
    await axeCheck(page, 'the access log, older entries');
    await page.getByLabel('Case reference').fill(reference.toLowerCase());
    await page.getByLabel('What was done').selectOption('disclosure');
    expect(await submit(page, 'Show entries')).toBe(200);
    expect(new URL(page.url()).searchParams.get('action')).toBe('disclosure');
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await text(page.locator('tbody tr'))).toContain('Hand-over to Channel');
    expect(await text(page.locator('tbody tr'))).toContain('Olly Officer');
    await axeCheck(page, 'the access log, filtered');

    // A date that does not exist, and an end before the start.
    await page.goto('/staff/audit');
    const from = page.getByRole('group', { name: 'From' });
    await from.getByRole('textbox', { name: 'Day' }).fill('31');
    await from.getByRole('textbox', { name: 'Month' }).fill('2');
    await from.getByRole('textbox', { name: 'Year' }).fill('2026');
    expect(await submit(page, 'Show entries')).toBe(400);
    await axeCheck(page, 'the access log, a date that does not exist');
    await expectErrors(page, { 'from-day': 'The start date must be a real date' }, 'the access log, not a date');

    await page.goto('/staff/audit?from-day=2&from-month=3&from-year=2026&to-day=1&to-month=3&to-year=2026&reference=X');
    await axeCheck(page, 'the access log, two errors');
    await expectErrors(
      page,
      {
        reference: 'Enter a case reference of 8 letters and numbers, like 7KM3PQ2D',
        'to-day': 'The end date must be the same as or after the start date',
      },
      'the access log, two errors',
    );
  });

  it.each([true, false])('every access to one person’s records (JavaScript on: %s)', async (js) => {
    const reference = await history();
    const page = await signedIn(js);
    await open(page, '/staff/audit/person', 'one person');
    await page.getByLabel('Case reference').fill(reference);
    expect(await submit(page, 'Show every access')).toBe(200);
    // The collection, the view, the disclosure, and this search itself.
    expect(await page.locator('tbody tr').count()).toBe(4);
    await axeCheck(page, 'one person, the accesses');

    await page.getByLabel('Case reference').fill('NOPE');
    expect(await submit(page, 'Show every access')).toBe(400);
    await axeCheck(page, 'one person, a wrong reference');
    await expectErrors(
      page,
      { reference: 'Enter a case reference of 8 letters and numbers, like 7KM3PQ2D' },
      'one person, a wrong reference',
    );
  });

  it.each([true, false])('the hash chain, intact and tampered with (JavaScript on: %s)', async (js) => {
    await history();
    const page = await signedIn(js);
    await open(page, '/staff/audit/chain', 'the chain');
    expect(await submit(page, 'Check the chain now')).toBe(200);
    expect(await text(page.locator('.govuk-notification-banner--success'))).toContain(
      'The chain is intact: 63 seals checked.',
    );
    await axeCheck(page, 'the chain, intact');

    await tamperLog(server.database, `UPDATE access_log SET justification = 'nothing to see' WHERE id = 2`);
    expect(await submit(page, 'Check the chain now')).toBe(200);
    expect(await page.locator('.govuk-notification-banner--success').count()).toBe(0);
    expect(await text(page.locator('main'))).toContain('Seal 2: log entry 2 does not match its seal');
    await axeCheck(page, 'the chain, problems found');
  });

  it('downloads the export as a file', async () => {
    await history();
    const page = await signedIn(true);
    await open(page, '/staff/audit?action=disclosure', 'the access log, before the download');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download these entries as a spreadsheet (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^access-log-\d{8}-\d{4}\.csv$/);
  });
});
