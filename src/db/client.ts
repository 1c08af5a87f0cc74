import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema/index.js';
import { lockFolder, type FolderLock } from './lock.js';
import { rootDir } from '../config.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** What pg-boss needs to run its SQL on our connection (used for the embedded engine). */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** For pg-boss: a connection string (PostgreSQL) or an executor on the embedded database. */
  boss: { connectionString: string } | { db: SqlExecutor };
  /** Runs raw SQL (tests, maintenance). */
  exec(sqlText: string): Promise<void>;
  close(): Promise<void>;
}

export const migrationsFolder = path.join(rootDir, 'migrations');
const MIGRATION_LOCK_KEY = 727_274_001; // any constant shared by every process of this service

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** Folder of the embedded database; `memory://` for a throwaway in-memory one (tests). */
  pgliteDir?: string;
  /** Start the embedded database from a dump made by `dumpDataDir` (tests: skips initdb). */
  pgliteSnapshot?: Blob;
  poolSize?: number;
  migrate?: boolean;
  /**
   * PostgreSQL only: the role every pooled connection works as (`-c role=…` at connect). The migrations create
   * `prevent_app`, which may not change or remove access-log rows; migrations themselves run as the login role.
   */
  appRole?: string | undefined;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const database = opts.databaseUrl
    ? await openPostgres(opts.databaseUrl, opts.poolSize ?? 10, opts.appRole)
    : await openPglite(opts.pgliteDir ?? 'memory://', opts.pgliteSnapshot);
  if (opts.migrate !== false) await runMigrations(database);
  return database;
}

async function openPglite(dir: string, snapshot?: Blob): Promise<Database> {
  let lock: FolderLock | undefined;
  if (!dir.startsWith('memory://')) lock = lockFolder(dir);
  // Loaded only when used: a deployment on a PostgreSQL server never loads the embedded engine (~25 MB).
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  // The extensions the migrations create (fuzzy name matching): bundled with PGlite, loaded on demand.
  const [{ pg_trgm }, { fuzzystrmatch }, { unaccent }] = await Promise.all([
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/fuzzystrmatch'),
    import('@electric-sql/pglite/contrib/unaccent'),
  ]);
  let client: PGlite;
  try {
    client = await PGlite.create({
      dataDir: dir,
      extensions: { pg_trgm, fuzzystrmatch, unaccent },
      ...(snapshot ? { loadDataDir: snapshot } : {}),
    });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    boss: {
      db: {
        async executeSql(text, values) {
          if (!values || values.length === 0) {
            const results = await client.exec(text);
            return results[results.length - 1] ?? { rows: [] };
          }
          return client.query(text, values);
        },
      },
    },
    exec: async (sqlText) => {
      await client.exec(sqlText);
    },
    async close() {
      if (client.closed) return;
      await client.close();
      lock?.release();
    },
    // kept for migrations
    ...{ _pglite: client },
  } as Database;
}

async function openPostgres(url: string, poolSize: number, appRole: string | undefined): Promise<Database> {
  if (appRole !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(appRole)) throw new Error('invalid database role name');
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: 'prevent-service',
    ...(appRole ? { options: `-c role=${appRole}` } : {}),
  });
  pool.on('error', () => {
    /* an idle client died (server restart): the pool replaces it; the next query reports any real problem */
  });
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    boss: { connectionString: url },
    ...{ _url: url },
    exec: async (sqlText) => {
      await pool.query(sqlText);
    },
    close: () => pool.end(),
    ...{ _pool: pool },
  } as Database;
}

/** Applies the SQL migrations in `migrations/` (the same files for both engines). Safe when several processes start at once. */
export async function runMigrations(database: Database): Promise<void> {
  const internal = database as Database & { _pglite?: PGlite; _url?: string };
  if (internal._pglite) {
    const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
    const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator');
    await migratePglite(drizzlePglite(internal._pglite), { migrationsFolder });
    return;
  }
  // Its own connection as the login role (the pool may work as the restricted application role).
  const client = new pg.Client({ connectionString: internal._url!, application_name: 'prevent-service-migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migratePg(drizzlePg(client), { migrationsFolder });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
