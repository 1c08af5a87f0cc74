import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accessLog, attachments, caseEvents, drafts, referrals } from '../../../src/db/schema/index.js';
import { useTestApp } from '../../helpers/app.js';
import { engines } from '../../helpers/engines.js';
import { createStaff } from '../../helpers/staff.js';
import { multipart, staffSession, testEml, TINY_PDF } from './upload-helpers.js';

const URL_BASE = '/staff/intake/from-email';

/** A referral entered from an e-mail: upload, side-by-side form, one referral per upload; on both engines. */
describe.each(engines)('referrals that arrive by e-mail (%s)', (engine) => {
  const t = useTestApp(engine);
  const db = () => t.database.db;

  async function officer() {
    const staff = await createStaff(db(), { roles: ['prevent_officer'], displayName: 'Alex Officer' });
    return { staff, who: await staffSession(t.app, db(), staff) };
  }

  const uploadEml = (who: { cookie: string; csrf: string }, data: Buffer, filename = 'referral.eml', csrf = true) => {
    const body = multipart(csrf ? { _csrf: who.csrf } : {}, { field: 'eml', filename, type: 'message/rfc822', data });
    return t.app.inject({
      method: 'POST',
      url: URL_BASE,
      headers: { cookie: who.cookie, ...body.headers },
      payload: body.payload,
    });
  };

  const answers = (csrf: string, over: Record<string, string> = {}) =>
    new URLSearchParams({
      _csrf: csrf,
      personFullName: 'Jordan Pupil',
      personDobKnown: 'no',
      personAgeApprox: '15',
      personAddressKnown: 'no',
      concernText: 'Sharing violent videos with classmates and talking about weapons.',
      concernViolence: 'unknown',
      personAware: 'no',
      referrerType: 'professional',
      referrerName: 'Sam Teacher',
      referrerOrganisation: 'Carlisle Academy',
      referrerEmail: 'sam.teacher@school.example',
      ...over,
    }).toString();

  const post = (who: { cookie: string }, url: string, payload: string) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload,
    });

  it('shows the upload page', async () => {
    const { who } = await officer();
    const res = await t.app.inject({ method: 'GET', url: URL_BASE, headers: { cookie: who.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('enctype="multipart/form-data"');
  });

  it('creates a referral from an uploaded e-mail with the original, its form, a received entry and a collection entry', async () => {
    const { staff, who } = await officer();
    const up = await uploadEml(who, testEml());
    expect(up.statusCode).toBe(303);
    const location = String(up.headers.location);
    expect(location).toMatch(new RegExp(`^${URL_BASE}/[0-9a-f-]{36}$`));
    const draftId = location.split('/').pop()!;

    const step2 = await t.app.inject({ method: 'GET', url: location, headers: { cookie: who.cookie } });
    expect(step2.statusCode).toBe(200);
    expect(step2.body).toContain('Sam Teacher &lt;sam.teacher@school.example&gt;');
    expect(step2.body).toContain('Referral about a pupil');
    expect(step2.body).toContain('sharing violent videos');
    expect(step2.body).toContain('referral-form.pdf');
    expect(step2.body).toContain('value="sam.teacher@school.example"');

    const created = await post(who, location, answers(who.csrf));
    expect(created.statusCode).toBe(303);
    const reference = /^\/staff\/referrals\/([2-9A-HJKMNP-Z]{8})$/.exec(String(created.headers.location))?.[1];
    expect(reference).toBeTruthy();
    const [referral] = await db().select().from(referrals).where(eq(referrals.reference, reference!));
    expect(referral).toMatchObject({
      source: 'email',
      draftId,
      status: 'new',
      personFullName: 'Jordan Pupil',
      personAgeApprox: 15,
      referrerType: 'professional',
      referrerAnonymous: false,
      referrerEmail: 'sam.teacher@school.example',
    });
    const files = await db().select().from(attachments).where(eq(attachments.referralId, referral!.id));
    expect(files.map((f) => [f.role, f.mediaType, f.fileName]).sort()).toEqual([
      ['original_email', 'message/rfc822', 'referral.eml'],
      ['original_form', 'application/pdf', 'referral-form.pdf'],
    ]);
    expect(Buffer.from(files.find((f) => f.role === 'original_form')!.content!).equals(TINY_PDF)).toBe(true);
    expect(Buffer.from(files.find((f) => f.role === 'original_email')!.content!).equals(testEml())).toBe(true);
    const events = await db().select().from(caseEvents).where(eq(caseEvents.referralId, referral!.id));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'received',
      authorKind: 'staff',
      authorId: staff.id,
      data: { source: 'email' },
    });
    const collected = await db().select().from(accessLog).where(eq(accessLog.action, 'collection'));
    expect(collected).toHaveLength(1);
    expect(collected[0]).toMatchObject({
      recordId: referral!.id,
      reference,
      actorType: 'staff',
      actorId: staff.id,
      channel: 'email',
    });
    // The e-mail left the draft.
    const [draft] = await db().select().from(drafts).where(eq(drafts.id, draftId));
    expect(JSON.stringify(draft!.answers)).not.toContain('Jordan');
    expect(draft!.submittedReference).toBe(reference);

    const chronology = await t.app.inject({
      method: 'GET',
      url: `/staff/referrals/${reference}/chronology`,
      headers: { cookie: who.cookie },
    });
    expect(chronology.body).toContain('Received by e-mail');
    expect(chronology.body).toContain('The original e-mail (E-mail)');
  });

  it('creates exactly one referral when the form is sent twice, one after the other or at once', async () => {
    const { who } = await officer();
    const first = String((await uploadEml(who, testEml())).headers.location);
    const a = await post(who, first, answers(who.csrf));
    const b = await post(who, first, answers(who.csrf));
    expect(a.statusCode).toBe(303);
    expect(b.statusCode).toBe(303);
    expect(b.headers.location).toBe(a.headers.location);
    // A GET of the finished step goes to the referral too.
    const again = await t.app.inject({ method: 'GET', url: first, headers: { cookie: who.cookie } });
    expect(again.headers.location).toBe(a.headers.location);

    const second = String((await uploadEml(who, testEml({ pdf: false }))).headers.location);
    const both = await Promise.all([post(who, second, answers(who.csrf)), post(who, second, answers(who.csrf))]);
    expect(both.map((r) => r.statusCode)).toEqual([303, 303]);
    expect(both[0]!.headers.location).toBe(both[1]!.headers.location);
    expect(await db().$count(referrals)).toBe(2);
    expect(await db().$count(accessLog, eq(accessLog.action, 'collection'))).toBe(2);
    expect(await db().$count(caseEvents, eq(caseEvents.kind, 'received'))).toBe(2);
  });

  it('refuses a file that is not an e-mail, an empty file, no file and a missing CSRF token', async () => {
    const { who } = await officer();
    for (const [data, message] of [
      [Buffer.from('Hello, this is just some text somebody typed.\nNothing more.\n'), 'is not an e-mail'],
      [Buffer.from('Subject: no sender\n\nbody\n'), 'is not an e-mail'],
      [TINY_PDF, 'is not an e-mail'],
      [Buffer.alloc(0), 'The selected file is empty'],
    ] as const) {
      const res = await uploadEml(who, data);
      expect(res.statusCode, message).toBe(400);
      expect(res.body).toContain('govuk-error-summary');
      expect(res.body).toContain(message);
      expect(res.body).toContain('href="#eml"');
    }
    const none = await post(who, URL_BASE, `_csrf=${encodeURIComponent(who.csrf)}`);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Select the e-mail file (.eml) to upload');
    const forged = await uploadEml(who, testEml(), 'x.eml', false);
    expect(forged.statusCode).toBe(403);
    expect(forged.headers['content-type']).toMatch(/^text\/html/);
    expect(await db().$count(drafts)).toBe(0);
  });

  it('shows the fields with GOV.UK errors when the referral is incomplete, and creates nothing', async () => {
    const { who } = await officer();
    const location = String((await uploadEml(who, testEml())).headers.location);
    const res = await post(
      who,
      location,
      answers(who.csrf, { personFullName: '', concernViolence: '', referrerEmail: '', referrerPhone: '' }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('href="#personFullName"');
    expect(res.body).toContain('Enter the full name of the person');
    expect(res.body).toContain('href="#concernViolence"');
    expect(res.body).toContain('Enter the referrer’s email address or telephone number');
    // The original is still beside the form.
    expect(res.body).toContain('Referral about a pupil');
    expect(await db().$count(referrals)).toBe(0);
  });

  it("keeps an upload to the person who made it: another officer's request gets 404", async () => {
    const { who } = await officer();
    const location = String((await uploadEml(who, testEml())).headers.location);
    const other = await staffSession(t.app, db(), await createStaff(db(), { roles: ['prevent_officer'] }));
    expect((await t.app.inject({ method: 'GET', url: location, headers: { cookie: other.cookie } })).statusCode).toBe(
      404,
    );
    expect((await post(other, location, answers(other.csrf))).statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'GET', url: `${URL_BASE}/not-a-uuid`, headers: { cookie: who.cookie } }))
        .statusCode,
    ).toBe(404);
    expect(await db().$count(referrals)).toBe(0);
  });
});
