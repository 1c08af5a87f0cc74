import { describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { accessLog } from '../../../src/db/schema/index.js';
import { engines } from '../../helpers/engines.js';
import { useTestApp } from '../../helpers/app.js';
import { createStaff, staffCookie } from '../../helpers/staff.js';
import { createReferral } from '../../helpers/cases.js';

/**
 * A staff page's access-log entry is written while the page is read and rendered, and the response waits for it: no
 * page (not even its headers) goes out before the entry is committed, and a failed write sends no page at all.
 */

const control = vi.hoisted(() => ({ fail: false, delayMs: 0 }));

vi.mock('../../../src/access-log/queries.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/access-log/queries.js')>();
  return {
    ...original,
    appendAccessLog: async (...args: Parameters<typeof original.appendAccessLog>) => {
      if (control.delayMs) await new Promise((r) => setTimeout(r, control.delayMs));
      if (control.fail) throw new Error('the log is unavailable');
      return original.appendAccessLog(...args);
    },
  };
});

describe.each(engines)('access-log writes before staff pages are sent (%s)', (engine) => {
  const t = useTestApp(engine);
  const db = () => t.database.db;

  async function officer() {
    const staff = await createStaff(db(), { roles: ['prevent_officer'] });
    return staffCookie(t.app, db(), staff);
  }

  it('sends a case view only once its entry is committed, even when the write is slower than the page', async () => {
    control.fail = false;
    control.delayMs = 300;
    try {
      const cookie = await officer();
      const referral = await createReferral(db());
      const res = await t.app.inject({
        method: 'GET',
        url: `/staff/referrals/${referral.reference}`,
        headers: { cookie },
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Robin Testperson');
      expect(String(res.headers['server-timing'])).toMatch(/^audit;dur=\d/);
      const rows = await db().select().from(accessLog).where(eq(accessLog.reference, referral.reference));
      expect(rows.map((r) => r.action)).toEqual(['consultation']);
    } finally {
      control.delayMs = 0;
    }
  });

  it('sends the error page, not the case, when the entry cannot be written', async () => {
    const cookie = await officer();
    const referral = await createReferral(db());
    control.fail = true;
    try {
      const res = await t.app.inject({
        method: 'GET',
        url: `/staff/referrals/${referral.reference}`,
        headers: { cookie },
      });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('Robin Testperson');
      expect(res.body).not.toContain(referral.reference);
      const list = await t.app.inject({ method: 'GET', url: '/staff/intake', headers: { cookie } });
      expect(list.statusCode).toBe(500);
      expect(list.body).not.toContain(referral.reference);
    } finally {
      control.fail = false;
    }
  });
});
