import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { generate } from 'otplib';
import { buildApp } from '../../../src/app.js';
import type { Database } from '../../../src/db/client.js';
import { createLogger } from '../../../src/lib/logger.js';
import { queryRows } from '../../../src/db/sql.js';
import { testApp, testConfig } from '../../helpers/app.js';
import { FormClient, type Response } from '../../helpers/client.js';
import { engines, openTestDatabase, resetDatabase, type Engine } from '../../helpers/engines.js';
import { createStaffWithCredentials, staffCookie } from '../../helpers/staff.js';

/** The app with a sign-in rate limit high enough not to get in the way (its own test sets a low one). */
function useSignInApp(engine: Engine, env: NodeJS.ProcessEnv = {}) {
  const t = {} as { app: FastifyInstance; database: Database };
  beforeAll(async () => {
    t.database = await openTestDatabase(engine);
    ({ app: t.app } = await testApp(t.database, {
      config: testConfig({}, { RATE_LIMIT_SIGN_IN: '100000', ...env }),
    }));
  });
  afterAll(async () => {
    await t.app?.close();
    await t.database?.close();
  });
  beforeEach(() => resetDatabase(t.database));
  return t;
}

/** The code an authenticator shows now (or `steps` time steps later: accepted within one step of drift). */
function codeFor(secret: string, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
}

async function postSignIn(client: FormClient, email: string, password: string, url = '/staff/sign-in') {
  await client.get(url);
  return client.post('/staff/sign-in', { email, password });
}

function cookieOf(res: Response): string | undefined {
  const all = res.headers['set-cookie'];
  const list = Array.isArray(all) ? all : all ? [all] : [];
  const c = list.find((x) => x.startsWith('prevent_staff=') && !/expires=Thu, 01 Jan 1970/i.test(x));
  return c?.split(';')[0];
}

/** The page without what differs between any two requests: the CSRF token, the CSP nonce, the address typed in. */
function normalised(body: string, email: string): string {
  return body
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""')
    .replace(/nonce="[^"]*"/g, 'nonce=""')
    .split(email)
    .join('EMAIL');
}

const LOCKOUT = 5;
const MINUTES = 15;
const FAILED = `Enter a correct email address and password. After ${LOCKOUT} wrong attempts you will have to wait ${MINUTES} minutes.`;

describe.each(engines)('staff sign-in with a password and a second factor (%s)', (engine) => {
  const t = useSignInApp(engine);

  it('signs in with a password and a code, with a new session id after the second factor', async () => {
    const staff = await createStaffWithCredentials(t.database.db, {
      roles: ['prevent_officer'],
      displayName: 'Sam Officer',
    });
    const client = new FormClient(t.app);
    const first = await postSignIn(client, staff.email.toUpperCase(), staff.password);
    expect(first.status).toBe(303);
    expect(first.location).toBe('/staff/sign-in/code');
    const halfway = cookieOf(first)!;
    expect(halfway).toBeTruthy();
    // Half signed in: the staff pages are not open yet.
    const early = await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie: halfway } });
    expect(early.statusCode).toBe(303);
    expect(early.headers.location).toBe('/staff/sign-in/code');

    expect((await client.get('/staff/sign-in/code')).status).toBe(200);
    const done = await client.post('/staff/sign-in/code', { code: await codeFor(staff.totpSecret!) });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/staff');
    const signedIn = cookieOf(done)!;
    expect(signedIn).toBeTruthy();
    expect(signedIn).not.toBe(halfway);

    const home = await client.get('/staff');
    expect(home.status).toBe(200);
    expect(home.body).toContain('Sam Officer');
    // The id used before the second factor no longer opens anything.
    const old = await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie: halfway } });
    expect(old.statusCode).toBe(303);
    expect(old.headers.location).toMatch(/^\/staff\/sign-in/);

    const [user] = await queryRows<{ last_sign_in_at: Date | null }>(
      t.database.db,
      sql`select last_sign_in_at from staff_users where id = ${staff.id}`,
    );
    expect(user!.last_sign_in_at).not.toBeNull();
    const sessions = await queryRows<{ stage: string; ended_reason: string | null }>(
      t.database.db,
      sql`select stage, ended_reason from staff_sessions where user_id = ${staff.id} order by created_at`,
    );
    expect(sessions).toEqual([
      { stage: 'second_factor', ended_reason: 'rotated' },
      { stage: 'signed_in', ended_reason: null },
    ]);
  });

  it('ends the session the browser had before signing in again', async () => {
    const staff = await createStaffWithCredentials(t.database.db, { roles: ['prevent_officer'] });
    const client = new FormClient(t.app);
    await postSignIn(client, staff.email, staff.password);
    await postSignIn(client, staff.email, staff.password);
    const live = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from staff_sessions where user_id = ${staff.id} and ended_at is null`,
    );
    expect(live[0]!.n).toBe(1);
  });

  it('goes on to the page the person asked for, and only to a staff page', async () => {
    const staff = await createStaffWithCredentials(t.database.db, { roles: ['prevent_officer'] });
    const client = new FormClient(t.app);
    const asked = await client.get('/staff/account');
    expect(asked.location).toBe('/staff/sign-in?next=%2Fstaff%2Faccount');
    await client.get(asked.location!);
    const res = await client.post('/staff/sign-in', {
      email: staff.email,
      password: staff.password,
      next: '/staff/account',
    });
    expect(res.location).toBe('/staff/sign-in/code?next=%2Fstaff%2Faccount');
    await client.get(res.location!);
    const done = await client.post('/staff/sign-in/code', {
      code: await codeFor(staff.totpSecret!),
      next: '/staff/account',
    });
    expect(done.location).toBe('/staff/account');

    for (const next of ['https://evil.example/staff/x', '//evil.example/staff', '/staff/../admin', '/elsewhere']) {
      const other = new FormClient(t.app);
      await other.get(`/staff/sign-in?next=${encodeURIComponent(next)}`);
      expect(other.lastBody).not.toContain('name="next"');
      const r = await other.post('/staff/sign-in', { email: staff.email, password: staff.password, next });
      expect(r.location).toBe('/staff/sign-in/code');
    }
  });

  it('answers a wrong password, an unknown address and a disabled account in exactly the same way', async () => {
    const staff = await createStaffWithCredentials(t.database.db, { roles: ['prevent_officer'] });
    const disabled = await createStaffWithCredentials(t.database.db, {
      roles: ['prevent_officer'],
      status: 'disabled',
    });
    const wrong = await postSignIn(new FormClient(t.app), staff.email, 'not the password at all');
    const unknown = await postSignIn(new FormClient(t.app), 'nobody-here@example.test', 'not the password at all');
    const off = await postSignIn(new FormClient(t.app), disabled.email, disabled.password);
    for (const res of [wrong, unknown, off]) {
      expect(res.status).toBe(400);
      expect(res.body).toContain(FAILED);
      expect(cookieOf(res)).toBeUndefined();
    }
    const a = normalised(wrong.body, staff.email);
    expect(normalised(unknown.body, 'nobody-here@example.test')).toBe(a);
    expect(normalised(off.body, disabled.email)).toBe(a);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(wrong.headers).sort());
  });

  it('asks for what is missing', async () => {
    const client = new FormClient(t.app);
    await client.get('/staff/sign-in');
    const res = await client.post('/staff/sign-in', { email: '', password: '' });
    expect(res.status).toBe(400);
    expect(res.body).toContain('Enter your email address');
    expect(res.body).toContain('Enter your password');
    expect(res.body).toContain('href="#email"');
  });

  it.each(['existing', 'unknown'])(
    'locks an %s address out after repeated failures, even with the right password, and lifts the lockout later',
    async (kind) => {
      const staff = await createStaffWithCredentials(t.database.db, { roles: ['prevent_officer'] });
      const email = kind === 'existing' ? staff.email : 'no-account@example.test';
      for (let i = 0; i < LOCKOUT; i++) {
        const res = await postSignIn(new FormClient(t.app), email, `wrong password ${i}`);
        expect(res.status).toBe(400);
      }
      const rows = await queryRows<{ failures: number; locked: boolean }>(
        t.database.db,
        sql`select failures, locked_until > now() as locked from sign_in_throttle`,
      );
      expect(rows).toEqual([{ failures: LOCKOUT, locked: true }]);
      if (kind === 'existing') {
        const refused = await postSignIn(new FormClient(t.app), staff.email, staff.password);
        expect(refused.status).toBe(400);
        expect(refused.body).toContain(FAILED);
        expect(cookieOf(refused)).toBeUndefined();
      }
      // The lockout ends after its time.
      await t.database.db.execute(
        sql`update sign_in_throttle set locked_until = now() - interval '1 second', window_started_at = now() - interval '16 minutes'`,
      );
      if (kind === 'existing') {
        const ok = await postSignIn(new FormClient(t.app), staff.email, staff.password);
        expect(ok.status).toBe(303);
      } else {
        await postSignIn(new FormClient(t.app), email, 'wrong again');
        const [row] = await queryRows<{ failures: number; locked: boolean }>(
          t.database.db,
          sql`select failures, coalesce(locked_until > now(), false) as locked from sign_in_throttle`,
        );
        expect(row).toEqual({ failures: 1, locked: false });
      }
    },
  );

  it('counts parallel failures without losing any', async () => {
    const attempts = Array.from({ length: 8 }, (_, i) =>
      postSignIn(new FormClient(t.app), 'busy@example.test', `x${i}`),
    );
    await Promise.all(attempts);
    const [row] = await queryRows<{ failures: number; locked: boolean }>(
      t.database.db,
      sql`select failures, locked_until > now() as locked from sign_in_throttle`,
    );
    // Five failures locked it; the others found it locked.
    expect(row).toEqual({ failures: LOCKOUT, locked: true });
  });

  it('refuses a code used before, and counts wrong codes towards the lockout', async () => {
    const staff = await createStaffWithCredentials(t.database.db, { roles: ['prevent_officer'] });
    const code = await codeFor(staff.totpSecret!);
    const first = new FormClient(t.app);
    await postSignIn(first, staff.email, staff.password);
    await first.get('/staff/sign-in/code');
    expect((await first.post('/staff/sign-in/code', { code })).location).toBe('/staff');

    const second = new FormClient(t.app);
    await postSignIn(second, staff.email, staff.password);
    await second.get('/staff/sign-in/code');
    const replay = await second.post('/staff/sign-in/code', { code });
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('That code has already been used');
    const format = await second.post('/staff/sign-in/code', { code: '12ab' });
    expect(format.status).toBe(400);
    expect(format.body).toContain('Enter the code as 6 digits');

    // Replay was failure 1; three more wrong codes, then the fifth failure signs the person out.
    const wrong = (await codeFor(staff.totpSecret!, 5)) === '000000' ? '111111' : '000000';
    for (let i = 0; i < LOCKOUT - 2; i++) {
      const res = await second.post('/staff/sign-in/code', { code: wrong });
      expect(res.status).toBe(400);
      expect(res.body).toContain('the code you entered is wrong');
    }
    const locked = await second.post('/staff/sign-in/code', { code: wrong });
    expect(locked.status).toBe(303);
    expect(locked.location).toBe('/staff/sign-in?locked=1');
    const page = await second.get('/staff/sign-in?locked=1');
    expect(page.body).toContain('too many wrong attempts');
    // Locked out: even the right password and a fresh code do not get in.
    const third = new FormClient(t.app);
    expect((await postSignIn(third, staff.email, staff.password)).status).toBe(400);
  });

  it('sets up the authenticator at a first sign-in and shows recovery codes, each of which works once', async () => {
    const staff = await createStaffWithCredentials(t.database.db, { roles: ['prevent_officer'], totp: false });
    const client = new FormClient(t.app);
    const res = await postSignIn(client, staff.email, staff.password);
    expect(res.location).toBe('/staff/sign-in/set-up-authenticator');
    // Not signed in yet, nor can the code page be used.
    expect((await client.get('/staff/sign-in/code')).location).toBe('/staff/sign-in/set-up-authenticator');
    const setUp = await client.get('/staff/sign-in/set-up-authenticator');
    expect(setUp.status).toBe(200);
    expect(setUp.body).toMatch(/<img class="app-qr-code" src="data:image\/svg\+xml;base64,[^"]+" alt="QR code[^"]+"/);
    const groups = [...setUp.body.matchAll(/<span class="app-secret-key__group">([A-Z2-7]{1,4})<\/span>/g)].map(
      (g) => g[1],
    );
    const secret = groups.join('');
    expect(secret).toHaveLength(32);
    // The same secret on a second look (it is kept for this sign-in), and stored nowhere yet.
    expect((await client.get('/staff/sign-in/set-up-authenticator')).body).toContain(
      groups.join('</span> <span class="app-secret-key__group">'),
    );
    expect(JSON.stringify(await queryRows(t.database.db, sql`select * from staff_sessions`))).not.toContain(secret);

    const wrong = await client.post('/staff/sign-in/set-up-authenticator', { code: '' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('Enter the 6-digit code from your authenticator app');
    const ok = await client.post('/staff/sign-in/set-up-authenticator', { code: await codeFor(secret) });
    expect(ok.location).toBe('/staff/sign-in/recovery-codes');
    const codesPage = await client.get('/staff/sign-in/recovery-codes');
    expect(codesPage.body).toContain('Save your recovery codes');
    const codes = [...codesPage.body.matchAll(/<code class="app-recovery-code">([a-z0-9-]+)<\/code>/g)].map(
      (c) => c[1]!,
    );
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const stored = await queryRows<{ code_hash: string }>(t.database.db, sql`select code_hash from recovery_codes`);
    expect(stored).toHaveLength(10);
    for (const c of codes) expect(JSON.stringify(stored)).not.toContain(c.replace(/-/g, ''));
    const [user] = await queryRows<{ totp_secret: string }>(
      t.database.db,
      sql`select totp_secret from staff_users where id = ${staff.id}`,
    );
    expect(user!.totp_secret).toBe(secret);

    const done = await client.post('/staff/sign-in/recovery-codes');
    expect(done.location).toBe('/staff');
    expect((await client.get('/staff')).status).toBe(200);

    // A recovery code instead of the app: once.
    const again = new FormClient(t.app);
    await postSignIn(again, staff.email, staff.password);
    await again.get('/staff/sign-in/recovery-code');
    const used = await again.post('/staff/sign-in/recovery-code', { recoveryCode: codes[3]!.toUpperCase() });
    expect(used.location).toBe('/staff');
    const once = new FormClient(t.app);
    await postSignIn(once, staff.email, staff.password);
    await once.get('/staff/sign-in/recovery-code');
    const twice = await once.post('/staff/sign-in/recovery-code', { recoveryCode: codes[3]! });
    expect(twice.status).toBe(400);
    expect(twice.body).toContain('Enter a recovery code that you have not used before');
    expect((await once.post('/staff/sign-in/recovery-code', { recoveryCode: codes[4]! })).location).toBe('/staff');
  });

  it('refuses a sign-in form posted without its CSRF token', async () => {
    const client = new FormClient(t.app);
    await client.get('/staff/sign-in');
    const res = await client.post('/staff/sign-in', { email: 'a@example.test', password: 'x' }, { csrf: false });
    expect(res.status).toBe(403);
  });

  it('shows why the person was signed out', async () => {
    const page = await new FormClient(t.app).get('/staff/sign-in?expired=1');
    expect(page.body).toContain('You have been signed out because you did not use the service for 30 minutes');
  });

  it('sends a signed-in person from the sign-in page to their home page', async () => {
    const staff = await createStaffWithCredentials(t.database.db, { roles: ['prevent_officer'] });
    const cookie = await staffCookie(t.app, t.database.db, staff);
    const res = await t.app.inject({ method: 'GET', url: '/staff/sign-in', headers: { cookie } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff');
  });

  it('signs a person out everywhere', async () => {
    const staff = await createStaffWithCredentials(t.database.db, { roles: ['prevent_officer'] });
    const other = await staffCookie(t.app, t.database.db, staff);
    const client = new FormClient(t.app);
    await postSignIn(client, staff.email, staff.password);
    await client.get('/staff/sign-in/code');
    await client.post('/staff/sign-in/code', { code: await codeFor(staff.totpSecret!) });
    const account = await client.get('/staff/account');
    expect(account.status).toBe(200);
    expect((account.body.match(/<tr class="govuk-table__row">/g) ?? []).length).toBe(3); // head + 2 sessions
    expect(account.body).toContain('(this browser)');
    const res = await client.post('/staff/account/sign-out-everywhere');
    expect(res.location).toBe('/staff/signed-out');
    for (const cookie of [other]) {
      const r = await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie } });
      expect(r.statusCode).toBe(303);
    }
    expect((await client.get('/staff')).status).toBe(303);
  });

  it('changes a password with the current one, and ends the other sessions', async () => {
    const staff = await createStaffWithCredentials(t.database.db, { roles: ['prevent_officer'] });
    const other = await staffCookie(t.app, t.database.db, staff);
    const client = new FormClient(t.app);
    await postSignIn(client, staff.email, staff.password);
    await client.get('/staff/sign-in/code');
    await client.post('/staff/sign-in/code', { code: await codeFor(staff.totpSecret!) });
    await client.get('/staff/account');
    const bad = await client.post('/staff/account/password', {
      currentPassword: 'wrong',
      password: 'short',
      confirmPassword: 'short',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Enter your current password correctly');
    expect(bad.body).toContain('Your password must be 12 characters or more');
    const ok = await client.post('/staff/account/password', {
      currentPassword: staff.password,
      password: 'a new and long passphrase',
      confirmPassword: 'a new and long passphrase',
    });
    expect(ok.location).toBe('/staff/account?changed=1');
    expect((await client.get('/staff/account?changed=1')).body).toContain('Your password has been changed');
    const r = await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie: other } });
    expect(r.statusCode).toBe(303);
    expect((await postSignIn(new FormClient(t.app), staff.email, 'a new and long passphrase')).status).toBe(303);
  });
});

describe.each(engines)('staff password reset (%s)', (engine) => {
  const t = useSignInApp(engine);

  async function resetEmails() {
    return queryRows<{ recipient: string; text_body: string; template: string }>(
      t.database.db,
      sql`select recipient, text_body, template from outbox order by created_at`,
    );
  }

  it('sends a single-use link that sets a new password and ends every session', async () => {
    const staff = await createStaffWithCredentials(t.database.db, {
      roles: ['prevent_officer'],
      displayName: 'Robin Resetter',
    });
    const session = await staffCookie(t.app, t.database.db, staff);
    const client = new FormClient(t.app);
    await client.get('/staff/password-reset');
    const asked = await client.post('/staff/password-reset', { email: staff.email.toUpperCase() });
    expect(asked.location).toBe('/staff/password-reset/sent');
    expect((await client.get('/staff/password-reset/sent')).body).toContain(
      'If there is an account for that address, we have sent a link',
    );
    const [mail] = await resetEmails();
    expect(mail!.recipient).toBe(staff.email);
    expect(mail!.template).toBe('staff-password-reset');
    expect(mail!.text_body).not.toContain('Robin');
    expect(mail!.text_body).not.toContain(staff.email);
    const link = /http:\/\/localhost:3000(\/staff\/password-reset\/[A-Za-z0-9_-]{43})/.exec(mail!.text_body)?.[1];
    expect(link).toBeTruthy();
    const [stored] = await queryRows<{ token_hash: string }>(
      t.database.db,
      sql`select token_hash from password_resets`,
    );
    expect(stored!.token_hash).not.toBe(link!.split('/').pop());

    const form = await client.get(link!);
    expect(form.status).toBe(200);
    expect(form.body).toContain('Choose a new password');
    for (const [password, confirmPassword, message] of [
      ['', '', 'Enter a new password'],
      ['short one', 'short one', 'Your password must be 12 characters or more'],
      ['password1234', 'password1234', 'Choose a password that is harder to guess'],
      ['a'.repeat(257), 'a'.repeat(257), 'Your password must be 256 characters or fewer'],
      ['a good long passphrase', 'a different passphrase', 'The passwords do not match'],
    ] as const) {
      const res = await client.post(link!, { password, confirmPassword });
      expect(res.status, message).toBe(400);
      expect(res.body).toContain(message);
    }
    const done = await client.post(link!, {
      password: 'a good long passphrase',
      confirmPassword: 'a good long passphrase',
    });
    expect(done.location).toBe('/staff/sign-in?reset=1');
    expect((await client.get('/staff/sign-in?reset=1')).body).toContain('Your password has been changed');
    // Every session ended; the link works once.
    const old = await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie: session } });
    expect(old.statusCode).toBe(303);
    const again = await client.get(link!);
    expect(again.status).toBe(404);
    expect(again.body).toContain('This link has expired or has already been used');
    const reuse = await client.post(link!, {
      password: 'another long passphrase',
      confirmPassword: 'another long passphrase',
    });
    expect(reuse.status).toBe(404);
    expect((await postSignIn(new FormClient(t.app), staff.email, staff.password)).status).toBe(400);
    expect((await postSignIn(new FormClient(t.app), staff.email, 'a good long passphrase')).status).toBe(303);
  });

  it('says the same for an address with no account, and sends nothing', async () => {
    const client = new FormClient(t.app);
    await client.get('/staff/password-reset');
    const res = await client.post('/staff/password-reset', { email: 'nobody@example.test' });
    expect(res.location).toBe('/staff/password-reset/sent');
    expect(await resetEmails()).toEqual([]);
    const bad = await client.post('/staff/password-reset', { email: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Enter an email address in the correct format');
  });

  it('refuses an expired link', async () => {
    const staff = await createStaffWithCredentials(t.database.db, { roles: ['prevent_officer'] });
    const client = new FormClient(t.app);
    await client.get('/staff/password-reset');
    await client.post('/staff/password-reset', { email: staff.email });
    const [mail] = await resetEmails();
    const link = /(\/staff\/password-reset\/[A-Za-z0-9_-]{43})/.exec(mail!.text_body)![1]!;
    await t.database.db.execute(sql`update password_resets set expires_at = now() - interval '1 second'`);
    expect((await client.get(link)).status).toBe(404);
    expect((await client.get('/staff/password-reset/not-a-token')).status).toBe(404);
  });

  it('lets only one of two simultaneous uses of a link through', async () => {
    const staff = await createStaffWithCredentials(t.database.db, { roles: ['prevent_officer'] });
    const client = new FormClient(t.app);
    await client.get('/staff/password-reset');
    await client.post('/staff/password-reset', { email: staff.email });
    const link = /(\/staff\/password-reset\/[A-Za-z0-9_-]{43})/.exec((await resetEmails())[0]!.text_body)![1]!;
    await client.get(link);
    const results = await Promise.all([
      client.post(link, { password: 'first long passphrase', confirmPassword: 'first long passphrase' }),
      client.post(link, { password: 'second long passphrase', confirmPassword: 'second long passphrase' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 404]);
  });
});

describe.each(engines)('staff sign-in rate limit (%s)', (engine) => {
  const t = useSignInApp(engine, { RATE_LIMIT_SIGN_IN: '3' });

  it('answers 429 once the limit is passed', async () => {
    // Showing the page is never limited (staff behind one office address all open it at the start of a shift).
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await t.app.inject({ method: 'GET', url: '/staff/sign-in' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    // Posting is limited before anything else is looked at (even the CSRF token).
    const posts: number[] = [];
    for (let i = 0; i < 4; i++)
      posts.push(
        (
          await t.app.inject({
            method: 'POST',
            url: '/staff/sign-in',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: 'email=a%40example.test&password=x',
          })
        ).statusCode,
      );
    expect(posts).toEqual([403, 403, 403, 429]);
  });
});

describe.each(engines)('staff sign-in page with single sign-on configured (%s)', (engine) => {
  const t = useSignInApp(engine, {
    OIDC_ISSUER_URL: 'http://127.0.0.1:9/issuer',
    OIDC_CLIENT_ID: 'prevent',
    OIDC_CLIENT_SECRET: 'secret',
    OIDC_ALLOW_HTTP: 'true',
    OIDC_DISPLAY_NAME: 'your Cumbria account',
  });

  it('offers single sign-on above the password form, keeping where the person was going', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/staff/sign-in?next=%2Fstaff%2Faccount' });
    expect(res.statusCode).toBe(200);
    const sso = res.body.indexOf('<form method="post" action="/staff/sign-in/sso"');
    const password = res.body.indexOf('<form method="post" action="/staff/sign-in"');
    expect(sso).toBeGreaterThan(0);
    expect(password).toBeGreaterThan(sso);
    const ssoForm = res.body.slice(sso, password);
    expect(ssoForm).toMatch(/name="_csrf" value="[^"]+"/);
    expect(ssoForm).toContain('<input type="hidden" name="next" value="/staff/account">');
    expect(ssoForm).toContain('Sign in with your Cumbria account');
  });
});

describe.each(engines.slice(0, 1))('staff sign-in logs (%s)', (engine) => {
  const lines: string[] = [];
  const t = {} as { app: FastifyInstance; database: Database };
  beforeAll(async () => {
    t.database = await openTestDatabase(engine);
    await resetDatabase(t.database);
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    t.app = await buildApp({
      config: testConfig({}, { RATE_LIMIT_SIGN_IN: '100000' }),
      database: t.database,
      logger: createLogger('trace', sink),
    });
  });
  afterAll(async () => {
    await t.app?.close();
    await t.database?.close();
  });

  it('record sign-ins, failures, lockouts and resets without addresses, names, passwords or link tokens', async () => {
    const staff = await createStaffWithCredentials(t.database.db, {
      roles: ['prevent_officer'],
      displayName: 'Logan Logged',
      email: 'logan.logged@example.test',
    });
    for (let i = 0; i < LOCKOUT; i++)
      await postSignIn(new FormClient(t.app), 'unknown.person@example.test', 'guess-1234');
    await postSignIn(new FormClient(t.app), staff.email, 'a wrong password');
    const client = new FormClient(t.app);
    await postSignIn(client, staff.email, staff.password);
    await client.get('/staff/sign-in/code');
    await client.post('/staff/sign-in/code', { code: await codeFor(staff.totpSecret!) });
    await client.get('/staff/password-reset');
    await client.post('/staff/password-reset', { email: staff.email });
    const [mail] = await queryRows<{ text_body: string }>(t.database.db, sql`select text_body from outbox`);
    const link = /(\/staff\/password-reset\/([A-Za-z0-9_-]{43}))/.exec(mail!.text_body)!;
    await client.get(link[1]!);
    await client.post(link[1]!, { password: 'a logged new passphrase', confirmPassword: 'a logged new passphrase' });

    const log = lines.join('');
    for (const secret of [
      'logan',
      'Logan Logged',
      'unknown.person',
      'example.test',
      staff.password,
      'guess-1234',
      'a logged new passphrase',
      link[2]!,
      staff.totpSecret!,
    ])
      expect(log, secret).not.toContain(secret);
    for (const message of [
      'staff sign-in failed',
      'staff sign-in locked out after repeated failures',
      'staff password accepted',
      'staff signed in',
      'staff password reset link sent',
      'staff password set by a reset link; all sessions ended',
    ])
      expect(log).toContain(message);
    expect(log).toContain('"path":"/staff/password-reset/[token]"');
  });
});
