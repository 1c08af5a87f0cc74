import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import type { Role } from '../../src/db/schema/index.js';
import { queryRows } from '../../src/db/sql.js';
import { engines } from '../helpers/engines.js';
import { axeCheck, expectErrors, newPage, submit, text, useBrowser, type Server } from '../helpers/browser.js';
import { signedInStaffPage } from '../helpers/staff-browser.js';
import { createStaff, createStaffWithCredentials } from '../helpers/staff.js';

// Browser tests run on one engine; the integration tests prove sign-in and administration on every engine.
const engine = engines.includes('pglite') ? 'pglite' : engines[0]!;

/** The code the person's authenticator shows (one step ahead when a code of this step was used already). */
function codeFor(secret: string, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
}

describe(`staff sign-in and accounts in a browser on ${engine}`, () => {
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

  /** One h1, and a title naming the page and the staff service. */
  async function expectStaffPage(page: Page, heading: string, label: string): Promise<void> {
    expect(await page.locator('h1').count(), `${label}: one h1`).toBe(1);
    expect(await text(page.locator('h1')), label).toBe(heading);
    expect(await page.title(), label).toMatch(/ – Prevent case management – Cumbria Police$/);
    await axeCheck(page, label);
  }

  async function signInWithPassword(page: Page, email: string, password: string): Promise<number | undefined> {
    await page.getByRole('textbox', { name: 'Email address' }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    return submit(page, 'Sign in');
  }

  async function signedInPage(roles: Role[], opts: { js?: boolean } = {}): Promise<{ page: Page; id: string }> {
    const { page, staff } = await signedInStaffPage(browser, server, { js: opts.js, roles, displayName: 'Ada Admin' });
    return { page, id: staff.id };
  }

  it.each([true, false])('signs in with a password and a code from the app (JavaScript on: %s)', async (js) => {
    const staff = await createStaffWithCredentials(server.database.db, {
      roles: ['prevent_officer'],
      displayName: 'Sam Officer',
    });
    const page = await newPage(browser, server.baseURL, { js });
    await page.goto('/staff/account');
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/staff/sign-in?next=%2Fstaff%2Faccount');
    await expectStaffPage(page, 'Sign in', `sign-in (JavaScript ${js})`);

    expect(await signInWithPassword(page, staff.email, staff.password)).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/staff/sign-in/code');
    await expectStaffPage(page, 'Enter the code from your authenticator app', `code (JavaScript ${js})`);
    await page
      .getByRole('textbox', { name: 'Enter the code from your authenticator app' })
      .fill(await codeFor(staff.totpSecret!));
    expect(await submit(page)).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/staff/account');
    await expectStaffPage(page, 'Your account', `account (JavaScript ${js})`);
    expect(await text(page.locator('.app-staff-bar__who'))).toContain('Sam Officer');
    expect(await text(page.locator('table'))).toContain('(this browser)');
    expect(await text(page.locator('main'))).toContain('Prevent officer');
  });

  it.each([true, false])(
    'sets up an authenticator at a first sign-in, then uses a recovery code (JavaScript on: %s)',
    async (js) => {
      const staff = await createStaffWithCredentials(server.database.db, { roles: ['prevent_officer'], totp: false });
      const page = await newPage(browser, server.baseURL, { js });
      await page.goto('/staff/sign-in');
      await signInWithPassword(page, staff.email, staff.password);
      expect(new URL(page.url()).pathname).toBe('/staff/sign-in/set-up-authenticator');
      await expectStaffPage(page, 'Set up an authenticator app', 'set up');
      const qr = page.getByRole('img', { name: /QR code to add your account to an authenticator app/ });
      expect(await qr.count()).toBe(1);
      expect(await qr.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      const secret = (await text(page.locator('#secret-key'))).replace(/^Key:/, '').replace(/\s+/g, '');
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);

      await page.getByRole('textbox', { name: 'Enter the 6-digit code from the app' }).fill('123');
      expect(await submit(page)).toBe(400);
      await expectErrors(page, { code: 'Enter the code as 6 digits, like 123456' }, 'set up, short code');
      await axeCheck(page, 'set up with an error');

      await page.getByRole('textbox', { name: 'Enter the 6-digit code from the app' }).fill(await codeFor(secret));
      expect(await submit(page)).toBe(200);
      await expectStaffPage(page, 'Save your recovery codes', 'recovery codes');
      const codes = await page.locator('.app-recovery-code').allTextContents();
      expect(codes).toHaveLength(10);
      expect(await submit(page)).toBe(200);
      expect(new URL(page.url()).pathname).toBe('/staff');

      // Sign out, and back in with a recovery code instead of the app.
      await submit(page, 'Sign out');
      const again = await newPage(browser, server.baseURL, { js });
      await again.goto('/staff/sign-in');
      await signInWithPassword(again, staff.email, staff.password);
      await Promise.all([
        again.waitForURL('**/staff/sign-in/recovery-code'),
        again.getByRole('link', { name: /use a recovery code/ }).click(),
      ]);
      await expectStaffPage(again, 'Enter a recovery code', 'recovery code');
      await again.getByRole('textbox', { name: 'Enter a recovery code' }).fill('aaaa-bbbb-cccc');
      expect(await submit(again)).toBe(400);
      await expectErrors(
        again,
        { recoveryCode: 'Enter a recovery code that you have not used before, like abcd-efgh-jkmn' },
        'recovery code, wrong',
      );
      await axeCheck(again, 'recovery code with an error');
      await again.getByRole('textbox', { name: 'Enter a recovery code' }).fill(codes[0]!);
      expect(await submit(again)).toBe(200);
      expect(new URL(again.url()).pathname).toBe('/staff');
    },
  );

  it.each([true, false])('shows every sign-in error state (JavaScript on: %s)', async (js) => {
    const staff = await createStaffWithCredentials(server.database.db, { roles: ['prevent_officer'] });
    const page = await newPage(browser, server.baseURL, { js });
    await page.goto('/staff/sign-in');
    expect(await submit(page, 'Sign in')).toBe(400);
    await expectErrors(page, { email: 'Enter your email address', password: 'Enter your password' }, 'sign-in, empty');
    await axeCheck(page, `sign-in, empty (JavaScript ${js})`);
    expect(await signInWithPassword(page, staff.email, 'not my password')).toBe(400);
    await expectErrors(
      page,
      {
        email: 'Enter a correct email address and password. After 5 wrong attempts you will have to wait 15 minutes.',
      },
      'sign-in, wrong password',
    );
    // What was typed stays, apart from the password.
    expect(await page.getByRole('textbox', { name: 'Email address' }).inputValue()).toBe(staff.email);
    await axeCheck(page, `sign-in, wrong password (JavaScript ${js})`);

    expect(await signInWithPassword(page, staff.email, staff.password)).toBe(200);
    const code = page.getByRole('textbox', { name: 'Enter the code from your authenticator app' });
    await code.fill('');
    expect(await submit(page)).toBe(400);
    await expectErrors(page, { code: 'Enter the 6-digit code from your authenticator app' }, 'code, empty');
    await axeCheck(page, `code, empty (JavaScript ${js})`);
    const wrong = (await codeFor(staff.totpSecret!)) === '000000' ? '111111' : '000000';
    await code.fill(wrong);
    expect(await submit(page)).toBe(400);
    await expectErrors(
      page,
      { code: 'Enter the code your authenticator app shows now: the code you entered is wrong or has expired' },
      'code, wrong',
    );
  });

  it.each([true, false])('resets a forgotten password by a single-use link (JavaScript on: %s)', async (js) => {
    const staff = await createStaffWithCredentials(server.database.db, { roles: ['prevent_officer'] });
    const page = await newPage(browser, server.baseURL, { js });
    await page.goto('/staff/sign-in');
    await Promise.all([
      page.waitForURL('**/staff/password-reset'),
      page.getByRole('link', { name: 'I have forgotten my password' }).click(),
    ]);
    await expectStaffPage(page, 'Reset your password', 'reset request');
    const email = page.getByRole('textbox', { name: 'Email address' });
    await email.fill('not an address');
    expect(await submit(page, 'Send the link')).toBe(400);
    await expectErrors(
      page,
      { email: 'Enter an email address in the correct format, like name@example.com' },
      'reset request, wrong format',
    );
    await axeCheck(page, `reset request with an error (JavaScript ${js})`);
    await email.fill(staff.email);
    expect(await submit(page, 'Send the link')).toBe(200);
    await expectStaffPage(page, 'Check your email', 'reset sent');

    const [mail] = await queryRows<{ text_body: string }>(server.database.db, sql`select text_body from outbox`);
    const link = /(\/staff\/password-reset\/[A-Za-z0-9_-]{43})/.exec(mail!.text_body)![1]!;
    await page.goto(link);
    await expectStaffPage(page, 'Choose a new password', 'reset form');
    const password = page.getByLabel('New password', { exact: true });
    const confirm = page.getByLabel('Enter the new password again', { exact: true });
    await password.fill('too short');
    await confirm.fill('too short');
    expect(await submit(page, 'Save the password')).toBe(400);
    await expectErrors(page, { password: 'Your password must be 12 characters or more' }, 'reset form, short');
    await axeCheck(page, `reset form with an error (JavaScript ${js})`);
    await password.fill('a long enough passphrase');
    await confirm.fill('a different passphrase');
    expect(await submit(page, 'Save the password')).toBe(400);
    await expectErrors(
      page,
      { confirmPassword: 'The passwords do not match: enter the same new password twice' },
      'reset form, mismatch',
    );
    await password.fill('a long enough passphrase');
    await confirm.fill('a long enough passphrase');
    expect(await submit(page, 'Save the password')).toBe(200);
    expect(await text(page.locator('.govuk-notification-banner'))).toContain('Your password has been changed');
    await expectStaffPage(page, 'Sign in', `sign-in after a reset (JavaScript ${js})`);

    expect((await page.goto(link))?.status()).toBe(404);
    await expectStaffPage(page, 'This link has expired or has already been used', 'reset link used');
  });

  it.each([true, false])('shows the account page and its password error state (JavaScript on: %s)', async (js) => {
    const staff = await createStaffWithCredentials(server.database.db, { roles: ['prevent_officer'] });
    const page = await newPage(browser, server.baseURL, { js });
    await page.goto('/staff/sign-in');
    await signInWithPassword(page, staff.email, staff.password);
    await page
      .getByRole('textbox', { name: 'Enter the code from your authenticator app' })
      .fill(await codeFor(staff.totpSecret!));
    await submit(page);
    await page.goto('/staff/account');
    await page.getByLabel('Current password', { exact: true }).fill('wrong');
    await page.getByLabel('New password', { exact: true }).fill('a new long passphrase');
    await page.getByLabel('Enter the new password again', { exact: true }).fill('a new long passphrase');
    expect(await submit(page, 'Change your password')).toBe(400);
    await expectErrors(page, { currentPassword: 'Enter your current password correctly' }, 'change password');
    await axeCheck(page, 'account with an error');
  });

  it.each([true, false])('an administrator manages accounts and organisations (JavaScript on: %s)', async (js) => {
    const officer = await createStaff(server.database.db, { roles: ['prevent_officer'], displayName: 'Olly Officer' });
    const { page } = await signedInPage(['administrator'], { js });
    expect((await page.goto('/staff/admin/users'))?.status()).toBe(200);
    await expectStaffPage(page, 'Accounts', `accounts (JavaScript ${js})`);
    expect(await text(page.locator('table'))).toContain('Olly Officer');

    await page.getByRole('button', { name: 'Add an account' }).click();
    await page.waitForURL('**/staff/admin/users/new');
    await expectStaffPage(page, 'Add an account', `new account (JavaScript ${js})`);
    await page.getByRole('textbox', { name: 'Full name' }).fill('Wren Wrongplace');
    await page.getByRole('checkbox', { name: 'Channel coordinator' }).check();
    expect(await submit(page, 'Add the account')).toBe(400);
    await expectErrors(
      page,
      { email: 'Enter their work email address', organisation: 'Select their organisation' },
      'new account, missing',
    );
    await axeCheck(page, `new account with errors (JavaScript ${js})`);
    await page.getByRole('textbox', { name: 'Work email address' }).fill('wren@example.test');
    await page
      .getByRole('combobox', { name: 'Organisation' })
      .selectOption({ label: 'Cumbria Police Prevent team (Police Prevent team)' });
    expect(await submit(page, 'Add the account')).toBe(400);
    await expectErrors(
      page,
      {
        roles:
          'The role Channel coordinator cannot be given to someone in a police prevent team organisation: choose another role or organisation',
      },
      'new account, role that does not fit',
    );
    await axeCheck(page, `new account, role error (JavaScript ${js})`);

    await page.goto(`/staff/admin/users/${officer.id}`);
    await expectStaffPage(page, 'Olly Officer', `account details (JavaScript ${js})`);
    await page.getByRole('checkbox', { name: 'Analyst' }).check();
    expect(await submit(page, 'Save roles')).toBe(200);
    expect(await text(page.locator('.govuk-notification-banner--success'))).toContain('Roles saved.');
    await axeCheck(page, `account details after a change (JavaScript ${js})`);

    await page.goto('/staff/admin/organisations');
    await expectStaffPage(page, 'Organisations', `organisations (JavaScript ${js})`);
    expect(await submit(page, 'Add the organisation')).toBe(400);
    await expectErrors(
      page,
      {
        name: 'Enter the name of the organisation',
        code: 'Enter a short code for the organisation',
        kind: 'Select the kind of organisation',
      },
      'organisations, empty',
    );
    await axeCheck(page, `organisations with errors (JavaScript ${js})`);
  });
});
