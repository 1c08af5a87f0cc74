/**
 * `npm run bench`: the public site under load, side by side with a bare node:http server sending the same bytes and
 * with the common peer stack (Express 5 + Nunjucks + govuk-frontend, untuned). Each server runs in a child process of
 * its own; autocannon runs here. Prints a table, writes bench/results/latest.json, and always exits 0 (not a CI gate).
 * See docs/performance.md for the method and the environment variables.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type RawRequest, type Result } from 'autocannon';
import type { CannedResponse } from './servers/bare.js';
import {
  draftCookie,
  insertDrafts,
  insertReferrals,
  insertStaffSession,
  query,
  recreateDatabase,
  Session,
  walkToCheckAnswers,
} from './lib/fixtures.js';
import { formatProfile, summariseProfile, type ProfileSummary } from './lib/profile.js';
import { cpuMsOf, memoryOf, sampleRss, startServer, type ServerProcess } from './lib/servers.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const resultsDir = path.join(benchDir, 'results');

const env = process.env;
const num = (v: string | undefined, fallback: number) => (v && Number.isFinite(Number(v)) ? Number(v) : fallback);
const SECONDS = num(env.BENCH_SECONDS, 20);
const WARMUP = num(env.BENCH_WARMUP, Math.min(10, Math.max(1, Math.round(SECONDS / 2))));
const CONNECTIONS = num(env.BENCH_CONNECTIONS, 50);
const SUBMIT_CONNECTIONS = num(env.BENCH_SUBMIT_CONNECTIONS, 10);
const SUBMIT_RATE = num(env.BENCH_SUBMIT_RATE, 500);
const SUBMIT_WARMUP = Math.min(WARMUP, 5);
/** The most submissions per second we provision drafts for during a warm-up. */
const SUBMIT_CEILING = num(env.BENCH_SUBMIT_CEILING, 2500);
const ONLY = new Set((env.BENCH_ONLY ?? 'a,b,c,d,e,t').split(',').map((s) => s.trim()));
const PROFILE = env.BENCH_PROFILE === '1';
const ADMIN_URL = env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = env.BENCH_DATABASE ?? 'prevent_bench';
const COOKIE_SECRET = `bench-${randomBytes(24).toString('hex')}`;
const FORM = 'application/x-www-form-urlencoded';

const TARGETS = {
  infoVsBare: 0.5,
  questionVsPeer: 10,
  submissionsPerSecond: 500,
  submissionP99Ms: 50,
  rssMb: 250,
  staffPagesPerSecond: 500,
  staffP99Ms: 50,
};

type ServerName = 'ours' | 'bare' | 'peer';

interface Measurement {
  scenario: string;
  title: string;
  server: ServerName;
  mode: string;
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  bytesPerResponse: number;
  statusCounts: Record<string, number>;
  warmupStatusCounts: Record<string, number>;
  unexpected: number;
  errors: number;
  timeouts: number;
  rssMaxMb: number;
  /** CPU time the server process used per response during the measured run (steadier than req/s on a busy machine). */
  cpuMsPerRequest: number;
  /** For ours: CPU time of its PostgreSQL backends per response. */
  pgCpuMsPerRequest?: number;
  /** process.memoryUsage() of the server right after the measured run, in MB. */
  memoryAfterMb?: Record<string, number>;
  profile?: ProfileSummary;
}

interface LoadSpec {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  expect: number;
  connections: number;
  overallRate?: number;
  /** Varies each request (e.g. a different draft cookie); may stop the run. */
  setupRequest?: (req: RawRequest, stop: () => void) => RawRequest;
}

const log = (...args: unknown[]) => console.error(...args);
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

function statusCounts(r: Result): Record<string, number> {
  return Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, Number(v.count)]));
}

/** One autocannon run: for `duration` seconds, or until `amount` responses (each connection gets an equal share). */
async function fire(server: ServerProcess, spec: LoadSpec, limit: { duration: number } | { amount: number }) {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setImmediate(() => instance.stop());
  };
  const setup = spec.setupRequest;
  const instance = autocannon({
    url: server.url,
    connections: spec.connections,
    pipelining: 1,
    timeout: 30,
    ...limit,
    ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
    requests: [
      {
        method: spec.method,
        path: spec.path,
        headers: { ...(spec.headers ?? {}), ...(spec.body ? { 'content-type': FORM } : {}) },
        ...(spec.body ? { body: spec.body } : {}),
        ...(setup ? { setupRequest: (req: RawRequest) => setup(req, stop) } : {}),
      },
    ],
  });
  return instance;
}

const measurements: Measurement[] = [];
/** Scenario e: the access-log write's time per request (from the Server-Timing header), sampled during the runs. */
const auditShares: {
  page: string;
  samples: number;
  auditMeanMs: number;
  auditP99Ms: number;
  requestMeanMs: number;
  share: number;
}[] = [];

/** Requests the page one at a time while a run goes on, reading the log write's time from Server-Timing. */
function sampleAuditTiming(url: string, cookie: string) {
  const audit: number[] = [];
  const total: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await fetch(url, { headers: { cookie }, redirect: 'manual' }).catch(() => undefined);
      if (!res) continue;
      await res.arrayBuffer();
      const dur = /audit;dur=([0-9.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1];
      if (res.status === 200 && dur) {
        audit.push(Number(dur));
        total.push(performance.now() - t0);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return async () => {
    running = false;
    await loop;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const sorted = [...audit].sort((a, b) => a - b);
    return {
      samples: audit.length,
      auditMeanMs: round(mean(audit), 3),
      auditP99Ms: round(sorted[Math.floor(sorted.length * 0.99)] ?? NaN, 3),
      requestMeanMs: round(mean(total), 3),
      share: round(mean(audit) / Math.max(1e-9, mean(total)), 3),
    };
  };
}
let oursRssMax = 0;
let databaseUrl = '';

/** The PostgreSQL backends serving our app's pool (to charge their CPU time to the requests). */
async function appBackends(): Promise<number[]> {
  const rows = await query<{ pid: number }>(
    databaseUrl,
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'prevent-service'`,
  );
  return rows.map((r) => r.pid);
}
/** CPU ms of each backend. A backend that closes mid-run (pool idle timeout) keeps its last reading. */
const cpuOf = (pids: number[]) => new Map(pids.map((pid) => [pid, cpuMsOf(pid)]));
async function backendCpuSince(start: Map<number, number>): Promise<number> {
  const end = cpuOf(await appBackends());
  let ms = 0;
  for (const [pid, cpu] of end) ms += cpu - (start.get(pid) ?? 0);
  for (const [pid, cpu] of start) if (!end.has(pid)) ms += Math.max(0, cpuMsOf(pid) - cpu);
  return ms;
}

/** Warms a server up on the request, then measures it (RSS sampled, and profiled with BENCH_PROFILE=1). */
async function measure(
  scenario: string,
  title: string,
  server: ServerProcess,
  spec: LoadSpec,
  opts: { mode?: string; warmup?: number; amount?: () => Promise<number> } = {},
): Promise<Measurement> {
  const name = server.name as ServerName;
  const mode = opts.mode ?? `${spec.connections} conn`;
  log(`[${scenario}] ${name.padEnd(4)} ${spec.method} ${spec.path} (${mode}): warming up ${opts.warmup ?? WARMUP} s`);
  const warm = await fire(server, spec, { duration: opts.warmup ?? WARMUP });
  const warmCounts = statusCounts(warm);
  await new Promise((r) => setTimeout(r, 500));
  const amount = opts.amount ? await opts.amount() : undefined;
  const pgStart = name === 'ours' ? cpuOf(await appBackends()) : undefined;
  const rss = sampleRss(server.pid);
  const cpu0 = cpuMsOf(server.pid);
  const profileFile = path.join(
    resultsDir,
    `profile-${scenario}-${name}-${mode.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`,
  );
  const profiling = PROFILE && name === 'ours';
  if (profiling) await server.call('profile-start');
  const r = await fire(server, spec, amount ? { amount } : { duration: SECONDS });
  if (profiling) await server.call('profile-stop', { file: profileFile });
  const cpuMs = cpuMsOf(server.pid) - cpu0;
  const pgCpuMs = pgStart ? await backendCpuSince(pgStart) : 0;
  const rssMaxMb = rss.stop();
  const memoryAfterMb = await server.call<Record<string, number>>('memory');
  if (name === 'ours') oursRssMax = Math.max(oursRssMax, rssMaxMb);
  const counts = statusCounts(r);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const m: Measurement = {
    scenario,
    title,
    server: name,
    mode: amount ? `${mode}, ${amount} req` : mode,
    connections: spec.connections,
    seconds: r.duration,
    requests: total,
    rps: round(total / r.duration),
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    bytesPerResponse: total ? Math.round(r.throughput.total / total) : 0,
    statusCounts: counts,
    warmupStatusCounts: warmCounts,
    unexpected: total - (counts[String(spec.expect)] ?? 0),
    errors: r.errors,
    timeouts: r.timeouts,
    rssMaxMb: round(rssMaxMb, 1),
    cpuMsPerRequest: total ? round(cpuMs / total, 3) : 0,
    ...(pgCpuMs > 0 && total ? { pgCpuMsPerRequest: round(pgCpuMs / total, 3) } : {}),
    memoryAfterMb,
    ...(profiling ? { profile: summariseProfile(profileFile) } : {}),
  };
  log(
    `[${scenario}] ${name.padEnd(4)} ${m.rps} req/s, p50 ${m.latencyMs.p50} ms, p99 ${m.latencyMs.p99} ms, ` +
      `CPU ${m.cpuMsPerRequest} ms/req${m.pgCpuMsPerRequest !== undefined ? ` (+ PostgreSQL ${m.pgCpuMsPerRequest})` : ''}, ` +
      `RSS ≤ ${m.rssMaxMb} MB, status ${JSON.stringify(counts)}${r.errors ? `, ${r.errors} errors` : ''}`,
  );
  if (m.profile) log(formatProfile(`[${scenario}] ours CPU profile`, m.profile));
  measurements.push(m);
  return m;
}

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  return {
    cpu: model,
    cores: cpus().length,
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    kernel: release(),
    node: process.version,
    loadAverageAtStart: loadavg().map((n) => round(n, 2)),
  };
}

function canned(
  method: 'GET' | 'POST',
  path: string,
  res: { status: number; contentType?: string; location?: string; body: Buffer },
) {
  const headers: Record<string, string> = {};
  if (res.contentType) headers['content-type'] = res.contentType;
  if (res.location) headers.location = res.location;
  return { method, path, status: res.status, headers, body: res.body.toString('base64') } satisfies CannedResponse;
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

async function main(): Promise<void> {
  mkdirSync(resultsDir, { recursive: true });
  const host = machine();
  const pgVersion = (await query<{ version: string }>(ADMIN_URL, 'SELECT version()'))[0]?.version ?? 'unknown';
  const pgSettings = Object.fromEntries(
    (
      await query<{ name: string; setting: string }>(
        ADMIN_URL,
        `SELECT name, current_setting(name) AS setting FROM pg_settings
         WHERE name IN ('synchronous_commit', 'fsync', 'shared_buffers', 'max_connections')`,
      )
    ).map((r) => [r.name, r.setting]),
  );
  log(
    `machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGb} GB, Node ${host.node}, load ${host.loadAverageAtStart}`,
  );
  log(`PostgreSQL: ${pgVersion}`);
  log(`measuring ${SECONDS} s after ${WARMUP} s of warm-up per server and scenario (BENCH_SECONDS, BENCH_WARMUP)`);

  databaseUrl = await recreateDatabase(ADMIN_URL, DB_NAME);
  const appEnv = {
    NODE_ENV: 'production',
    COOKIE_SECRET,
    DATABASE_URL: databaseUrl,
    RATE_LIMIT_PUBLIC_POST: '1000000000',
    RUN_WORKER: 'false',
  };
  const servers: ServerProcess[] = [];
  try {
    const ours = await startServer('ours', 'app', appEnv);
    servers.push(ours);
    const peer = await startServer('peer', 'peer', { NODE_ENV: 'production' });
    servers.push(peer);
    const bare = await startServer('bare', 'bare', { NODE_ENV: 'production' });
    servers.push(bare);
    log(`servers: ours pid ${ours.pid}, peer pid ${peer.pid}, bare pid ${bare.pid}`);

    // One visitor: a CSRF secret cookie and token (reused for every request) and one draft at its first question.
    const visitor = new Session(ours.url);
    await visitor.request('GET', '/refer');
    const started = await visitor.request('POST', '/refer/start', {});
    if (started.status !== 303 || started.location !== '/refer/immediate-danger')
      throw new Error(`POST /refer/start answered ${started.status} ${started.location}`);
    const csrfCookie = `prevent_csrf=${visitor.cookies.get('prevent_csrf')}`;
    const token = visitor.token;
    const visitorCookie = visitor.header();

    const info = await visitor.request('GET', '/what-is-prevent');
    const question = await visitor.request('GET', '/refer/immediate-danger');
    if (info.status !== 200 || question.status !== 200) throw new Error('our pages did not render');
    const answered = await visitor.request('POST', '/refer/immediate-danger', { immediateDanger: 'no' });
    if (answered.status !== 303) throw new Error(`question POST answered ${answered.status}`);

    // A complete referral, walked page by page over HTTP; its stored answers seed the drafts we submit in (d).
    const walker = await walkToCheckAnswers(ours.url);
    const [complete] = await query<{ id: string; answers: { completed: string[] } }>(
      databaseUrl,
      `SELECT id, answers FROM drafts WHERE kind = 'referral' AND submitted_reference IS NULL
       ORDER BY jsonb_array_length(answers->'completed') DESC, updated_at DESC LIMIT 1`,
    );
    if (!complete) throw new Error('the walked draft is missing');
    const submitted = await walker.post('/refer/check-answers');
    if (submitted.status !== 303 || submitted.location !== '/refer/confirmation')
      throw new Error(`submitting the walked draft answered ${submitted.status} ${submitted.location}`);
    const ownCookie = draftCookie(complete.id, COOKIE_SECRET);
    const issued = (submitted.headers['set-cookie'] as string[] | undefined) ?? [];
    if (issued.some((c) => c.startsWith('prevent_draft=') && !c.startsWith(ownCookie)))
      throw new Error('bench/lib/fixtures.ts signs draft cookies differently from the app');

    const routes: CannedResponse[] = [
      canned('GET', '/what-is-prevent', info),
      canned('GET', '/refer/immediate-danger', question),
      canned('POST', '/refer/immediate-danger', answered),
      canned('POST', '/refer/check-answers', {
        status: submitted.status,
        contentType: submitted.headers['content-type'] as string | undefined,
        location: submitted.location,
        body: Buffer.from(submitted.body),
      }),
    ];
    await bare.call('routes', { routes });

    const html = info.body.toString('utf8');
    const title = /<h1 class="govuk-heading-xl">([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? '';
    const bodyHtml = /<\/h1>([\s\S]*?)<\/div>\s*<div class="govuk-grid-column-one-third">/.exec(html)?.[1] ?? '';
    const description = /<meta name="description" content="([^"]*)">/.exec(html)?.[1] ?? '';
    if (!title || !bodyHtml) throw new Error('could not find the information page text for the peer stack');
    await peer.call('content', {
      info: { title: unescapeHtml(title), description: unescapeHtml(description), bodyHtml },
    });
    const peerCheck = await fetch(`${peer.url}/refer/immediate-danger`);
    const peerQuestion = await peerCheck.text();
    if (peerCheck.status !== 200 || !peerQuestion.includes('immediateDanger-2'))
      throw new Error('the peer stack did not render its question page');

    // c: many drafts at their first question, so concurrent answers do not queue on one row's lock.
    const questionDrafts = await insertDrafts(databaseUrl, 2000, { values: {}, completed: [] });
    const questionCookies = questionDrafts.map((id) => `${csrfCookie}; ${draftCookie(id, COOKIE_SECRET)}`);

    if (ONLY.has('a')) {
      const spec: LoadSpec = { method: 'GET', path: '/what-is-prevent', expect: 200, connections: CONNECTIONS };
      for (const s of [ours, bare, peer]) await measure('a', 'Information page', s, spec);
    }

    if (ONLY.has('b')) {
      const spec: LoadSpec = {
        method: 'GET',
        path: '/refer/immediate-danger',
        headers: { cookie: visitorCookie },
        expect: 200,
        connections: CONNECTIONS,
      };
      for (const s of [ours, bare, peer]) await measure('b', 'First question page', s, spec);
    }

    if (ONLY.has('c')) {
      let i = 0;
      const body = `immediateDanger=no&_csrf=${encodeURIComponent(token)}`;
      const base = { method: 'POST' as const, path: '/refer/immediate-danger', body, expect: 303 };
      await measure('c', 'Question POST → 303', ours, {
        ...base,
        connections: CONNECTIONS,
        setupRequest: (req) => ({
          ...req,
          headers: { ...req.headers, cookie: questionCookies[i++ % questionCookies.length]! },
        }),
      });
      for (const s of [bare, peer]) await measure('c', 'Question POST → 303', s, { ...base, connections: CONNECTIONS });
    }

    let verification: Record<string, unknown> | undefined;
    if (ONLY.has('d')) {
      const body = `_csrf=${encodeURIComponent(token)}`;
      const counts = async () => {
        const [row] = await query<{ referrals: number; collections: number; outbox: number; submitted: number }>(
          databaseUrl,
          `SELECT (SELECT count(*) FROM referrals)::int AS referrals,
                  (SELECT count(*) FROM access_log WHERE action = 'collection')::int AS collections,
                  (SELECT count(*) FROM outbox)::int AS outbox,
                  (SELECT count(*) FROM drafts WHERE submitted_reference IS NOT NULL)::int AS submitted`,
        );
        return row!;
      };
      /** The counts once no submission is in flight (a stopped warm-up leaves some finishing on the server). */
      const settled = async () => {
        let last = await counts();
        for (let stable = 0, i = 0; stable < 4 && i < 240; i++) {
          await new Promise((r) => setTimeout(r, 250));
          const now = await counts();
          stable = JSON.stringify(now) === JSON.stringify(last) ? stable + 1 : 0;
          last = now;
        }
        return last;
      };
      /** A pool of complete drafts, each submitted once: one signed cookie per request, in order. */
      const pool = async (n: number) => {
        const t = Date.now();
        const ids = await insertDrafts(databaseUrl, n, complete.answers);
        await query(databaseUrl, 'CHECKPOINT');
        log(`[d] ${n} complete drafts inserted in ${Date.now() - t} ms`);
        return ids.map((id) => `${csrfCookie}; ${draftCookie(id, COOKIE_SECRET)}`);
      };
      const checks: Record<string, unknown>[] = [];
      const submitRun = async (mode: string, connections: number, rate: number | undefined) => {
        let cookies: string[] = await pool(Math.ceil(SUBMIT_WARMUP * (rate ?? SUBMIT_CEILING) * 1.1));
        let next = 0;
        let sent = 0;
        let lateHalf = 0; // requests sent in the warm-up's second half (its first is slower: JIT, cold caches)
        let halfway = Infinity;
        let before = await counts();
        const spec: LoadSpec = {
          method: 'POST',
          path: '/refer/check-answers',
          body,
          expect: 303,
          connections,
          ...(rate ? { overallRate: rate } : {}),
          setupRequest: (req, stop) => {
            let cookie = cookies[next++];
            if (!cookie) {
              stop(); // out of drafts (a warm-up faster than provisioned): end early, never reuse a draft
              cookie = cookies[cookies.length - 1]!;
            }
            sent++;
            if (Date.now() >= halfway) lateHalf++;
            return { ...req, headers: { ...req.headers, cookie } };
          },
        };
        halfway = Date.now() + (SUBMIT_WARMUP * 1000) / 2;
        const m = await measure('d', 'Durable submission (PostgreSQL)', ours, spec, {
          mode,
          warmup: SUBMIT_WARMUP,
          amount: async () => {
            // Sized from the warm-up's rate, a whole number per connection, so every request sent is answered.
            const warmRps = Math.max(sent / SUBMIT_WARMUP, lateHalf / (SUBMIT_WARMUP / 2));
            const perConnection = Math.max(1, Math.round(((rate ?? warmRps) * SECONDS) / connections));
            const amount = perConnection * connections;
            cookies = await pool(amount);
            next = 0;
            sent = 0;
            before = await settled();
            return amount;
          },
        });
        const after = await settled();
        const delta = {
          referrals: after.referrals - before.referrals,
          collections: after.collections - before.collections,
          outbox: after.outbox - before.outbox,
          submittedDrafts: after.submitted - before.submitted,
        };
        const see303 = m.statusCounts['303'] ?? 0;
        const ok =
          m.unexpected === 0 &&
          see303 === sent &&
          delta.referrals === see303 &&
          delta.collections === see303 &&
          delta.submittedDrafts === see303 &&
          delta.outbox === 2 * see303;
        const check = { mode: m.mode, requestsSent: sent, responses303: see303, ...delta, ok };
        log(`[d] verification: ${JSON.stringify(check)}`);
        checks.push(check);
        return m;
      };
      await submitRun(`${SUBMIT_CONNECTIONS} conn`, SUBMIT_CONNECTIONS, undefined);
      await submitRun(`fixed ${SUBMIT_RATE}/s, ${CONNECTIONS} conn`, CONNECTIONS, SUBMIT_RATE);
      await measure('d', 'Durable submission (PostgreSQL)', bare, {
        method: 'POST',
        path: '/refer/check-answers',
        body,
        expect: 303,
        connections: SUBMIT_CONNECTIONS,
      });
      verification = { runs: checks, ok: checks.every((c) => c.ok) };
    }

    if (ONLY.has('e')) {
      // Signed-in staff pages on PostgreSQL, each view writing its s.62 access-log entry.
      const references = await insertReferrals(databaseUrl, 2000);
      const staff = await insertStaffSession(databaseUrl, COOKIE_SECRET);
      const intakeCheck = await fetch(`${ours.url}/staff/intake`, { headers: { cookie: staff }, redirect: 'manual' });
      const intakeBody = Buffer.from(await intakeCheck.arrayBuffer());
      const viewCheck = await fetch(`${ours.url}/staff/referrals/${references[0]}`, {
        headers: { cookie: staff },
        redirect: 'manual',
      });
      const viewBody = Buffer.from(await viewCheck.arrayBuffer());
      if (intakeCheck.status !== 200 || viewCheck.status !== 200)
        throw new Error(`staff pages answered ${intakeCheck.status} and ${viewCheck.status}`);
      await bare.call('routes', {
        routes: [
          ...routes,
          canned('GET', '/staff/intake', { status: 200, contentType: 'text/html; charset=utf-8', body: intakeBody }),
          canned('GET', '/staff/referral', { status: 200, contentType: 'text/html; charset=utf-8', body: viewBody }),
        ],
      });
      let v = 0;
      const view: LoadSpec = {
        method: 'GET',
        path: `/staff/referrals/${references[0]}`,
        headers: { cookie: staff },
        expect: 200,
        connections: SUBMIT_CONNECTIONS,
        setupRequest: (req) => ({ ...req, path: `/staff/referrals/${references[v++ % references.length]}` }),
      };
      const intake: LoadSpec = {
        method: 'GET',
        path: '/staff/intake',
        headers: { cookie: staff },
        expect: 200,
        connections: SUBMIT_CONNECTIONS,
      };
      for (const [spec, page] of [
        [intake, 'intake list'],
        [view, 'referral view'],
      ] as const) {
        const stopSampling = sampleAuditTiming(
          `${ours.url}${page === 'intake list' ? '/staff/intake' : `/staff/referrals/${references[1]}`}`,
          staff,
        );
        const title = `Staff ${page} (signed in, logged)`;
        await measure('e', title, ours, spec);
        await measure(
          'e',
          title,
          ours,
          { ...spec, connections: CONNECTIONS, overallRate: TARGETS.staffPagesPerSecond },
          {
            mode: `fixed ${TARGETS.staffPagesPerSecond}/s, ${CONNECTIONS} conn`,
          },
        );
        const sampled = await stopSampling();
        auditShares.push({ page, ...sampled });
        log(`[e] ${page}: access-log write ${JSON.stringify(sampled)}`);
        await measure('e', title, bare, {
          ...spec,
          path: page === 'intake list' ? '/staff/intake' : '/staff/referral',
          setupRequest: undefined,
        });
      }
      const [{ views }] = (await query<{ views: number }>(
        databaseUrl,
        `SELECT count(*)::int AS views FROM access_log WHERE action = 'consultation' AND record_type = 'referral'`,
      )) as [{ views: number }];
      log(`[e] consultation entries written during the runs: ${views}`);
    }

    const oursMemory = memoryOf(ours.pid);
    report(host, { version: pgVersion, settings: pgSettings }, verification, oursMemory?.hwmMb);
  } finally {
    for (const s of servers) await s.stop();
  }
}

function ratio(a: Measurement | undefined, b: Measurement | undefined): number | undefined {
  return a && b && b.rps > 0 ? round(a.rps / b.rps, 2) : undefined;
}

/** How many times less CPU per response `a` needs than `b` (the same comparison as `ratio`, but CPU-bound). */
function cpuRatio(a: Measurement | undefined, b: Measurement | undefined): number | undefined {
  if (!a || !b || !a.cpuMsPerRequest) return undefined;
  return round(b.cpuMsPerRequest / (a.cpuMsPerRequest + (a.pgCpuMsPerRequest ?? 0)), 2);
}

function report(
  host: ReturnType<typeof machine>,
  postgres: { version: string; settings: Record<string, string> },
  verification: Record<string, unknown> | undefined,
  oursHwmMb: number | undefined,
): void {
  const find = (scenario: string, server: ServerName, fixedRate = false) =>
    measurements.find(
      (m) => m.scenario === scenario && m.server === server && m.mode.startsWith('fixed') === fixedRate,
    );
  const rows = measurements.map((m) => {
    const sameMode = find(m.scenario, 'bare');
    return {
      ...m,
      vsBare: m.server === 'bare' || m.mode.startsWith('fixed') ? undefined : ratio(m, sameMode),
      vsPeer: m.server === 'ours' ? ratio(m, find(m.scenario, 'peer')) : undefined,
      cpuVsBare: m.server === 'bare' ? undefined : cpuRatio(m, sameMode),
      cpuVsPeer: m.server === 'ours' ? cpuRatio(m, find(m.scenario, 'peer')) : undefined,
    };
  });

  const a = ratio(find('a', 'ours'), find('a', 'bare'));
  const b = ratio(find('b', 'ours'), find('b', 'peer'));
  const aCpu = cpuRatio(find('a', 'ours'), find('a', 'bare'));
  const bCpu = cpuRatio(find('b', 'ours'), find('b', 'peer'));
  const closed = find('d', 'ours');
  const fixed = find('d', 'ours', true);
  const verdict = (ok: boolean | undefined) => (ok === undefined ? 'not run' : ok ? 'PASS' : 'FAIL');
  const targets = [
    {
      target: `Information page ≥ ${TARGETS.infoVsBare}× bare node:http`,
      measured: a === undefined ? '–' : `${a}× (CPU per response: ${aCpu}×)`,
      result: verdict(a === undefined ? undefined : a >= TARGETS.infoVsBare),
    },
    {
      target: `First question page ≥ ${TARGETS.questionVsPeer}× peer stack`,
      measured: b === undefined ? '–' : `${b}× (CPU per response, ours incl. PostgreSQL: ${bCpu}×)`,
      result: verdict(b === undefined ? undefined : b >= TARGETS.questionVsPeer),
    },
    {
      target: `Durable submissions ≥ ${TARGETS.submissionsPerSecond}/s (closed loop, ${SUBMIT_CONNECTIONS} connections)`,
      measured: closed ? `${closed.rps}/s (p99 ${closed.latencyMs.p99} ms)` : '–',
      result: verdict(closed ? closed.rps >= TARGETS.submissionsPerSecond : undefined),
    },
    {
      target: `Durable submissions p99 < ${TARGETS.submissionP99Ms} ms at ${SUBMIT_RATE}/s offered`,
      measured: fixed ? `p99 ${fixed.latencyMs.p99} ms at ${fixed.rps}/s` : '–',
      result: verdict(
        fixed
          ? fixed.latencyMs.p99 < TARGETS.submissionP99Ms && fixed.rps >= 0.95 * SUBMIT_RATE && fixed.unexpected === 0
          : undefined,
      ),
    },
    {
      target: 'Each submission creates exactly one referral (+ log entry, 2 e-mails)',
      measured: verification ? (verification.ok ? 'counts match' : 'MISMATCH') : '–',
      result: verdict(verification ? Boolean(verification.ok) : undefined),
    },
    // Two readings of "≥ 500/s with p99 < 50 ms" per page: throughput and tail latency in one closed-loop run (the
    // issue's figure), and, stricter, the tail when 500 requests a second arrive whatever the server's pace (open loop,
    // 50 connections), which also counts the queueing a closed loop hides.
    ...(['intake list', 'referral view'] as const).flatMap((page) => {
      const title = `Staff ${page} (signed in, logged)`;
      const closedRun = measurements.find(
        (m) => m.scenario === 'e' && m.title === title && m.server === 'ours' && !m.mode.startsWith('fixed'),
      );
      const fixedRun = measurements.find(
        (m) => m.scenario === 'e' && m.title === title && m.server === 'ours' && m.mode.startsWith('fixed'),
      );
      const share = auditShares.find((a) => a.page === page);
      const shareText = share
        ? `; access-log write ${share.auditMeanMs} ms of ${share.requestMeanMs} ms (${round(share.share * 100, 1)}%)`
        : '';
      return [
        {
          target: `Staff ${page} ≥ ${TARGETS.staffPagesPerSecond}/s with p99 < ${TARGETS.staffP99Ms} ms (closed loop, PostgreSQL, log write included)`,
          measured: closedRun ? `${closedRun.rps}/s, p99 ${closedRun.latencyMs.p99} ms${shareText}` : '–',
          result: verdict(
            closedRun
              ? closedRun.rps >= TARGETS.staffPagesPerSecond &&
                  closedRun.latencyMs.p99 < TARGETS.staffP99Ms &&
                  closedRun.unexpected === 0
              : undefined,
          ),
        },
        {
          target: `Staff ${page} p99 < ${TARGETS.staffP99Ms} ms at ${TARGETS.staffPagesPerSecond}/s offered (open loop, stricter)`,
          measured: fixedRun ? `p99 ${fixedRun.latencyMs.p99} ms at ${fixedRun.rps}/s` : '–',
          result: verdict(
            fixedRun
              ? fixedRun.latencyMs.p99 < TARGETS.staffP99Ms &&
                  fixedRun.rps >= 0.95 * TARGETS.staffPagesPerSecond &&
                  fixedRun.unexpected === 0
              : undefined,
          ),
        },
      ];
    }),
    {
      target: `Our server's RSS < ${TARGETS.rssMb} MB during the run`,
      measured: `max ${round(oursRssMax, 1)} MB sampled (peak ${round(oursHwmMb ?? NaN, 1)} MB)`,
      result: verdict(oursRssMax < TARGETS.rssMb && (oursHwmMb ?? 0) < TARGETS.rssMb),
    },
  ];

  const fmt = (n: number | undefined, suffix = '') => (n === undefined ? '–' : `${n}${suffix}`);
  const table = [
    [
      'scenario',
      'server',
      'mode',
      'req/s',
      'p50 ms',
      'p99 ms',
      'vs bare',
      'vs peer',
      'CPU ms/req',
      'PG ms/req',
      'CPU vs bare',
      'CPU vs peer',
      'bytes',
      'RSS max MB',
      'non-expected',
    ],
    ...rows.map((r) => [
      `${r.scenario}. ${r.title}`,
      r.server,
      r.mode,
      fmt(r.rps),
      fmt(r.latencyMs.p50),
      fmt(r.latencyMs.p99),
      fmt(r.vsBare, '×'),
      fmt(r.vsPeer, '×'),
      fmt(r.cpuMsPerRequest),
      fmt(r.pgCpuMsPerRequest),
      fmt(r.cpuVsBare, '×'),
      fmt(r.cpuVsPeer, '×'),
      fmt(r.bytesPerResponse),
      fmt(r.rssMaxMb),
      fmt(r.unexpected + r.errors),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log('');
  console.log(line(table[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table.slice(1)) console.log(line(row));
  console.log('');
  for (const t of targets) console.log(`${t.result.padEnd(7)} ${t.target}: ${t.measured}`);
  console.log(
    `\nload average at end: ${loadavg().map((n) => round(n, 2))} (other processes' load makes these numbers noisy)`,
  );

  const out = {
    at: new Date().toISOString(),
    machine: { ...host, loadAverageAtEnd: loadavg().map((n) => round(n, 2)), postgres },
    settings: {
      seconds: SECONDS,
      warmupSeconds: WARMUP,
      submitWarmupSeconds: SUBMIT_WARMUP,
      connections: CONNECTIONS,
      submitConnections: SUBMIT_CONNECTIONS,
      submitRate: SUBMIT_RATE,
      pipelining: 1,
      profiled: PROFILE,
      ours: 'NODE_ENV=production, logger off, no e-mail worker, DATABASE_POOL_SIZE default (10)',
    },
    results: rows,
    targets,
    verification,
    auditShares,
    oursRssMaxMb: round(oursRssMax, 1),
    oursPeakRssMb: oursHwmMb === undefined ? undefined : round(oursHwmMb, 1),
  };
  writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`results: ${path.relative(process.cwd(), path.join(resultsDir, 'latest.json'))}`);
}

/** Scenario t: the triage figures at 1,000,000 referrals (bench/triage.ts), after the others, in its own process. */
function triageScenario(): void {
  if (!ONLY.has('t')) return;
  spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(path.dirname(fileURLToPath(import.meta.url)), 'triage.ts')],
    {
      stdio: 'inherit',
      env: process.env,
    },
  );
}

const others = [...ONLY].some((s) => s !== 't');
(others ? main() : Promise.resolve())
  .catch((err: unknown) => {
    console.error('benchmark failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  })
  .then(triageScenario)
  .finally(() => process.exit(0));
