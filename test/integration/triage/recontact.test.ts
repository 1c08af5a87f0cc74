import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { engines, openTestDatabase, resetDatabase } from '../../helpers/engines.js';
import { testApp, testConfig } from '../../helpers/app.js';
import { FormClient } from '../../helpers/client.js';
import { completeJourney, publicReferral } from '../../helpers/journeys.js';
import { startSmtpServer, type ReceivedMessage, type TestSmtpServer } from '../../helpers/smtp.js';
import { createStaff, staffCookie, type TestStaff } from '../../helpers/staff.js';
import { createReferral } from '../../helpers/cases.js';
import type { Database } from '../../../src/db/client.js';
import type { Config } from '../../../src/config.js';
import { accessLog, caseEvents, outbox, recontactRequests, referrals } from '../../../src/db/schema/index.js';
import { startWorker, type Worker } from '../../../src/jobs/worker.js';
import { smtpMailer } from '../../../src/outbox/mailer.js';
import { takeReferral } from '../../../src/features/triage/workflow.js';
import { londonDate } from '../../../src/lib/dates.js';
import { useLoggedApp } from '../../helpers/logged-app.js';

const BASE_URL = 'https://prevent.example.test';
const MAIL_FROM = 'Cumbria Police Prevent <no-reply@prevent.example.test>';
const QUESTION = 'Which school does Robin attend, and when did the comments about the rally start?';
const ANSWER = 'Robin goes to Example High. It started in the spring term after a trip.';
/** What an e-mail to the referrer must never hold (createReferral's person, referrer, concern, and the question). */
const SECRETS = ['Robin', 'Testperson', 'Casey', 'casey@', 'extremist', 'classmates', 'school', 'rally'];

function expectNoneOf(message: ReceivedMessage, secrets: string[]): void {
  for (const secret of secrets) {
    for (const [where, value] of [
      ['subject', message.subject],
      ['text', message.text],
    ] as const) {
      expect(value.toLowerCase().includes(secret.toLowerCase()), `"${secret}" appears in the ${where}`).toBe(false);
    }
  }
  // The envelope and the To header carry the address, as they must; the body and the subject never do.
}

const linkIn = (text: string) => {
  const m = /https:\/\/prevent\.example\.test(\/referral-update\/[A-Za-z0-9_-]{43})\b/.exec(text);
  expect(m, 'a link to the referrer page').toBeTruthy();
  return m![1]!;
};

const addDays = (days: number) => londonDate(new Date(Date.now() + days * 86_400_000));

describe.each(engines)('re-contacting the referrer on %s', (engine) => {
  let database: Database;
  let smtp: TestSmtpServer;
  let config: Config;
  let app: FastifyInstance;
  let worker: Worker;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    smtp = await startSmtpServer();
    config = testConfig({ smtpUrl: smtp.url, baseUrl: BASE_URL, mailFrom: MAIL_FROM });
    worker = await startWorker({
      database,
      mailer: smtpMailer(smtp.url),
      mailFrom: MAIL_FROM,
      log: pino({ level: 'silent' }),
      schedule: false,
      pollingIntervalSeconds: 0.5,
    });
    ({ app } = await testApp(database, { config, notify: (ids) => worker.notify(ids) }));
  });
  afterAll(async () => {
    await app?.close();
    await worker?.stop();
    await smtp?.close();
    await database?.close();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    smtp.reset();
  });

  /** An officer's browser-like client, signed in, and a referral of theirs in triage. */
  async function officerWithReferral(opts: Parameters<typeof createReferral>[1] = {}) {
    const db = database.db;
    const officer = await createStaff(db, { roles: ['prevent_officer'] });
    const referral = await createReferral(db, opts);
    await takeReferral(db, officer.id, referral.id);
    const client = new FormClient(app);
    await signIn(client, officer);
    return { officer, referral, client };
  }

  async function signIn(client: FormClient, staff: TestStaff) {
    // The session is made in the database (sign-in has its own tests) and handed to the client as a browser keeps it.
    const cookie = await staffCookie(app, database.db, staff);
    const i = cookie.indexOf('=');
    (client as unknown as { cookies: Map<string, string> }).cookies.set(cookie.slice(0, i), cookie.slice(i + 1));
  }

  async function events(referralId: string) {
    return database.db
      .select()
      .from(caseEvents)
      .where(eq(caseEvents.referralId, referralId))
      .orderBy(asc(caseEvents.id));
  }

  async function referralRow(id: string) {
    const [row] = await database.db.select().from(referrals).where(eq(referrals.id, id));
    return row!;
  }

  async function sendQuestion(client: FormClient, reference: string) {
    const page = await client.get(`/staff/referrals/${reference}/recontact`);
    expect(page.status).toBe(200);
    return client.post(`/staff/referrals/${reference}/recontact`, { question: QUESTION, ...holdFields(addDays(14)) });
  }

  function holdFields(iso: string) {
    const [y, m, d] = iso.split('-');
    return { 'hold-day': String(Number(d)), 'hold-month': String(Number(m)), 'hold-year': y! };
  }

  it('request → e-mail without personal data → the referrer answers through the link → chronology and state', async () => {
    const { officer, referral, client } = await officerWithReferral();
    const form = await client.get(`/staff/referrals/${referral.reference}/recontact`);
    // The hold date is filled in: RECONTACT_DAYS (14) from today.
    const [y, m, d] = addDays(14).split('-');
    expect(form.body).toContain(`name="hold-day" type="text" value="${Number(d)}"`);
    expect(form.body).toContain(`name="hold-month" type="text" value="${Number(m)}"`);
    expect(form.body).toContain(`name="hold-year" type="text" value="${y}"`);

    const sent = await client.post(`/staff/referrals/${referral.reference}/recontact`, {
      question: QUESTION,
      ...holdFields(addDays(10)),
    });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/staff/referrals/${referral.reference}/recontact?sent=1`);

    const held = await referralRow(referral.id);
    expect(held.status).toBe('awaiting_information');
    expect(held.onHoldUntil).toBe(addDays(10));
    const [request] = await database.db
      .select()
      .from(recontactRequests)
      .where(eq(recontactRequests.referralId, referral.id));
    expect(request).toMatchObject({ purpose: 'question', question: QUESTION, createdBy: officer.id, usedAt: null });
    expect(request!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const days = (request!.expiresAt.getTime() - request!.createdAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(14, 3);

    const [mail] = await smtp.waitFor(1);
    expect(mail!.envelopeTo).toEqual(['casey@example.org']);
    expect(mail!.subject).toBe(`The Prevent team would like more information: ${referral.reference}`);
    expect(mail!.text).toContain(`Your reference number is ${referral.reference}`);
    expect(mail!.text).toContain('The link stops working on');
    expect(mail!.text).toContain('call 101');
    expectNoneOf(mail!, [...SECRETS, QUESTION]);
    const path = linkIn(mail!.text);
    const token = path.split('/').pop()!;
    expect(createHash('sha256').update(token).digest('hex')).toBe(request!.tokenHash);
    // The outbox row holds the same text: no personal data is stored for sending either.
    const [row] = await database.db.select().from(outbox).where(eq(outbox.reference, referral.reference));
    expect(row!.textBody).not.toContain('Which school');

    // The officer's page lists the request as waiting.
    const listed = await client.get(`/staff/referrals/${referral.reference}/recontact?sent=1`);
    expect(listed.body).toContain('Your request has been sent to the referrer');
    expect(listed.body).toContain('Waiting for an answer');

    const referrer = new FormClient(app);
    const page = await referrer.get(path);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('Which school does Robin attend');
    expect(page.body).not.toContain(referral.reference);
    expect(page.body).not.toContain('Testperson');

    const empty = await referrer.post(path, { answer: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('There is a problem');
    expect(empty.body).toContain('href="#answer"');
    expect(empty.body).toContain('Enter the information you want to give us');
    expect(empty.body).toMatch(/<title>\s*Error: /);

    const withoutCsrf = await referrer.post(path, { answer: ANSWER }, { csrf: false });
    expect(withoutCsrf.status).toBe(403);

    const csrf = referrer.csrfToken();
    const answered = await referrer.post(path, { answer: ANSWER });
    expect(answered.status).toBe(303);
    expect(answered.location).toBe('/referral-update/sent');
    const confirmation = await referrer.get('/referral-update/sent');
    expect(confirmation.status).toBe(200);
    expect(confirmation.body).toContain('We have received your information');

    const after = await referralRow(referral.id);
    expect(after.status).toBe('in_triage');
    expect(after.onHoldUntil).toBeNull();
    const chronology = await events(referral.id);
    expect(chronology.map((e) => [e.kind, e.authorKind])).toEqual([
      ['assigned', 'staff'],
      ['status', 'staff'],
      ['status', 'staff'],
      ['recontact_sent', 'staff'],
      ['referrer_answer', 'referrer'],
      ['status', 'referrer'],
    ]);
    expect(chronology[3]!.body).toBe(QUESTION);
    expect(chronology[4]!.body).toBe(ANSWER);
    expect(chronology[5]!.data).toMatchObject({ from: 'awaiting_information', to: 'in_triage' });
    const [used] = await database.db.select().from(recontactRequests).where(eq(recontactRequests.id, request!.id));
    expect(used!.usedAt).not.toBeNull();
    const collected = await database.db
      .select()
      .from(accessLog)
      .where(and(eq(accessLog.recordId, referral.id), eq(accessLog.action, 'collection')));
    expect(collected).toHaveLength(1);
    expect(collected[0]).toMatchObject({ actorType: 'public', detail: { via: 'referrer-link', purpose: 'question' } });

    // Used once: the link now says so, and a second answer writes nothing.
    const again = await referrer.get(path);
    expect(again.status).toBe(410);
    expect(again.body).toContain('This link has already been used');
    expect(again.body).not.toContain('Which school');
    // The form kept open in another tab, sent again.
    const reusedWithCsrf = await referrer.post(path, { _csrf: csrf, answer: 'A second answer' }, { csrf: false });
    expect(reusedWithCsrf.status).toBe(410);
    expect((await events(referral.id)).length).toBe(chronology.length);

    const status = await client.get(`/staff/referrals/${referral.reference}/recontact`);
    expect(status.body).toContain('Answered');
  });

  it('an expired link: 410, what to do instead, nothing about the case, nothing written', async () => {
    const { referral, client } = await officerWithReferral();
    expect((await sendQuestion(client, referral.reference)).status).toBe(303);
    const [mail] = await smtp.waitFor(1);
    const path = linkIn(mail!.text);
    const referrer = new FormClient(app);
    expect((await referrer.get(path)).status).toBe(200);
    const csrf = referrer.csrfToken();
    await database.db
      .update(recontactRequests)
      .set({ createdAt: sql`now() - interval '20 days'`, expiresAt: sql`now() - interval '1 day'` })
      .where(eq(recontactRequests.referralId, referral.id));
    const page = await referrer.get(path);
    expect(page.status).toBe(410);
    expect(page.body).toContain('This link has expired');
    expect(page.body).toContain('call 101');
    expect(page.body).not.toContain(referral.reference);
    expect(page.body).not.toContain('Which school');
    // A form from before it expired, sent after: refused the same way.
    const before = (await events(referral.id)).length;
    const post = await referrer.post(path, { _csrf: csrf, answer: ANSWER }, { csrf: false });
    expect(post.status).toBe(410);
    expect((await events(referral.id)).length).toBe(before);
    expect((await referralRow(referral.id)).status).toBe('awaiting_information');
  });

  it('a withdrawn link: the referral comes back into triage and the link says it no longer works', async () => {
    const { referral, client } = await officerWithReferral();
    expect((await sendQuestion(client, referral.reference)).status).toBe(303);
    const [mail] = await smtp.waitFor(1);
    const path = linkIn(mail!.text);
    const [request] = await database.db
      .select()
      .from(recontactRequests)
      .where(eq(recontactRequests.referralId, referral.id));
    const page = await client.get(`/staff/referrals/${referral.reference}/recontact`);
    expect(page.body).toContain(`/recontact/${request!.id}/withdraw`);
    const withdrawn = await client.post(`/staff/referrals/${referral.reference}/recontact/${request!.id}/withdraw`);
    expect(withdrawn.status).toBe(303);
    expect(withdrawn.location).toBe(`/staff/referrals/${referral.reference}/recontact?withdrawn=1`);
    expect((await referralRow(referral.id)).status).toBe('in_triage');
    const [entry] = await database.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.referralId, referral.id), eq(caseEvents.kind, 'recontact_withdrawn')));
    expect(entry!.data).toEqual({ requestId: request!.id });
    const chronology = await client.get(`/staff/referrals/${referral.reference}/chronology`);
    expect(chronology.body).toContain('Question to the referrer withdrawn');
    const listed = await client.get(withdrawn.location!);
    expect(listed.body).toContain('Withdrawn');
    expect(listed.body).not.toContain(`/recontact/${request!.id}/withdraw`);

    const referrer = new FormClient(app);
    const link = await referrer.get(path);
    expect(link.status).toBe(410);
    expect(link.body).toContain('This link no longer works');
    expect(link.body).not.toContain('Which school');
    // Withdrawing twice, or an id that is not a request of this referral: not found.
    await client.get(`/staff/referrals/${referral.reference}/recontact`);
    const twice = await client.post(`/staff/referrals/${referral.reference}/recontact/${request!.id}/withdraw`);
    expect(twice.status).toBe(404);
    await client.get(`/staff/referrals/${referral.reference}/recontact`);
    const bogus = await client.post(`/staff/referrals/${referral.reference}/recontact/not-a-uuid/withdraw`);
    expect(bogus.status).toBe(404);
  });

  it('an unknown or malformed token: 404 with what to do instead', async () => {
    for (const token of ['A'.repeat(43), 'short', 'x'.repeat(100)]) {
      const res = await new FormClient(app).get(`/referral-update/${token}`);
      expect(res.status, token).toBe(404);
      expect(res.body).toContain('This link does not work');
      expect(res.body).toContain('call 101');
    }
  });

  it('an anonymous referral cannot be re-contacted: the page says so and the POST is refused', async () => {
    const { referral, client } = await officerWithReferral({ referrerAnonymous: true });
    const page = await client.get(`/staff/referrals/${referral.reference}/recontact`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Re-contact is not possible');
    expect(page.body).not.toContain('name="question"');
    const post = await client.post(`/staff/referrals/${referral.reference}/recontact`, {
      question: QUESTION,
      ...holdFields(addDays(14)),
    });
    expect(post.status).toBe(409);
    expect(await database.db.$count(recontactRequests)).toBe(0);
    expect(await database.db.$count(outbox)).toBe(0);
    expect((await referralRow(referral.id)).status).toBe('in_triage');
  });

  it('a referrer with only a phone number: phone them and record a note; no link is sent', async () => {
    const { referral, client } = await officerWithReferral({ referrerEmail: null, referrerPhone: '01632 960 123' });
    const page = await client.get(`/staff/referrals/${referral.reference}/recontact`);
    expect(page.body).toContain('01632 960 123');
    expect(page.body).toContain('record what they tell you as a note');
    expect(page.body).not.toContain('name="question"');
    const post = await client.post(`/staff/referrals/${referral.reference}/recontact`, {
      question: QUESTION,
      ...holdFields(addDays(14)),
    });
    expect(post.status).toBe(409);
    expect(await database.db.$count(recontactRequests)).toBe(0);
  });

  it('validates the request, and refuses it when the referral is not in triage', async () => {
    const { referral, client } = await officerWithReferral();
    await client.get(`/staff/referrals/${referral.reference}/recontact`);
    const bad = await client.post(`/staff/referrals/${referral.reference}/recontact`, {
      question: '',
      ...holdFields(londonDate(new Date())),
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Enter what you need to know from the referrer');
    expect(bad.body).toContain('The date the referral is on hold until must be after today');
    expect(bad.body.indexOf('href="#question"')).toBeLessThan(bad.body.indexOf('href="#hold-day"'));
    const partial = await client.post(`/staff/referrals/${referral.reference}/recontact`, {
      question: QUESTION,
      'hold-day': '31',
      'hold-month': '2',
      'hold-year': '2030',
    });
    expect(partial.status).toBe(400);
    expect(partial.body).toContain('must be a real date');
    expect(await database.db.$count(recontactRequests)).toBe(0);

    // A referral still in the intake queue (new) is not in triage: no form, and a stale form is refused.
    const supervisor = await createStaff(database.db, { roles: ['prevent_supervisor'] });
    const fresh = await createReferral(database.db);
    const sup = new FormClient(app);
    await signIn(sup, supervisor);
    const page = await sup.get(`/staff/referrals/${fresh.reference}/recontact`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('only while the referral is in triage');
    expect(page.body).not.toContain('name="question"');
    const refused = await sup.post(`/staff/referrals/${fresh.reference}/recontact`, {
      question: QUESTION,
      ...holdFields(addDays(14)),
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toContain(
      'You can only ask the referrer for more information while the referral is in triage',
    );
    expect(await database.db.$count(recontactRequests)).toBe(0);
  });

  it('a referral whose hold date has passed comes back into triage when the worker starts', async () => {
    const { referral, client } = await officerWithReferral();
    expect((await sendQuestion(client, referral.reference)).status).toBe(303);
    await database.db.execute(sql`update referrals set on_hold_until = ${addDays(-1)}::date where id = ${referral.id}`);
    const other = await startWorker({
      database,
      mailer: smtpMailer(smtp.url),
      mailFrom: MAIL_FROM,
      log: pino({ level: 'silent' }),
      schedule: false,
    });
    try {
      const row = await referralRow(referral.id);
      expect(row.status).toBe('in_triage');
      const last = (await events(referral.id)).at(-1)!;
      expect(last).toMatchObject({ kind: 'status', authorKind: 'system', data: { holdEnded: true } });
    } finally {
      await other.stop();
    }
  });

  it('an online referral with an e-mail gets an add-information link in its acknowledgement (single use)', async () => {
    const reference = await completeJourney(new FormClient(app), '/refer', publicReferral);
    const messages = await smtp.waitFor(2);
    const ack = messages.find((m) => m.envelopeTo.includes('alex@example.org'))!;
    expect(ack.text).toContain('you can add it to your referral with this link');
    for (const secret of ['Jamie', 'Example Street', 'Carlisle', 'knife', 'Alex', 'Aunt', 'violent']) {
      expect(ack.text.includes(secret), secret).toBe(false);
      expect(ack.subject.includes(secret), secret).toBe(false);
    }
    const team = messages.find((m) => !m.envelopeTo.includes('alex@example.org'))!;
    expect(team.text).not.toContain('/referral-update/');
    const path = linkIn(ack.text);
    const [referral] = await database.db.select().from(referrals).where(eq(referrals.reference, reference));
    const [request] = await database.db
      .select()
      .from(recontactRequests)
      .where(eq(recontactRequests.referralId, referral!.id));
    expect(request).toMatchObject({ purpose: 'add_information', question: null, createdBy: null, usedAt: null });
    const days = (request!.expiresAt.getTime() - request!.createdAt.getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);

    const referrer = new FormClient(app);
    const page = await referrer.get(path);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Tell us anything you would like to add to your referral');
    expect(page.body).not.toContain('Jamie');
    const added = await referrer.post(path, { answer: 'He has also started a new online account.' });
    expect(added.status).toBe(303);
    const chronology = await events(referral!.id);
    const entry = chronology.find((e) => e.kind === 'referrer_added');
    expect(entry).toMatchObject({ authorKind: 'referrer', body: 'He has also started a new online account.' });
    expect((await referralRow(referral!.id)).status).toBe('new'); // not waiting for information: no change of state
    expect((await referrer.get(path)).status).toBe(410);
  });

  it('an online referral without an e-mail address gets no link', async () => {
    const reference = await completeJourney(new FormClient(app), '/refer', {
      ...publicReferral,
      'contact-details': { referrerEmail: '', referrerPhone: '01632 960 001', referrerContactPreference: 'phone' },
    });
    const [referral] = await database.db.select().from(referrals).where(eq(referrals.reference, reference));
    expect(await database.db.$count(recontactRequests, eq(recontactRequests.referralId, referral!.id))).toBe(0);
  });
});

describe.each(engines.slice(0, 1))('the referrer link in the logs on %s', (engine) => {
  const logged = useLoggedApp(engine);
  const lines = logged.lines;

  it('never holds the token: the requests are logged by route, not by address', async () => {
    await completeJourney(new FormClient(logged.app), '/refer', publicReferral);
    const [request] = await logged.database.db.select().from(recontactRequests);
    // The token is not stored, so make one whose hash is known: a new link for the same referral.
    const token = 'T'.repeat(20) + 'o'.repeat(23);
    await logged.database.db
      .update(recontactRequests)
      .set({ tokenHash: createHash('sha256').update(token).digest('hex') })
      .where(eq(recontactRequests.id, request!.id));
    lines.length = 0;
    const referrer = new FormClient(logged.app);
    expect((await referrer.get(`/referral-update/${token}`)).status).toBe(200);
    expect((await referrer.post(`/referral-update/${token}`, { answer: '' })).status).toBe(400);
    expect((await referrer.post(`/referral-update/${token}`, { answer: 'Something else' })).status).toBe(303);
    expect((await referrer.get(`/referral-update/${token}`)).status).toBe(410);
    expect((await referrer.get(`/referral-update/${'U'.repeat(43)}`)).status).toBe(404);
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    expect(log).not.toContain(token);
    expect(log).not.toContain('U'.repeat(43));
    expect(log).not.toContain('Something else');
    expect(log).toContain('"path":"/referral-update/[token]"');
  });
});
