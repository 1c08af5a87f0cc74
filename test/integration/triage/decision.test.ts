import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../../src/db/client.js';
import { queryRows } from '../../../src/db/sql.js';
import { takeReferral } from '../../../src/features/triage/workflow.js';
import { useTestApp } from '../../helpers/app.js';
import { FormClient } from '../../helpers/client.js';
import { engines } from '../../helpers/engines.js';
import { createReferral } from '../../helpers/cases.js';
import { createStaff, organisationId, type TestStaff } from '../../helpers/staff.js';
import { signedInClient } from '../../helpers/staff.js';

/** A FormClient signed in as this person (session made directly; the sign-in journey has its own tests). */
async function signedIn(app: FastifyInstance, database: Database, staff: { id: string }): Promise<FormClient> {
  const client = await signedInClient(app, database.db, staff);
  expect((await client.get('/staff/account')).status).toBe(200);
  return client;
}

const plain = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe.each(engines)('threshold decisions, approval, explanations and hand-overs (%s)', (engine) => {
  const t = useTestApp(engine);
  const db = () => t.database.db;

  async function status(referralId: string): Promise<string> {
    const [r] = await queryRows<{ status: string }>(db(), sql`select status from referrals where id = ${referralId}`);
    return r!.status;
  }

  async function decisionsOf(referralId: string) {
    return queryRows<{
      id: string;
      outcome: string;
      approval: string;
      referred_to: string | null;
      made_by: string;
      reviewed_by: string | null;
      review_comment: string | null;
      on_repeat: boolean;
    }>(
      db(),
      sql`select id, outcome, approval, referred_to, made_by, reviewed_by, review_comment, on_repeat
          from decisions where referral_id = ${referralId} order by made_at, id`,
    );
  }

  async function events(referralId: string) {
    return queryRows<{ kind: string; author_id: string | null; body: string | null; data: Record<string, unknown> }>(
      db(),
      sql`select kind, author_id, body, data from case_events where referral_id = ${referralId} order by id`,
    );
  }

  async function log(action: string) {
    return queryRows<{
      record_id: string | null;
      reference: string | null;
      actor_id: string;
      organisation: string;
      justification: string | null;
      recipients: string[] | null;
      detail: Record<string, unknown>;
      record_type: string;
    }>(
      db(),
      sql`select record_id::text, reference, actor_id, organisation, justification, recipients, detail, record_type
          from access_log where action = ${action} order by id`,
    );
  }

  interface Setup {
    officer: TestStaff;
    referral: { id: string; reference: string };
    client: FormClient;
  }

  /** An officer with a referral taken into triage (override anything about the referral). */
  async function inTriage(values: Parameters<typeof createReferral>[1] = {}, officer?: TestStaff): Promise<Setup> {
    const who = officer ?? (await createStaff(db(), { roles: ['prevent_officer'], displayName: 'Olive Officer' }));
    const referral = await createReferral(db(), values);
    await takeReferral(db(), who.id, referral.id);
    return { officer: who, referral, client: await signedIn(t.app, t.database, who) };
  }

  async function decide(client: FormClient, reference: string, fields: Record<string, string>) {
    expect((await client.get(`/staff/referrals/${reference}/decision`)).status).toBe(200);
    return client.post(`/staff/referrals/${reference}/decision`, fields);
  }

  async function supervisor(name = 'Sam Supervisor'): Promise<{ staff: TestStaff; client: FormClient }> {
    const staff = await createStaff(db(), { roles: ['prevent_supervisor'], displayName: name });
    return { staff, client: await signedIn(t.app, t.database, staff) };
  }

  async function review(client: FormClient, reference: string, fields: Record<string, string>) {
    expect((await client.get(`/staff/referrals/${reference}/approval`)).status).toBe(200);
    return client.post(`/staff/referrals/${reference}/approval`, fields);
  }

  const RATIONALE = 'Checks found nothing of concern; the school is already supporting.';

  describe('the decision', () => {
    it.each([
      ['no_further_action', {}, 'pending', 'awaiting_approval', 'Sent to a supervisor for approval'],
      ['signposted', { referredTo: 'Children’s social care' }, 'pending', 'awaiting_approval', 'Sent to a supervisor'],
      ['police_led', {}, 'not_required', 'decided', 'Decision recorded'],
      ['channel', {}, 'not_required', 'decided', 'Decision recorded'],
    ] as const)('records %s on a first referral (approval %s)', async (outcome, extra, approval, state, banner) => {
      const { officer, referral, client } = await inTriage();
      const res = await decide(client, referral.reference, { outcome, rationale: RATIONALE, ...extra });
      expect(res.status).toBe(303);
      const page = await client.follow(res);
      expect(page.status).toBe(200);
      expect(plain(page.body)).toContain(banner);
      expect(await status(referral.id)).toBe(state);
      const [d] = await decisionsOf(referral.id);
      expect(d).toMatchObject({ outcome, approval, made_by: officer.id, on_repeat: false });
      expect(d!.referred_to).toBe(outcome === 'signposted' ? 'Children’s social care' : null);
      const evs = await events(referral.id);
      const decision = evs.find((e) => e.kind === 'decision')!;
      expect(decision).toMatchObject({ author_id: officer.id, body: RATIONALE });
      expect(decision.data).toEqual({
        decisionId: d!.id,
        outcome,
        referredTo: d!.referred_to,
        approval,
      });
      expect(evs.at(-1)).toMatchObject({
        kind: 'status',
        data: expect.objectContaining({ from: 'in_triage', to: state }),
      });
    });

    it('needs approval for any decision on a repeat referral', async () => {
      for (const outcome of ['police_led', 'channel']) {
        const { referral, client } = await inTriage({ isRepeat: true });
        await decide(client, referral.reference, { outcome, rationale: RATIONALE });
        expect(await status(referral.id)).toBe('awaiting_approval');
        expect((await decisionsOf(referral.id))[0]).toMatchObject({ approval: 'pending', on_repeat: true });
      }
    });

    it('shows what is missing and records nothing', async () => {
      const { referral, client } = await inTriage();
      let res = await decide(client, referral.reference, {});
      expect(res.status).toBe(400);
      expect(plain(res.body)).toContain('Select the decision');
      expect(plain(res.body)).toContain('Enter the reasons for the decision');
      expect(res.body).toMatch(/<title>\s*Error:/);
      res = await client.post(`/staff/referrals/${referral.reference}/decision`, {
        outcome: 'signposted',
        rationale: '  too short ',
      });
      expect(res.status).toBe(400);
      expect(plain(res.body)).toContain('Enter which service the person is signposted or referred to');
      expect(plain(res.body)).toContain('The reasons for the decision must be 10 characters or more');
      res = await client.post(`/staff/referrals/${referral.reference}/decision`, {
        outcome: 'maybe',
        rationale: RATIONALE,
      });
      expect(res.status).toBe(400);
      expect(await decisionsOf(referral.id)).toEqual([]);
      expect(await status(referral.id)).toBe('in_triage');
    });

    it('refuses a decision on a referral that is not in triage', async () => {
      const { referral, client } = await inTriage();
      await decide(client, referral.reference, { outcome: 'no_further_action', rationale: RATIONALE });
      const res = await client.post(`/staff/referrals/${referral.reference}/decision`, {
        outcome: 'channel',
        rationale: RATIONALE,
      });
      expect(res.status).toBe(409);
      expect(plain(res.body)).toContain('This referral is not in triage');
      expect(await decisionsOf(referral.id)).toHaveLength(1);
    });

    it('is refused to another officer, and to a council coordinator', async () => {
      const { referral } = await inTriage();
      const other = await signedIn(t.app, t.database, await createStaff(db(), { roles: ['prevent_officer'] }));
      expect((await other.get(`/staff/referrals/${referral.reference}/decision`)).status).toBe(403);
      const coordinator = await signedIn(
        t.app,
        t.database,
        await createStaff(db(), { roles: ['channel_coordinator'], organisation: 'cumberland' }),
      );
      expect((await coordinator.get(`/staff/referrals/${referral.reference}/decision`)).status).toBe(403);
    });
  });

  describe('approval', () => {
    it('lists pending decisions without names, and a supervisor approves', async () => {
      const { officer, referral, client } = await inTriage({ isRepeat: true });
      await decide(client, referral.reference, { outcome: 'no_further_action', rationale: RATIONALE });
      const sup = await supervisor();
      const list = await sup.client.get('/staff/triage/approvals');
      expect(list.status).toBe(200);
      const text = plain(list.body);
      expect(text).toContain(referral.reference);
      expect(text).toContain('Does not meet the threshold: no further action');
      expect(text).toContain('Olive Officer');
      expect(text).toMatch(/Olive Officer .* Yes/);
      expect(text).not.toContain('Robin Testperson');
      expect(text).not.toContain('Casey Referrer');

      const page = await sup.client.get(`/staff/referrals/${referral.reference}/approval`);
      expect(plain(page.body)).toContain(RATIONALE);
      expect(page.body).toContain(`href="/staff/referrals/${referral.reference}"`);

      const res = await review(sup.client, referral.reference, { verdict: 'approve', comment: '' });
      expect(res.status).toBe(303);
      expect(plain((await sup.client.follow(res)).body)).toContain('Decision approved');
      expect(await status(referral.id)).toBe('decided');
      const [d] = await decisionsOf(referral.id);
      expect(d).toMatchObject({ approval: 'approved', reviewed_by: sup.staff.id, review_comment: null });
      const evs = await events(referral.id);
      expect(evs.find((e) => e.kind === 'approval')).toMatchObject({
        author_id: sup.staff.id,
        data: { decisionId: d!.id },
      });
      expect(evs.at(-1)).toMatchObject({ kind: 'status', data: expect.objectContaining({ to: 'decided' }) });
      // The officer sees the outcome on the decision page.
      const officerPage = await (
        await signedIn(t.app, t.database, officer)
      ).get(`/staff/referrals/${referral.reference}/decision`);
      expect(plain(officerPage.body)).toContain('This referral is decided.');
      expect(plain(officerPage.body)).toContain('Approved');
      expect((await sup.client.get('/staff/triage/approvals')).body).not.toContain(referral.reference);
    });

    it('returns with comments (required): back in triage, the officer sees them and decides again', async () => {
      const { officer, referral, client } = await inTriage();
      await decide(client, referral.reference, { outcome: 'no_further_action', rationale: RATIONALE });
      const sup = await supervisor();
      let res = await review(sup.client, referral.reference, { verdict: 'return', comment: '' });
      expect(res.status).toBe(400);
      expect(plain(res.body)).toContain('Enter why you are returning the decision');
      expect(await status(referral.id)).toBe('awaiting_approval');
      res = await sup.client.post(`/staff/referrals/${referral.reference}/approval`, {});
      expect(res.status).toBe(400);
      expect(plain(res.body)).toContain('Select whether you approve the decision or return it');

      const comment = 'Please check with the school first.';
      res = await sup.client.post(`/staff/referrals/${referral.reference}/approval`, { verdict: 'return', comment });
      expect(res.status).toBe(303);
      expect(await status(referral.id)).toBe('in_triage');
      expect((await decisionsOf(referral.id))[0]).toMatchObject({ approval: 'returned', review_comment: comment });
      expect((await events(referral.id)).find((e) => e.kind === 'approval_returned')).toMatchObject({
        author_id: sup.staff.id,
        body: comment,
      });

      const page = await client.get(`/staff/referrals/${referral.reference}/decision`);
      expect(plain(page.body)).toContain('A supervisor returned your last decision');
      expect(plain(page.body)).toContain(comment);

      res = await client.post(`/staff/referrals/${referral.reference}/decision`, {
        outcome: 'signposted',
        referredTo: 'Early help',
        rationale: 'Spoke to the school: early help is better placed.',
      });
      expect(res.status).toBe(303);
      expect(await status(referral.id)).toBe('awaiting_approval');
      res = await review(sup.client, referral.reference, { verdict: 'approve', comment: 'Agreed.' });
      expect(res.status).toBe(303);
      expect(await status(referral.id)).toBe('decided');
      const all = await decisionsOf(referral.id);
      expect(all.map((d) => [d.outcome, d.approval, d.made_by])).toEqual([
        ['no_further_action', 'returned', officer.id],
        ['signposted', 'approved', officer.id],
      ]);
      expect(all[1]!.review_comment).toBe('Agreed.');
    });

    it('never lets a supervisor approve their own decision (the service and the database refuse)', async () => {
      const sup = await supervisor();
      const { referral, client } = await inTriage({}, sup.staff);
      await decide(client, referral.reference, { outcome: 'no_further_action', rationale: RATIONALE });
      const page = await client.get(`/staff/referrals/${referral.reference}/approval`);
      expect(plain(page.body)).toContain('You made this decision, so another Prevent supervisor must approve it');
      expect(page.body).not.toContain('name="verdict"');
      const res = await client.post(`/staff/referrals/${referral.reference}/approval`, { verdict: 'approve' });
      expect(res.status).toBe(403);
      expect(await status(referral.id)).toBe('awaiting_approval');
      const [d] = await decisionsOf(referral.id);
      expect(d!.approval).toBe('pending');
      await expect(
        db().execute(
          sql`update decisions set approval = 'approved', reviewed_by = made_by, reviewed_at = now() where id = ${d!.id}`,
        ),
      ).rejects.toThrow();
      expect((await decisionsOf(referral.id))[0]!.approval).toBe('pending');
    });

    it('is refused to officers', async () => {
      const { referral, client } = await inTriage();
      await decide(client, referral.reference, { outcome: 'no_further_action', rationale: RATIONALE });
      expect((await client.get('/staff/triage/approvals')).status).toBe(403);
      expect((await client.get(`/staff/referrals/${referral.reference}/approval`)).status).toBe(403);
    });
  });

  /** An officer's referral, decided as not meeting the threshold and approved. */
  async function notMet(values: Parameters<typeof createReferral>[1] = {}): Promise<Setup> {
    const setup = await inTriage(values);
    await decide(setup.client, setup.referral.reference, {
      outcome: 'signposted',
      referredTo: 'Adult social care',
      rationale: RATIONALE,
    });
    const sup = await supervisor();
    await review(sup.client, setup.referral.reference, { verdict: 'approve' });
    expect(await status(setup.referral.id)).toBe('decided');
    return setup;
  }

  describe('the explanation to the referrer', () => {
    const professional = {
      referrerType: 'professional' as const,
      referrerName: 'Pat Teacher',
      referrerEmail: 'pat@school.example',
      referrerOrganisation: 'A school',
    };

    it('sends an e-mail through the outbox, kept as sent, logged as a disclosure; refuses names', async () => {
      const { officer, referral, client } = await notMet(professional);
      const page = await client.get(`/staff/referrals/${referral.reference}/explanation`);
      expect(page.status).toBe(200);
      const text = plain(page.body);
      expect(text).toContain('Do not name anyone');
      expect(text).toContain('Thank you for your referral (reference {{reference}})');
      expect(page.body).toMatch(/<textarea[^>]*id="signposting"[^>]*>[^<]*Adult social care/);
      expect(page.body).toMatch(/<textarea[^>]*id="signposting"[^>]*>[^<]*0800 011 3764/);
      expect(page.body).toMatch(/value="professional"[^>]*checked/);

      // Names are refused, whatever their case.
      let res = await client.post(`/staff/referrals/${referral.reference}/explanation`, {
        audience: 'professional',
        channel: 'email',
        reasons: 'ROBIN testperson is already supported by the school.',
        signposting: 'Contact adult social care.',
      });
      expect(res.status).toBe(400);
      expect(plain(res.body)).toContain('explanations must not name anyone');
      res = await client.post(`/staff/referrals/${referral.reference}/explanation`, {
        audience: 'professional',
        channel: 'email',
        reasons: 'The school is already supporting the young person.',
        signposting: 'Thank you, pat teacher, for your help.',
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatch(/id="signposting-error"/);
      res = await client.post(`/staff/referrals/${referral.reference}/explanation`, {});
      expect(res.status).toBe(400);
      expect(plain(res.body)).toContain('Enter the reasons you want to give the referrer');
      expect(await queryRows(db(), sql`select 1 from outbox where template like 'explanation%'`)).toEqual([]);
      expect(await queryRows(db(), sql`select 1 from explanations`)).toEqual([]);

      const reasons = 'The school is already supporting the young person.';
      res = await client.post(`/staff/referrals/${referral.reference}/explanation`, {
        audience: 'professional',
        channel: 'email',
        reasons,
        signposting: 'Contact adult social care.',
      });
      expect(res.status).toBe(303);
      const done = await client.follow(res);
      expect(plain(done.body)).toContain('Explanation queued to be sent by e-mail');

      const [mail] = await queryRows<{
        id: string;
        recipient: string;
        subject: string;
        text_body: string;
        template: string;
      }>(db(), sql`select id, recipient, subject, text_body, template from outbox where template like 'explanation%'`);
      expect(mail).toMatchObject({
        recipient: 'pat@school.example',
        subject: `Prevent referral ${referral.reference}: outcome`,
        template: 'explanation-not-met-professional',
      });
      expect(mail!.text_body).toContain(`Thank you for your referral (reference ${referral.reference}).`);
      expect(mail!.text_body).toContain(reasons);
      expect(mail!.text_body).toContain('Contact adult social care.');
      expect(mail!.text_body).not.toMatch(/\{\{/);
      const [kept] = await queryRows<{ id: string; body: string; channel: string; outbox_id: string; sent_by: string }>(
        db(),
        sql`select id, body, channel, outbox_id, sent_by from explanations where referral_id = ${referral.id}`,
      );
      expect(kept).toMatchObject({ body: mail!.text_body, channel: 'email', outbox_id: mail!.id, sent_by: officer.id });
      const disclosures = await log('disclosure');
      expect(disclosures).toHaveLength(1);
      expect(disclosures[0]).toMatchObject({
        record_id: referral.id,
        reference: referral.reference,
        actor_id: officer.id,
        recipients: ['referrer'],
        detail: { explanationId: kept!.id, channel: 'email' },
      });
      expect((await events(referral.id)).find((e) => e.kind === 'explanation')).toMatchObject({
        author_id: officer.id,
        data: expect.objectContaining({ explanationId: kept!.id, channel: 'email' }),
      });
    });

    it('switches the wording, and offers only a letter without an e-mail address', async () => {
      const { referral, client } = await notMet({ referrerEmail: null, referrerPhone: '01632 960 001' });
      const page = await client.get(`/staff/referrals/${referral.reference}/explanation`);
      expect(page.body).not.toContain('value="email"');
      expect(page.body).toMatch(/value="public"[^>]*checked/);
      const switched = await client.post(`/staff/referrals/${referral.reference}/explanation`, {
        audience: 'professional',
        action: 'switch',
        reasons: 'Typed so far',
      });
      expect(switched.status).toBe(200);
      expect(plain(switched.body)).toContain('Thank you for your referral (reference {{reference}})');
      expect(switched.body).toContain('Typed so far');
      const res = await client.post(`/staff/referrals/${referral.reference}/explanation`, {
        audience: 'public',
        channel: 'email',
        reasons: 'Nothing suggests a risk of radicalisation.',
      });
      expect(res.status).toBe(400);
      expect(plain(res.body)).toContain('Select how to send the explanation');
    });

    it('keeps a PDF letter, addressed to the referrer, and serves it', async () => {
      const { referral, client } = await notMet();
      const res = await client.post(`/staff/referrals/${referral.reference}/explanation`, {
        audience: 'public',
        channel: 'letter',
        reasons: 'Nothing suggests a risk of radicalisation.',
        signposting: 'Talk to your GP.',
      });
      expect(res.status).toBe(303);
      const [kept] = await queryRows<{ id: string; body: string }>(
        db(),
        sql`select id, body from explanations where referral_id = ${referral.id} and channel = 'letter'`,
      );
      expect(kept!.body).toContain(`Thank you for telling us about your concern (reference ${referral.reference}).`);
      expect(await queryRows(db(), sql`select 1 from outbox where template like 'explanation%'`)).toEqual([]);
      const page = await client.follow(res);
      const href = `/staff/referrals/${referral.reference}/explanations/${kept!.id}/letter.pdf`;
      expect(page.body).toContain(href);
      const pdf = await t.app.inject({ method: 'GET', url: href, headers: { cookie: cookieOf(client) } });
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect((await log('disclosure'))[0]).toMatchObject({ recipients: ['referrer'], detail: { channel: 'letter' } });
      expect(
        (await log('consultation')).some(
          (e) => e.detail.route === '/staff/referrals/:reference/explanations/:id/letter.pdf',
        ),
      ).toBe(true);
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', kept!.id.toUpperCase() + 'x']) {
        const missing = await t.app.inject({
          method: 'GET',
          url: `/staff/referrals/${referral.reference}/explanations/${id}/letter.pdf`,
          headers: { cookie: cookieOf(client) },
        });
        expect(missing.statusCode, id).toBe(404);
      }
    });

    it('says an explanation cannot be sent to an anonymous referrer, nor for other decisions', async () => {
      const anon = await notMet({ referrerAnonymous: true });
      const page = await anon.client.get(`/staff/referrals/${anon.referral.reference}/explanation`);
      expect(plain(page.body)).toContain('chose not to give their details, so an explanation cannot be sent');
      const res = await anon.client.post(`/staff/referrals/${anon.referral.reference}/explanation`, {
        audience: 'public',
        channel: 'letter',
        reasons: 'Nothing suggests a risk of radicalisation.',
      });
      expect(res.status).toBe(409);
      const channel = await inTriage();
      await decide(channel.client, channel.referral.reference, { outcome: 'channel', rationale: RATIONALE });
      const other = await channel.client.get(`/staff/referrals/${channel.referral.reference}/explanation`);
      expect(plain(other.body)).toContain('An explanation is sent only when the referral is decided as not meeting');
      expect(await queryRows(db(), sql`select 1 from explanations`)).toEqual([]);
    });

    it('lets a supervisor change a template (with an alteration entry), nobody else', async () => {
      const sup = await supervisor();
      expect((await sup.client.get('/staff/triage/templates')).status).toBe(200);
      const url = '/staff/triage/templates/not-met-public';
      expect((await sup.client.get(url)).status).toBe(200);
      let res = await sup.client.post(url, { subject: ' ', body: '' });
      expect(res.status).toBe(400);
      expect(plain(res.body)).toContain('Enter the subject');
      expect(plain(res.body)).toContain('Enter the text of the explanation');
      res = await sup.client.post(url, {
        subject: 'About {{reference}}',
        body: 'Hello.\n\n{{reasons}}\n\n{{signposting}}',
      });
      expect(res.status).toBe(303);
      expect(plain((await sup.client.follow(res)).body)).toContain('saved');
      const [row] = await queryRows<{ subject: string; body: string; updated_by: string }>(
        db(),
        sql`select subject, body, updated_by from letter_templates where code = 'not-met-public'`,
      );
      expect(row).toEqual({
        subject: 'About {{reference}}',
        body: 'Hello.\n\n{{reasons}}\n\n{{signposting}}',
        updated_by: sup.staff.id,
      });
      expect(await log('alteration')).toEqual([
        expect.objectContaining({
          record_type: 'letter-template',
          actor_id: sup.staff.id,
          detail: { code: 'not-met-public', changed: ['subject', 'body'] },
        }),
      ]);
      expect((await sup.client.get('/staff/triage/templates/nope')).status).toBe(404);
      expect((await sup.client.post('/staff/triage/templates/nope', { subject: 'a', body: 'b' })).status).toBe(404);
      const officer = await signedIn(t.app, t.database, await createStaff(db(), { roles: ['prevent_officer'] }));
      expect((await officer.get(url)).status).toBe(403);
    });
  });

  function cookieOf(client: FormClient): string {
    return [...(client as unknown as { cookies: Map<string, string> }).cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  describe('the hand-over to the council', () => {
    async function channelCase(postcode: string | null): Promise<Setup> {
      const setup = await inTriage({ personPostcode: postcode, personAddressKnown: postcode !== null });
      await decide(setup.client, setup.referral.reference, { outcome: 'channel', rationale: RATIONALE });
      expect(await status(setup.referral.id)).toBe('decided');
      return setup;
    }

    async function coordinator(council: string) {
      const staff = await createStaff(db(), { roles: ['channel_coordinator'], organisation: council });
      return { staff, client: await signedIn(t.app, t.database, staff) };
    }

    async function handovers(referralId: string) {
      return queryRows<{
        id: string;
        code: string;
        status: string;
        suggested: string | null;
        override_reason: string | null;
        return_reason: string | null;
        responded_by: string | null;
      }>(
        db(),
        sql`select h.id, o.code, h.status, s.code as suggested, h.override_reason, h.return_reason, h.responded_by
            from handovers h join organisations o on o.id = h.organisation_id
            left join organisations s on s.id = h.suggested_organisation_id
            where h.referral_id = ${referralId} order by h.created_at`,
      );
    }

    async function shares(referralId: string) {
      return queryRows<{ code: string; ended: boolean }>(
        db(),
        sql`select o.code, s.ended_at is not null as ended from case_shares s
            join organisations o on o.id = s.organisation_id where s.referral_id = ${referralId} order by o.code`,
      );
    }

    it('suggests the council from the postcode and hands over; the council accepts', async () => {
      const { officer, referral, client } = await channelCase('CA1 1RE');
      const page = await client.get(`/staff/referrals/${referral.reference}/handover`);
      expect(page.status).toBe(200);
      expect(plain(page.body)).toContain('CA1 is in Cumberland');
      const cumberland = await organisationId(db(), 'cumberland');
      expect(page.body).toMatch(new RegExp(`value="${cumberland}"[^>]*checked`));
      expect(plain(page.body)).toContain('Westmorland and Furness');

      const res = await client.post(`/staff/referrals/${referral.reference}/handover`, { council: cumberland });
      expect(res.status).toBe(303);
      expect(plain((await client.follow(res)).body)).toContain('Offered, waiting for the council');
      const [h] = await handovers(referral.id);
      expect(h).toMatchObject({
        code: 'cumberland',
        status: 'offered',
        suggested: 'cumberland',
        override_reason: null,
      });
      expect(await shares(referral.id)).toEqual([{ code: 'cumberland', ended: false }]);
      const [disclosure] = await log('disclosure');
      expect(disclosure).toMatchObject({
        record_id: referral.id,
        actor_id: officer.id,
        recipients: ['cumberland'],
        detail: expect.objectContaining({ handoverId: h!.id }),
      });
      expect((await events(referral.id)).at(-1)).toMatchObject({ kind: 'handover', author_id: officer.id });
      // Once handed over, the form is gone.
      expect((await client.get(`/staff/referrals/${referral.reference}/handover`)).body).not.toContain(
        'name="council"',
      );

      const council = await coordinator('cumberland');
      const list = await council.client.get('/staff/channel/handovers');
      expect(list.status).toBe(200);
      expect(plain(list.body)).toContain(referral.reference);
      expect(plain(list.body)).toContain('Olive Officer');
      expect(plain(list.body)).not.toContain('Robin Testperson');
      expect((await council.client.get(`/staff/referrals/${referral.reference}`)).status).toBe(200);
      const other = await coordinator('westmorland-furness');
      expect(plain((await other.client.get('/staff/channel/handovers')).body)).not.toContain(referral.reference);
      expect((await other.client.get(`/staff/referrals/${referral.reference}`)).status).toBe(403);
      expect((await other.client.get(`/staff/referrals/${referral.reference}/handover/answer`)).status).toBe(403);

      expect((await council.client.get(`/staff/referrals/${referral.reference}/handover/answer`)).status).toBe(200);
      let answer = await council.client.post(`/staff/referrals/${referral.reference}/handover/answer`, {});
      expect(answer.status).toBe(400);
      expect(plain(answer.body)).toContain('Select whether you accept the referral or return it');
      answer = await council.client.post(`/staff/referrals/${referral.reference}/handover/answer`, {
        answer: 'accept',
      });
      expect(answer.status).toBe(303);
      expect(plain((await council.client.follow(answer)).body)).toContain('You accepted the referral for Channel');
      expect((await handovers(referral.id))[0]).toMatchObject({ status: 'accepted', responded_by: council.staff.id });
      expect((await events(referral.id)).at(-1)).toMatchObject({
        kind: 'handover_accepted',
        author_id: council.staff.id,
      });
      expect((await council.client.get(`/staff/referrals/${referral.reference}`)).status).toBe(200);
      expect(plain((await client.get(`/staff/referrals/${referral.reference}/handover`)).body)).toContain(
        'Accepted by the council',
      );
    });

    it('needs a reason to choose another council than the suggested one', async () => {
      const { referral, client } = await channelCase('CA1 1RE');
      const westmorland = await organisationId(db(), 'westmorland-furness');
      let res = await client.post(`/staff/referrals/${referral.reference}/handover`, { council: westmorland });
      expect(res.status).toBe(400);
      expect(plain(res.body)).toContain('Enter why you chose a different council from the one suggested');
      res = await client.post(`/staff/referrals/${referral.reference}/handover`, {});
      expect(res.status).toBe(400);
      expect(plain(res.body)).toContain('Select the council to hand the referral over to');
      expect(await handovers(referral.id)).toEqual([]);
      const reason = 'The person has moved to Kendal.';
      res = await client.post(`/staff/referrals/${referral.reference}/handover`, {
        council: westmorland,
        overrideReason: reason,
      });
      expect(res.status).toBe(303);
      expect(await handovers(referral.id)).toEqual([
        expect.objectContaining({ code: 'westmorland-furness', suggested: 'cumberland', override_reason: reason }),
      ]);
      expect((await log('disclosure'))[0]).toMatchObject({
        recipients: ['westmorland-furness'],
        justification: reason,
      });
    });

    it('asks the officer to choose in a split area', async () => {
      const { referral, client } = await channelCase('CA4 9AA');
      const page = await client.get(`/staff/referrals/${referral.reference}/handover`);
      expect(plain(page.body)).toContain('CA4 is split between councils: you must choose');
      expect(page.body).not.toMatch(/name="council"[^>]*checked/);
      const westmorland = await organisationId(db(), 'westmorland-furness');
      const res = await client.post(`/staff/referrals/${referral.reference}/handover`, { council: westmorland });
      expect(res.status).toBe(303);
      expect((await handovers(referral.id))[0]).toMatchObject({ suggested: null, override_reason: null });
    });

    it('the council returns it: the share ends, the coordinator is refused, the officer hands over again', async () => {
      const { referral, client } = await channelCase('CA1 1RE');
      const cumberland = await organisationId(db(), 'cumberland');
      await client.get(`/staff/referrals/${referral.reference}/handover`);
      await client.post(`/staff/referrals/${referral.reference}/handover`, { council: cumberland });
      const council = await coordinator('cumberland');
      await council.client.get(`/staff/referrals/${referral.reference}/handover/answer`);
      let res = await council.client.post(`/staff/referrals/${referral.reference}/handover/answer`, {
        answer: 'return',
      });
      expect(res.status).toBe(400);
      expect(plain(res.body)).toContain('Enter why you are returning the referral');
      const reason = 'The person lives in Penrith, in Westmorland and Furness.';
      res = await council.client.post(`/staff/referrals/${referral.reference}/handover/answer`, {
        answer: 'return',
        reason,
      });
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/staff/channel/handovers?returned=${referral.reference}`);
      expect(plain((await council.client.follow(res)).body)).toContain(`Referral ${referral.reference} returned`);
      expect((await handovers(referral.id))[0]).toMatchObject({ status: 'returned', return_reason: reason });
      expect(await shares(referral.id)).toEqual([{ code: 'cumberland', ended: true }]);
      expect((await events(referral.id)).at(-1)).toMatchObject({ kind: 'handover_returned', body: reason });
      expect((await council.client.get(`/staff/referrals/${referral.reference}`)).status).toBe(403);
      expect((await council.client.get(`/staff/referrals/${referral.reference}/handover/answer`)).status).toBe(403);

      const page = await client.get(`/staff/referrals/${referral.reference}/handover`);
      expect(plain(page.body)).toContain('Returned by the council');
      expect(plain(page.body)).toContain(reason);
      const westmorland = await organisationId(db(), 'westmorland-furness');
      res = await client.post(`/staff/referrals/${referral.reference}/handover`, {
        council: westmorland,
        overrideReason: 'Cumberland says the person lives in Penrith.',
      });
      expect(res.status).toBe(303);
      expect((await handovers(referral.id)).map((h) => [h.code, h.status])).toEqual([
        ['cumberland', 'returned'],
        ['westmorland-furness', 'offered'],
      ]);
      const other = await coordinator('westmorland-furness');
      expect((await other.client.get(`/staff/referrals/${referral.reference}`)).status).toBe(200);
      expect((await council.client.get(`/staff/referrals/${referral.reference}`)).status).toBe(403);
      // Handing back to a council that returned it before reopens its share.
      await other.client.get(`/staff/referrals/${referral.reference}/handover/answer`);
      await other.client.post(`/staff/referrals/${referral.reference}/handover/answer`, {
        answer: 'return',
        reason: 'Not ours either.',
      });
      await client.get(`/staff/referrals/${referral.reference}/handover`);
      expect(
        (await client.post(`/staff/referrals/${referral.reference}/handover`, { council: cumberland })).status,
      ).toBe(303);
      expect(await shares(referral.id)).toEqual([
        { code: 'cumberland', ended: false },
        { code: 'westmorland-furness', ended: true },
      ]);
      expect((await council.client.get(`/staff/referrals/${referral.reference}`)).status).toBe(200);
    });

    it('offers the hand-over only for a Channel decision', async () => {
      const { referral, client } = await notMet();
      const page = await client.get(`/staff/referrals/${referral.reference}/handover`);
      expect(plain(page.body)).toContain('only when it is decided as “Refer to Channel”');
      const cumberland = await organisationId(db(), 'cumberland');
      expect(
        (await client.post(`/staff/referrals/${referral.reference}/handover`, { council: cumberland })).status,
      ).toBe(409);
      expect(await handovers(referral.id)).toEqual([]);
    });
  });
});
