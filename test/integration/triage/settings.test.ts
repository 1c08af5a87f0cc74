import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../src/db/sql.js';
import { londonDate } from '../../../src/lib/dates.js';
import { useTestApp } from '../../helpers/app.js';
import { createReferral } from '../../helpers/cases.js';
import { engines } from '../../helpers/engines.js';
import { createStaff } from '../../helpers/staff.js';
import { staffSession } from './upload-helpers.js';

/**
 * The triage target and the bank holidays (/staff/triage/settings): a Prevent supervisor changes them, the target dates
 * of referrals that arrive afterwards follow, every change is in the access log, and bad input gets GOV.UK errors.
 */
describe.each(engines)('triage settings (%s)', (engine) => {
  const t = useTestApp(engine);
  const db = () => t.database.db;

  async function supervisor() {
    const staff = await createStaff(db(), { roles: ['prevent_supervisor'], displayName: 'Sam Supervisor' });
    const who = await staffSession(t.app, db(), staff);
    const post = (url: string, fields: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
      });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    return { staff, post, get };
  }

  /** The first Monday of October next year: England and Wales have no bank holiday that week. */
  function mondayInOctober(): { monday: Date; day: (offset: number) => string } {
    const year = new Date().getUTCFullYear() + 1;
    const first = new Date(Date.UTC(year, 9, 1, 10));
    const monday = new Date(first.getTime() + ((8 - first.getUTCDay()) % 7) * 86_400_000);
    return { monday, day: (offset) => londonDate(new Date(monday.getTime() + offset * 86_400_000)) };
  }

  const dueOn = async (id: string) =>
    (
      await queryRows<{ due_on: string }>(
        db(),
        sql`select to_char(due_on, 'YYYY-MM-DD') as due_on from referrals where id = ${id}`,
      )
    )[0]!.due_on;

  const alterations = () =>
    queryRows<{ detail: Record<string, unknown> }>(
      db(),
      sql`select detail from access_log where action = 'alteration' and record_type = 'triage_settings' order by id`,
    );

  it('changes the target for referrals that arrive afterwards, logging the change', async () => {
    const s = await supervisor();
    const { monday, day } = mondayInOctober();
    const before = await createReferral(db(), { receivedAt: monday });
    expect(await dueOn(before.id)).toBe(day(7)); // five working days: the Monday after

    const page = await s.get('/staff/triage/settings');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('5 working days from receipt');
    expect(page.body).toContain('Not changed since the service was set up');

    const changed = await s.post('/staff/triage/settings/target', { workingDays: '3' });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe('/staff/triage/settings?done=target');
    const after = await createReferral(db(), { receivedAt: monday });
    expect(await dueOn(after.id)).toBe(day(3)); // Tuesday, Wednesday, Thursday
    expect(await dueOn(before.id)).toBe(day(7)); // dates already set stay
    const shown = await s.get(changed.headers.location!);
    expect(shown.body).toContain('Target changed');
    expect(shown.body).toContain('3 working days from receipt');
    expect(shown.body).toContain('by Sam Supervisor');

    // The same value again changes nothing and logs nothing more.
    const same = await s.post('/staff/triage/settings/target', { workingDays: '3' });
    expect(same.headers.location).toBe('/staff/triage/settings?done=unchanged');
    expect((await alterations()).map((r) => r.detail)).toEqual([{ change: 'target', from: 5, to: 3 }]);
  });

  it('refuses a target that is not a whole number from 1 to 60, with the GOV.UK error summary', async () => {
    const s = await supervisor();
    for (const [value, message] of [
      ['', 'Enter the target in working days'],
      ['2.5', 'The target must be a whole number of working days, like 5'],
      ['61', 'The target must be between 1 and 60 working days'],
    ] as const) {
      const res = await s.post('/staff/triage/settings/target', { workingDays: value });
      expect(res.statusCode, value).toBe(400);
      expect(res.body).toContain('govuk-error-summary');
      expect(res.body).toContain('href="#workingDays"');
      expect(res.body).toContain(message);
    }
    expect(await alterations()).toEqual([]);
  });

  it('adds a bank holiday that target dates then skip, refuses it twice, and removes it', async () => {
    const s = await supervisor();
    const { monday, day } = mondayInOctober();
    await s.post('/staff/triage/settings/target', { workingDays: '3' });
    const [year, month, date] = day(2).split('-') as [string, string, string];
    const added = await s.post('/staff/triage/settings/bank-holidays', {
      'day-day': String(Number(date)),
      'day-month': String(Number(month)),
      'day-year': year,
      name: 'Test holiday',
    });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe('/staff/triage/settings?done=added');
    const referral = await createReferral(db(), { receivedAt: monday });
    expect(await dueOn(referral.id)).toBe(day(4)); // Tuesday, [Wednesday off], Thursday, Friday
    const listed = await s.get('/staff/triage/settings');
    expect(listed.body).toContain('Test holiday');
    expect(listed.body).toContain(`/staff/triage/settings/bank-holidays/${day(2)}/remove`);

    const twice = await s.post('/staff/triage/settings/bank-holidays', {
      'day-day': date,
      'day-month': month,
      'day-year': year,
      name: 'Again',
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('That date is already a bank holiday in the list');
    expect(twice.body).toContain('href="#day-day"');

    const removed = await s.post(`/staff/triage/settings/bank-holidays/${day(2)}/remove`, {});
    expect(removed.headers.location).toBe('/staff/triage/settings?done=removed');
    expect(await dueOn((await createReferral(db(), { receivedAt: monday })).id)).toBe(day(3));
    for (const bad of [day(2), '2026-13-45', 'not-a-date', '2020-12-25']) {
      const res = await s.post(`/staff/triage/settings/bank-holidays/${bad}/remove`, {});
      expect(res.statusCode, bad).toBe(404);
    }
    expect((await alterations()).map((r) => r.detail.change)).toEqual([
      'target',
      'bank-holiday-added',
      'bank-holiday-removed',
    ]);
  });

  it('refuses a bank holiday in the past, an unreal date and no name', async () => {
    const s = await supervisor();
    const res = await s.post('/staff/triage/settings/bank-holidays', {
      'day-day': '25',
      'day-month': '12',
      'day-year': '2020',
      name: '',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The date of the bank holiday must be today or in the future');
    expect(res.body).toContain('Enter the name of the bank holiday, like Christmas Day');
    const unreal = await s.post('/staff/triage/settings/bank-holidays', {
      'day-day': '31',
      'day-month': '2',
      'day-year': '2030',
      name: 'Nonsense',
    });
    expect(unreal.statusCode).toBe(400);
    expect(unreal.body).toContain('The date of the bank holiday must be a real date');
  });

  it('is a Prevent supervisor’s page only', async () => {
    const officer = await createStaff(db(), { roles: ['prevent_officer'] });
    const who = await staffSession(t.app, db(), officer);
    const res = await t.app.inject({ method: 'GET', url: '/staff/triage/settings', headers: { cookie: who.cookie } });
    expect(res.statusCode).toBe(403);
  });
});
