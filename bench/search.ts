/**
 * `npm run bench:search`: staff search (src/features/triage/search/service.ts) on 1,000,000 referrals in PostgreSQL, target p95
 * under 100 ms.
 *
 * 1. The database: BENCH_DATABASE (default `prevent_bench_search`) on BENCH_POSTGRES_URL. If it holds fewer than
 *    SEARCH_REFERRALS (default 1,000,000) referrals, bench/generate.ts loads them (it drops and re-creates the database).
 * 2. The indexes search needs beyond migration 0008, made here only if missing (they belong in a migration: see the
 *    INDEXES below and the report), then ANALYZE.
 * 3. A realistic mix of searches built from referrals drawn at random: names with typing slips and transliterations,
 *    names alone and with a date of birth, other names, dates of birth exact and "or close", full postcodes, districts,
 *    words of the concern, and combinations.
 * 4. Each search through the service directly (the app's role, one connection, one at a time), then the same searches
 *    over HTTP against the real app (bench/servers/app.ts in a child process) signed in as a Prevent officer: the POST
 *    with its CSRF token, the access-log entry and the rendered page. p50/p95/p99 per kind, and the load average.
 *
 * SEARCH_PER_KIND (default 60 measured per kind), SEARCH_WARMUP (default 40 searches first).
 */
import { spawn } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { loadavg, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { sign } from '@fastify/cookie';
import pg from 'pg';
import { openDatabase } from '../src/db/client.js';
import type { PostcodeTerm, SearchTerms } from '../src/features/triage/search/queries.js';
import type { Principal } from '../src/policies/index.js';
import { searchCases } from '../src/features/triage/search/service.js';
import { parsePostcode } from '../src/features/triage/search/view-model.js';
import { cpuMsOf, startServer } from './lib/servers.js';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/sql.js';

const env = process.env;
const ADMIN_URL = env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = env.BENCH_DATABASE ?? 'prevent_bench_search';
const REFERRALS = Number(env.SEARCH_REFERRALS ?? 1_000_000);
const PER_KIND = Number(env.SEARCH_PER_KIND ?? 60);
const WARMUP = Number(env.SEARCH_WARMUP ?? 40);
const TARGET_P95_MS = 100;
const here = path.dirname(fileURLToPath(import.meta.url));

if (!/^[a-z_][a-z0-9_]*$/.test(DB_NAME)) throw new Error(`unsafe database name ${DB_NAME}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${DB_NAME}`;
const databaseUrl = url.toString();

/**
 * Indexes staff search needs that no migration makes yet (the migration SQL is the same statements without
 * IF NOT EXISTS). Free text: GIN on the concern's and the question's tsvector. Exact names in scripts Double Metaphone
 * cannot hear (no name pair): btree on the name key.
 */
const INDEXES = [
  `CREATE INDEX IF NOT EXISTS "referrals_concern_fts_idx" ON "referrals" USING gin (to_tsvector('english'::regconfig, "concern_text"))`,
  `CREATE INDEX IF NOT EXISTS "advice_question_fts_idx" ON "advice_requests" USING gin (to_tsvector('english'::regconfig, "question"))`,
  `CREATE INDEX IF NOT EXISTS "referrals_name_key_idx" ON "referrals" USING btree (public.prevent_name_key("person_full_name"))`,
];

const log = (line: string) => console.log(line);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

async function adminQuery<T extends pg.QueryResultRow>(connection: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: connection, application_name: 'prevent-bench-search' });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function referralCount(): Promise<number> {
  const exists = await adminQuery<{ n: string }>(
    ADMIN_URL,
    'SELECT count(*)::text AS n FROM pg_database WHERE datname = $1',
    [DB_NAME],
  );
  if (exists[0]?.n !== '1') return 0;
  try {
    const [row] = await adminQuery<{ n: string }>(databaseUrl, 'SELECT count(*)::text AS n FROM referrals');
    return Number(row?.n ?? 0);
  } catch {
    return 0;
  }
}

function generate(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'generate.ts'), '--count', String(REFERRALS)],
      { stdio: 'inherit', env: { ...process.env, BENCH_DATABASE: DB_NAME, BENCH_POSTGRES_URL: ADMIN_URL } },
    );
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench/generate.ts exited with ${code}`))));
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// The mix of searches.

interface Probe {
  kind: string;
  terms: SearchTerms;
  /** The same search as the form's fields. */
  form: Record<string, string>;
}

interface Sample {
  full_name: string;
  other_names: string | null;
  dob: string | null;
  postcode: string | null;
}

/** Spellings people write for one another (the generator's pools have all of these). */
const VARIANTS: [RegExp, string][] = [
  [/^Mohammed\b/, 'Muhammad'],
  [/^Muhammad\b/, 'Mohamed'],
  [/^Mohamed\b/, 'Mohammad'],
  [/^Mohammad\b/, 'Mohammed'],
  [/^Aleksandr\b/, 'Alexander'],
  [/^Alexander\b/, 'Oleksandr'],
  [/^Yusuf\b/, 'Youssef'],
  [/^Youssef\b/, 'Yusuf'],
  [/^Siobhan\b/, 'Shevaun'],
  [/^Sean\b/, 'Shaun'],
  [/^Shaun\b/, 'Shawn'],
  [/^Niamh\b/, 'Neve'],
  [/^Stephen\b/, 'Steven'],
  [/^Jon\b/, 'John'],
  [/^Sara\b/, 'Sarah'],
];

const WORDS = [
  'swastikas',
  '"race war"',
  'manifesto',
  'weapons school computer',
  'proscribed flag',
  'travelling abroad',
  'mass shootings',
  'conspiracy theories',
  'groomed online',
  'extremist videos',
];

let seed = 42;
const random = () => {
  // A small deterministic generator: the same mix on every run.
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/** One typing slip in the longest word: two letters swapped, one dropped, or one doubled. */
function typo(name: string): string {
  const words = name.split(' ');
  let i = 0;
  words.forEach((w, j) => {
    if (w.length > words[i]!.length) i = j;
  });
  const w = words[i]!;
  if (w.length < 4) return name;
  const at = 1 + Math.floor(random() * (w.length - 2));
  const r = random();
  words[i] =
    r < 0.4
      ? w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2)
      : r < 0.7
        ? w.slice(0, at) + w.slice(at + 1)
        : w.slice(0, at) + w[at] + w.slice(at);
  return words.join(' ');
}

function transliterate(name: string): string {
  for (const [from, to] of VARIANTS) if (from.test(name)) return name.replace(from, to);
  // No variant: the names the other way round, as referrers often write them.
  const words = name.split(' ');
  return words.length > 1 ? [...words.slice(1), words[0]].join(' ') : name;
}

/** A date with one typing slip (as the "or close" option expects). */
function slip(dob: string): string {
  const [y, m, d] = dob.split('-');
  if (Number(d) <= 12 && d !== m) return `${y}-${d}-${m}`;
  const day = Number(d) >= 10 && Number(d) < 20 ? Number(d) + 10 : Number(d) === 1 ? 2 : Number(d) - 1;
  return `${y}-${m}-${String(Math.min(day, 28)).padStart(2, '0')}`;
}

function dobForm(dob: string): Record<string, string> {
  const [y, m, d] = dob.split('-');
  return { 'dob-day': String(Number(d)), 'dob-month': String(Number(m)), 'dob-year': y! };
}

function postcodeForm(p: PostcodeTerm): string {
  if (p.kind === 'full') return `${p.outward} ${p.key.slice(p.outward.length)}`;
  return p.kind === 'sector' ? `${p.outward} ${p.sector}` : p.outward;
}

function buildProbes(samples: Sample[]): Probe[] {
  const probes: Probe[] = [];
  const add = (kind: string, terms: SearchTerms) => {
    const form: Record<string, string> = {};
    if (terms.name) form.name = terms.name;
    if (terms.dob) Object.assign(form, dobForm(terms.dob));
    if (terms.dobClose) form.dobClose = 'yes';
    if (terms.postcode) form.postcode = postcodeForm(terms.postcode);
    if (terms.text) form.text = terms.text;
    probes.push({ kind, terms, form });
  };
  const withDob = samples.filter((s) => s.dob);
  const withPostcode = samples.filter((s) => s.postcode && parsePostcode(s.postcode));
  const withOther = samples.filter((s) => s.other_names);
  for (let i = 0; i < PER_KIND + WARMUP / 10; i++) {
    const s = pick(samples);
    add('name with a typo', { name: typo(s.full_name) });
    add('name transliterated', { name: transliterate(s.full_name) });
    if (withOther.length) add('other name', { name: pick(withOther).other_names!.split(' ').slice(0, 2).join(' ') });
    const b = pick(withDob);
    add('date of birth', { dob: b.dob! });
    add('date of birth or close', { dob: slip(b.dob!), dobClose: true });
    const p = pick(withPostcode);
    const full = parsePostcode(p.postcode!)!;
    add('full postcode', { postcode: full });
    add('postcode district', { postcode: { kind: 'district', key: full.outward, outward: full.outward } });
    add('words in the concern', { text: pick(WORDS) });
    const c = pick(withDob);
    add('name + date of birth (typo, close)', {
      name: typo(transliterate(c.full_name)),
      dob: slip(c.dob!),
      dobClose: true,
    });
    add('name + date of birth', { name: transliterate(c.full_name), dob: c.dob! });
    const q = pick(withPostcode);
    add('name + postcode district', {
      name: typo(q.full_name),
      postcode: {
        ...parsePostcode(q.postcode!)!,
        kind: 'district',
        key: parsePostcode(q.postcode!)!.outward,
      } as PostcodeTerm,
    });
    add('words + postcode district', {
      text: pick(WORDS),
      postcode: {
        kind: 'district',
        key: parsePostcode(q.postcode!)!.outward,
        outward: parsePostcode(q.postcode!)!.outward,
      },
    });
  }
  return probes;
}

// ---------------------------------------------------------------------------------------------------------------------

function percentiles(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

function report(title: string, byKind: Map<string, number[]>, shownByKind?: Map<string, number[]>) {
  log(`\n${title} (load average ${load()} on ${cpus().length} cores)`);
  log(
    `${'kind'.padEnd(36)} ${'n'.padStart(4)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}  shown`,
  );
  const every: number[] = [];
  for (const [kind, times] of byKind) {
    every.push(...times);
    const p = percentiles(times);
    const shown = shownByKind?.get(kind);
    const avg = shown ? (shown.reduce((a, b) => a + b, 0) / shown.length).toFixed(1) : '';
    log(
      `${kind.padEnd(36)} ${String(p.n).padStart(4)} ${p.p50.toFixed(1).padStart(8)} ${p.p95.toFixed(1).padStart(8)} ${p.p99.toFixed(1).padStart(8)} ${p.max.toFixed(1).padStart(8)}  ${avg}`,
    );
  }
  const all = percentiles(every);
  log(
    `${'all searches'.padEnd(36)} ${String(all.n).padStart(4)} ${all.p50.toFixed(1).padStart(8)} ${all.p95.toFixed(1).padStart(8)} ${all.p99.toFixed(1).padStart(8)} ${all.max.toFixed(1).padStart(8)}  (target p95 < ${TARGET_P95_MS} ms: ${all.p95 < TARGET_P95_MS ? 'met' : 'NOT met'})`,
  );
}

/** A Prevent officer and a signed-in session for them, made directly in the database. */
async function officer(secret: string): Promise<{ principal: Principal; cookie: string }> {
  const rawId = randomBytes(32).toString('base64url');
  const email = `bench.search.${randomBytes(4).toString('hex')}@example.test`;
  const [user] = await adminQuery<{ id: string; organisation_id: string }>(
    databaseUrl,
    `INSERT INTO staff_users (email, display_name, organisation_id)
     SELECT $1, 'Bench Search Officer', id FROM organisations WHERE code = 'cumbria-police-prevent'
     RETURNING id::text, organisation_id::text`,
    [email],
  );
  await adminQuery(databaseUrl, `INSERT INTO staff_roles (user_id, role) VALUES ($1, 'prevent_officer')`, [user!.id]);
  const idHash = createHash('sha256').update(rawId).digest('hex');
  await adminQuery(
    databaseUrl,
    `INSERT INTO staff_sessions (id_hash, user_id, stage, method, expires_at)
     VALUES ($1, $2, 'signed_in', 'password', now() + interval '12 hours')`,
    [idHash, user!.id],
  );
  return {
    principal: {
      userId: user!.id,
      email,
      displayName: 'Bench Search Officer',
      organisationId: user!.organisation_id,
      organisationCode: 'cumbria-police-prevent',
      organisationName: 'Cumbria Police Prevent',
      organisationKind: 'police_prevent',
      roles: new Set(['prevent_officer']),
      sessionIdHash: idHash,
    },
    cookie: `prevent_staff=${sign(rawId, secret)}`,
  };
}

const started = Date.now();
log(`staff search benchmark: ${DB_NAME}, load average at start ${load()} on ${cpus().length} cores`);
let count = await referralCount();
if (count < REFERRALS) {
  log(
    `${count.toLocaleString('en-GB')} referrals in ${DB_NAME}: loading ${REFERRALS.toLocaleString('en-GB')} with bench/generate.ts`,
  );
  await generate();
  count = await referralCount();
}
log(`${count.toLocaleString('en-GB')} referrals in ${DB_NAME}`);

// Migrations another developer added since the load, then the indexes search needs.
const migrated = await openDatabase({ databaseUrl, poolSize: 1 });
await migrated.close();
for (const ddl of INDEXES) {
  const name = /"([^"]+_idx)"/.exec(ddl)![1]!;
  const [found] = await adminQuery<{ n: string }>(
    databaseUrl,
    `SELECT count(*)::text AS n FROM pg_class WHERE relname = $1`,
    [name],
  );
  if (found?.n === '1') continue;
  const t = Date.now();
  await adminQuery(databaseUrl, `SET maintenance_work_mem = '512MB'; ${ddl}`);
  log(`  index ${name} made in ${((Date.now() - t) / 1000).toFixed(1)} s (missing: it belongs in a migration)`);
}
await adminQuery(databaseUrl, 'ANALYZE referrals; ANALYZE advice_requests');

const samples = await adminQuery<Sample>(
  databaseUrl,
  `SELECT person_full_name AS full_name, person_other_names AS other_names, person_dob::text AS dob,
     person_postcode AS postcode
   FROM referrals TABLESAMPLE SYSTEM (1) LIMIT 2000`,
);
const probes = buildProbes(samples);
const kinds = [...new Set(probes.map((p) => p.kind))];
// Interleaved kinds, as searches arrive in real use; the first WARMUP are not measured.
const ordered = probes.sort(() => random() - 0.5);
log(`${ordered.length} searches of ${kinds.length} kinds (${WARMUP} warm-up first)`);

const SECRET = `bench-${randomBytes(24).toString('hex')}`;
const { principal, cookie } = await officer(SECRET);

// 1. The service directly: the app's role, one connection.
{
  const database = await openDatabase({ databaseUrl, poolSize: 1, appRole: 'prevent_app', migrate: false });
  const byKind = new Map<string, number[]>();
  const shown = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  try {
    const [{ pid }] = (await queryRows<{ pid: number }>(database.db, sql`select pg_backend_pid() as pid`)) as [
      { pid: number },
    ];
    for (const [i, probe] of ordered.entries()) {
      const b0 = cpuMsOf(pid);
      const c0 = process.cpuUsage();
      const t = performance.now();
      const outcome = await searchCases(database.db, principal, probe.terms);
      const ms = performance.now() - t;
      if (i < WARMUP) continue;
      const c = process.cpuUsage(c0);
      (cpu.get(probe.kind) ?? cpu.set(probe.kind, []).get(probe.kind)!).push(
        cpuMsOf(pid) - b0 + (c.user + c.system) / 1000,
      );
      if (!outcome.ok) throw new Error(`search refused: ${outcome.problem}`);
      (byKind.get(probe.kind) ?? byKind.set(probe.kind, []).get(probe.kind)!).push(ms);
      (shown.get(probe.kind) ?? shown.set(probe.kind, []).get(probe.kind)!).push(outcome.results.length);
    }
  } finally {
    await database.close();
  }
  report('searchCases (service, one connection, wall-clock ms)', byKind, shown);
  // CPU time (PostgreSQL backend + this process): what a search costs, which other work on the machine does not inflate.
  report('searchCases CPU time (PostgreSQL backend + Node.js, ms)', cpu);
}

// 2. Over HTTP, against the real app, signed in: GET the form once (CSRF), then POST each search.
{
  const server = await startServer('ours', 'app', {
    NODE_ENV: 'production',
    COOKIE_SECRET: SECRET,
    DATABASE_URL: databaseUrl,
    RUN_WORKER: 'false',
  });
  const byKind = new Map<string, number[]>();
  try {
    const form = await fetch(`${server.url}/staff/search`, { headers: { cookie }, redirect: 'manual' });
    if (form.status !== 200) throw new Error(`GET /staff/search answered ${form.status}`);
    const html = await form.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    const csrf = form.headers
      .getSetCookie()
      .find((c) => c.startsWith('prevent_csrf='))
      ?.split(';')[0];
    if (!token || !csrf) throw new Error('no CSRF token on the search form');
    for (const [i, probe] of ordered.entries()) {
      const t = performance.now();
      const res = await fetch(`${server.url}/staff/search`, {
        method: 'POST',
        headers: { cookie: `${cookie}; ${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, ...probe.form }).toString(),
        redirect: 'manual',
      });
      await res.arrayBuffer();
      const ms = performance.now() - t;
      if (res.status !== 200) throw new Error(`POST /staff/search answered ${res.status} for ${probe.kind}`);
      if (i < WARMUP) continue;
      (byKind.get(probe.kind) ?? byKind.set(probe.kind, []).get(probe.kind)!).push(ms);
    }
  } finally {
    await server.stop();
  }
  report('POST /staff/search over HTTP (signed in, logged, rendered, ms)', byKind);
}
log(`\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s`);
