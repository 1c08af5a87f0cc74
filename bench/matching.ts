/**
 * `npm run bench:matching`: the earlier-referral check (findEarlierReferrals, ADR 0016) on random referrals of the
 * database bench/generate.ts loaded (BENCH_POSTGRES_URL, BENCH_DATABASE, default `prevent_bench_matching`). One probe at
 * a time, through the app's own role on one connection, after a warm-up; prints p50/p95/p99 against the 50 ms target,
 * and the CPU time the probes took (the PostgreSQL backend's and this process's), which other work on a shared machine
 * does not inflate the way it inflates wall-clock times.
 *
 * MATCH_PROBES (default 500), MATCH_WARMUP (default 50).
 */
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/client.js';
import { findEarlierReferrals } from '../src/features/earlier-referrals/service.js';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/sql.js';
import { query } from './lib/fixtures.js';
import { cpuMsOf } from './lib/servers.js';

const env = process.env;
const ADMIN_URL = env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = env.BENCH_DATABASE ?? 'prevent_bench_matching';
const PROBES = Number(env.MATCH_PROBES ?? 500);
const WARMUP = Number(env.MATCH_WARMUP ?? 50);
const TARGET_P95_MS = 50;

const url = new URL(ADMIN_URL);
url.pathname = `/${DB_NAME}`;
const databaseUrl = url.toString();

const [{ n }] = (await query<{ n: string }>(databaseUrl, 'SELECT count(*)::text AS n FROM referrals')) as [
  { n: string },
];
const ids = (
  await query<{ id: string }>(databaseUrl, 'SELECT id::text AS id FROM referrals ORDER BY random() LIMIT $1', [
    PROBES + WARMUP,
  ])
).map((r) => r.id);

const database = await openDatabase({ databaseUrl, poolSize: 1, appRole: 'prevent_app', migrate: false });
try {
  const [{ pid }] = (await queryRows<{ pid: number }>(database.db, sql`select pg_backend_pid() as pid`)) as [
    { pid: number },
  ];
  const times: number[] = [];
  let backendCpu = 0;
  let ownCpu = 0;
  let shown = 0;
  let strong = 0;
  for (const [i, id] of ids.entries()) {
    const b0 = cpuMsOf(pid);
    const c0 = process.cpuUsage();
    const t = performance.now();
    const found = await findEarlierReferrals(database.db, id, { limit: 10 });
    const ms = performance.now() - t;
    if (i < WARMUP) continue;
    const c = process.cpuUsage(c0);
    ownCpu += (c.user + c.system) / 1000;
    backendCpu += cpuMsOf(pid) - b0;
    times.push(ms);
    shown += found.length;
    if (found[0]?.band === 'strong') strong++;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  const p95 = at(0.95);
  console.log(
    `${Number(n).toLocaleString('en-GB')} referrals in ${DB_NAME}; ${times.length} probes after ${WARMUP} warm-up`,
  );
  console.log(
    `findEarlierReferrals: p50 ${at(0.5).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, ` +
      `max ${times[times.length - 1]!.toFixed(1)} ms (target p95 < ${TARGET_P95_MS} ms: ${p95 < TARGET_P95_MS ? 'met' : 'NOT met'})`,
  );
  console.log(
    `CPU per probe: PostgreSQL backend ${(backendCpu / times.length).toFixed(1)} ms, this process ${(ownCpu / times.length).toFixed(1)} ms (load average at the end: ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores)`,
  );
  console.log(
    `candidates shown per probe: ${(shown / times.length).toFixed(1)} on average; a strong match first for ${strong} of ${times.length}`,
  );
} finally {
  await database.close();
}
