import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { engines, openTestDatabase, resetDatabase } from '../helpers/engines.js';
import { testApp } from '../helpers/app.js';
import { FormClient } from '../helpers/client.js';
import {
  adviceRequest,
  anonymousReferral,
  completeJourney,
  professionalReferral,
  publicReferral,
} from '../helpers/journeys.js';
import type { Database } from '../../src/db/client.js';
import { accessLog, adviceRequests, caseReferences, drafts, outbox, referrals } from '../../src/db/schema/index.js';

describe.each(engines)('referral and advice journeys on %s', (engine) => {
  let database: Database;
  let app: FastifyInstance;
  const notified: string[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    ({ app } = await testApp(database, { notify: async (ids) => void notified.push(...ids) }));
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });
  beforeEach(async () => {
    notified.length = 0;
    await resetDatabase(database);
  });

  it('records a public referral once, with its log entry and e-mails, and clears the draft', async () => {
    const client = new FormClient(app);
    const reference = await completeJourney(client, '/refer', publicReferral);
    const [row] = await database.db.select().from(referrals).where(eq(referrals.reference, reference));
    expect(row).toMatchObject({
      personFullName: 'Jamie Example',
      personDob: '2009-03-14',
      personPostcode: 'CA1 1AA',
      concernViolence: 'yes',
      vulnerabilities: ['mental-health', 'neurodivergence'],
      referrerType: 'public',
      referrerAnonymous: false,
      referrerEmail: 'alex@example.org',
      source: 'online',
      status: 'new',
    });
    const log = await database.db.select().from(accessLog).where(eq(accessLog.reference, reference));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: 'collection', actorType: 'public', channel: 'online', recordId: row!.id });
    const mails = await database.db.select().from(outbox).where(eq(outbox.reference, reference));
    expect(mails.map((m) => m.recipient).sort()).toEqual(['alex@example.org', 'prevent@cumbria.police.uk']);
    for (const m of mails) {
      expect(m.textBody).toContain(reference);
      expect(m.textBody).not.toContain('Jamie');
      expect(m.textBody).not.toContain('violent');
    }
    expect(notified.sort()).toEqual(mails.map((m) => m.id).sort());
    const [draft] = await database.db.select().from(drafts).where(eq(drafts.submittedReference, reference));
    expect(draft!.answers).toEqual({ values: {}, completed: [] });
  });

  it('submitting again, from Back or a second tab, returns the same reference and never a second record', async () => {
    const client = new FormClient(app);
    const reference = await completeJourney(client, '/refer', publicReferral);
    const back = await client.get('/refer/check-answers');
    expect(back.body).toContain('You have already sent this referral');
    expect(back.body).toContain(reference);
    const resent = await client.follow(await client.post('/refer/check-answers'));
    expect(resent.url).toBe('/refer/confirmation');
    expect(resent.body).toContain(reference);
    await client.get('/refer');
    const restarted = await client.follow(await client.post('/refer/start'));
    expect(restarted.url).toBe('/refer/immediate-danger'); // a new, empty referral: the sent one is untouched
    const [{ n }] = (await database.db.select({ n: sql<number>`count(*)::int` }).from(referrals)) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('double clicks on Send, racing each other, make one referral', async () => {
    const client = new FormClient(app);
    await client.get('/refer');
    let page = await client.follow(await client.post('/refer/start'));
    while (page.url !== '/refer/check-answers') {
      const slug = page.url.slice('/refer/'.length);
      page = await client.follow(await client.post(`/refer/${slug}`, publicReferral[slug]!));
    }
    const results = await Promise.all(Array.from({ length: 5 }, () => client.post('/refer/check-answers')));
    for (const r of results) expect(r.location).toBe('/refer/confirmation');
    const [{ n }] = (await database.db.select({ n: sql<number>`count(*)::int` }).from(referrals)) as [{ n: number }];
    expect(n).toBe(1);
    const [{ m }] = (await database.db.select({ m: sql<number>`count(*)::int` }).from(outbox)) as [{ m: number }];
    expect(m).toBe(2);
    // no reference was issued for the submissions that lost the race
    const [{ r }] = (await database.db.select({ r: sql<number>`count(*)::int` }).from(caseReferences)) as [
      { r: number },
    ];
    expect(r).toBe(1);
  });

  it('a professional referral keeps organisation details and an approximate age', async () => {
    const reference = await completeJourney(new FormClient(app), '/refer', professionalReferral);
    const [row] = await database.db.select().from(referrals).where(eq(referrals.reference, reference));
    expect(row).toMatchObject({
      referrerType: 'professional',
      referrerOrganisation: 'Example Academy',
      referrerSectorCode: 'education',
      referrerDslInformed: 'yes',
      personDob: null,
      personAgeApprox: 15,
      personAddressKnown: false,
      personAddressLine1: null,
    });
  });

  it('an anonymous referral stores no contact details and sends only the team notification', async () => {
    const reference = await completeJourney(new FormClient(app), '/refer', anonymousReferral);
    const [row] = await database.db.select().from(referrals).where(eq(referrals.reference, reference));
    expect(row).toMatchObject({
      referrerAnonymous: true,
      referrerName: null,
      referrerEmail: null,
      referrerPhone: null,
    });
    const mails = await database.db.select().from(outbox).where(eq(outbox.reference, reference));
    expect(mails.map((m) => m.recipient)).toEqual(['prevent@cumbria.police.uk']);
  });

  it('an advice request gets a reference and an acknowledgement', async () => {
    const reference = await completeJourney(new FormClient(app), '/advice', adviceRequest);
    const [row] = await database.db.select().from(adviceRequests).where(eq(adviceRequests.reference, reference));
    expect(row).toMatchObject({ askerName: 'Pat Neighbour', askerType: 'public', askerEmail: 'pat@example.org' });
    const mails = await database.db.select().from(outbox).where(eq(outbox.reference, reference));
    expect(mails).toHaveLength(2);
  });

  it('shows errors in the summary and next to fields, keeping what was typed', async () => {
    const client = new FormClient(app);
    await client.get('/refer');
    await client.follow(await client.post('/refer/start'));
    await client.follow(await client.post('/refer/immediate-danger', { immediateDanger: 'no' }));
    await client.follow(await client.post('/refer/about-you', { referrerType: 'public' }));
    const res = await client.post('/refer/person-name', { personFullName: '', personOtherNames: 'Kept <b>text</b>' });
    expect(res.status).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('href="#personFullName"');
    expect(res.body).toContain('Enter their full name');
    expect(res.body).toContain('Kept &lt;b&gt;text&lt;/b&gt;');
    expect(res.body).toMatch(/<title>Error: /);
  });

  it('cannot skip ahead: a later page redirects to the first unanswered one', async () => {
    const client = new FormClient(app);
    await client.get('/refer');
    await client.follow(await client.post('/refer/start'));
    const res = await client.get('/refer/concern');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/refer/immediate-danger');
  });

  it('sends anyone in immediate danger to 999', async () => {
    const client = new FormClient(app);
    await client.get('/refer');
    await client.follow(await client.post('/refer/start'));
    const page = await client.follow(await client.post('/refer/immediate-danger', { immediateDanger: 'yes' }));
    expect(page.url).toBe('/refer/call-999');
    expect(page.body).toContain('Call 999 now');
  });

  it('refuses a post without a valid CSRF token', async () => {
    const client = new FormClient(app);
    await client.get('/refer');
    const res = await client.post('/refer/start', { _csrf: 'forged' }, { csrf: false });
    expect(res.status).toBe(403);
  });

  it('a changed answer returns to check your answers', async () => {
    const c2 = new FormClient(app);
    await c2.get('/advice');
    let page = await c2.follow(await c2.post('/advice/start'));
    for (const slug of ['immediate-danger', 'question', 'about-person', 'about-you', 'contact-details']) {
      page = await c2.follow(await c2.post(`/advice/${slug}`, adviceRequest[slug]!));
    }
    expect(page.url).toBe('/advice/check-answers');
    await c2.get('/advice/question?change=1');
    const changed = await c2.follow(
      await c2.post('/advice/question?change=1', { adviceQuestion: 'A different question' }),
    );
    expect(changed.url).toBe('/advice/check-answers');
    expect(changed.body).toContain('A different question');
  });
});
