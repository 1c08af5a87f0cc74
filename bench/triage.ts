/**
 * Scenario t of `npm run bench` (or on its own: `node --import tsx bench/triage.ts`): the triage figures of issue 4 on
 * one database of 1,000,000 generated referrals, in this order:
 *
 * 1. bench/generate.ts loads them into BENCH_TRIAGE_DATABASE (default `prevent_bench_triage`, dropped and re-created;
 *    target under 5 minutes). With BENCH_TRIAGE_REUSE=1 a database that already holds them is kept as it is.
 * 2. bench/matching.ts: the earlier-referral check (target p95 under 50 ms).
 * 3. bench/triage-queue.ts: the queue page over HTTP (target p95 under 30 ms one request at a time).
 * 4. bench/search.ts: staff search, through the service and over HTTP (target p95 under 100 ms).
 *
 * Each tool prints its own figures and verdict. Like the rest of the benchmark, this always exits 0: it is not a gate.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { query } from './lib/fixtures.js';

const env = process.env;
const ADMIN_URL = env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = env.BENCH_TRIAGE_DATABASE ?? 'prevent_bench_triage';
const COUNT = Number(env.BENCH_COUNT ?? 1_000_000);
const here = path.dirname(fileURLToPath(import.meta.url));

async function heldReferrals(): Promise<number> {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB_NAME}`;
  try {
    const [row] = await query<{ n: string }>(url.toString(), 'SELECT count(*)::text AS n FROM referrals');
    return Number(row?.n ?? 0);
  } catch {
    return 0;
  }
}

function run(script: string, args: string[] = []): boolean {
  console.log(`\n[t] ${script} ${args.join(' ')}`.trimEnd());
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, script), ...args], {
    stdio: 'inherit',
    // The queue and search tools load referrals themselves only when they find fewer than these: they find them here.
    env: {
      ...env,
      BENCH_DATABASE: DB_NAME,
      BENCH_POSTGRES_URL: ADMIN_URL,
      BENCH_COUNT: String(COUNT),
      SEARCH_REFERRALS: String(COUNT),
    },
  });
  if (result.status !== 0) console.log(`[t] ${script} failed (exit ${result.status ?? result.signal})`);
  return result.status === 0;
}

const reuse = env.BENCH_TRIAGE_REUSE === '1' && (await heldReferrals()) >= COUNT;
if (reuse)
  console.log(`[t] ${DB_NAME} already holds ${COUNT.toLocaleString('en-GB')} referrals (BENCH_TRIAGE_REUSE=1)`);
if (reuse || run('generate.ts', ['--count', String(COUNT)])) {
  run('matching.ts');
  run('triage-queue.ts');
  run('search.ts');
}
process.exit(0);
