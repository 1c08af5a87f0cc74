import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { queryRows } from '../../src/db/sql.js';
import { takeReferral } from '../../src/features/triage/workflow.js';
import { browserEngines } from '../helpers/engines.js';
import { axeCheck, expectErrors, submit, text, useBrowser, type Server } from '../helpers/browser.js';
import { FormClient } from '../helpers/client.js';
import { completeJourney, professionalReferral, publicReferral, type Answers } from '../helpers/journeys.js';
import { signedInStaffPage } from '../helpers/staff-browser.js';

/**
 * The threshold decision, its approval, the explanation to the referrer and the hand-over to the council, in a real
 * Chromium with JavaScript on and off, on every engine: axe on every page and every error state. Each journey starts
 * from a referral made through the public online form (the police-led outcome is in triage-journey).
 */
describe.each(browserEngines)('threshold decisions in a browser on %s', (engine) => {
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

  const status = async (id: string) =>
    (await queryRows<{ status: string }>(server.database.db, sql`select status from referrals where id = ${id}`))[0]!
      .status;

  async function go(page: Page, url: string, label: string): Promise<void> {
    expect((await page.goto(url))?.status(), url).toBe(200);
    await axeCheck(page, label);
  }

  async function follow(page: Page, link: string | RegExp): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: link }).first().click()]);
  }

  const banner = (page: Page) => text(page.locator('.govuk-notification-banner--success'));

  /** A new referral made through the public online form, as a referrer would make it. */
  async function onlineReferral(answers: Answers): Promise<{ id: string; reference: string }> {
    const reference = await completeJourney(new FormClient(server.baseURL), '/refer', answers);
    const [row] = await queryRows<{ id: string }>(
      server.database.db,
      sql`select id from referrals where reference = ${reference}`,
    );
    return { id: row!.id, reference };
  }

  it.each([true, false])(
    'online referral → no further action, returned by the supervisor → signposted, approved and explained (JavaScript on: %s)',
    async (js) => {
      const db = server.database.db;
      const { page: officer, staff } = await signedInStaffPage(browser, server, {
        js,
        roles: ['prevent_officer'],
        displayName: 'Olive Officer',
      });
      const { page: supervisor } = await signedInStaffPage(browser, server, {
        js,
        roles: ['prevent_supervisor'],
        displayName: 'Sam Supervisor',
      });
      const referral = await onlineReferral(professionalReferral);
      await takeReferral(db, staff.id, referral.id);
      const decisionUrl = `/staff/referrals/${referral.reference}/decision`;

      await go(officer, decisionUrl, 'decision form');
      expect(await text(officer.locator('h1'))).toBe('Threshold decision');
      expect(await submit(officer, 'Record the decision')).toBe(400);
      await expectErrors(
        officer,
        { outcome: 'Select the decision', rationale: 'Enter the reasons for the decision' },
        'decision with nothing chosen',
      );
      await axeCheck(officer, 'decision with errors');
      await officer.getByRole('radio', { name: 'Does not meet the threshold: no further action' }).check();
      await officer.getByRole('textbox', { name: 'Reasons for the decision' }).fill('No concerning ideology found.');
      expect(await submit(officer, 'Record the decision')).toBe(200);
      expect(await banner(officer)).toContain('Sent to a supervisor for approval');
      await axeCheck(officer, 'decision sent for approval');

      await go(supervisor, '/staff/triage/approvals', 'approvals list');
      expect(await text(supervisor.locator('table'))).toContain('Olive Officer');
      expect(await text(supervisor.locator('main'))).not.toContain('Jamie Example');
      await follow(supervisor, referral.reference);
      expect(await text(supervisor.locator('h1'))).toBe('Approve the decision');
      await axeCheck(supervisor, 'approval page');
      await supervisor.getByRole('radio', { name: 'Return it to the officer' }).check();
      expect(await submit(supervisor, 'Save')).toBe(400);
      await expectErrors(
        supervisor,
        { comment: 'Enter why you are returning the decision' },
        'return without comments',
      );
      await axeCheck(supervisor, 'approval with errors');
      await supervisor.getByRole('radio', { name: 'Return it to the officer' }).check();
      await supervisor.getByRole('textbox', { name: 'Comments' }).fill('Ask the school what support is in place.');
      expect(await submit(supervisor, 'Save')).toBe(200);
      expect(await banner(supervisor)).toContain('Decision returned to the officer');
      await axeCheck(supervisor, 'decision returned');
      expect(await status(referral.id)).toBe('in_triage');

      await go(officer, decisionUrl, 'decision form after a return');
      expect(await text(officer.locator('main'))).toContain('Ask the school what support is in place.');
      await officer
        .getByRole('radio', { name: 'Does not meet the threshold: signposted or referred to another service' })
        .check();
      await officer.getByRole('textbox', { name: 'Reasons for the decision' }).fill('The school has early help.');
      expect(await submit(officer, 'Record the decision')).toBe(400);
      await expectErrors(
        officer,
        { referredTo: 'Enter which service the person is signposted or referred to' },
        'signposted without a service',
      );
      await axeCheck(officer, 'signposted without a service');
      await officer.getByRole('textbox', { name: 'Which service?' }).fill('Early help');
      expect(await submit(officer, 'Record the decision')).toBe(200);
      expect(await banner(officer)).toContain('Sent to a supervisor for approval');

      await go(supervisor, `/staff/referrals/${referral.reference}/approval`, 'approval page again');
      await supervisor.getByRole('radio', { name: 'Approve it' }).check();
      expect(await submit(supervisor, 'Save')).toBe(200);
      expect(await banner(supervisor)).toContain('Decision approved');
      await axeCheck(supervisor, 'decision approved');
      expect(await status(referral.id)).toBe('decided');

      await go(officer, decisionUrl, 'decided referral');
      await follow(officer, 'Explain the decision to the referrer');
      await axeCheck(officer, 'explanation form');
      expect(await officer.getByRole('textbox', { name: /^Where else to get help/ }).inputValue()).toContain(
        'Early help',
      );
      await officer.getByRole('radio', { name: 'Member of the public' }).check();
      expect(await submit(officer, 'Show this wording')).toBe(200);
      expect(await text(officer.locator('.govuk-inset-text'))).toContain('Thank you for telling us about your concern');
      await axeCheck(officer, 'explanation with the public wording');
      await officer.getByRole('radio', { name: 'Professional referrer' }).check();
      await officer
        .getByRole('textbox', { name: /^Reasons/ })
        .fill('We spoke to Jamie Example’s school, which is already helping.');
      await officer.getByRole('radio', { name: 'E-mail' }).check();
      expect(await submit(officer, 'Send the explanation')).toBe(400);
      await expectErrors(
        officer,
        {
          reasons: 'Remove the name of the person referred and the referrer’s name: explanations must not name anyone',
        },
        'explanation naming the person',
      );
      await axeCheck(officer, 'explanation with errors');
      await officer.getByRole('textbox', { name: /^Reasons/ }).fill('The school is already helping.');
      expect(await submit(officer, 'Send the explanation')).toBe(200);
      expect(await banner(officer)).toContain('Explanation queued to be sent by e-mail');
      await axeCheck(officer, 'explanation sent');
      const mails = await queryRows<{ recipient: string; text_body: string }>(
        db,
        sql`select recipient, text_body from outbox where template = 'explanation-not-met-professional'`,
      );
      expect(mails).toHaveLength(1);
      expect(mails[0]!.recipient).toBe('sam.teacher@example.sch.uk');
      expect(mails[0]!.text_body).toContain('The school is already helping.');
    },
  );

  it.each([true, false])(
    'online referral → Channel: handed over, returned by Cumberland, handed over again (JavaScript on: %s)',
    async (js) => {
      const db = server.database.db;
      const { page: officer, staff } = await signedInStaffPage(browser, server, {
        js,
        roles: ['prevent_officer'],
        displayName: 'Olive Officer',
      });
      const { page: council } = await signedInStaffPage(browser, server, {
        js,
        roles: ['channel_coordinator'],
        organisation: 'cumberland',
        displayName: 'Cory Coordinator',
      });
      const referral = await onlineReferral(publicReferral);
      await takeReferral(db, staff.id, referral.id);

      await go(officer, `/staff/referrals/${referral.reference}/decision`, 'decision form');
      await officer.getByRole('radio', { name: 'Refer to Channel' }).check();
      await officer.getByRole('textbox', { name: 'Reasons for the decision' }).fill('Clear intent and vulnerability.');
      expect(await submit(officer, 'Record the decision')).toBe(200);
      expect(await banner(officer)).toContain('Decision recorded');
      await axeCheck(officer, 'channel decision recorded');

      await follow(officer, 'Hand the referral over to the council');
      expect(await text(officer.locator('.govuk-inset-text'))).toContain('CA1 is in Cumberland');
      await axeCheck(officer, 'hand-over form');
      expect(await officer.getByRole('radio', { name: 'Cumberland Council' }).isChecked()).toBe(true);
      await officer.getByRole('radio', { name: 'Westmorland and Furness Council' }).check();
      expect(await submit(officer, 'Hand over')).toBe(400);
      await expectErrors(
        officer,
        { overrideReason: 'Enter why you chose a different council from the one suggested' },
        'hand-over without a reason',
      );
      await axeCheck(officer, 'hand-over with errors');
      await officer.getByRole('radio', { name: 'Cumberland Council' }).check();
      expect(await submit(officer, 'Hand over')).toBe(200);
      expect(await banner(officer)).toContain('Referral handed over');
      await axeCheck(officer, 'handed over');

      await go(council, '/staff/channel/handovers', 'council hand-overs');
      expect(await text(council.locator('table'))).toContain(referral.reference);
      await follow(council, /^Accept or return/);
      await axeCheck(council, 'answer form');
      await council.getByRole('radio', { name: 'Return it to the Prevent team' }).check();
      expect(await submit(council, 'Send the answer')).toBe(400);
      await expectErrors(council, { reason: 'Enter why you are returning the referral' }, 'return without a reason');
      await axeCheck(council, 'answer with errors');
      await council.getByRole('radio', { name: 'Return it to the Prevent team' }).check();
      await council.getByRole('textbox', { name: 'Why are you returning it?' }).fill('The person lives in Penrith.');
      expect(await submit(council, 'Send the answer')).toBe(200);
      expect(await banner(council)).toContain(`Referral ${referral.reference} returned`);
      await axeCheck(council, 'council list after the return');

      await go(officer, `/staff/referrals/${referral.reference}/handover`, 'hand-over after the return');
      expect(await text(officer.locator('main'))).toContain('The person lives in Penrith.');
      await officer.getByRole('radio', { name: 'Westmorland and Furness Council' }).check();
      await officer
        .getByRole('textbox', { name: 'Why this council?' })
        .fill('Cumberland says the person lives in Penrith.');
      expect(await submit(officer, 'Hand over')).toBe(200);
      expect(await banner(officer)).toContain('Referral handed over');
      await axeCheck(officer, 'handed over again');
      const rows = await queryRows<{ code: string; status: string }>(
        db,
        sql`select o.code, h.status from handovers h join organisations o on o.id = h.organisation_id
            where h.referral_id = ${referral.id} order by h.created_at`,
      );
      expect(rows).toEqual([
        { code: 'cumberland', status: 'returned' },
        { code: 'westmorland-furness', status: 'offered' },
      ]);
    },
  );

  it.each([true, false])('the template pages pass axe, with their errors (JavaScript on: %s)', async (js) => {
    const { page } = await signedInStaffPage(browser, server, { roles: ['prevent_supervisor'], js });
    await go(page, '/staff/triage/templates', 'templates');
    await follow(page, /^Change/);
    await axeCheck(page, 'template form');
    await page.getByRole('textbox', { name: 'Subject' }).fill('');
    expect(await submit(page, 'Save the template')).toBe(400);
    await expectErrors(page, { subject: 'Enter the subject' }, 'template without a subject');
    await axeCheck(page, 'template with errors');
    await page.getByRole('textbox', { name: 'Subject' }).fill('Your referral {{reference}}');
    expect(await submit(page, 'Save the template')).toBe(200);
    expect(await banner(page)).toContain('saved');
    await axeCheck(page, 'template saved');
  });
});
