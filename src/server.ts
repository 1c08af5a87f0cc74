import path from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { DatabaseLockedError } from './db/lock.js';
import { buildApp } from './app.js';
import { startWorker, type Worker } from './jobs/worker.js';
import { fileMailer, smtpMailer } from './outbox/mailer.js';
import { createLogger } from './lib/logger.js';
import { createPrivately, secureDataDir } from './lib/data-dir.js';
import { hasActiveAdministrator } from './staff/users.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  // The data folder holds the embedded database, the cookie secret and e-mails with single-use links: ours alone.
  createPrivately();
  const { tightened } = secureDataDir(config.dataDir);
  if (tightened.length)
    log.warn(
      { count: tightened.length },
      'the data folder was readable by other users: its permissions were tightened',
    );
  const pgliteDir = path.join(config.dataDir, 'pglite');
  let database;
  try {
    database = await openDatabase({
      databaseUrl: config.databaseUrl,
      pgliteDir,
      poolSize: config.databasePoolSize,
      appRole: config.databaseAppRole || undefined,
    });
  } catch (err) {
    if (err instanceof DatabaseLockedError) {
      log.fatal(err.message);
      process.exit(75);
    }
    throw err;
  }
  // The embedded engine writes its files with modes of its own: tighten them once it has opened its folder.
  if (database.kind === 'pglite') secureDataDir(config.dataDir);
  log.info(
    database.kind === 'pglite'
      ? `database: embedded PGlite in ${pgliteDir} (set DATABASE_URL to use a PostgreSQL server)`
      : 'database: PostgreSQL server from DATABASE_URL',
  );

  let worker: Worker | undefined;
  if (config.runWorker) {
    const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl) : fileMailer(path.join(config.dataDir, 'outbox'));
    log.info(`e-mail: delivering to ${mailer.describe}`);
    worker = await startWorker({
      database,
      mailer,
      mailFrom: config.mailFrom,
      log,
      auditSealSeconds: config.auditSealSeconds,
    });
  }
  const app = await buildApp({ config, database, logger: log, notify: worker?.notify });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    await app.close();
    await worker?.stop();
    await database.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  log.info(`Prevent service listening on ${config.baseUrl}`);
  if (!(await hasActiveAdministrator(database.db)))
    log.warn(
      'No staff accounts yet. Create the first administrator with: npm run admin -- create-user --email you@example.org --name "Your Name" --role administrator',
    );
}

main().catch((err: unknown) => {
  console.error('failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
