import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { engines, postgresUrlForWorker, resetDatabase } from '../helpers/engines.js';
import { FormClient, type Response } from '../helpers/client.js';
import { DRAFT_COOKIE, draftAnswers, draftCookieValue, insertDraft, journeyFor } from '../helpers/drafts.js';
import { anonymousReferral, professionalReferral, publicReferral, type Answers } from '../helpers/journeys.js';
import {
  DURABILITY_COOKIE_SECRET,
  freePort,
  killAllServers,
  seedPgliteDataDir,
  startServer,
  type ServerProcess,
} from '../helpers/server-process.js';
import { openDatabase, type Database, type Db } from '../../src/db/client.js';

/**
 * The durability promise: a storm of concurrent submissions (some double-clicked), the server SIGKILLed midway,
 * restarted on the same data; every reference a client was shown exists exactly once, with its log entry and e-mails,
 * and every client that was left without an answer gets exactly one referral by trying again.
 */

const CLIENTS = 210;
const PREPARE_CONCURRENCY = 20;
/** The server is killed once this share of the final posts have been answered. */
const KILL_AFTER_SHARE = 1 / 3;

interface Participant {
  index: number;
  client: FormClient;
  marker: string;
  answers: Answers;
  anonymous: boolean;
  /** The draft at check-your-answers (inserted directly: test/helpers/drafts.ts). */
  draftId?: string;
  /** Concurrent posts of "Send" (2–3 are double and triple clicks). */
  clicks: number;
  /** The reference this client read on a confirmation page before the kill. */
  before?: string;
  /** The reference it read after the restart. */
  after?: string;
}

/** Runs `fn` over `items` with at most `limit` running at once. */
async function inPool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function answersFor(i: number, marker: string): { answers: Answers; anonymous: boolean } {
  const base = [publicReferral, professionalReferral, anonymousReferral][i % 3]!;
  return {
    anonymous: i % 3 === 2,
    answers: {
      ...base,
      'person-name': { personFullName: marker, personOtherNames: '' },
      concern: { concernText: `Durability concern number ${i}: worrying remarks at school.`, concernSince: '' },
    },
  };
}

/**
 * Puts every client at check-your-answers: their drafts are inserted as real rows (test/helpers/drafts.ts builds each
 * from the journey's own pages and validation, as posting every page would), before the server starts.
 */
async function insertDrafts(db: Db, people: Participant[]): Promise<void> {
  const journey = await journeyFor(db, 'referral');
  for (const p of people) p.draftId = await insertDraft(db, 'referral', draftAnswers(journey, p.answers));
}

/** Opens check-your-answers in the client's browser: the draft cookie, then the page (and its CSRF token). */
async function prepare(p: Participant): Promise<void> {
  p.client.setCookie(DRAFT_COOKIE, draftCookieValue('referral', p.draftId!, DURABILITY_COOKIE_SECRET));
  const check = await p.client.get('/refer/check-answers');
  expect(check.status).toBe(200);
  expect(check.body).toContain(p.marker);
}

/** Rows of a raw query, on either engine (both drivers answer with `{ rows }`). */
async function query<T>(db: Db, q: SQL): Promise<T[]> {
  return ((await db.execute(q)) as unknown as { rows: T[] }).rows;
}

const referenceOn = (res: Response): string | undefined =>
  /class="app-reference">([2-9A-HJKMNP-Z]{8})</.exec(res.body)?.[1];

describe.each(engines)('durability under SIGKILL on %s', (engine) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), `prevent-dur-${engine}-`));
  let databaseUrl: string | undefined;
  let database: Database | undefined;

  afterAll(async () => {
    await killAllServers();
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`every reference a client was shown exists exactly once after a SIGKILL and restart (${CLIENTS} clients)`, async () => {
    const t0 = Date.now();
    const port = await freePort();
    // 1. Many people have filled in the form, each with data of their own, up to check-your-answers: their drafts are
    // in the database before the server starts (the embedded engine is the server's own once it runs).
    const people: Participant[] = Array.from({ length: CLIENTS }, (_, index) => {
      const marker = `Durability Person ${index}`;
      const { answers, anonymous } = answersFor(index, marker);
      const clicks = index % 5 === 0 ? 3 : index % 3 === 0 ? 2 : 1;
      return { index, client: new FormClient(`http://127.0.0.1:${port}`), marker, answers, anonymous, clicks };
    });
    let setup: Database;
    if (engine === 'postgres') {
      databaseUrl = await postgresUrlForWorker('_dur');
      setup = await openDatabase({ databaseUrl, poolSize: 2 });
      await resetDatabase(setup);
    } else {
      await seedPgliteDataDir(dataDir);
      setup = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
    }
    await insertDrafts(setup.db, people);
    await setup.close();
    let server: ServerProcess = await startServer({ dataDir, databaseUrl, port });
    const tStarted = Date.now();
    await inPool(people, PREPARE_CONCURRENCY, prepare);
    const tPrepared = Date.now();

    // 2. They all press Send at once (some two or three times); the server is killed part-way through.
    const totalPosts = people.reduce((n, p) => n + p.clicks, 0);
    const killAt = Math.ceil(totalPosts * KILL_AFTER_SHARE);
    let answered = 0;
    let killSent = false;
    const unexpected: string[] = [];
    const first = server;
    const killNow = () => {
      if (killSent) return;
      killSent = true;
      void first.kill('SIGKILL');
    };
    const storm = people.flatMap((p) =>
      Array.from({ length: p.clicks }, async () => {
        let res: Response;
        try {
          res = await p.client.post('/refer/check-answers');
        } catch {
          return; // the connection died with the server: no answer
        }
        answered++;
        if (answered >= killAt) killNow();
        if (res.status !== 303 || res.location !== '/refer/confirmation') {
          unexpected.push(`client ${p.index}: POST check-answers answered ${res.status} ${res.location ?? ''}`);
          return;
        }
        let page: Response;
        try {
          page = await p.client.get('/refer/confirmation');
        } catch {
          return; // sent, perhaps, but never shown a reference
        }
        const reference = referenceOn(page);
        if (page.status !== 200 || !reference) {
          unexpected.push(`client ${p.index}: confirmation page answered ${page.status} without a reference`);
          return;
        }
        if (p.before && p.before !== reference)
          unexpected.push(`client ${p.index}: shown two references, ${p.before} and ${reference}`);
        p.before = reference;
      }),
    );
    // Should the storm finish before the threshold (it cannot: killAt < totalPosts), the kill still happens.
    await Promise.allSettled(storm);
    killNow();
    const killed = await first.exited;
    expect(killed.signal, first.output()).toBe('SIGKILL');
    expect(unexpected, unexpected.join('\n')).toEqual([]);
    const shownBefore = people.filter((p) => p.before);
    const tKilled = Date.now();

    // 3. Restart on the same data. Everyone comes back: refresh, Back to check-your-answers, and Send again.
    server = await startServer({ dataDir, databaseUrl, port: first.port }); // same address: clients just retry
    const restartedAt = new Date();
    const tRestarted = Date.now();
    await inPool(people, PREPARE_CONCURRENCY, async (p) => {
      const c = p.client; // the same browser: its signed draft and CSRF cookies survive the restart
      if (p.before) {
        const refreshed = await c.get('/refer/confirmation');
        expect(refreshed.status).toBe(200);
        expect(referenceOn(refreshed), `client ${p.index} refreshed its confirmation page`).toBe(p.before);
      }
      const back = await c.get('/refer/check-answers');
      expect(back.status).toBe(200);
      const alreadySent = back.body.includes('You have already sent this');
      if (alreadySent) expect(referenceOn(back)).toBeDefined();
      else expect(back.body, `client ${p.index}: its answers survived the kill`).toContain(p.marker);
      const sent = await c.post('/refer/check-answers');
      expect(sent.status).toBe(303);
      expect(sent.location).toBe('/refer/confirmation');
      const confirmation = await c.get('/refer/confirmation');
      expect(confirmation.status).toBe(200);
      p.after = referenceOn(confirmation);
      expect(p.after, `client ${p.index} was shown a reference after the restart`).toBeDefined();
      if (alreadySent) expect(referenceOn(back)).toBe(p.after);
      if (p.before) expect(p.after, `client ${p.index} was shown a different reference`).toBe(p.before);
    });
    const tRetried = Date.now();

    // 4. Kill again (nothing a client was shown may depend on a clean shutdown), then look at the data directly.
    const second = await server.kill('SIGKILL');
    expect(second.signal).toBe('SIGKILL');
    database = databaseUrl
      ? await openDatabase({ databaseUrl, poolSize: 2 })
      : await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
    const { db } = database;

    const rows = await query<{
      id: string;
      reference: string;
      draft_id: string | null;
      person_full_name: string;
      concern_text: string;
      referrer_anonymous: boolean;
      received_at: string | Date;
    }>(
      db,
      sql`select id, reference, draft_id, person_full_name, concern_text, referrer_anonymous, received_at
               from referrals`,
    );

    // (e) one referral per client, none empty, none extra.
    expect(rows).toHaveLength(CLIENTS);
    for (const r of rows) {
      expect(r.person_full_name.trim()).not.toBe('');
      expect(r.concern_text.trim()).not.toBe('');
      expect(r.draft_id).not.toBeNull();
    }
    const byReference = new Map<string, typeof rows>();
    for (const r of rows) byReference.set(r.reference, [...(byReference.get(r.reference) ?? []), r]);
    expect(new Set(rows.map((r) => r.person_full_name)).size, 'one referral per client').toBe(CLIENTS);

    // (a) every reference any client was shown, before or after the kill, is there exactly once, with its own answers.
    for (const p of people) {
      for (const shown of [p.before, p.after]) {
        if (!shown) continue;
        const found = byReference.get(shown) ?? [];
        expect(found, `client ${p.index}'s reference ${shown}`).toHaveLength(1);
        expect(found[0]!.person_full_name).toBe(p.marker);
        expect(found[0]!.concern_text).toContain(`number ${p.index}:`);
        expect(found[0]!.referrer_anonymous).toBe(p.anonymous);
      }
    }

    // (b) no draft became two referrals, and each draft names the one it became.
    const count = async (q: SQL) => (await query<{ n: number }>(db, q))[0]!.n;
    expect(
      await query(db, sql`select draft_id from referrals group by draft_id having count(*) > 1`),
      'drafts with two referrals',
    ).toEqual([]);
    expect(
      await count(sql`select count(*)::int as n from referrals r left join drafts d on d.id = r.draft_id
                      where d.submitted_reference is distinct from r.reference`),
    ).toBe(0);
    expect(
      await count(sql`select count(*)::int as n from case_references where kind = 'referral'`),
      'a reference issued in a rolled-back transaction must not survive',
    ).toBe(CLIENTS);

    // (c) each referral has its "collection" log entry and its e-mails: they committed in the same transaction.
    const logs = await query<{ reference: string; record_id: string; n: number }>(
      db,
      sql`select reference, record_id, count(*)::int as n from access_log
          where action = 'collection' and record_type = 'referral' group by reference, record_id`,
    );
    expect(logs).toHaveLength(CLIENTS);
    const mails = new Map(
      (
        await query<{ reference: string; n: number }>(
          db,
          sql`select reference, count(*)::int as n from outbox group by reference`,
        )
      ).map((m) => [m.reference, m.n]),
    );
    for (const log of logs) {
      const [row] = byReference.get(log.reference) ?? [];
      expect(row, `log entry for ${log.reference}`).toBeDefined();
      expect(log.record_id).toBe(row!.id);
      expect(log.n).toBe(1);
    }
    for (const r of rows) {
      expect(mails.get(r.reference), `e-mails for ${r.reference}`).toBe(r.referrer_anonymous ? 1 : 2);
    }

    // (d) the kill really fell in the middle: some clients had been shown their reference, some had not; some
    // referrals had committed before the kill and others were only made by the retry after the restart.
    const afterRestart = rows.filter((r) => new Date(r.received_at) >= restartedAt).length;
    const stats = {
      engine,
      clients: CLIENTS,
      posts: totalPosts,
      answeredBeforeKill: answered,
      shownBeforeKill: shownBefore.length,
      committedBeforeKill: CLIENTS - afterRestart,
      committedAfterRestart: afterRestart,
      seconds: {
        start: (tStarted - t0) / 1000,
        prepare: (tPrepared - tStarted) / 1000,
        storm: (tKilled - tPrepared) / 1000,
        restart: (tRestarted - tKilled) / 1000,
        retry: (tRetried - tRestarted) / 1000,
      },
    };
    console.log(JSON.stringify(stats));
    expect(shownBefore.length, JSON.stringify(stats)).toBeGreaterThan(0);
    expect(shownBefore.length, JSON.stringify(stats)).toBeLessThan(CLIENTS);
    expect(afterRestart, JSON.stringify(stats)).toBeGreaterThan(0);
  }, 300_000);
});
