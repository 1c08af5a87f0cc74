/**
 * `npm run bench:queue`: the triage queue page (GET /staff/triage) at 1,000,000 referrals, over HTTP against the real
 * app signed in as a Prevent supervisor. Target: p95 under 30 ms.
 *
 * 1. The referrals: bench/generate.ts loads them into the benchmark's own database (BENCH_DATABASE, default
 *    `prevent_bench_triage_queue`) unless it already holds BENCH_COUNT (1,000,000) of them. Opening it runs our
 *    migrations (0011 adds the queue's index).
 * 2. A triage spread, once: the generator leaves every open referral "new" and unassigned, so 12 officers are made,
 *    70% of the open referrals are given to them and moved into triage (some awaiting information), each gets a type of
 *    concern, and 300 advice requests are added.
 * 3. The app in a child process (bench/servers/app.ts, as bench/run.ts starts it), a supervisor's session made in the
 *    database, and for each page: a warm-up, then BENCH_REQUESTS requests one at a time (latency as one person sees
 *    it), then the same with BENCH_CONNECTIONS at once. Every view writes its access-log entry, as in production.
 *
 * Prints p50/p95/p99 per page and writes bench/results/triage-queue.json. Always exits 0 (not a CI gate).
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sign } from '@fastify/cookie';
import pg from 'pg';
import { openDatabase } from '../src/db/client.js';
import { startServer } from './lib/servers.js';

const env = process.env;
const ADMIN_URL = env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = env.BENCH_DATABASE ?? 'prevent_bench_triage_queue';
const COUNT = Number(env.BENCH_COUNT ?? 1_000_000);
const REQUESTS = Number(env.BENCH_REQUESTS ?? 1000);
const WARMUP = Number(env.BENCH_WARMUP_REQUESTS ?? 200);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 8);
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => console.log(line);

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, run: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'prevent-bench-queue' });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function referralCount(): Promise<number> {
  const exists = await withClient(
    ADMIN_URL,
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME])).rowCount,
  );
  if (!exists) return 0;
  return withClient(databaseUrl(DB_NAME), async (c) => {
    const t = await c.query(`SELECT to_regclass('public.referrals') AS t`);
    if (!t.rows[0].t) return 0;
    const { rows } = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM referrals`);
    return Number(rows[0]!.n);
  });
}

const OFFICERS = 12;

/** Officers, assignments, states, concern types and advice requests, once (marked by the bench officers' accounts). */
async function spreadTriage(url: string): Promise<void> {
  await withClient(url, async (c) => {
    const done = await c.query(`SELECT 1 FROM staff_users WHERE email = 'bench.queue.officer.1@example.test'`);
    if (done.rowCount) return;
    const t = Date.now();
    const org = `(SELECT id FROM organisations WHERE code = 'cumbria-police-prevent')`;
    const { rows: officers } = await c.query<{ id: string }>(
      `INSERT INTO staff_users (email, display_name, organisation_id)
       SELECT 'bench.queue.officer.' || i || '@example.test', 'Bench Officer ' || i, ${org}
       FROM generate_series(1, ${OFFICERS}) AS i RETURNING id`,
    );
    await c.query(`INSERT INTO staff_roles (user_id, role) SELECT unnest($1::uuid[]), 'prevent_officer'`, [
      officers.map((o) => o.id),
    ]);
    await c.query('BEGIN');
    await c.query(
      `UPDATE referrals r SET assigned_officer_id = ($1::uuid[])[1 + (abs(hashtext(r.reference)) % ${OFFICERS})],
              concern_type_code = (SELECT code FROM concern_types ORDER BY sort, code
                                    OFFSET abs(hashtext(r.reference || 'c')) % (SELECT count(*) FROM concern_types) LIMIT 1)
        WHERE r.status = 'new' AND abs(hashtext(r.reference || 'a')) % 10 < 7`,
      [officers.map((o) => o.id)],
    );
    await c.query(`UPDATE referrals SET status = 'in_triage' WHERE status = 'new' AND assigned_officer_id IS NOT NULL`);
    await c.query(
      `UPDATE referrals SET status = 'awaiting_information'
        WHERE status = 'in_triage' AND abs(hashtext(reference || 'w')) % 5 = 0`,
    );
    await c.query(
      `UPDATE referrals r SET concern_type_code = (SELECT code FROM concern_types ORDER BY sort, code
                                    OFFSET abs(hashtext(r.reference || 'c')) % (SELECT count(*) FROM concern_types) LIMIT 1)
        WHERE r.status = 'new'`,
    );
    await c.query('COMMIT');
    // 300 advice requests over the last 30 days (references outside the generator's).
    const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
    const refs = new Set<string>();
    while (refs.size < 300) {
      let r = '';
      for (let i = 0; i < 8; i++) r += alphabet[randomBytes(1)[0]! % alphabet.length];
      refs.add(r);
    }
    await c.query(
      `WITH refs AS (SELECT unnest($1::text[]) AS reference, generate_subscripts($1::text[], 1) AS n),
       issued AS (INSERT INTO case_references (reference, kind) SELECT reference, 'advice' FROM refs
                  ON CONFLICT DO NOTHING RETURNING reference)
       INSERT INTO advice_requests (reference, source, received_at, question, asker_type, asker_name, asker_email, answers,
                                    assigned_officer_id)
       SELECT r.reference, 'phone', now() - (r.n % 30) * interval '1 day', 'Benchmark question ' || r.n, 'public',
              'Asker ' || r.n, 'asker' || r.n || '@example.test', '{}'::jsonb,
              CASE WHEN r.n % 3 = 0 THEN ($2::uuid[])[1 + r.n % ${OFFICERS}] END
       FROM refs r JOIN issued USING (reference)`,
      [[...refs], officers.map((o) => o.id)],
    );
    await c.query('VACUUM ANALYZE referrals');
    await c.query('VACUUM ANALYZE advice_requests');
    log(`triage spread (officers, states, concern types, advice requests) made in ${Date.now() - t} ms`);
  });
}

async function supervisorCookie(url: string, secret: string): Promise<string> {
  const rawId = randomBytes(32).toString('base64url');
  await withClient(url, async (c) => {
    const { rows } = await c.query<{ id: string }>(
      `INSERT INTO staff_users (email, display_name, organisation_id)
       SELECT 'bench.queue.supervisor.' || $1 || '@example.test', 'Bench Supervisor', id
       FROM organisations WHERE code = 'cumbria-police-prevent' RETURNING id`,
      [rawId.slice(0, 10).toLowerCase()],
    );
    await c.query(`INSERT INTO staff_roles (user_id, role) VALUES ($1, 'prevent_supervisor')`, [rows[0]!.id]);
    await c.query(
      `INSERT INTO staff_sessions (id_hash, user_id, stage, method, expires_at)
       VALUES ($1, $2, 'signed_in', 'password', now() + interval '12 hours')`,
      [createHash('sha256').update(rawId).digest('hex'), rows[0]!.id],
    );
  });
  return `prevent_staff=${sign(rawId, secret)}`;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Figures {
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  rps: number;
}

async function timed(url: string, cookie: string): Promise<number> {
  const started = process.hrtime.bigint();
  const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  await res.arrayBuffer();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return ms;
}

async function measure(url: string, cookie: string, connections: number, total: number): Promise<Figures> {
  const times: number[] = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next++ < total) times.push(await timed(url, cookie));
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 100) / 100;
  return {
    requests: times.length,
    p50: r(percentile(times, 50)),
    p95: r(percentile(times, 95)),
    p99: r(percentile(times, 99)),
    max: r(times.at(-1) ?? NaN),
    rps: Math.round(times.length / seconds),
  };
}

async function main(): Promise<void> {
  log(
    `load before: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} (${os.cpus().length} cores)`,
  );
  const have = await referralCount();
  if (have < COUNT) {
    log(`${DB_NAME} holds ${have.toLocaleString('en-GB')} referrals: generating ${COUNT.toLocaleString('en-GB')}`);
    const gen = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'bench', 'generate.ts'), '--count', String(COUNT)],
      { stdio: 'inherit', env: { ...env, BENCH_DATABASE: DB_NAME, BENCH_POSTGRES_URL: ADMIN_URL } },
    );
    if (gen.status !== 0) throw new Error('bench/generate.ts failed');
  } else {
    log(`${DB_NAME} already holds ${have.toLocaleString('en-GB')} referrals`);
  }
  const url = databaseUrl(DB_NAME);
  const migrated = await openDatabase({ databaseUrl: url, poolSize: 1 });
  await migrated.close();
  await spreadTriage(url);
  const open = await withClient(url, async (c) => {
    const { rows } = await c.query<{ status: string; n: string }>(
      `SELECT status, count(*)::text AS n FROM referrals WHERE status <> 'decided' GROUP BY status ORDER BY status`,
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  });
  log(`open referrals by state: ${JSON.stringify(open)}`);

  const secret = randomBytes(32).toString('hex');
  const server = await startServer('ours', 'app', {
    NODE_ENV: 'production',
    COOKIE_SECRET: secret,
    DATABASE_URL: url,
    RUN_WORKER: 'false',
  });
  const results: Record<string, { one: Figures; many: Figures }> = {};
  try {
    const cookie = await supervisorCookie(url, secret);
    const concern = await withClient(
      url,
      async (c) =>
        (await c.query<{ code: string }>(`SELECT code FROM concern_types ORDER BY sort LIMIT 1`)).rows[0]!.code,
    );
    const pages: [string, string][] = [
      ['first page', '/staff/triage'],
      [
        'filtered (in triage, overdue, one type of concern)',
        `/staff/triage?state=in_triage&age=overdue&concern=${concern}`,
      ],
      ['filtered (not assigned)', '/staff/triage?officer=none'],
      ['later page (page 40)', '/staff/triage?page=40'],
      // For scale on a busy machine: the intake list, an existing page with the same layout and access-log write.
      ['baseline: the intake list (/staff/intake)', '/staff/intake'],
    ];
    for (const [name, pathname] of pages) {
      const target = server.url + pathname;
      const first = await fetch(target, { headers: { cookie }, redirect: 'manual' });
      const body = await first.text();
      if (first.status !== 200) throw new Error(`${pathname} answered ${first.status}`);
      const count = /id="queue-count"[^>]*>([^<]*)</.exec(body)?.[1]?.trim();
      await measure(target, cookie, CONNECTIONS, WARMUP);
      const one = await measure(target, cookie, 1, REQUESTS);
      const many = await measure(target, cookie, CONNECTIONS, REQUESTS * 2);
      results[name] = { one, many };
      log(
        `${name.padEnd(52)} ${count ?? ''}\n` +
          `   1 at a time: p50 ${one.p50} ms, p95 ${one.p95} ms, p99 ${one.p99} ms, max ${one.max} ms (${one.rps} req/s)\n` +
          `   ${CONNECTIONS} at once:   p50 ${many.p50} ms, p95 ${many.p95} ms, p99 ${many.p99} ms, max ${many.max} ms (${many.rps} req/s)`,
      );
    }
  } finally {
    await server.stop();
  }
  const load = os.loadavg().map((l) => l.toFixed(2));
  log(`load after: ${load.join(', ')}; target: p95 under 30 ms one at a time`);
  const dir = path.join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'triage-queue.json'),
    JSON.stringify({ at: new Date().toISOString(), database: DB_NAME, open, results, load }, null, 2),
  );
}

await main().catch((err: unknown) => {
  console.error(err);
});
