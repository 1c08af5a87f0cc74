import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { engines } from '../../helpers/engines.js';
import { useTestApp } from '../../helpers/app.js';
import { createStaff, staffCookie } from '../../helpers/staff.js';
import { installStaffArea } from '../../../src/staff/registry.js';
import { testConfig } from '../../helpers/app.js';

describe.each(engines)('staff sessions (%s)', (engine) => {
  const t = useTestApp(engine);

  it('sends someone without a session to sign in', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/staff?q=secret' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/sign-in');
  });

  it('shows the home page to a signed-in person, with a nonce-based CSP and no-store', async () => {
    const staff = await createStaff(t.database.db, { roles: ['prevent_officer'], displayName: 'Alex Officer' });
    const cookie = await staffCookie(t.app, t.database.db, staff);
    const res = await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Alex Officer');
    expect(res.headers['cache-control']).toBe('no-store');
    const csp = String(res.headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(res.body).toContain(`nonce="${nonce}"`);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('ends a session idle for 30 minutes, and one past its 12-hour limit', async () => {
    const staff = await createStaff(t.database.db, { roles: ['prevent_officer'] });
    const idle = await staffCookie(t.app, t.database.db, staff);
    await t.database.db.execute(sql`update staff_sessions set last_seen_at = now() - interval '31 minutes'`);
    const old = await staffCookie(t.app, t.database.db, staff);
    await t.database.db.execute(
      sql`update staff_sessions set expires_at = now() - interval '1 second' where last_seen_at > now() - interval '1 minute'`,
    );
    for (const cookie of [idle, old]) {
      const res = await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie } });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toMatch(/^\/staff\/sign-in/);
    }
  });

  it('refuses a disabled person at once, even with a live session', async () => {
    const staff = await createStaff(t.database.db, { roles: ['prevent_officer'] });
    const cookie = await staffCookie(t.app, t.database.db, staff);
    await t.database.db.execute(
      sql`update staff_users set status = 'disabled', disabled_at = now() where id = ${staff.id}`,
    );
    const res = await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie } });
    expect(res.statusCode).toBe(303);
  });

  it('refuses a forged or unsigned cookie', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie: 'prevent_staff=abc.def' } });
    expect(res.statusCode).toBe(303);
  });
});

describe('the staff area refuses a route without a policy', () => {
  it('stops the app from starting', async () => {
    const app = Fastify();
    await app.register((await import('@fastify/cookie')).default, { secret: 'x'.repeat(32) });
    installStaffArea(app, {
      db: undefined as never,
      render: undefined as never,
      config: testConfig(),
      secureCookies: false,
    });
    expect(() => app.get('/staff/forgotten', () => 'oops')).toThrow(/has no policy/);
    await app.close();
  });
});
