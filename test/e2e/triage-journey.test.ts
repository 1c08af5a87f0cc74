import { describe, expect, it } from 'vitest';
import { and, desc, eq, like } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { outbox, referrals } from '../../src/db/schema/index.js';
import { isBrowserEngine, journeyEngines } from '../helpers/engines.js';
import { axeCheck, expectErrors, newPage, submit, text, useBrowser, type Server } from '../helpers/browser.js';
import { FormClient } from '../helpers/client.js';
import { completeJourney, publicReferral } from '../helpers/journeys.js';
import { signedInStaffPage } from '../helpers/staff-browser.js';
import { createReferral } from '../helpers/cases.js';
import { recordDecision } from '../../src/features/triage/decision/service.js';
import { takeReferral } from '../../src/features/triage/workflow.js';

/**
 * One referral's whole way through triage, across the features, in a real Chromium: made through the public form, taken
 * from the referral page, the referrer asked for more through a single-use link and answering it (with JavaScript on
 * and off), the answer in the chronology, a police-led decision taking effect at once, and the referral reopened (with
 * its error states) when new information comes in. The other outcomes, the approval and its return, expired links and
 * the council's return have their own journeys (triage-decision, triage-recontact).
 *
 * On PostgreSQL (when it is not the browser tests' engine) only the first journey runs, with JavaScript on: one staff
 * journey through the real engine end to end (see `browserEngines` in test/helpers/engines.ts).
 */
describe.each(journeyEngines)('a referral through triage in a browser on %s', (engine) => {
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

  async function stateOf(reference: string): Promise<string> {
    const [row] = await server.database.db
      .select({ status: referrals.status })
      .from(referrals)
      .where(eq(referrals.reference, reference));
    return row!.status;
  }

  const everyCase = isBrowserEngine(engine);

  it.each(everyCase ? [true, false] : [true])(
    'from the online form to a recorded decision (JavaScript on: %s)',
    async (js) => {
      const reference = await completeJourney(new FormClient(server.baseURL), '/refer', publicReferral);
      const { page } = await signedInStaffPage(browser, server, { js, roles: ['prevent_officer'] });

      // The officer opens the new referral and takes it.
      await page.goto(`/staff/referrals/${reference}`);
      expect(await text(page.locator('main'))).toContain('Not assigned');
      await axeCheck(page, 'new referral with its triage panel');
      await Promise.all([
        page.waitForURL(`**/staff/referrals/${reference}`),
        page.getByRole('button', { name: 'Take this referral' }).click(),
      ]);
      expect(await stateOf(reference)).toBe('in_triage');
      expect(await text(page.locator('main'))).toContain('In triage');

      // The officer asks the referrer a question.
      await page.getByRole('link', { name: 'Ask the referrer for more information' }).click();
      await page.getByRole('textbox', { name: 'What do you need to know?' }).fill('Which youth club does he attend?');
      expect(await submit(page, 'Send the request')).toBeLessThan(400);
      expect(await stateOf(reference)).toBe('awaiting_information');

      // The e-mail carries the link and never the question or a name.
      const [mail] = await server.database.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.reference, reference), like(outbox.textBody, '%/referral-update/%')))
        .orderBy(desc(outbox.createdAt))
        .limit(1);
      expect(mail).toBeTruthy();
      expect(mail!.textBody).not.toContain('youth club');
      expect(mail!.textBody).not.toContain('Jamie');
      const link = /https?:\/\/\S+\/referral-update\/[A-Za-z0-9_-]+/.exec(mail!.textBody)![0];
      const path = new URL(link).pathname;

      // The referrer answers through the link, once.
      const referrer = await newPage(browser, server.baseURL, { js });
      expect((await referrer.goto(path))?.status()).toBe(200);
      expect(await text(referrer.locator('main'))).toContain('Which youth club does he attend?');
      await axeCheck(referrer, 'the referrer’s answer page');
      await referrer.getByRole('textbox', { name: 'Your answer' }).fill('The one on Botchergate, on Thursdays.');
      expect(await submit(referrer, 'Send')).toBeLessThan(400);
      await axeCheck(referrer, 'the referrer’s confirmation');
      expect(await stateOf(reference)).toBe('in_triage');
      expect((await referrer.goto(path))?.status()).toBe(410);
      expect(await text(referrer.locator('main'))).not.toContain('youth club');

      // The answer is in the chronology.
      await page.goto(`/staff/referrals/${reference}/chronology`);
      expect(await text(page.locator('main'))).toContain('The one on Botchergate, on Thursdays.');
      await axeCheck(page, 'chronology with the referrer’s answer');

      // A police-led decision needs no approval on a first referral: it takes effect at once.
      await page.goto(`/staff/referrals/${reference}`);
      await page.getByRole('link', { name: 'Record the threshold decision' }).click();
      await page.getByRole('radio', { name: 'Managed by the police (police-led partnership)' }).check();
      await page
        .getByRole('textbox', { name: 'Reasons for the decision' })
        .fill('Contact with the family and the school shows a low risk that the neighbourhood team can manage.');
      expect(await submit(page, 'Record the decision')).toBeLessThan(400);
      expect(await stateOf(reference)).toBe('decided');
      await page.goto(`/staff/referrals/${reference}`);
      expect(await text(page.locator('main'))).toContain('Managed by the police (police-led partnership)');
      await axeCheck(page, 'decided referral');
    },
  );

  it.each(everyCase ? [true, false] : [])(
    'a decided referral reopened with a reason (JavaScript on: %s)',
    async (js) => {
      const { page, staff } = await signedInStaffPage(browser, server, { js, roles: ['prevent_officer'] });
      const db = server.database.db;
      const { id, reference } = await createReferral(db, {});
      await takeReferral(db, staff.id, id);
      await recordDecision(db, {
        referralId: id,
        officerId: staff.id,
        outcome: 'police_led',
        referredTo: null,
        rationale: 'Contact with the family shows a low risk that the neighbourhood team can manage.',
      });
      expect(await stateOf(reference)).toBe('decided');
      await page.goto(`/staff/referrals/${reference}`);

      // New information comes in: the officer reopens it, refused first without a reason long enough.
      await Promise.all([
        page.waitForURL('**/reopen'),
        page.getByRole('link', { name: 'Reopen', exact: true }).click(),
      ]);
      expect(await text(page.locator('h1'))).toBe('Reopen this referral');
      await axeCheck(page, 'reopen form');
      expect(await submit(page, 'Reopen the referral')).toBe(400);
      await expectErrors(page, { reason: 'Enter why you are reopening this referral' }, 'reopen without a reason');
      await axeCheck(page, 'reopen with an error');
      await page.getByRole('textbox', { name: 'Why are you reopening it?' }).fill('Too short');
      expect(await submit(page, 'Reopen the referral')).toBe(400);
      await expectErrors(
        page,
        { reason: 'Why you are reopening this referral must be 10 characters or more' },
        'reopen with a short reason',
      );
      expect(await stateOf(reference)).toBe('decided');
      await page
        .getByRole('textbox', { name: 'Why are you reopening it?' })
        .fill('The school sent new information about the youth club.');
      expect(await submit(page, 'Reopen the referral')).toBe(200);
      expect(new URL(page.url()).pathname).toBe('/staff/triage');
      expect(await text(page.locator('.govuk-notification-banner--success'))).toContain(
        `Referral ${reference} has been reopened and is back in triage.`,
      );
      await axeCheck(page, 'queue after reopening');
      expect(await stateOf(reference)).toBe('in_triage');

      // The reopen page, opened again, says it is no longer decided and offers no form.
      expect((await page.goto(`/staff/referrals/${reference}/reopen`))?.status()).toBe(200);
      expect(await text(page.locator('.govuk-inset-text'))).toBe(
        'Only a decided referral can be reopened. This referral has not been decided.',
      );
      expect(await page.getByRole('button', { name: 'Reopen the referral' }).count()).toBe(0);
      await axeCheck(page, 'reopen, not decided');
    },
  );
});
