import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import type { Config } from '../../../src/config.js';
import type { Database } from '../../../src/db/client.js';
import { queryRows } from '../../../src/db/sql.js';
import { createLogger } from '../../../src/lib/logger.js';
import { SSO_COOKIE } from '../../../src/features/staff-auth/sso-routes.js';
import { testApp, testConfig } from '../../helpers/app.js';
import { FormClient, type Response } from '../../helpers/client.js';
import { engines, openTestDatabase, resetDatabase } from '../../helpers/engines.js';
import { freePort, startOidcProvider, type TestProvider } from '../../helpers/oidc-provider.js';
import { createStaff, staffCookie } from '../../helpers/staff.js';

/** The app is driven with inject at this address; the provider sends the "browser" back to it. */
const BASE_URL = 'http://127.0.0.1:3999';
const CALLBACK = `${BASE_URL}/staff/sign-in/sso/callback`;

const GROUP_MAP = {
  'prevent-officers': { organisation: 'cumbria-police-prevent', roles: ['prevent_officer'] },
  'prevent-supervisors': { organisation: 'cumbria-police-prevent', roles: ['prevent_supervisor', 'prevent_officer'] },
  'cumberland-channel': { organisation: 'cumberland', roles: ['channel_coordinator'] },
  // prevent_officer does not fit a council, and no_such_role is not a role: only panel_member is given.
  'cumberland-misfits': { organisation: 'cumberland', roles: ['prevent_officer', 'panel_member', 'no_such_role'] },
};

function ssoConfig(issuer: string, clientId: string, clientSecret: string, extra: NodeJS.ProcessEnv = {}): Config {
  return testConfig(
    {},
    {
      BASE_URL,
      OIDC_ISSUER_URL: issuer,
      OIDC_CLIENT_ID: clientId,
      OIDC_CLIENT_SECRET: clientSecret,
      OIDC_ALLOW_HTTP: 'true',
      OIDC_GROUP_MAP: JSON.stringify(GROUP_MAP),
      OIDC_DISPLAY_NAME: 'Cumbria Police account',
      RATE_LIMIT_SIGN_IN: '1000',
      ...extra,
    },
  );
}

/** A browser over inject: a CSRF token from any page (it is per browser), then the sign-in button's post. */
async function startSignIn(app: FastifyInstance, browser = new FormClient(app), fields: Record<string, string> = {}) {
  await browser.get('/refer');
  const res = await browser.post('/staff/sign-in/sso', fields);
  return { browser, res };
}

/** The whole flow: our button, the provider's login as `login`, back to our callback. */
async function signInAs(
  app: FastifyInstance,
  provider: TestProvider,
  login: string,
  opts: { browser?: FormClient; next?: string } = {},
): Promise<{ browser: FormClient; callback: Response }> {
  const { browser, res } = await startSignIn(app, opts.browser, opts.next ? { next: opts.next } : {});
  expect(res.status, res.body).toBe(303);
  const back = await provider.signIn(res.location!, login);
  expect(back.href.startsWith(`${CALLBACK}?`)).toBe(true);
  const callback = await browser.get(back.pathname + back.search);
  return { browser, callback };
}

async function userByEmail(database: Database, email: string) {
  const rows = await queryRows<{
    id: string;
    status: string;
    display_name: string;
    oidc_subject: string | null;
    organisation: string;
    roles: string[] | string;
    last_sign_in_at: string | Date | null;
  }>(
    database.db,
    sql`select u.id, u.status, u.display_name, u.oidc_subject, o.code as organisation, u.last_sign_in_at,
               coalesce((select array_agg(r.role order by r.role) from staff_roles r where r.user_id = u.id), '{}') as roles
        from staff_users u join organisations o on o.id = u.organisation_id where u.email = ${email}`,
  );
  const row = rows[0];
  if (!row) return undefined;
  const roles = Array.isArray(row.roles)
    ? row.roles
    : row.roles
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter(Boolean);
  return { ...row, roles };
}

describe.each(engines)('staff single sign-on (%s)', (engine) => {
  let provider: TestProvider;
  let database: Database;
  let app: FastifyInstance;
  const logLines: string[] = [];

  beforeAll(async () => {
    provider = await startOidcProvider({ redirectUris: [CALLBACK] });
    database = await openTestDatabase(engine);
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    const config = ssoConfig(provider.issuer, provider.clientId, provider.clientSecret);
    app = await buildApp({ config, database, logger: createLogger('trace', sink) });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await provider?.stop();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    provider.accounts.clear();
  });

  it('sends the browser to the provider with PKCE (S256), state and nonce, in a short-lived cookie', async () => {
    const { res } = await startSignIn(app);
    expect(res.status).toBe(303);
    const url = new URL(res.location!);
    expect(url.origin).toBe(provider.issuer);
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(provider.clientId);
    expect(q.get('redirect_uri')).toBe(CALLBACK);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // The provider offers a groups scope: it is asked for.
    expect(q.get('scope')!.split(' ').sort()).toEqual(['email', 'groups', 'openid', 'profile']);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${SSO_COOKIE}=`));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/Path=\/staff\/sign-in\/sso/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=600/);
    // The code verifier stays with the browser's signed cookie; the challenge is its SHA-256.
    const value = app.unsignCookie(decodeURIComponent(cookie!.split(';')[0]!.slice(SSO_COOKIE.length + 1)));
    expect(value.valid).toBe(true);
    const saved = JSON.parse(value.value!) as { codeVerifier: string; state: string };
    expect(saved.state).toBe(q.get('state'));
    expect(createHash('sha256').update(saved.codeVerifier).digest('base64url')).toBe(q.get('code_challenge'));
  });

  it("lets the sign-in page's button go on to the provider (CSP form-action), and no other page", async () => {
    const res = await app.inject({ url: '/staff/sign-in?next=/staff/intake' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Sign in with Cumbria Police account');
    expect(String(res.headers['content-security-policy'])).toContain(`form-action 'self' ${provider.issuer};`);
    const other = await app.inject({ url: '/staff/signed-out' });
    expect(String(other.headers['content-security-policy'])).toContain("form-action 'self';");
  });

  it('signs a new person in end to end: account made just in time, groups mapped to roles, the home page shows them', async () => {
    provider.accounts.set('officer-1', {
      email: 'Sam.Officer@Example.test',
      name: 'Sam Officer',
      groups: ['prevent-officers', 'unrelated-group'],
    });
    const { browser, callback } = await signInAs(app, provider, 'officer-1', { next: '/staff/intake' });
    expect(callback.status, callback.body).toBe(303);
    expect(callback.location).toBe('/staff/intake');
    const setCookies = ([] as string[]).concat(callback.headers['set-cookie'] ?? []);
    expect(setCookies.some((c) => c.startsWith('prevent_staff='))).toBe(true);
    // The sign-in in progress is used up.
    expect(setCookies.some((c) => c.startsWith(`${SSO_COOKIE}=;`))).toBe(true);

    const home = await browser.get('/staff');
    expect(home.status).toBe(200);
    expect(home.body).toContain('Sam Officer');
    expect(home.body).toContain('Cumbria Police');

    const user = await userByEmail(database, 'sam.officer@example.test');
    expect(user).toMatchObject({ status: 'active', organisation: 'cumbria-police-prevent', oidc_subject: 'officer-1' });
    expect(user!.roles).toEqual(['prevent_officer']);
    expect(user!.last_sign_in_at).not.toBeNull();

    const sessions = await queryRows<{ stage: string; method: string }>(
      database.db,
      sql`select stage, method from staff_sessions where user_id = ${user!.id} and ended_at is null`,
    );
    expect(sessions).toEqual([{ stage: 'signed_in', method: 'oidc' }]);

    const log = await queryRows<{ action: string; actor_type: string; channel: string; detail: unknown }>(
      database.db,
      sql`select action, actor_type, channel, detail from access_log where record_type = 'staff_user' and record_id = ${user!.id}`,
    );
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: 'alteration', actor_type: 'system', channel: 'sso' });
    expect(log[0]!.detail).toMatchObject({ change: 'roles-from-identity-provider', roles: ['prevent_officer'] });
  });

  it('maps a council group to its organisation and role, and replaces the roles at the next sign-in', async () => {
    provider.accounts.set('alex', { email: 'alex@example.test', name: 'Alex Moves', groups: ['cumberland-channel'] });
    expect((await signInAs(app, provider, 'alex')).callback.status).toBe(303);
    let user = await userByEmail(database, 'alex@example.test');
    expect(user).toMatchObject({ organisation: 'cumberland', roles: ['channel_coordinator'] });

    // Moved to the Prevent team as a supervisor, renamed: the provider is the source of truth.
    provider.accounts.set('alex', {
      email: 'alex@example.test',
      name: 'Alex Supervisor',
      groups: ['prevent-supervisors'],
    });
    const { browser, callback } = await signInAs(app, provider, 'alex');
    expect(callback.status).toBe(303);
    user = await userByEmail(database, 'alex@example.test');
    expect(user).toMatchObject({ organisation: 'cumbria-police-prevent', display_name: 'Alex Supervisor' });
    expect(user!.roles).toEqual(['prevent_officer', 'prevent_supervisor']);
    const home = await browser.get('/staff');
    expect(home.body).toContain('Alex Supervisor');

    const changes = await queryRows<{ detail: { roles: string[] } }>(
      database.db,
      sql`select detail from access_log where record_type = 'staff_user' and record_id = ${user!.id} order by id`,
    );
    expect(changes.map((c) => c.detail.roles)).toEqual([
      ['channel_coordinator'],
      ['prevent_officer', 'prevent_supervisor'],
    ]);
  });

  it('ignores roles that are not roles or do not fit the organisation', async () => {
    provider.accounts.set('mixed', { email: 'mixed@example.test', name: 'Mo Mixed', groups: ['cumberland-misfits'] });
    expect((await signInAs(app, provider, 'mixed')).callback.status).toBe(303);
    expect(await userByEmail(database, 'mixed@example.test')).toMatchObject({
      organisation: 'cumberland',
      roles: ['panel_member'],
    });
  });

  it('links an account an administrator made before, by its e-mail address, and replaces its roles', async () => {
    const existing = await createStaff(database.db, {
      roles: ['analyst', 'prevent_officer'],
      email: 'pat@example.test',
      displayName: 'Pat Before',
    });
    provider.accounts.set('pat-sub', { email: 'PAT@example.test', name: 'Pat After', groups: ['prevent-officers'] });
    expect((await signInAs(app, provider, 'pat-sub')).callback.status).toBe(303);
    const user = await userByEmail(database, 'pat@example.test');
    expect(user).toMatchObject({ id: existing.id, oidc_subject: 'pat-sub', display_name: 'Pat After' });
    expect(user!.roles).toEqual(['prevent_officer']);
  });

  it('refuses an account in no mapped group with 403, and creates nothing', async () => {
    provider.accounts.set('stranger', { email: 'stranger@example.test', name: 'Stran Ger', groups: ['finance'] });
    const { callback } = await signInAs(app, provider, 'stranger');
    expect(callback.status).toBe(403);
    expect(callback.body).toContain('Your account does not give you access to this service');
    expect(callback.body).toContain('href="/staff/sign-in"');
    expect(callback.headers['set-cookie']).not.toContain('prevent_staff=');
    expect(await userByEmail(database, 'stranger@example.test')).toBeUndefined();
  });

  it('refuses an account in groups of two organisations', async () => {
    provider.accounts.set('both', {
      email: 'both@example.test',
      name: 'Bo Th',
      groups: ['prevent-officers', 'cumberland-channel'],
    });
    const { callback } = await signInAs(app, provider, 'both');
    expect(callback.status).toBe(403);
    expect(callback.body).toContain(
      'Your account is in groups for more than one organisation. Ask your administrator.',
    );
    expect(await userByEmail(database, 'both@example.test')).toBeUndefined();
  });

  it('refuses a disabled person, and never enables them again', async () => {
    provider.accounts.set('leaver', { email: 'leaver@example.test', name: 'Lee Ver', groups: ['prevent-officers'] });
    expect((await signInAs(app, provider, 'leaver')).callback.status).toBe(303);
    const user = await userByEmail(database, 'leaver@example.test');
    await database.db.execute(
      sql`update staff_users set status = 'disabled', disabled_at = now() where id = ${user!.id}`,
    );
    const { callback } = await signInAs(app, provider, 'leaver');
    expect(callback.status).toBe(403);
    expect(callback.body).toContain('Your account has been disabled');
    expect(await userByEmail(database, 'leaver@example.test')).toMatchObject({ status: 'disabled' });
    const sessions = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from staff_sessions where user_id = ${user!.id}`,
    );
    expect(sessions[0]!.n).toBe(1); // only the one from before the account was disabled
  });

  it('refuses a disabled person found by e-mail address without linking them', async () => {
    await createStaff(database.db, { roles: ['prevent_officer'], email: 'gone@example.test', status: 'disabled' });
    provider.accounts.set('gone-sub', { email: 'gone@example.test', name: 'Gone', groups: ['prevent-officers'] });
    const { callback } = await signInAs(app, provider, 'gone-sub');
    expect(callback.status).toBe(403);
    expect(callback.body).toContain('Your account has been disabled');
    expect(await userByEmail(database, 'gone@example.test')).toMatchObject({ status: 'disabled', oidc_subject: null });
  });

  it('starts a new session at sign-in and ends the one the browser had', async () => {
    const before = await createStaff(database.db, { roles: ['analyst'], email: 'old@example.test' });
    const oldCookie = await staffCookie(app, database.db, before);
    const browser = new FormClient(app);
    const [name, value] = oldCookie.split('=') as [string, string];
    (browser as unknown as { cookies: Map<string, string> }).cookies.set(name, value);
    provider.accounts.set('new-sub', { email: 'new@example.test', name: 'Nia New', groups: ['prevent-officers'] });
    const { callback } = await signInAs(app, provider, 'new-sub', { browser });
    expect(callback.status).toBe(303);
    const ended = await queryRows<{ ended_reason: string | null }>(
      database.db,
      sql`select ended_reason from staff_sessions where user_id = ${before.id}`,
    );
    expect(ended).toEqual([{ ended_reason: 'signed-in-again' }]);
    expect((await app.inject({ url: '/staff', headers: { cookie: oldCookie } })).statusCode).toBe(303);
    expect((await browser.get('/staff')).body).toContain('Nia New');
  });

  it('refuses a tampered state, a callback without the sign-in cookie, and one older than 10 minutes', async () => {
    provider.accounts.set('officer-2', { email: 'o2@example.test', name: 'Oz Two', groups: ['prevent-officers'] });
    // Tampered state.
    let { browser, res } = await startSignIn(app);
    let back = await provider.signIn(res.location!, 'officer-2');
    back.searchParams.set('state', 'tampered-state-value-0123456789');
    let callback = await browser.get(back.pathname + back.search);
    expect(callback.status).toBe(400);
    expect(callback.body).toContain('Signing in could not be finished');

    // No cookie (another browser, or it expired).
    ({ browser, res } = await startSignIn(app));
    back = await provider.signIn(res.location!, 'officer-2');
    callback = await new FormClient(app).get(back.pathname + back.search);
    expect(callback.status).toBe(400);

    // Used once: the same callback again, in the same browser, is refused.
    expect((await browser.get(back.pathname + back.search)).status).toBe(303);
    expect((await browser.get(back.pathname + back.search)).status).toBe(400);

    // Started more than 10 minutes ago (the browser kept the cookie past its Max-Age).
    ({ browser, res } = await startSignIn(app));
    const state = new URL(res.location!).searchParams.get('state')!;
    back = await provider.signIn(res.location!, 'officer-2');
    const cookie = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith(`${SSO_COOKIE}=`))!;
    const saved = JSON.parse(
      app.unsignCookie(decodeURIComponent(cookie.split(';')[0]!.slice(SSO_COOKIE.length + 1))).value!,
    ) as Record<string, unknown>;
    expect(saved.state).toBe(state);
    const stale = app.signCookie(JSON.stringify({ ...saved, startedAt: Date.now() - 11 * 60_000 }));
    const r = await app.inject({
      url: back.pathname + back.search,
      headers: { cookie: `${SSO_COOKIE}=${encodeURIComponent(stale)}` },
    });
    expect(r.statusCode).toBe(400);
    expect(await userByEmail(database, 'o2@example.test')).toMatchObject({ roles: ['prevent_officer'] });
  });

  it('shows a 403 page when the person cancels at the provider', async () => {
    provider.accounts.set('officer-3', { email: 'o3@example.test', name: 'Oz Three', groups: ['prevent-officers'] });
    const { browser, res } = await startSignIn(app);
    const back = await provider.signIn(res.location!, 'officer-3', { cancel: true });
    expect(back.searchParams.get('error')).toBe('access_denied');
    const callback = await browser.get(back.pathname + back.search);
    expect(callback.status).toBe(403);
    expect(callback.body).toContain('You have not been signed in');
    expect(await userByEmail(database, 'o3@example.test')).toBeUndefined();
  });

  it('refuses a code exchanged with the wrong PKCE verifier (the provider checks it)', async () => {
    provider.accounts.set('officer-4', { email: 'o4@example.test', name: 'Oz Four', groups: ['prevent-officers'] });
    const { browser, res } = await startSignIn(app);
    const back = await provider.signIn(res.location!, 'officer-4');
    const cookies = (browser as unknown as { cookies: Map<string, string> }).cookies;
    const saved = JSON.parse(app.unsignCookie(decodeURIComponent(cookies.get(SSO_COOKIE)!)).value!) as Record<
      string,
      unknown
    >;
    cookies.set(
      SSO_COOKIE,
      encodeURIComponent(app.signCookie(JSON.stringify({ ...saved, codeVerifier: 'x'.repeat(64) }))),
    );
    const callback = await browser.get(back.pathname + back.search);
    expect(callback.status).toBe(400);
    expect(await userByEmail(database, 'o4@example.test')).toBeUndefined();
  });

  it('keeps e-mail addresses, names, codes and tokens out of the logs', async () => {
    logLines.length = 0;
    provider.accounts.set('quiet', {
      email: 'quiet.person@example.test',
      name: 'Quentin Quiet',
      groups: ['prevent-officers'],
    });
    const { res, browser } = await startSignIn(app);
    const back = await provider.signIn(res.location!, 'quiet');
    expect((await browser.get(back.pathname + back.search)).status).toBe(303);
    provider.accounts.set('nobody', { email: 'nobody.here@example.test', name: 'Nora Nobody', groups: [] });
    expect((await signInAs(app, provider, 'nobody')).callback.status).toBe(403);
    const log = logLines.join('');
    expect(log).toContain('staff signed in');
    expect(log).toContain('"kind":"no-mapped-group"');
    for (const secret of [
      'quiet.person',
      'Quentin',
      'nobody.here',
      'Nora',
      back.searchParams.get('code')!,
      back.searchParams.get('state')!,
      new URL(res.location!).searchParams.get('nonce')!,
    ])
      expect(log).not.toContain(secret);
  });
});

describe.each(engines)('staff single sign-on when it is not configured or the provider is down (%s)', (engine) => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('answers 404 when no identity provider is configured', async () => {
    const { app } = await testApp(database);
    try {
      expect(app.hasRoute({ method: 'POST', url: '/staff/sign-in/sso' })).toBe(true);
      const { res } = await startSignIn(app);
      expect(res.status).toBe(404);
      const callback = await app.inject({ url: '/staff/sign-in/sso/callback?code=x&state=y' });
      expect(callback.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('starts while the provider is down, shows a 502 page, and tries again at the next sign-in', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const { app } = await testApp(database, { config: ssoConfig(issuer, 'prevent-staff', 'not-yet-known') });
    let provider: TestProvider | undefined;
    try {
      const { res } = await startSignIn(app);
      expect(res.status).toBe(502);
      expect(res.body).toContain('sign-in service is not available');
      expect(res.body).toContain('href="/staff/sign-in"');

      // The provider comes up (with the client the app was configured with): the next attempt discovers it.
      provider = await startOidcProvider({ redirectUris: [CALLBACK], port });
      expect(provider.issuer).toBe(issuer);
      const again = await startSignIn(app);
      expect(again.res.status).toBe(303);
      expect(again.res.location!.startsWith(`${issuer}/`)).toBe(true);
    } finally {
      await app.close();
      await provider?.stop();
    }
  });

  it('shows a 502 page when the provider goes down between the redirect and the callback', async () => {
    await resetDatabase(database);
    const provider = await startOidcProvider({
      redirectUris: [CALLBACK],
      accounts: { late: { email: 'late@example.test', name: 'La Te', groups: ['prevent-officers'] } },
    });
    const { app } = await testApp(database, {
      config: ssoConfig(provider.issuer, provider.clientId, provider.clientSecret),
    });
    try {
      const { browser, res } = await startSignIn(app);
      const back = await provider.signIn(res.location!, 'late');
      await provider.stop();
      const callback = await browser.get(back.pathname + back.search);
      expect(callback.status).toBe(502);
      expect(await userByEmail(database, 'late@example.test')).toBeUndefined();
    } finally {
      await app.close();
      await provider.stop().catch(() => undefined);
    }
  });
});
