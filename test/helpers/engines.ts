import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client.js';

export type Engine = 'pglite' | 'postgres';

const ALL_ENGINES: readonly Engine[] = ['pglite', 'postgres'];

function engineNames(value: string | undefined): string[] {
  return (value ?? ALL_ENGINES.join(','))
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
}

/** Which engines the suite runs on: both by default (TEST_ENGINES=pglite to run one). */
export const engines: Engine[] = engineNames(process.env.TEST_ENGINES).filter((e): e is Engine =>
  (ALL_ENGINES as readonly string[]).includes(e),
);

/**
 * Why a run with these settings would not test what it claims, or null if it is fine. Checked once per run by the
 * global set-up, so the whole run fails before any test:
 * - an engine name that is not pglite or postgres (a typo would otherwise run the database tests on no engine at all);
 * - in CI (CI set and not 'false'), any list but both engines: TEST_ENGINES is an opt-out for working locally only.
 */
export function engineSettingsProblem(env: NodeJS.ProcessEnv): string | null {
  const names = engineNames(env.TEST_ENGINES);
  const unknown = names.filter((n) => !(ALL_ENGINES as readonly string[]).includes(n));
  if (unknown.length) return `TEST_ENGINES names an unknown engine (${unknown.join(', ')}): use pglite and/or postgres`;
  if (names.length === 0) return 'TEST_ENGINES names no engine: use pglite and/or postgres';
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  if (ci && !ALL_ENGINES.every((e) => names.includes(e)))
    return `CI must run the database tests on both engines (pglite and postgres), not on "${names.join(',')}": unset TEST_ENGINES`;
  return null;
}

/**
 * The engine of the browser tests (test/e2e): the embedded one (PGlite) alone when it runs. A page in Chromium checks
 * the markup, the scripts and accessibility, which do not depend on the engine; what does (constraints, concurrency, NUL
 * characters, transactions) is checked on both engines over HTTP in test/integration. Two journeys still run on every
 * engine, through `journeyEngines`: the public referral (test/e2e/journeys.test.ts) and a staff triage journey
 * (test/e2e/triage-journey.test.ts).
 */
export const browserEngines: Engine[] = engines.includes('pglite') ? ['pglite'] : engines.slice(0, 1);

/** Every engine: for the two browser journeys that also run on PostgreSQL (see `browserEngines`). */
export const journeyEngines: Engine[] = engines;

/**
 * Whether the random (fast-check) runs of the hostile-input tests run on `engine`: on the embedded engine (PGlite) when
 * it runs. The other engines get each route's worst values, deterministically (NUL, a lone surrogate, 50,000
 * characters): PostgreSQL is the engine that refuses NUL, and showing that it never sees one needs no random bodies.
 */
export function runsRandomInput(engine: Engine): boolean {
  return engine === browserEngines[0];
}

/** Whether `engine` is the browser tests' engine: the other engines run only the journeys' first case. */
export function isBrowserEngine(engine: Engine): boolean {
  return browserEngines.includes(engine);
}

export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const SNAPSHOT_FILE = path.join(tmpdir(), `prevent-test-${process.env.TEST_RUN_ID ?? 'x'}`, 'pglite.tar');

export function testDatabasePrefix(): string {
  return `prevent_t_${process.env.TEST_RUN_ID ?? 'x'}_`;
}

/**
 * A PostgreSQL database of this test worker's own (created on first use). Its commits do not wait for the write-ahead
 * log to reach the disk (`synchronous_commit = off`): no test kills PostgreSQL itself (the durability test kills the
 * application), and a commit is still atomic and visible to every later transaction, so nothing a test checks changes;
 * it only stops each commit waiting for fsync on a shared machine.
 */
export async function postgresUrlForWorker(suffix = ''): Promise<string> {
  const name = `${testDatabasePrefix()}${process.env.VITEST_POOL_ID ?? '0'}${suffix}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await admin.query(`CREATE DATABASE "${name}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      });
      // Applies to every session opened on the database from now on (the app's pool included).
      await admin.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
    }
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function openTestDatabase(engine: Engine): Promise<Database> {
  // On PostgreSQL the app works as the restricted role, as in production (it may not change or remove log rows).
  if (engine === 'postgres')
    return openDatabase({ databaseUrl: await postgresUrlForWorker(), poolSize: 10, appRole: 'prevent_app' });
  const snapshot = new Blob([readFileSync(SNAPSHOT_FILE)]);
  return openDatabase({ pgliteDir: 'memory://', pgliteSnapshot: snapshot });
}

const TABLES = [
  'outbox',
  'attachments',
  'recontact_requests',
  'information_checks',
  'assessments',
  'explanations',
  'decisions',
  'handovers',
  'letter_templates',
  'triage_settings',
  'case_shares',
  'access_reasons',
  'referrals',
  'advice_requests',
  'drafts',
  'case_references',
  'staff_sessions',
  'recovery_codes',
  'password_resets',
  'sign_in_throttle',
  'staff_roles',
];
/** Tables whose triggers refuse TRUNCATE (lifted for tests only). */
const GUARDED = [
  ['access_log', 'access_log_no_truncate'],
  ['access_log_seal', 'access_log_seal_no_truncate'],
  ['staff_users', 'staff_users_no_truncate'],
  ['case_events', 'case_events_no_truncate'],
] as const;
export const SEEDED_ORGANISATIONS = [
  'cumbria-police-prevent',
  'cumberland',
  'westmorland-furness',
  'probation-cumbria',
  'nhs-north-cumbria',
];

/**
 * Runs SQL as the tables' owner (DDL, disabling a trigger, reading pg-boss's tables): on PostgreSQL the app's pool works
 * as the restricted role. SET is transactional, so a failing statement leaves the connection as it was.
 */
export async function ownerExec(database: Database, sqlText: string): Promise<void> {
  if (database.kind !== 'postgres') return database.exec(sqlText);
  await database.exec(`SET ROLE NONE; ${sqlText}; RESET ROLE;`);
}

/**
 * The reference-data seeds (migrations named `*_seed_*.sql`), run again on reset: TRUNCATE … CASCADE empties tables
 * whose updated_by refers to staff_users (postcode_councils, letter_templates, triage_settings), and tests that change
 * reference data get it back as the migrations left it.
 */
const REFERENCE_SEEDS = (() => {
  const dir = fileURLToPath(new URL('../../migrations/', import.meta.url));
  return readdirSync(dir)
    .filter((f) => /^\d{4}_seed_.*\.sql$/.test(f))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8').replaceAll('--> statement-breakpoint', ''))
    .join('\n');
})();

/**
 * Empties every table that holds case or staff data (reference data and the seeded organisations stay). Runs as the
 * tables' owner: the application's role may not truncate anything.
 */
export async function resetDatabase(database: Database): Promise<void> {
  const asOwner = database.kind === 'postgres';
  await database.exec(`
    ${asOwner ? 'SET ROLE NONE;' : ''}
    ${GUARDED.map(([t, g]) => `ALTER TABLE ${t} DISABLE TRIGGER ${g};`).join('\n')}
    TRUNCATE ${GUARDED.map(([t]) => t).join(', ')}, ${TABLES.join(', ')} RESTART IDENTITY CASCADE;
    ${GUARDED.map(([t, g]) => `ALTER TABLE ${t} ENABLE TRIGGER ${g};`).join('\n')}
    DELETE FROM postcode_councils;
    DELETE FROM organisations WHERE code NOT IN (${SEEDED_ORGANISATIONS.map((c) => `'${c}'`).join(', ')});
    ${REFERENCE_SEEDS}
    DO $$ BEGIN
      IF to_regclass('pgboss.job') IS NOT NULL THEN EXECUTE 'DELETE FROM pgboss.job'; END IF;
    END $$;
    ${asOwner ? 'RESET ROLE;' : ''}
  `);
}
