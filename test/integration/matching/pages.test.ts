import { describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import type { Role } from '../../../src/db/schema/index.js';
import { accessLog, referralLinks, referrals } from '../../../src/db/schema/index.js';
import { engines } from '../../helpers/engines.js';
import { useTestApp } from '../../helpers/app.js';
import { createStaff, organisationId, staffCookie } from '../../helpers/staff.js';
import { ago, assignReferral, createPersonReferral, shareCase } from '../../helpers/cases.js';

/** The earlier-referrals page and its decisions through HTTP: rendering, PRG, the access log, and who is refused. */
describe.each(engines)('earlier referrals pages (%s)', (engine) => {
  const t = useTestApp(engine);
  const db = () => t.database.db;

  async function signedIn(opts: { roles: Role[]; organisation?: string }) {
    const staff = await createStaff(db(), opts);
    return { staff, cookie: await staffCookie(t.app, db(), staff) };
  }

  function get(url: string, cookie: string) {
    return t.app.inject({ method: 'GET', url, headers: { cookie } });
  }

  /** Posts a form from a page just fetched (its CSRF cookie and token). */
  function postFrom(
    page: { body: string; cookies: { name: string; value: string }[] },
    url: string,
    cookie: string,
    fields: Record<string, string>,
  ) {
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const csrf = page.cookies.filter((c) => c.name === 'prevent_csrf').map((c) => `${c.name}=${c.value}`);
    return t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: [cookie, ...csrf].join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
    });
  }

  async function people() {
    const earlier = await createPersonReferral(db(), {
      personFullName: 'Mohammed Khan',
      personDob: '2006-04-12',
      personPostcode: 'CA2 5AB',
      personAddressLine1: '12 Botchergate',
      receivedAt: ago(400),
    });
    // A namesake whose date of birth nobody knew, elsewhere: offered, weakly.
    const decoy = await createPersonReferral(db(), {
      personFullName: 'Mohammed Khan',
      personPostcode: 'LA9 4QR',
      receivedAt: ago(300),
    });
    const current = await createPersonReferral(db(), {
      personFullName: 'Muhammad Khan',
      personDob: '2006-04-12',
      personPostcode: 'CA2 5AB',
      receivedAt: ago(1),
    });
    return { earlier, decoy, current };
  }

  const pageUrl = (reference: string) => `/staff/referrals/${reference}/earlier-referrals`;

  function log() {
    return db().select().from(accessLog).orderBy(asc(accessLog.id));
  }

  it('lists the ranked candidates side by side, with bands and reasons, and logs each one shown', async () => {
    const { earlier, decoy, current } = await people();
    const { staff, cookie } = await signedIn({ roles: ['prevent_officer'] });
    const res = await get(pageUrl(current.reference), cookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.body;
    expect(body).toContain('Earlier referrals of the same person');
    const order = [...body.matchAll(/<h3 class="govuk-heading-s" id="candidate-([2-9A-HJKMNP-Z]{8})"/g)].map(
      (m) => m[1],
    );
    expect(order).toEqual([earlier.reference, decoy.reference]);
    const first = body.slice(
      body.indexOf(`id="candidate-${earlier.reference}"`),
      body.indexOf(`id="candidate-${decoy.reference}"`),
    );
    expect(first).toContain('Strong match');
    expect(first).toContain('<li>Same date of birth</li>');
    expect(first).toContain('<li>Same postcode</li>');
    expect(first).toMatch(/<li>Sounds like the same name \([^)]*\): Mohammed Khan<\/li>/);
    expect(first).toContain('12 April 2006');
    expect(first).toContain('12 Botchergate');
    expect(first).toContain(`action="/staff/referrals/${current.reference}/earlier-referrals/${earlier.reference}"`);
    expect(first).not.toMatch(/score|\b\d{2}\b%/i);
    const second = body.slice(body.indexOf(`id="candidate-${decoy.reference}"`));
    expect(second).toMatch(/Weak match|Possible match/);
    expect(second).not.toContain('Same date of birth');
    expect(body).not.toContain('Repeat referral');
    expect(body).toContain('None confirmed yet.');

    const entries = await log();
    expect(entries.map((e) => [e.action, e.reference, (e.detail as { as?: string }).as ?? null])).toEqual([
      ['consultation', current.reference, null],
      ['consultation', earlier.reference, 'earlier-referral-candidate'],
      ['consultation', decoy.reference, 'earlier-referral-candidate'],
    ]);
    for (const e of entries) {
      expect(e).toMatchObject({ actorId: staff.id, organisation: 'cumbria-police-prevent', recordType: 'referral' });
      expect(e.detail).toMatchObject({ route: '/staff/referrals/:reference/earlier-referrals' });
    }
    expect(entries[1]!.recordId).toBe(earlier.id);
  });

  it('confirms a link (PRG, banner, repeat tag, history together) and rejects another', async () => {
    const { earlier, decoy, current } = await people();
    const { staff, cookie } = await signedIn({ roles: ['prevent_supervisor'] });
    const page = await get(pageUrl(current.reference), cookie);
    const confirm = await postFrom(page, `${pageUrl(current.reference)}/${earlier.reference}`, cookie, {
      decision: 'confirmed',
      note: 'Same school, same address',
    });
    expect(confirm.statusCode).toBe(303);
    expect(confirm.headers.location).toBe(`${pageUrl(current.reference)}?done=confirmed&other=${earlier.reference}`);
    const after = await get(String(confirm.headers.location), cookie);
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('govuk-notification-banner--success');
    expect(after.body).toContain(`You confirmed that referral ${earlier.reference} is about the same person.`);
    expect(after.body).toContain('Repeat referral');
    expect(after.body).toContain('Confirmed: same person');
    const history = after.body.slice(after.body.indexOf('id="history"'), after.body.indexOf('Possible matches'));
    expect(history).toContain(`href="/staff/referrals/${earlier.reference}"`);
    expect(history).not.toContain(decoy.reference);

    const reject = await postFrom(after, `${pageUrl(current.reference)}/${decoy.reference}`, cookie, {
      decision: 'rejected',
      note: '',
    });
    expect(reject.statusCode).toBe(303);
    const rejected = await get(String(reject.headers.location), cookie);
    expect(rejected.body).toContain(`You recorded that referral ${decoy.reference} is not about the same person.`);
    expect(rejected.body).toContain('Not the same person');

    const links = await db().select().from(referralLinks);
    expect(links.map((l) => [l.earlierReferralId, l.status, l.note])).toEqual(
      expect.arrayContaining([
        [earlier.id, 'confirmed', 'Same school, same address'],
        [decoy.id, 'rejected', null],
      ]),
    );
    const [row] = await db().select().from(referrals).where(eq(referrals.id, current.id));
    expect(row!.isRepeat).toBe(true);
    const changes = (await log()).filter((e) => e.action !== 'consultation');
    expect(changes.map((e) => [e.action, e.reference, e.actorId, e.detail])).toEqual([
      ['combination', current.reference, staff.id, { linkedReference: earlier.reference, status: 'confirmed' }],
      ['alteration', current.reference, staff.id, { linkedReference: decoy.reference, status: 'rejected' }],
    ]);

    // The earlier referral's page shows the later one as confirmed, and itself is not a repeat.
    const fromEarlier = await get(pageUrl(earlier.reference), cookie);
    expect(fromEarlier.body).toContain('Confirmed: same person');
    expect(fromEarlier.body).not.toContain('Repeat referral');
  });

  it('shows the form again with an error for a note that is too long, and refuses a made-up decision', async () => {
    const { earlier, current } = await people();
    const { cookie } = await signedIn({ roles: ['prevent_officer'] });
    const page = await get(pageUrl(current.reference), cookie);
    const long = await postFrom(page, `${pageUrl(current.reference)}/${earlier.reference}`, cookie, {
      decision: 'confirmed',
      note: 'x'.repeat(501),
    });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('There is a problem');
    expect(long.body).toContain(`href="#note-${earlier.reference}"`);
    expect(long.body).toContain('The note must be 500 characters or fewer');
    expect(long.body).toMatch(/<title>Error: /);
    const made = await postFrom(page, `${pageUrl(current.reference)}/${earlier.reference}`, cookie, {
      decision: 'merge',
    });
    expect(made.statusCode).toBe(400);
    const self = await postFrom(page, `${pageUrl(current.reference)}/${current.reference}`, cookie, {
      decision: 'confirmed',
    });
    expect(self.statusCode).toBe(404);
    const unknown = await postFrom(page, `${pageUrl(current.reference)}/ZZZZZZZZ`, cookie, { decision: 'confirmed' });
    expect(unknown.statusCode).toBe(404);
    expect(await db().select().from(referralLinks)).toEqual([]);
    expect((await log()).filter((e) => e.action !== 'consultation')).toEqual([]);
  });

  const refused: { who: string; roles: Role[]; organisation: string }[] = [
    {
      who: 'the coordinator of the council the case was handed to',
      roles: ['channel_coordinator'],
      organisation: 'cumberland',
    },
    {
      who: 'a panel member whose agency the case was brought to',
      roles: ['panel_member'],
      organisation: 'nhs-north-cumbria',
    },
    { who: 'an engagement officer', roles: ['engagement_officer'], organisation: 'cumbria-police-prevent' },
    { who: 'an analyst', roles: ['analyst'], organisation: 'cumbria-police-prevent' },
    { who: 'the data protection officer', roles: ['dpo'], organisation: 'cumbria-police-prevent' },
    { who: 'an administrator', roles: ['administrator'], organisation: 'cumbria-police-prevent' },
    { who: 'someone with no role', roles: [], organisation: 'cumbria-police-prevent' },
    { who: 'a “prevent officer” in a council', roles: ['prevent_officer'], organisation: 'cumberland' },
  ];

  it.each(refused)(
    'refuses $who the page and the decisions (403), and logs nothing',
    async ({ roles, organisation }) => {
      const { earlier, current } = await people();
      await shareCase(db(), current.id, await organisationId(db(), 'cumberland'), 'council');
      await shareCase(db(), current.id, await organisationId(db(), 'nhs-north-cumbria'), 'panel');
      const { cookie } = await signedIn({ roles, organisation });
      const page = await get(pageUrl(current.reference), cookie);
      expect(page.statusCode).toBe(403);
      expect(page.body).not.toContain('Mohammed Khan');
      const home = await get('/staff', cookie);
      const post = await postFrom(home, `${pageUrl(current.reference)}/${earlier.reference}`, cookie, {
        decision: 'confirmed',
      });
      expect(post.statusCode).toBe(403);
      expect(await db().select().from(referralLinks)).toEqual([]);
      expect(await log()).toEqual([]);
    },
  );

  it('sends an officer to the reason page for another officer’s case, then logs the reason with every view', async () => {
    const { earlier, current } = await people();
    const colleague = await createStaff(db(), { roles: ['prevent_officer'] });
    await assignReferral(db(), current.id, colleague.id);
    const { cookie } = await signedIn({ roles: ['prevent_officer'] });
    const page = await get(pageUrl(current.reference), cookie);
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe(`/staff/referrals/${current.reference}/reason`);
    const home = await get('/staff', cookie);
    const post = await postFrom(home, `${pageUrl(current.reference)}/${earlier.reference}`, cookie, {
      decision: 'confirmed',
    });
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toBe(`/staff/referrals/${current.reference}/reason`);
    expect(await db().select().from(referralLinks)).toEqual([]);
    expect(await log()).toEqual([]);

    const reasonPage = await get(`/staff/referrals/${current.reference}/reason`, cookie);
    const given = await postFrom(reasonPage, `/staff/referrals/${current.reference}/reason`, cookie, {
      reason: 'Checking earlier referrals while the officer is on leave',
    });
    expect(given.statusCode).toBe(303);
    const open = await get(pageUrl(current.reference), cookie);
    expect(open.statusCode).toBe(200);
    const confirm = await postFrom(open, `${pageUrl(current.reference)}/${earlier.reference}`, cookie, {
      decision: 'confirmed',
    });
    expect(confirm.statusCode).toBe(303);
    const entries = await log();
    expect(entries.length).toBeGreaterThan(2);
    for (const e of entries) expect(e.justification).toBe('Checking earlier referrals while the officer is on leave');
    expect(entries.at(-1)).toMatchObject({ action: 'combination', detail: { status: 'confirmed' } });
  });
});
