import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { migrationsFolder } from '../../src/db/client.js';
import { ADMIN_URL, SNAPSHOT_FILE, engineSettingsProblem, engines, testDatabasePrefix } from './engines.js';

/** Once per run: a migrated PGlite snapshot (so each test file starts the embedded engine in ~1 s, not ~5 s). */
export async function setup(): Promise<void> {
  // CI runs both engines; a wrong TEST_ENGINES fails the whole run here (see engineSettingsProblem).
  const problem = engineSettingsProblem(process.env);
  if (problem) throw new Error(problem);
  if (engines.includes('pglite')) {
    // The extensions the migrations create (as src/db/client.ts loads them).
    const [{ pg_trgm }, { fuzzystrmatch }, { unaccent }] = await Promise.all([
      import('@electric-sql/pglite/contrib/pg_trgm'),
      import('@electric-sql/pglite/contrib/fuzzystrmatch'),
      import('@electric-sql/pglite/contrib/unaccent'),
    ]);
    const db = await PGlite.create({ extensions: { pg_trgm, fuzzystrmatch, unaccent } });
    await migrate(drizzle(db), { migrationsFolder });
    const dump = await db.dumpDataDir('none');
    mkdirSync(path.dirname(SNAPSHOT_FILE), { recursive: true });
    writeFileSync(SNAPSHOT_FILE, Buffer.from(await dump.arrayBuffer()));
    await db.close();
  }
}

/** Drops this run's PostgreSQL test databases. */
export async function teardown(): Promise<void> {
  if (!engines.includes('postgres')) return;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${testDatabasePrefix()}%`,
    ]);
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
