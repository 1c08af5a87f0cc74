import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { engines } from '../../helpers/engines.js';
import { useTestApp } from '../../helpers/app.js';
import { FormClient } from '../../helpers/client.js';
import { completeJourney, publicReferral } from '../../helpers/journeys.js';
import { createStaff, staffCookie } from '../../helpers/staff.js';
import { ROLES, type Role } from '../../../src/db/schema/index.js';
import { queryRows } from '../../../src/db/sql.js';
import { appendAccessLog } from '../../../src/access-log/queries.js';
import { londonDate } from '../../../src/lib/dates.js';
import { sealPending } from '../../../src/access-log/seal.js';
import { tamperLog } from './owner.js';

/** RFC 4180, as a spreadsheet reads it: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length) throw new Error('the CSV does not end with a line break');
  return rows;
}

const AUDIT_ROUTES = [
  '/staff/audit',
  '/staff/audit/export.csv',
  '/staff/audit/person?reference=7KM3PQ2D',
  '/staff/audit/chain',
];

describe.each(engines)('the data protection officer’s access-log pages (%s)', (engine) => {
  const t = useTestApp(engine);

  async function dpo() {
    const staff = await createStaff(t.database.db, { roles: ['dpo'], displayName: 'Dana Protection' });
    return { staff, cookie: await staffCookie(t.app, t.database.db, staff) };
  }

  async function get(url: string, cookie: string) {
    return t.app.inject({ method: 'GET', url, headers: { cookie } });
  }

  /** A CSRF token and its cookie, from a page the person may open. */
  async function withCsrf(cookie: string, page = '/staff'): Promise<{ cookie: string; token: string }> {
    const res = await get(page, cookie);
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('prevent_csrf='));
    if (!token || !set) throw new Error(`no CSRF token on ${page}`);
    return { cookie: `${cookie}; ${set.split(';')[0]}`, token };
  }

  async function post(url: string, cookie: string, page?: string) {
    const csrf = await withCsrf(cookie, page);
    return t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: csrf.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrf.token)}`,
    });
  }

  /** Log entries of several kinds, by real staff members of two organisations, about a real referral. */
  async function history() {
    const reference = await completeJourney(new FormClient(t.app), '/refer', publicReferral);
    const [ref] = await queryRows<{ id: string }>(
      t.database.db,
      sql`select id::text as id from referrals where reference = ${reference}`,
    );
    const officer = await createStaff(t.database.db, { roles: ['prevent_officer'], displayName: 'Olly Officer' });
    const coordinator = await createStaff(t.database.db, {
      roles: ['channel_coordinator'],
      organisation: 'cumberland',
      displayName: 'Cora Coordinator',
    });
    await appendAccessLog(t.database.db, {
      action: 'consultation',
      recordType: 'referral',
      recordId: ref!.id,
      reference,
      actorType: 'staff',
      actorId: officer.id,
      organisation: 'cumbria-police-prevent',
      channel: 'staff-web',
      justification: '=HYPERLINK("http://evil.example","covering a colleague")',
      detail: { route: '/staff/referrals/:reference', basis: 'not-assigned' },
    });
    await appendAccessLog(t.database.db, {
      action: 'disclosure',
      recordType: 'referral',
      recordId: ref!.id,
      reference,
      actorType: 'staff',
      actorId: officer.id,
      organisation: 'cumbria-police-prevent',
      channel: 'staff-web',
      justification: 'Hand-over to the council, "Channel"',
      recipients: ['cumberland', '+44 council inbox'],
      detail: { purpose: 'council' },
    });
    await appendAccessLog(t.database.db, {
      action: 'consultation',
      recordType: 'referral',
      recordId: ref!.id,
      reference,
      actorType: 'staff',
      actorId: coordinator.id,
      organisation: 'cumberland',
      channel: 'staff-web',
      detail: { route: '/staff/referrals/:reference', basis: 'council' },
    });
    await appendAccessLog(t.database.db, {
      action: 'erasure',
      recordType: 'advice',
      actorType: 'system',
      detail: { rule: 'retention' },
    });
    return { reference, referralId: ref!.id, officer, coordinator };
  }

  it('shows the log to the data protection officer, newest first, with who, organisation, reason and recipients', async () => {
    const h = await history();
    const { cookie } = await dpo();
    const res = await get('/staff/audit', cookie);
    expect(res.statusCode).toBe(200);
    const body = res.body;
    for (const text of [
      'Olly Officer',
      'Cora Coordinator',
      'Member of the public',
      'System',
      'Cumbria Police Prevent team',
      'Cumberland Council',
      '=HYPERLINK(&quot;http://evil.example&quot;,&quot;covering a colleague&quot;)',
      'Hand-over to the council, &quot;Channel&quot;',
      'cumberland, +44 council inbox',
      'Disclosure',
      'Erasure',
      'Collection',
      h.reference,
      '5 entries match.',
    ])
      expect(body, text).toContain(text);
    // Newest first.
    expect([...body.matchAll(/id="entry-(\d+)"/g)].map((m) => Number(m[1]))).toEqual([5, 4, 3, 2, 1]);
    // Reading the list is not itself a consultation of anyone's records.
    const [n] = await queryRows<{ n: string }>(t.database.db, sql`select count(*)::text as n from access_log`);
    expect(n!.n).toBe('5');
  });

  it('filters by reference, action, staff member, organisation and dates (ids and codes in the address, never names)', async () => {
    const h = await history();
    const { cookie } = await dpo();
    const rowsOf = (body: string) =>
      [...body.matchAll(/<tr class="govuk-table__row" id="entry-(\d+)"/g)].map((m) => Number(m[1]));
    const form = await get('/staff/audit', cookie);
    // The staff filter offers names but sends ids.
    expect(form.body).toContain(`<option value="${h.officer.id}">Olly Officer (Cumbria Police Prevent team)</option>`);

    expect(rowsOf((await get(`/staff/audit?reference=${h.reference.toLowerCase()}`, cookie)).body)).toEqual([
      4, 3, 2, 1,
    ]);
    expect(rowsOf((await get('/staff/audit?action=disclosure', cookie)).body)).toEqual([3]);
    expect(rowsOf((await get(`/staff/audit?staff=${h.officer.id}`, cookie)).body)).toEqual([3, 2]);
    expect(rowsOf((await get('/staff/audit?organisation=cumberland', cookie)).body)).toEqual([4]);
    const [y, m, d] = londonDate(new Date()).split('-');
    const today = `from-day=${d}&from-month=${m}&from-year=${y}&to-day=${d}&to-month=${m}&to-year=${y}`;
    expect(rowsOf((await get(`/staff/audit?${today}`, cookie)).body)).toEqual([5, 4, 3, 2, 1]);
    const past = 'from-day=1&from-month=1&from-year=2020&to-day=31&to-month=12&to-year=2020';
    const none = await get(`/staff/audit?${past}`, cookie);
    expect(rowsOf(none.body)).toEqual([]);
    expect(none.body).toContain('No entries match.');
    // The export link keeps the filters.
    const filtered = await get(`/staff/audit?action=consultation&organisation=cumberland`, cookie);
    expect(filtered.body).toContain('href="/staff/audit/export.csv?action=consultation&amp;organisation=cumberland"');
  });

  it('explains invalid filters with the error summary, and shows no entries', async () => {
    await history();
    const { cookie } = await dpo();
    const res = await get(
      '/staff/audit?reference=ABC&action=shredding&staff=not-a-person&from-day=31&from-month=2&from-year=2026&to-day=1&to-month=&to-year=2026',
      cookie,
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<title>Error: /);
    const summary = [...res.body.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
    expect(summary).toEqual([
      ['#reference', 'Enter a case reference of 8 letters and numbers, like 7KM3PQ2D'],
      ['#action', 'Select an action from the list'],
      ['#staff', 'Select a staff member from the list'],
      ['#from-day', 'The start date must be a real date'],
      ['#to-month', 'The end date must include a month'],
    ]);
    expect(res.body).not.toContain('id="entry-');
    const order = await get(
      '/staff/audit?from-day=2&from-month=3&from-year=2026&to-day=1&to-month=3&to-year=2026',
      cookie,
    );
    expect(order.statusCode).toBe(400);
    expect(order.body).toContain('<a href="#to-day">The end date must be the same as or after the start date</a>');
    // An export with the same filters goes back to the page that explains them.
    const exported = await get('/staff/audit/export.csv?action=shredding', cookie);
    expect(exported.statusCode).toBe(303);
    expect(exported.headers.location).toBe('/staff/audit?action=shredding');
  });

  it('pages through 120 entries 50 at a time, older and newer', async () => {
    await t.database.db.execute(sql`insert into access_log (action, record_type, actor_type, detail)
      select 'consultation', 'referral', 'system', jsonb_build_object('n', g) from generate_series(1, 120) g`);
    const { cookie } = await dpo();
    const ids = (body: string) => [...body.matchAll(/id="entry-(\d+)"/g)].map((m) => Number(m[1]));
    const older = (body: string) =>
      /<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next">/.exec(body)?.[1]?.replace(/&amp;/g, '&');
    const newer = (body: string) =>
      /<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="prev">/.exec(body)?.[1]?.replace(/&amp;/g, '&');
    const p1 = await get('/staff/audit', cookie);
    expect(ids(p1.body)).toEqual(Array.from({ length: 50 }, (_, i) => 120 - i));
    expect(newer(p1.body)).toBeUndefined();
    const p2 = await get(older(p1.body)!, cookie);
    expect(ids(p2.body)).toEqual(Array.from({ length: 50 }, (_, i) => 70 - i));
    const p3 = await get(older(p2.body)!, cookie);
    expect(ids(p3.body)).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
    expect(older(p3.body)).toBeUndefined();
    const back = await get(newer(p3.body)!, cookie);
    expect(ids(back.body)).toEqual(ids(p2.body));
    const first = await get(newer(back.body)!, cookie);
    expect(ids(first.body)).toEqual(ids(p1.body));
  });

  it('exports the filtered log as CSV, streamed, injection-safe, and records the export', async () => {
    const h = await history();
    const { staff, cookie } = await dpo();
    const res = await get('/staff/audit/export.csv', cookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="access-log-\d{8}-\d{4}\.csv"$/);
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(res.body.slice(1));
    expect(header).toEqual([
      'id',
      'occurred_at_utc',
      'action',
      'record_type',
      'record_id',
      'reference',
      'actor_type',
      'actor_id',
      'actor_name',
      'organisation',
      'channel',
      'justification',
      'recipients',
      'detail',
    ]);
    // The export itself (entry 6) comes first: it was recorded before the file was written.
    expect(rows.map((r) => r[0])).toEqual(['6', '5', '4', '3', '2', '1']);
    const byId = new Map(rows.map((r) => [r[0], Object.fromEntries(header!.map((k, i) => [k, r[i]]))]));
    expect(byId.get('6')).toMatchObject({
      action: 'consultation',
      record_type: 'access_log',
      actor_id: staff.id,
      actor_name: 'Dana Protection',
      detail: '{"route":"/staff/audit/export.csv","filters":{}}',
    });
    expect(byId.get('2')).toMatchObject({
      reference: h.reference,
      actor_name: 'Olly Officer',
      organisation: 'cumbria-police-prevent',
      // A cell a spreadsheet would run as a formula starts with an apostrophe.
      justification: `'=HYPERLINK("http://evil.example","covering a colleague")`,
    });
    expect(byId.get('3')).toMatchObject({
      justification: 'Hand-over to the council, "Channel"',
      recipients: 'cumberland; +44 council inbox',
    });
    expect(byId.get('1')!.occurred_at_utc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    const filtered = await get(`/staff/audit/export.csv?action=disclosure&staff=${h.officer.id}`, cookie);
    const [, ...only] = parseCsv(filtered.body.slice(1));
    expect(only.map((r) => r[0])).toEqual(['3']);
    const [logged] = await queryRows<{ detail: string; organisation: string }>(
      t.database.db,
      sql`select detail::text as detail, organisation from access_log where id = 7`,
    );
    expect(JSON.parse(logged!.detail)).toEqual({
      route: '/staff/audit/export.csv',
      filters: { action: 'disclosure', staffId: h.officer.id },
    });
  });

  it('exports thousands of entries in batches, each once', async () => {
    await t.database.db.execute(sql`insert into access_log (action, record_type, actor_type, justification)
      select 'consultation', 'referral', 'system', '-' || g from generate_series(1, 2500) g`);
    const { cookie } = await dpo();
    const res = await get('/staff/audit/export.csv?organisation=cumbria-police-prevent', cookie);
    expect(parseCsv(res.body.slice(1))).toHaveLength(2); // header and the export itself
    const all = parseCsv((await get('/staff/audit/export.csv', cookie)).body.slice(1)).slice(1);
    expect(all).toHaveLength(2502);
    expect(new Set(all.map((r) => r[0])).size).toBe(2502);
    expect(all.filter((r) => r[11]!.startsWith("'-")).length).toBe(2500);
  });

  it('shows every access to one person’s records, and records that the officer looked', async () => {
    const h = await history();
    const { staff, cookie } = await dpo();
    const form = await get('/staff/audit/person', cookie);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Case reference');
    const res = await get(`/staff/audit/person?reference=${h.reference.toLowerCase()}`, cookie);
    expect(res.statusCode).toBe(200);
    const ids = [...res.body.matchAll(/id="entry-(\d+)"/g)].map((m) => Number(m[1]));
    // The collection, the two views and the disclosure, and this page's own view (newest); not the erasure of another record.
    expect(ids).toEqual([6, 4, 3, 2, 1]);
    expect(res.body).toContain(`Referral ${h.reference}`);
    expect(res.body).toContain(`href="/staff/audit/export.csv?person=${h.reference}"`);
    const [seen] = await queryRows<{ action: string; record_id: string; actor_id: string; detail: string }>(
      t.database.db,
      sql`select action, record_id::text as record_id, actor_id, detail::text as detail from access_log where id = 6`,
    );
    expect(seen).toMatchObject({ action: 'consultation', record_id: h.referralId, actor_id: staff.id });
    expect(JSON.parse(seen!.detail)).toMatchObject({ route: '/staff/audit/person' });

    const exported = parseCsv((await get(`/staff/audit/export.csv?person=${h.reference}`, cookie)).body.slice(1));
    expect(exported.slice(1).map((r) => r[0])).toEqual(['6', '4', '3', '2', '1']);
  });

  it.each([
    ['', 'Enter a case reference'],
    ['ABC', 'Enter a case reference of 8 letters and numbers, like 7KM3PQ2D'],
    ['7KM3PQ2D', 'There is no referral or advice request with this reference: check it and try again'],
  ])('explains a wrong reference on the person page (%j)', async (reference, message) => {
    const { cookie } = await dpo();
    const res = await get(`/staff/audit/person?reference=${reference}`, cookie);
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<title>Error: /);
    expect(res.body).toContain(`<a href="#reference">${message.replace(/'/g, '&#39;')}</a>`);
    const [n] = await queryRows<{ n: string }>(t.database.db, sql`select count(*)::text as n from access_log`);
    expect(n!.n).toBe('0');
  });

  it('shows where the chain stands, and checks it on demand', async () => {
    await history();
    await sealPending(t.database.db);
    const { cookie } = await dpo();
    const page = await get('/staff/audit/chain', cookie);
    expect(page.statusCode).toBe(200);
    const [last] = await queryRows<{ hash: string }>(
      t.database.db,
      sql`select hash from access_log_seal where seq = 5`,
    );
    expect(page.body).toContain(last!.hash);
    expect(page.body).toMatch(/Entries sealed\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*5\s*</);

    const checked = await post('/staff/audit/chain/verify', cookie, '/staff/audit/chain');
    expect(checked.statusCode).toBe(303);
    expect(checked.headers.location).toBe('/staff/audit/chain');
    const result = ([] as string[])
      .concat(checked.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('prevent_audit_check='));
    const withResult = `${cookie}; ${result!.split(';')[0]}`;
    const ok = await get('/staff/audit/chain', withResult);
    expect(ok.body).toContain('The chain is intact: 5 seals checked.');

    await tamperLog(t.database, `UPDATE access_log SET justification = 'nothing to see' WHERE id = 2`);
    const again = await post('/staff/audit/chain/verify', cookie, '/staff/audit/chain');
    const bad = `${cookie}; ${
      ([] as string[])
        .concat(again.headers['set-cookie'] ?? [])
        .find((c) => c.startsWith('prevent_audit_check='))!
        .split(';')[0]
    }`;
    const found = await get('/staff/audit/chain', bad);
    expect(found.body).toContain('1 problem found in 5 seals checked.');
    expect(found.body).toContain('Seal 2: log entry 2 does not match its seal');
    expect(found.body).not.toContain('nothing to see');
    // A result cookie that was not signed by the service is ignored.
    const forged = Buffer.from(
      JSON.stringify({ ok: true, checked: 9, at: new Date().toISOString(), problems: [] }),
    ).toString('base64url');
    expect((await get('/staff/audit/chain', `${cookie}; prevent_audit_check=${forged}`)).body).not.toContain(
      'The chain is intact',
    );
  });

  const others = ROLES.filter((r) => r !== 'dpo');
  it.each(others)('refuses every access-log page to the role %s', async (role: Role) => {
    const staff = await createStaff(t.database.db, {
      roles: [role],
      organisation: role === 'channel_coordinator' ? 'cumberland' : 'cumbria-police-prevent',
    });
    const cookie = await staffCookie(t.app, t.database.db, staff);
    for (const url of AUDIT_ROUTES) {
      const res = await get(url, cookie);
      expect(res.statusCode, url).toBe(403);
      expect(res.body, url).toContain('You do not have permission to see this page');
    }
    const verify = await post('/staff/audit/chain/verify', cookie);
    expect(verify.statusCode).toBe(403);
    expect(verify.body).toContain('You do not have permission to see this page');
    expect(verify.headers['set-cookie'] ?? []).not.toContainEqual(expect.stringContaining('prevent_audit_check'));
  });

  it('refuses someone with no role, and sends someone signed out to sign in', async () => {
    const staff = await createStaff(t.database.db, { roles: [] });
    const cookie = await staffCookie(t.app, t.database.db, staff);
    for (const url of AUDIT_ROUTES) expect((await get(url, cookie)).statusCode, url).toBe(403);
    for (const url of AUDIT_ROUTES) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toMatch(/^\/staff\/sign-in/);
      // Never the query string (it could hold a reference) in the address to come back to.
      expect(res.headers.location, url).not.toContain('reference');
    }
  });
});
