import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { engines, openTestDatabase, ownerExec, resetDatabase } from '../helpers/engines.js';
import { testApp, testConfig } from '../helpers/app.js';
import { FormClient } from '../helpers/client.js';
import {
  adviceRequest,
  anonymousReferral,
  completeJourney,
  publicReferral,
  type Answers,
} from '../helpers/journeys.js';
import { startSmtpServer, type ReceivedMessage, type TestSmtpServer } from '../helpers/smtp.js';
import type { Database } from '../../src/db/client.js';
import type { Config } from '../../src/config.js';
import { accessLog, drafts, outbox, referrals } from '../../src/db/schema/index.js';
import { enqueueEmail } from '../../src/outbox/queries.js';
import { referralAcknowledgement, teamNotification } from '../../src/outbox/emails.js';
import { referralRow } from '../../src/features/intake/submissions.js';
import { startWorker, type DeliveryOutcome, type Worker, type WorkerOptions } from '../../src/jobs/worker.js';
import { smtpMailer } from '../../src/outbox/mailer.js';

const TEAM_INBOX = 'prevent-duty@cumbria.example.test';
const BASE_URL = 'https://prevent.example.test';
const MAIL_FROM = 'Cumbria Police Prevent <no-reply@prevent.example.test>';

/** Everything personal or about the concern in `publicReferral`: none of it may ever be in an e-mail. */
const REFERRAL_SECRETS = [
  'Jamie',
  'Example', // the person's surname, street and school
  'J Ex',
  '1 Example Street',
  'Carlisle',
  'CA1 1AA',
  'ca1 1aa',
  '2009-03-14',
  '14/03/2009',
  '14 March 2009',
  'violent',
  'hurting people',
  'knife',
  'group chat',
  'mental',
  'neurodivergen',
  'Alex',
  'Aunt',
  'aunt',
  'male',
];
const ADVICE_SECRETS = ['Pat Neighbour', 'Neighbour', 'neighbour', 'worrying', 'son says'];

/** Every place a reader (or a mail server's log) could see: subject, decoded text, every header and the raw source. */
function expectNoneOf(message: ReceivedMessage, secrets: string[]): void {
  for (const secret of secrets) {
    for (const [where, value] of [
      ['subject', message.subject],
      ['text', message.text],
      ['headers', message.headerLines],
      ['source', message.raw],
    ] as const) {
      expect(value.includes(secret), `"${secret}" appears in the ${where}`).toBe(false);
    }
  }
}

/** Counts how many times each Message-ID arrived. */
function countByMessageId(messages: ReceivedMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  return counts;
}

/** Walks a journey to its check-answers page without sending it. */
async function walkToCheckAnswers(client: FormClient, basePath: '/refer' | '/advice', answers: Answers): Promise<void> {
  await client.get(basePath);
  let page = await client.follow(await client.post(`${basePath}/start`));
  for (let i = 0; i < 40 && page.url !== `${basePath}/check-answers`; i++) {
    const slug = page.url.slice(basePath.length + 1);
    page = await client.follow(await client.post(`${basePath}/${slug}`, answers[slug]!));
  }
  expect(page.url).toBe(`${basePath}/check-answers`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(engines)('e-mail delivery through the outbox on %s', (engine) => {
  let database: Database;
  let smtp: TestSmtpServer;
  let config: Config;
  let app: FastifyInstance | undefined;
  const workers: Worker[] = [];

  async function worker(opts: Partial<WorkerOptions> = {}): Promise<Worker> {
    const w = await startWorker({
      database,
      mailer: smtpMailer(smtp.url),
      mailFrom: MAIL_FROM,
      log: pino({ level: 'silent' }),
      retryDelaySeconds: 1,
      schedule: false,
      pollingIntervalSeconds: 0.5,
      ...opts,
    });
    workers.push(w);
    return w;
  }

  async function appWith(notify: (ids: string[]) => Promise<void>): Promise<FastifyInstance> {
    ({ app } = await testApp(database, { config, notify }));
    return app;
  }

  async function outboxRows(reference: string) {
    return database.db.select().from(outbox).where(eq(outbox.reference, reference));
  }

  /** Jobs of the delivery queue still waiting or running (none left: the worker has nothing more to try). */
  async function openDeliveryJobs(): Promise<number> {
    // pg-boss's tables belong to the login role, not to the application's restricted role: read them as the owner.
    const r = (await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local role none`);
      return tx.execute(
        sql`select count(*)::int as n from pgboss.job where name = 'outbox-deliver' and state in ('created', 'retry', 'active')`,
      );
    })) as unknown as { rows: { n: number }[] };
    return r.rows[0]!.n;
  }

  /** Queues one e-mail in its own committed transaction, as a submission does, and returns its id. */
  async function committedEmail(reference: string, to = TEAM_INBOX): Promise<string> {
    return database.db.transaction((tx) =>
      enqueueEmail(
        tx,
        to,
        teamNotification('referral', reference, `${BASE_URL}/staff/referrals/${reference}`),
        reference,
        'prevent.example.test',
      ),
    );
  }

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    smtp = await startSmtpServer();
    config = testConfig({ smtpUrl: smtp.url, teamInbox: TEAM_INBOX, baseUrl: BASE_URL, mailFrom: MAIL_FROM });
  });
  afterAll(async () => {
    await smtp?.close();
    await database?.close();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    smtp.reset();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    for (const w of workers.splice(0)) await w.stop();
  });

  it('a public referral: the acknowledgement reaches the referrer with the reference and nothing about the concern', async () => {
    const w = await worker();
    await appWith(w.notify);
    const reference = await completeJourney(new FormClient(app!), '/refer', publicReferral);
    await smtp.waitFor(2);
    const ack = smtp.messages.find((m) => m.envelopeTo.includes('alex@example.org'));
    expect(ack, 'acknowledgement to the referrer').toBeDefined();
    expect(ack!.envelopeTo).toEqual(['alex@example.org']);
    expect(ack!.envelopeFrom).toBe('no-reply@prevent.example.test');
    expect(ack!.from).toBe('"Cumbria Police Prevent" <no-reply@prevent.example.test>'); // MAIL_FROM
    expect(ack!.subject).toBe(`We have received your Prevent referral: ${reference}`);
    expect(ack!.text).toContain(`Your reference number is ${reference}`);
    expect(ack!.text).toContain('We do not include any details of your concern in emails');
    expectNoneOf(ack!, [...REFERRAL_SECRETS, TEAM_INBOX, 'staff/referrals']);
    const [row] = (await outboxRows(reference)).filter((r) => r.recipient === 'alex@example.org');
    expect(ack!.messageId).toBe(row!.messageId);
  });

  it('a public referral: the team inbox gets a notification with a link to the case and no personal data', async () => {
    const w = await worker();
    await appWith(w.notify);
    const reference = await completeJourney(new FormClient(app!), '/refer', publicReferral);
    await smtp.waitFor(2);
    const team = smtp.messages.filter((m) => m.envelopeTo.includes(TEAM_INBOX));
    expect(team).toHaveLength(1);
    expect(team[0]!.envelopeTo).toEqual([TEAM_INBOX]);
    expect(team[0]!.subject).toBe(`New Prevent referral: ${reference}`);
    const links = team[0]!.text.match(/https?:\/\/\S+/g);
    expect(links).toEqual([`${BASE_URL}/staff/referrals/${reference}`]);
    expectNoneOf(team[0]!, [...REFERRAL_SECRETS, 'alex@example.org', 'example.org']);
    // exactly the two outbox messages, each sent once, and the database agrees
    const rows = await until('both rows sent', async () => {
      const r = await outboxRows(reference);
      return r.every((m) => m.status === 'sent') && r;
    });
    expect(rows).toHaveLength(2);
    expect([...countByMessageId(smtp.messages).entries()].sort()).toEqual(rows.map((r) => [r.messageId, 1]).sort());
  });

  it('an anonymous referral sends only the team notification', async () => {
    const w = await worker();
    await appWith(w.notify);
    const reference = await completeJourney(new FormClient(app!), '/refer', anonymousReferral);
    await smtp.waitFor(1);
    await until('the outbox to settle', async () => (await outboxRows(reference)).every((r) => r.status === 'sent'));
    await until('the queue to drain', async () => (await openDeliveryJobs()) === 0);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.envelopeTo).toEqual([TEAM_INBOX]);
    expect(smtp.messages[0]!.text).toContain(reference);
    expectNoneOf(smtp.messages[0]!, REFERRAL_SECRETS);
    expect(smtp.attempts).toBe(1);
  });

  it('an advice request: the asker gets an acknowledgement with the reference and not their question', async () => {
    const w = await worker();
    await appWith(w.notify);
    const reference = await completeJourney(new FormClient(app!), '/advice', adviceRequest);
    await smtp.waitFor(2);
    const ack = smtp.messages.find((m) => m.envelopeTo.includes('pat@example.org'));
    expect(ack!.subject).toBe(`We have received your request for advice: ${reference}`);
    expect(ack!.text).toContain(`Your reference number is ${reference}`);
    expectNoneOf(ack!, ADVICE_SECRETS);
    const team = smtp.messages.find((m) => m.envelopeTo.includes(TEAM_INBOX));
    expect(team!.subject).toBe(`New Prevent request for advice: ${reference}`);
    expect(team!.text.match(/https?:\/\/\S+/g)).toEqual([`${BASE_URL}/staff/advice/${reference}`]);
    expectNoneOf(team!, [...ADVICE_SECRETS, 'pat@example.org']);
  });

  it('a server that refuses twice (451) gets the message on the third attempt, after a backoff, exactly once', async () => {
    const w = await worker();
    await appWith(w.notify);
    smtp.failNext(2);
    const reference = await completeJourney(new FormClient(app!), '/refer', anonymousReferral);
    const [received] = await smtp.waitFor(1);
    const [row] = await outboxRows(reference);
    await until('the row to be marked sent', async () => (await outboxRows(reference))[0]!.status === 'sent');
    const [sent] = await outboxRows(reference);
    expect(sent).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    expect(sent!.sentAt).not.toBeNull();
    expect(received!.messageId).toBe(row!.messageId);
    await until('the queue to drain', async () => (await openDeliveryJobs()) === 0);
    expect(smtp.attempts).toBe(3);
    expect(countByMessageId(smtp.messages).get(row!.messageId)).toBe(1);
    expect(smtp.messages).toHaveLength(1);
    // backoff: 1 s after the first refusal, then 2 s after the second
    const [first, second, third] = smtp.attemptTimes;
    expect(second! - first!).toBeGreaterThanOrEqual(900);
    expect(third! - second!).toBeGreaterThanOrEqual(1800);
  });

  it('exactly once: the same ids handed over again and again, two workers and sweeps racing, each message arrives once', async () => {
    smtp.setDelay(200); // deliveries overlap
    const ids = await Promise.all(['ONCE0001', 'ONCE0002', 'ONCE0003', 'ONCE0004'].map((r) => committedEmail(r)));
    // old enough for the sweep to pick them up as well
    await database.db
      .update(outbox)
      .set({ createdAt: sql`now() - interval '5 minutes'` })
      .where(inArray(outbox.id, ids));
    const [w1, w2] = [await worker(), await worker()];
    const direct = await Promise.all([
      w1.notify(ids),
      w2.notify(ids),
      w1.notify([...ids].reverse()),
      w1.sweep(),
      w2.sweep(),
      ...ids.map((id) => w1.deliver(id)),
      ...ids.map((id) => w2.deliver(id)),
    ]);
    const outcomes = direct.slice(5) as DeliveryOutcome[];
    expect(outcomes.filter((o) => o === 'sent').length).toBeLessThanOrEqual(4);
    await smtp.waitFor(4);
    await until('every message sent', async () => {
      const rows = await database.db.select().from(outbox).where(inArray(outbox.id, ids));
      return rows.every((r) => r.status === 'sent');
    });
    await until('the queue to drain', async () => (await openDeliveryJobs()) === 0);
    const rows = await database.db.select().from(outbox).where(inArray(outbox.id, ids));
    const counts = countByMessageId(smtp.messages);
    for (const r of rows) {
      expect(counts.get(r.messageId), r.reference!).toBe(1);
      expect(r.attempts).toBe(1);
    }
    expect(smtp.messages).toHaveLength(4);
    expect(smtp.attempts).toBe(4);
    for (const id of ids) expect(await w2.deliver(id)).toBe('skipped');
    expect(smtp.attempts).toBe(4);
  });

  it('a message refused beyond the attempts allowed ends failed, with the error kept and no more sends', async () => {
    const lines: string[] = [];
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const w = await worker({ maxAttempts: 2, log });
    smtp.failNext(1000);
    const id = await committedEmail('FAIL0001', 'alex@example.org');
    await w.notify([id]);
    const row = await until('the message to fail', async () => {
      const [r] = await database.db.select().from(outbox).where(eq(outbox.id, id));
      return r!.status === 'failed' && r;
    });
    expect(row.attempts).toBe(2);
    expect(row.lastError).toMatch(/451/);
    expect(row.sentAt).toBeNull();
    await until('the queue to drain', async () => (await openDeliveryJobs()) === 0);
    await new Promise((r) => setTimeout(r, 1500)); // a retry, were one still due, would come in this time
    expect(await w.sweep()).toBe(0);
    expect(await w.deliver(id)).toBe('skipped');
    expect(smtp.attempts).toBe(2);
    expect(smtp.messages).toHaveLength(0);
    // the log says what happened to which outbox row, never to whom or what
    const log2 = lines.join('');
    expect(log2).toContain(id);
    expect(log2).not.toContain('alex@example.org');
    expect(log2).not.toContain('Sign in to see the details'); // nor the body
  });

  it('a permanent refusal (550, no such mailbox) is not retried: the message waits for a person', async () => {
    const w = await worker({ maxAttempts: 5 });
    smtp.failNext(1000, 550);
    const id = await committedEmail('FAIL0002', 'nobody@example.org');
    await w.notify([id]);
    const row = await until('the message to fail', async () => {
      const [r] = await database.db.select().from(outbox).where(eq(outbox.id, id));
      return r!.status === 'failed' && r;
    });
    expect(row.attempts).toBe(1);
    expect(row.lastError).toMatch(/550/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.attempts).toBe(1);
  });

  it('crash safety: messages committed but never handed over are delivered when a worker starts', async () => {
    // The hand-over after commit is lost, as in a crash between the two.
    await appWith(async () => undefined);
    const reference = await completeJourney(new FormClient(app!), '/refer', publicReferral);
    const pending = await outboxRows(reference);
    expect(pending.map((r) => r.status)).toEqual(['pending', 'pending']);
    await worker();
    await smtp.waitFor(2);
    await until('both rows sent', async () => (await outboxRows(reference)).every((r) => r.status === 'sent'));
    expect([...countByMessageId(smtp.messages).values()]).toEqual([1, 1]);
    expect(smtp.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(['alex@example.org', TEAM_INBOX].sort());
  });

  it('the sweep does not retry a refused message before its backoff is over', async () => {
    const w = await worker({ retryDelaySeconds: 30 });
    smtp.failNext(1000);
    const id = await committedEmail('WAIT0001');
    await database.db
      .update(outbox)
      .set({ createdAt: sql`now() - interval '10 minutes'` })
      .where(eq(outbox.id, id));
    await w.notify([id]);
    await until('the first attempt', async () => smtp.attempts === 1);
    await until('the failure to be recorded', async () => {
      const [r] = await database.db.select().from(outbox).where(eq(outbox.id, id));
      return r!.lastError !== null;
    });
    // The next try is 30 s away: the minute's sweep must leave it alone, or an outage would use up every attempt.
    expect(await w.sweep()).toBe(0);
    expect(await w.deliver(id)).toBe('skipped');
    await new Promise((r) => setTimeout(r, 1200));
    expect(smtp.attempts).toBe(1);
    const [r] = await database.db.select().from(outbox).where(eq(outbox.id, id));
    expect(r).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('atomic: a submission whose transaction fails after its e-mails were queued leaves no e-mail, record or log entry', async () => {
    let handedOver = 0;
    const w = await worker();
    await appWith(async (ids) => {
      handedOver += ids.length;
      await w.notify(ids);
    });
    const client = new FormClient(app!);
    await walkToCheckAnswers(client, '/refer', publicReferral);
    // Refuse at commit, after every insert of the submission (the outbox rows are the last).
    await ownerExec(
      database,
      `
      CREATE FUNCTION test_refuse_commit() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
      CREATE CONSTRAINT TRIGGER test_refuse_commit AFTER INSERT ON outbox
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_refuse_commit();
    `,
    );
    try {
      const res = await client.post('/refer/check-answers');
      expect(res.status).toBe(500);
    } finally {
      await ownerExec(database, 'DROP TRIGGER test_refuse_commit ON outbox; DROP FUNCTION test_refuse_commit()');
    }
    const count = async (table: typeof outbox | typeof referrals | typeof accessLog) =>
      ((await database.db.select({ n: sql<number>`count(*)::int` }).from(table)) as [{ n: number }])[0].n;
    expect(await count(outbox)).toBe(0);
    expect(await count(referrals)).toBe(0);
    expect(await count(accessLog)).toBe(0);
    const [draft] = await database.db.select().from(drafts);
    expect(draft!.submittedReference).toBeNull();
    expect(handedOver).toBe(0);
    // The person can send it again: it goes through, with its e-mails, once.
    const retried = await client.follow(await client.post('/refer/check-answers'));
    expect(retried.url).toBe('/refer/confirmation');
    await smtp.waitFor(2);
    expect(await count(outbox)).toBe(2);
    expect(await count(referrals)).toBe(1);
  });

  it('atomic: an outbox row queued in a transaction that then fails is rolled back with it', async () => {
    const values = referralRow({
      personFullName: 'Jamie Example',
      personDobKnown: 'no',
      personAddressKnown: 'no',
      concernText: 'He has been sharing violent videos.',
      concernViolence: 'unknown',
      personAware: 'no',
      referrerType: 'public',
      referrerAnonymous: 'no',
      referrerName: 'Alex Aunt',
      referrerEmail: 'alex@example.org',
    });
    await expect(
      database.db.transaction(async (tx) => {
        await enqueueEmail(
          tx,
          'alex@example.org',
          referralAcknowledgement(config.site, 'ROLL0001'),
          'ROLL0001',
          'prevent.example.test',
        );
        // no such reference was issued: the foreign key refuses the record, and the transaction with it
        await tx.insert(referrals).values({ ...values, reference: 'ROLL0001', source: 'online', answers: {} });
      }),
    ).rejects.toThrow();
    expect(await database.db.select().from(outbox)).toEqual([]);
    expect(await database.db.select().from(referrals)).toEqual([]);
  });
});
