import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { DatabaseLockedError } from '../../src/db/lock.js';

/** What the operator's commands (`npm run admin`, `npm run audit`) share: exit codes, configuration, the database. */

/** Prints the message to standard error and ends the process with this exit status. */
export function fail(code: number, message: string): never {
  console.error(message);
  process.exit(code);
}

/**
 * The service's configuration as the command sees it. The cookie secret is of no use to a command line; the service's
 * own environment has it in production, an operator's shell may not. A configuration error exits with status 2.
 */
export function loadCliConfig(tool: string): Config {
  try {
    return loadConfig({ COOKIE_SECRET: `not-used-by-the-${tool}-command-line-0123456789`, ...process.env });
  } catch (err) {
    if (err instanceof ConfigError) fail(2, err.message);
    throw err;
  }
}

export interface CliDatabase {
  database: Database;
  /** Where the data is, in words, for the command's output. */
  where: string;
}

/**
 * Opens the service's database as the service does (the PostgreSQL server of DATABASE_URL, as the application's role,
 * or the embedded database under DATA_DIR). While the service runs on the embedded database, its lock refuses a second
 * process: exit status 75 with `whenLocked` as advice. `mustExist` refuses to create an embedded database that is not
 * there (a check should not make an empty one); `migrate: false` leaves the structure as it is.
 */
export async function openCliDatabase(
  config: Config,
  opts: { whenLocked: string; mustExist?: boolean; migrate?: boolean },
): Promise<CliDatabase> {
  const pgliteDir = path.join(config.dataDir, 'pglite');
  if (opts.mustExist && !config.databaseUrl && !existsSync(path.join(pgliteDir, 'PG_VERSION')))
    fail(2, `There is no embedded database in ${pgliteDir}. Set DATA_DIR (or DATABASE_URL) to the service's own.`);
  try {
    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      pgliteDir,
      poolSize: 2,
      appRole: config.databaseAppRole || undefined,
      ...(opts.migrate === false ? { migrate: false } : {}),
    });
    return {
      database,
      where: config.databaseUrl ? 'PostgreSQL server (DATABASE_URL)' : `embedded database in ${pgliteDir}`,
    };
  } catch (err) {
    if (err instanceof DatabaseLockedError)
      fail(
        75,
        `The embedded database in ${pgliteDir} is in use by the running service, and only one process may open it.\n` +
          opts.whenLocked,
      );
    throw err;
  }
}
