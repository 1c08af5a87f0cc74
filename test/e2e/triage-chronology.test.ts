import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createReferral } from '../helpers/cases.js';
import { browserEngines } from '../helpers/engines.js';
import { axeCheck, expectErrors, submit, text, useBrowser, type Server } from '../helpers/browser.js';
import { signedInStaffPage } from '../helpers/staff-browser.js';
import { createStaff } from '../helpers/staff.js';
import { HTML_PAGE, testEml, TINY_PDF } from '../integration/triage/upload-helpers.js';

/** The chronology, its note, correction and upload forms, and the e-mail intake, in Chromium with axe. */
describe.each(browserEngines)('chronology and e-mail intake in a browser on %s', (engine) => {
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
    'an officer adds a note and corrects it (JavaScript on: %s)',
    async (js) => {
      const officer = await createStaff(server.database.db, {
        roles: ['prevent_officer'],
        displayName: 'Alex Officer',
      });
      const referral = await createReferral(server.database.db, { assignedOfficerId: officer.id });
      const { page } = await signedInStaffPage(browser, server, { staff: officer, js });
      const url = `/staff/referrals/${referral.reference}/chronology`;

      expect((await page.goto(url))?.status()).toBe(200);
      expect(await text(page.locator('h1'))).toBe('Chronology');
      await axeCheck(page, 'empty chronology');

      // A note: refused empty, then added.
      expect(await submit(page, 'Add note')).toBe(400);
      await expectErrors(page, { note: 'Enter the note' }, 'empty note');
      await axeCheck(page, 'note error');
      await page.getByLabel('Note', { exact: true }).fill('Spoke to the school on Tuesday.');
      expect(await submit(page, 'Add note')).toBe(200);
      expect(await text(page.locator('.app-chronology'))).toContain('Spoke to the school on Tuesday.');

      // Its correction: refused empty, then added; the original stays and points at it.
      await Promise.all([
        page.waitForURL('**/correct'),
        page.getByRole('link', { name: /Correct this entry/ }).click(),
      ]);
      expect(await text(page.locator('h1'))).toMatch(/^Correct the entry of /);
      await axeCheck(page, 'correction form');
      expect(await submit(page, 'Add correction')).toBe(400);
      await expectErrors(page, { correction: 'Enter the correction' }, 'empty correction');
      await axeCheck(page, 'correction error');
      await page.getByLabel('Correction', { exact: true }).fill('It was Wednesday.');
      expect(await submit(page, 'Add correction')).toBe(200);
      const entries = page.locator('.app-chronology__entry');
      expect(await entries.count()).toBe(2);
      expect(await text(entries.nth(0))).toContain('Spoke to the school on Tuesday.');
      expect(await text(entries.nth(0))).toMatch(/Corrected: see the entry of/);
      expect(await text(entries.nth(1))).toMatch(/^Correction of the entry of .* It was Wednesday\./);
      await axeCheck(page, 'chronology with a note and its correction');
    },
    240_000,
  );

  it.each([true, false])(
    'an officer attaches a file (JavaScript on: %s)',
    async (js) => {
      const officer = await createStaff(server.database.db, {
        roles: ['prevent_officer'],
        displayName: 'Alex Officer',
      });
      const referral = await createReferral(server.database.db, { assignedOfficerId: officer.id });
      const { page } = await signedInStaffPage(browser, server, { staff: officer, js });
      const url = `/staff/referrals/${referral.reference}/chronology`;

      expect((await page.goto(url))?.status()).toBe(200);
      const entries = page.locator('.app-chronology__entry');
      // An upload: an HTML file named .pdf is refused, a PDF is kept and listed.
      await page.locator('#file').setInputFiles({ name: 'form.pdf', mimeType: 'application/pdf', buffer: HTML_PAGE });
      expect(await submit(page, 'Upload file')).toBe(400);
      await expectErrors(
        page,
        { file: 'The selected file must be a PDF, a Word document (.docx or .doc), a PNG or a JPEG' },
        'upload error',
      );
      await axeCheck(page, 'upload error');
      await page
        .locator('#file')
        .setInputFiles({ name: 'school-form.pdf', mimeType: 'application/pdf', buffer: TINY_PDF });
      expect(await submit(page, 'Upload file')).toBe(200);
      expect(await text(page.locator('table'))).toContain('school-form.pdf');
      expect(await text(entries.nth(0))).toContain('File attached: school-form.pdf');
      await axeCheck(page, 'chronology with an attachment');
    },
    240_000,
  );

  it.each([true, false])(
    'an officer enters a referral that came by e-mail (JavaScript on: %s)',
    async (js) => {
      const { page } = await signedInStaffPage(browser, server, { roles: ['prevent_officer'], js });
      expect((await page.goto('/staff/intake/from-email'))?.status()).toBe(200);
      await axeCheck(page, 'upload step');

      await page.locator('#eml').setInputFiles({
        name: 'notes.eml',
        mimeType: 'message/rfc822',
        buffer: Buffer.from('Just some notes, not an e-mail.\n'),
      });
      expect(await submit(page, 'Upload and continue')).toBe(400);
      await expectErrors(
        page,
        {
          eml: 'The selected file is not an e-mail: save the e-mail as an .eml file (with its From line) and upload that',
        },
        'not an e-mail',
      );
      await axeCheck(page, 'upload error');

      await page.locator('#eml').setInputFiles({ name: 'referral.eml', mimeType: 'message/rfc822', buffer: testEml() });
      expect(await submit(page, 'Upload and continue')).toBe(200);
      expect(await text(page.locator('h1'))).toBe('Enter the referral from the e-mail');
      expect(await text(page.locator('.govuk-grid-column-one-half').first())).toContain('Referral about a pupil');
      await axeCheck(page, 'form step');

      expect(await submit(page, 'Create the referral')).toBe(400);
      await expectErrors(
        page,
        {
          personFullName: 'Enter the full name of the person',
          personDobKnown: 'Select whether their date of birth is known',
          personAddressKnown: 'Select whether their home address is known',
          concernText: 'Enter what has happened and why you are worried',
          concernViolence: 'Select whether they have made threats or shown an interest in violence or weapons',
          personAware: 'Select whether the person knows about the referral',
          referrerType: 'Select whether the referrer is a professional',
          referrerName: 'Enter the referrer’s full name',
        },
        'form errors',
      );
      await axeCheck(page, 'form step errors');

      await page.getByLabel('Full name of the person').fill('Jordan Pupil');
      await page.locator('#personDobKnown-2').check();
      await page.locator('#personAddressKnown-2').check();
      await page.getByLabel('What happened, and why the referrer is worried').fill('Sharing violent videos.');
      await page.locator('#concernViolence-3').check();
      await page.locator('#personAware-2').check();
      await page.locator('#referrerType').check();
      await page.getByLabel('Referrer’s full name').fill('Sam Teacher');
      expect(await submit(page, 'Create the referral')).toBe(200);
      expect(new URL(page.url()).pathname).toMatch(/^\/staff\/referrals\/[2-9A-HJKMNP-Z]{8}$/);
    },
    240_000,
  );
});
