import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { engines, openTestDatabase, resetDatabase } from '../helpers/engines.js';
import { testApp, testConfig } from '../helpers/app.js';
import { FormClient } from '../helpers/client.js';
import { completeJourney, publicReferral } from '../helpers/journeys.js';
import type { Database } from '../../src/db/client.js';
import { outbox } from '../../src/db/schema/index.js';
import { fileMailer, smtpMailer, type OutgoingMessage } from '../../src/outbox/mailer.js';
import { startWorker, type Worker } from '../../src/jobs/worker.js';

const FROM = 'Cumbria Police Prevent <no-reply@prevent.example.test>';

function message(n: number): OutgoingMessage {
  return {
    from: FROM,
    to: `person${n}@example.org`,
    subject: `We have received your Prevent referral: FILE000${n}`,
    text: `Your reference number is FILE000${n}\n\nA second line, and a pound sign: £.`,
    messageId: `<0000000${n}-aaaa-4bbb-8ccc-dddddddddddd@prevent.example.test>`,
  };
}

const folders: string[] = [];
function freshFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'prevent-outbox-'));
  folders.push(dir);
  return path.join(dir, 'outbox'); // not there yet: the mailer makes it
}

afterAll(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('e-mail without an SMTP server: .eml files', () => {
  it('writes one complete .eml per message, which a mail program reads back whole', async () => {
    const dir = freshFolder();
    const mailer = fileMailer(dir);
    try {
      await mailer.send(message(1));
      await mailer.send(message(2));
    } finally {
      mailer.close();
    }
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.endsWith('.eml'))).toBe(true); // nothing half-written (.tmp) left behind
    for (const [i, file] of files.entries()) {
      const sent = message(i + 1);
      const parsed = await simpleParser(readFileSync(path.join(dir, file)));
      expect(parsed.messageId).toBe(sent.messageId);
      expect(parsed.subject).toBe(sent.subject);
      expect(parsed.text?.trimEnd()).toBe(sent.text);
      expect(parsed.from?.value[0]?.address).toBe('no-reply@prevent.example.test');
      const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
      expect(to?.value.map((a) => a.address)).toEqual([sent.to]);
      expect(parsed.date).toBeInstanceOf(Date);
    }
  });

  it('a message written again (a retry) replaces its file: still one file per message', async () => {
    const dir = freshFolder();
    const mailer = fileMailer(dir);
    try {
      await mailer.send(message(3));
      await mailer.send(message(3));
    } finally {
      mailer.close();
    }
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('the start-up log says where messages go when SMTP_URL is unset, and never an SMTP password', () => {
    const config = testConfig(); // SMTP_URL unset: the embedded default
    expect(config.smtpUrl).toBeUndefined();
    const folder = path.join(config.dataDir, 'outbox');
    const files = fileMailer(folder);
    files.close();
    expect(files.describe).toContain(folder);
    expect(files.describe).toContain('no SMTP_URL');

    const smtp = smtpMailer('smtp://mailuser:s3cret-pass@mail.example.test:2525');
    smtp.close();
    expect(smtp.describe).toBe('SMTP server mail.example.test:2525');
    expect(smtp.describe).not.toMatch(/s3cret|mailuser/);
  });
});

describe.each(engines)('the worker with no SMTP server on %s', (engine) => {
  let database: Database;
  let worker: Worker | undefined;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async () => {
    await resetDatabase(database);
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });

  it("delivers a referral's e-mails from the outbox into .eml files, each once", async () => {
    const dir = freshFolder();
    worker = await startWorker({
      database,
      mailer: fileMailer(dir),
      mailFrom: FROM,
      log: pino({ level: 'silent' }),
      schedule: false,
      pollingIntervalSeconds: 0.5,
    });
    const { app } = await testApp(database, { notify: worker.notify });
    let reference: string;
    try {
      reference = await completeJourney(new FormClient(app), '/refer', publicReferral);
    } finally {
      await app.close();
    }
    const deadline = Date.now() + 20_000;
    let rows = await database.db.select().from(outbox).where(eq(outbox.reference, reference));
    while (!rows.every((r) => r.status === 'sent') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      rows = await database.db.select().from(outbox).where(eq(outbox.reference, reference));
    }
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    const parsed = await Promise.all(readdirSync(dir).map((f) => simpleParser(readFileSync(path.join(dir, f)))));
    expect(parsed.map((p) => p.messageId).sort()).toEqual(rows.map((r) => r.messageId).sort());
    for (const p of parsed) {
      expect(p.subject).toContain(reference);
      expect(p.text).not.toContain('Jamie');
      expect(p.text).not.toContain('violent');
    }
  });
});
