import { describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import type { Role } from '../../../src/db/schema/index.js';
import { accessLog, accessReasons } from '../../../src/db/schema/index.js';
import { engines } from '../../helpers/engines.js';
import { useTestApp } from '../../helpers/app.js';
import { FormClient } from '../../helpers/client.js';
import { completeJourney, publicReferral } from '../../helpers/journeys.js';
import { createStaff, organisationId, staffCookie } from '../../helpers/staff.js';
import { ago, assignReferral, createAdvice, createReferral, shareCase } from '../../helpers/cases.js';

describe.each(engines)('staff case pages (%s)', (engine) => {
  const t = useTestApp(engine);
  const db = () => t.database.db;

  async function signedIn(opts: { roles: Role[]; organisation?: string; displayName?: string }) {
    const staff = await createStaff(db(), opts);
    return { staff, cookie: await staffCookie(t.app, db(), staff) };
  }

  function get(url: string, cookie?: string) {
    return t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  }

  function consultations() {
    return db().select().from(accessLog).where(eq(accessLog.action, 'consultation')).orderBy(asc(accessLog.id));
  }

  /** Posts a form as the browser would: the CSRF cookie and token from the page just fetched, and the staff cookie. */
  async function postForm(
    url: string,
    cookie: string,
    page: { body: string; headers: Record<string, unknown> },
    fields: Record<string, string>,
  ) {
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    expect(token, 'CSRF token on the page').toBeTruthy();
    const setCookie = page.headers['set-cookie'];
    const csrfCookie = (Array.isArray(setCookie) ? setCookie : [String(setCookie)])
      .map((c) => String(c).split(';')[0]!)
      .find((c) => c.startsWith('prevent_csrf='));
    expect(csrfCookie, 'CSRF cookie').toBeTruthy();
    return t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: `${cookie}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token!, ...fields }).toString(),
    });
  }

  /** The rows of the intake table, as the references they link to, in order. */
  function listedReferences(body: string): string[] {
    return [...body.matchAll(/href="\/staff\/(?:referrals|advice)\/([2-9A-HJKMNP-Z]{8})"/g)].map((m) => m[1]!);
  }

  describe('the intake list', () => {
    it('lists new referrals and advice requests together, oldest first, with facts and no names', async () => {
      const { cookie } = await signedIn({ roles: ['prevent_officer'] });
      const officer = await createStaff(db(), { roles: ['prevent_officer'], displayName: 'Morgan Officer' });
      const oldest = await createReferral(db(), { receivedAt: ago(5, 2), source: 'post' });
      const advice = await createAdvice(db(), { receivedAt: ago(3, 1), source: 'phone', askerName: 'Quinn Asker' });
      const newest = await createReferral(db(), {
        receivedAt: ago(0, 2),
        personFullName: 'Taylor Secretname',
        concernText: 'A concern nobody may read in a list',
        referrerName: 'Riley Referrername',
      });
      await assignReferral(db(), newest.id, officer.id);
      const triaged = await createReferral(db(), { receivedAt: ago(9), status: 'in_triage' });
      const answered = await createAdvice(db(), { receivedAt: ago(8), status: 'answered' });

      const res = await get('/staff/intake', cookie);
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(listedReferences(res.body)).toEqual([oldest.reference, advice.reference, newest.reference]);
      expect(res.body).not.toContain(triaged.reference);
      expect(res.body).not.toContain(answered.reference);
      expect(res.body).toContain('Showing 1 to 3 of 3 waiting');

      const rows = [...res.body.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].map((m) =>
        [...m[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim()),
      );
      expect(rows[0]).toEqual(['Reference', 'Type', 'Received', 'Age in days', 'Channel', 'Assigned to']);
      expect(rows[1]).toEqual([
        oldest.reference,
        'Referral',
        expect.stringMatching(/^\d+ \w+ \d{4} at \d+:\d\d[ap]m$/),
        '5',
        'Post',
        'Unassigned',
      ]);
      expect(rows[2]).toEqual([advice.reference, 'Advice request', expect.any(String), '3', 'Phone', 'Whole team']);
      expect(rows[3]).toEqual([newest.reference, 'Referral', expect.any(String), '0', 'E-mail', 'Morgan Officer']);

      for (const secret of [
        'Taylor Secretname',
        'A concern nobody may read',
        'Riley Referrername',
        'Quinn Asker',
        'Robin Testperson',
      ])
        expect(res.body).not.toContain(secret);
      // A list is not a view of any case: one entry for the page seen, naming no case.
      const entries = await consultations();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ recordType: 'intake-list', recordId: null, reference: null });
      expect(entries[0]!.detail).toMatchObject({ page: 1 });
    });

    it('shows 50 a page, with pagination, and refuses a page that is not a page', async () => {
      const { cookie } = await signedIn({ roles: ['prevent_supervisor'] });
      const made: string[] = [];
      for (let i = 0; i < 53; i++) {
        const receivedAt = ago(60 - i);
        const item =
          i % 3 === 0 ? await createAdvice(db(), { receivedAt }) : await createReferral(db(), { receivedAt });
        made.push(item.reference);
      }
      const first = await get('/staff/intake', cookie);
      expect(first.statusCode).toBe(200);
      expect(listedReferences(first.body)).toEqual(made.slice(0, 50));
      expect(first.body).toContain('Showing 1 to 50 of 53 waiting');
      expect(first.body).toContain('govuk-pagination');
      expect(first.body).toMatch(
        /<a[^>]*href="\/staff\/intake\?page=2"[^>]*rel="next"|rel="next"[^>]*href="\/staff\/intake\?page=2"/,
      );

      const second = await get('/staff/intake?page=2', cookie);
      expect(second.statusCode).toBe(200);
      expect(listedReferences(second.body)).toEqual(made.slice(50));
      expect(second.body).toContain('Showing 51 to 53 of 53 waiting');
      expect(second.body).toMatch(/href="\/staff\/intake"[^>]*rel="prev"|rel="prev"[^>]*href="\/staff\/intake"/);
      expect(second.body).toContain('(page 2 of 2)');

      const beyond = await get('/staff/intake?page=7', cookie);
      expect(beyond.statusCode).toBe(303);
      expect(beyond.headers.location).toBe('/staff/intake?page=2');

      for (const bad of ['0', '-1', 'abc', '1.5', '01', '9999999', '2&page=3'])
        expect((await get(`/staff/intake?page=${bad}`, cookie)).statusCode, bad).toBe(404);
    });

    it('says when nothing is waiting', async () => {
      const { cookie } = await signedIn({ roles: ['prevent_officer'] });
      const res = await get('/staff/intake', cookie);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Nothing is waiting');
      expect(res.body).not.toContain('govuk-table');
      expect(res.body).not.toContain('govuk-pagination');
      const beyond = await get('/staff/intake?page=2', cookie);
      expect(beyond.statusCode).toBe(303);
      expect(beyond.headers.location).toBe('/staff/intake');
    });
  });

  describe('a referral', () => {
    it('shows the whole referral read-only, and writes exactly one consultation entry', async () => {
      const { staff, cookie } = await signedIn({ roles: ['prevent_officer'] });
      const referral = await createReferral(db(), {
        receivedAt: new Date('2026-07-01T09:30:00Z'),
        personFullName: 'Jordan <b>Bold</b>',
        personDob: '2010-02-03',
        personGender: 'female',
        concernText: 'Line one\nLine two',
        concernViolence: 'yes',
        concernViolenceDetails: 'Talked about a knife',
        vulnerabilities: ['mental-health', 'sen'],
        concernTypeCode: 'not-sure',
        referrerType: 'professional',
        referrerName: 'Sam Teacher',
        referrerOrganisation: 'Example Academy',
        referrerSectorCode: 'education',
        referrerEmail: 'sam@example.sch.uk',
        source: 'phone',
      });
      const res = await get(`/staff/referrals/${referral.reference}`, cookie);
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      for (const heading of ['About the person', 'The concern', 'Who made the referral', 'How it arrived'])
        expect(res.body).toContain(`<h2 class="govuk-heading-m">${heading}</h2>`);
      expect(res.body).toContain('Jordan &lt;b&gt;Bold&lt;/b&gt;'); // escaped, never markup
      expect(res.body).not.toContain('<b>Bold</b>');
      expect(res.body).toContain('Line one<br>Line two');
      expect(res.body).toContain('3 February 2010');
      expect(res.body).toContain('Talked about a knife');
      expect(res.body).toContain('Mental health needs<br>Special educational needs');
      expect(res.body).toContain('Sam Teacher');
      expect(res.body).toContain('Education');
      expect(res.body).toContain('1 July 2026 at 10:30am'); // UK summer time
      expect(res.body).toContain('Unassigned');
      expect(res.body).toMatch(/Status[\s\S]*?New/);
      expect(res.body).toContain(`href="/staff/referrals/${referral.reference}/summary.pdf"`);
      expect(res.body).toContain('Download summary (PDF)');
      expect(res.body).toMatch(
        /href="\/staff\/intake"[^>]*class="govuk-back-link"|class="govuk-back-link"[^>]*href="\/staff\/intake"/,
      );

      const entries = await consultations();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        action: 'consultation',
        recordType: 'referral',
        recordId: referral.id,
        reference: referral.reference,
        actorType: 'staff',
        actorId: staff.id,
        organisation: 'cumbria-police-prevent',
        channel: 'staff-web',
        justification: null,
        detail: { route: '/staff/referrals/:reference', basis: 'intake-queue' },
      });
    });

    it('says an anonymous referrer cannot be contacted', async () => {
      const { cookie } = await signedIn({ roles: ['prevent_officer'] });
      const referral = await createReferral(db(), { referrerAnonymous: true });
      const res = await get(`/staff/referrals/${referral.reference}`, cookie);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(
        'The person who made this referral chose not to give their details. We cannot contact them.',
      );
      expect(res.body).not.toContain('Casey Referrer');
    });

    it('gives the PDF summary of an online referral, as an attachment named by reference, and logs it', async () => {
      const reference = await completeJourney(new FormClient(t.app), '/refer', publicReferral);
      const { staff, cookie } = await signedIn({ roles: ['prevent_officer'] });
      const res = await get(`/staff/referrals/${reference}/summary.pdf`, cookie);
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="referral-${reference}.pdf"`);
      expect(res.headers['cache-control']).toBe('no-store');
      const entries = await consultations();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        reference,
        actorId: staff.id,
        organisation: 'cumbria-police-prevent',
        detail: { route: '/staff/referrals/:reference/summary.pdf' },
      });
    });

    it('gives a PDF for a referral typed in from an e-mail too', async () => {
      const { cookie } = await signedIn({ roles: ['prevent_officer'] });
      const referral = await createReferral(db());
      const res = await get(`/staff/referrals/${referral.reference}/summary.pdf`, cookie);
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(res.rawPayload.length).toBeGreaterThan(2000);
    });
  });

  describe('an advice request', () => {
    it('shows the request read-only, and logs the view', async () => {
      const { staff, cookie } = await signedIn({ roles: ['prevent_officer'] });
      const advice = await createAdvice(db(), {
        question: 'Is this <i>radicalisation</i>?',
        aboutPerson: 'My nephew',
        askerType: 'professional',
        askerOrganisation: 'Youth club',
        askerEmail: 'drew@example.org',
        askerContactPreference: 'email',
      });
      const res = await get(`/staff/advice/${advice.reference}`, cookie);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Is this &lt;i&gt;radicalisation&lt;/i&gt;?');
      for (const text of [
        'My nephew',
        'Drew Asker',
        'Youth club',
        'drew@example.org',
        '01632 960 002',
        'By email',
        'Phone',
      ])
        expect(res.body).toContain(text);
      expect(res.body).not.toContain('summary.pdf');
      const entries = await consultations();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        recordType: 'advice',
        recordId: advice.id,
        reference: advice.reference,
        actorId: staff.id,
        organisation: 'cumbria-police-prevent',
        justification: null,
      });
    });
  });

  describe('who may open a case', () => {
    async function sharedReferral() {
      const referral = await createReferral(db());
      await shareCase(db(), referral.id, await organisationId(db(), 'cumberland'), 'council');
      await shareCase(db(), referral.id, await organisationId(db(), 'nhs-north-cumbria'), 'panel');
      return referral;
    }

    const refused: { who: string; roles: Role[]; organisation: string }[] = [
      {
        who: 'a channel coordinator of another council',
        roles: ['channel_coordinator'],
        organisation: 'westmorland-furness',
      },
      {
        who: 'a panel member whose agency the case was not brought to',
        roles: ['panel_member'],
        organisation: 'probation-cumbria',
      },
      { who: 'an engagement officer', roles: ['engagement_officer'], organisation: 'cumbria-police-prevent' },
      { who: 'an analyst', roles: ['analyst'], organisation: 'cumbria-police-prevent' },
      { who: 'the data protection officer', roles: ['dpo'], organisation: 'cumbria-police-prevent' },
      { who: 'an administrator', roles: ['administrator'], organisation: 'cumbria-police-prevent' },
    ];

    it.each(refused)('refuses $who everything, and logs no view', async ({ roles, organisation }) => {
      const referral = await sharedReferral();
      const advice = await createAdvice(db());
      const { cookie } = await signedIn({ roles, organisation });
      for (const url of [
        `/staff/referrals/${referral.reference}`,
        `/staff/referrals/${referral.reference}/summary.pdf`,
        `/staff/referrals/${referral.reference}/reason`,
        `/staff/advice/${advice.reference}`,
        '/staff/intake',
      ]) {
        const res = await get(url, cookie);
        expect(res.statusCode, url).toBe(403);
        expect(res.headers['content-type'], url).toMatch(/^text\/html/);
        expect(res.body, url).toContain('You do not have permission to see this page');
        expect(res.body, url).not.toContain('Robin Testperson');
      }
      expect(await consultations()).toEqual([]);
    });

    it('lets a coordinator of the council the case was handed to open it and its PDF, but not the queue', async () => {
      const referral = await sharedReferral();
      const { staff, cookie } = await signedIn({ roles: ['channel_coordinator'], organisation: 'cumberland' });
      const view = await get(`/staff/referrals/${referral.reference}`, cookie);
      expect(view.statusCode).toBe(200);
      expect(view.body).toContain('Robin Testperson');
      // "Back" goes home: the intake list is the Prevent team's.
      expect(view.body).toMatch(
        /class="govuk-back-link"[^>]*href="\/staff"|href="\/staff"[^>]*class="govuk-back-link"/,
      );
      const pdf = await get(`/staff/referrals/${referral.reference}/summary.pdf`, cookie);
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect((await get('/staff/intake', cookie)).statusCode).toBe(403);
      const entries = await consultations();
      expect(entries).toHaveLength(2);
      for (const e of entries)
        expect(e).toMatchObject({ actorId: staff.id, organisation: 'cumberland', detail: { basis: 'council' } });
    });

    it('refuses the council once the hand-over has ended', async () => {
      const referral = await createReferral(db());
      await shareCase(db(), referral.id, await organisationId(db(), 'cumberland'), 'council', { ended: true });
      const { cookie } = await signedIn({ roles: ['channel_coordinator'], organisation: 'cumberland' });
      expect((await get(`/staff/referrals/${referral.reference}`, cookie)).statusCode).toBe(403);
    });

    it('lets a panel member whose agency the case was brought to open it', async () => {
      const referral = await sharedReferral();
      const { cookie } = await signedIn({ roles: ['panel_member'], organisation: 'nhs-north-cumbria' });
      expect((await get(`/staff/referrals/${referral.reference}`, cookie)).statusCode).toBe(200);
      expect((await get(`/staff/referrals/${referral.reference}/summary.pdf`, cookie)).statusCode).toBe(200);
      const [entry] = await consultations();
      expect(entry).toMatchObject({ organisation: 'nhs-north-cumbria', detail: { basis: 'panel' } });
    });

    it('lets an officer open an unassigned referral and their own without a reason', async () => {
      const { staff, cookie } = await signedIn({ roles: ['prevent_officer'] });
      const unassigned = await createReferral(db());
      const own = await createReferral(db());
      await assignReferral(db(), own.id, staff.id);
      for (const ref of [unassigned.reference, own.reference]) {
        expect((await get(`/staff/referrals/${ref}`, cookie)).statusCode, ref).toBe(200);
        // No reason is needed: the reason page goes straight on to the case.
        const reason = await get(`/staff/referrals/${ref}/reason`, cookie);
        expect(reason.statusCode).toBe(303);
        expect(reason.headers.location).toBe(`/staff/referrals/${ref}`);
      }
      const entries = await consultations();
      expect(entries.map((e) => e.detail)).toEqual([
        { route: '/staff/referrals/:reference', basis: 'intake-queue' },
        { route: '/staff/referrals/:reference', basis: 'assigned' },
      ]);
    });

    it('asks an officer for a reason before opening another officer’s case, and logs it with the view', async () => {
      const other = await createStaff(db(), { roles: ['prevent_officer'], displayName: 'Avery Colleague' });
      const { staff, cookie } = await signedIn({ roles: ['prevent_officer'] });
      const referral = await createReferral(db());
      await assignReferral(db(), referral.id, other.id);
      const caseUrl = `/staff/referrals/${referral.reference}`;
      const reasonUrl = `${caseUrl}/reason`;

      for (const url of [caseUrl, `${caseUrl}/summary.pdf`]) {
        const res = await get(url, cookie);
        expect(res.statusCode, url).toBe(303);
        expect(res.headers.location, url).toBe(reasonUrl);
      }
      expect(await consultations()).toEqual([]);

      const page = await get(reasonUrl, cookie);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('This case is assigned to another officer');
      expect(page.body).toContain('It is assigned to Avery Colleague.');
      expect(page.body).toContain('recorded with your name in the access log');
      expect(page.body).toContain('Why do you need to open this case?');
      expect(page.body).toContain('govuk-character-count');
      expect(page.body).not.toContain('Robin Testperson');
      expect(await consultations()).toEqual([]); // asking is not a view

      const short = await postForm(reasonUrl, cookie, page, { reason: '  too short ' });
      expect(short.statusCode).toBe(400);
      expect(short.body).toContain('<title>Error: ');
      expect(short.body).toContain('govuk-error-summary');
      expect(short.body).toContain('href="#reason">Why you need to open this case must be 10 characters or more</a>');
      expect(short.body).toMatch(
        /id="reason-error"[\s\S]*?Why you need to open this case must be 10 characters or more/,
      );
      expect(short.body).toContain('too short');

      const empty = await postForm(reasonUrl, cookie, page, { reason: '' });
      expect(empty.statusCode).toBe(400);
      expect(empty.body).toContain('Enter why you need to open this case');

      const long = await postForm(reasonUrl, cookie, page, { reason: 'x'.repeat(501) });
      expect(long.statusCode).toBe(400);
      expect(long.body).toContain('Why you need to open this case must be 500 characters or fewer');
      expect(await db().select().from(accessReasons)).toEqual([]);

      const reason = 'Custody sergeant asked for background after an arrest';
      const good = await postForm(reasonUrl, cookie, page, { reason: `  ${reason}\r\n` });
      expect(good.statusCode).toBe(303);
      expect(good.headers.location).toBe(caseUrl);

      const view = await get(caseUrl, cookie);
      expect(view.statusCode).toBe(200);
      expect(view.body).toContain('Robin Testperson');
      expect(view.body).toContain('Avery Colleague');
      const pdf = await get(`${caseUrl}/summary.pdf`, cookie);
      expect(pdf.statusCode).toBe(200);
      // The reason lasts for the session: the reason page goes straight on now.
      expect((await get(reasonUrl, cookie)).headers.location).toBe(caseUrl);

      const entries = await consultations();
      expect(entries).toHaveLength(2);
      for (const e of entries)
        expect(e).toMatchObject({
          recordId: referral.id,
          actorId: staff.id,
          organisation: 'cumbria-police-prevent',
          justification: reason,
          detail: { basis: 'not-assigned' },
        });

      // A new session asks again.
      const again = await get(caseUrl, await staffCookie(t.app, db(), staff));
      expect(again.statusCode).toBe(303);
      expect(again.headers.location).toBe(reasonUrl);
    });

    it('refuses a reason sent without the form’s CSRF token', async () => {
      const other = await createStaff(db(), { roles: ['prevent_officer'] });
      const { cookie } = await signedIn({ roles: ['prevent_officer'] });
      const referral = await createReferral(db());
      await assignReferral(db(), referral.id, other.id);
      const res = await t.app.inject({
        method: 'POST',
        url: `/staff/referrals/${referral.reference}/reason`,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'reason=I+need+it+for+an+investigation',
      });
      expect(res.statusCode).toBe(403);
      expect(await db().select().from(accessReasons)).toEqual([]);
    });
  });

  describe('what is not there', () => {
    it('answers 404 for an unknown or malformed reference, and logs nothing', async () => {
      const { cookie } = await signedIn({ roles: ['prevent_supervisor'] });
      const advice = await createAdvice(db());
      const referral = await createReferral(db());
      const urls = [
        '/staff/referrals/ABCDEFGH',
        '/staff/referrals/ABCDEFGH/summary.pdf',
        '/staff/referrals/ABCDEFGH/reason',
        '/staff/advice/ABCDEFGH',
        '/staff/referrals/abc',
        '/staff/referrals/ABCDEFGI', // I is not in the alphabet
        `/staff/referrals/${referral.reference.toLowerCase()}`,
        `/staff/referrals/${referral.reference}X`,
        `/staff/referrals/${advice.reference}`, // an advice request is not a referral
        `/staff/advice/${referral.reference}`,
        `/staff/referrals/%27%20or%201=1--`,
      ];
      for (const url of urls) {
        const res = await get(url, cookie);
        expect(res.statusCode, url).toBe(404);
      }
      expect(await consultations()).toEqual([]);
    });

    it('sends someone who is not signed in to sign in, and logs nothing', async () => {
      const referral = await createReferral(db());
      const advice = await createAdvice(db());
      for (const url of [
        '/staff/intake',
        `/staff/referrals/${referral.reference}`,
        `/staff/referrals/${referral.reference}/summary.pdf`,
        `/staff/advice/${advice.reference}`,
      ]) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(303);
        expect(res.headers.location, url).toBe(`/staff/sign-in?next=${encodeURIComponent(url)}`);
      }
      const post = await t.app.inject({
        method: 'POST',
        url: `/staff/referrals/${referral.reference}/reason`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'reason=whatever+it+is+here',
      });
      expect(post.statusCode).toBe(403); // no CSRF token: refused before anything else
      expect(await consultations()).toEqual([]);
      expect(await db().select().from(accessLog).where(eq(accessLog.actorType, 'staff'))).toEqual([]);
    });
  });
});
