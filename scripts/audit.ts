/**
 * The access log's hash chain, from the command line:
 *
 *   npm run audit -- verify [--seal] [--grace SECONDS] [--json]
 *   npm run audit -- seal
 *
 * It opens the database as the service does (DATABASE_URL, or the embedded database in DATA_DIR/pglite) and prints ids,
 * seal numbers, counts and hashes only: never what a log entry says.
 *
 * Exit status: 0 the chain is intact (or sealing worked); 1 a problem was found; 2 wrong usage or configuration;
 * 3 the check could not run (database unreachable); 75 the embedded database is in use by the running service.
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { fail, loadCliConfig, openCliDatabase } from './lib/cli.js';
import { queryRows } from '../src/db/sql.js';
import { chainStatus, sealPending } from '../src/access-log/seal.js';
import { describeProblem, verifyChain } from '../src/access-log/verify.js';

const USAGE = `Usage:
  npm run audit -- verify [--seal] [--grace SECONDS] [--json]
      Recompute the access log's hash chain and report any entry changed or deleted, any seal missing or altered,
      and any entry left unsealed for longer than SECONDS (default: six sealing intervals, at least 60).
      --seal   seal the entries still waiting first (as the running service would)
      --json   print the result as JSON
  npm run audit -- seal
      Seal every entry still waiting, then print the last seal.

Exit status: 0 intact, 1 problem found, 2 usage or configuration error, 3 could not check, 75 database in use.`;

class UsageError extends Error {}

function parse(argv: string[]): { command: 'verify' | 'seal'; seal: boolean; json: boolean; grace?: number } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        seal: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        grace: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const [command, ...rest] = positionals;
  if (command !== 'verify' && command !== 'seal')
    throw new UsageError(command ? `Unknown command "${command}".` : 'Say what to do.');
  if (rest.length) throw new UsageError(`Unexpected argument "${rest[0]}".`);
  if (command === 'seal' && (values.seal || values.grace !== undefined))
    throw new UsageError('--seal and --grace go with verify.');
  let grace: number | undefined;
  if (values.grace !== undefined) {
    if (!/^\d{1,7}$/.test(values.grace)) throw new UsageError('--grace takes a number of seconds, like 300.');
    grace = Number(values.grace);
  }
  return { command, seal: values.seal, json: values.json, ...(grace !== undefined ? { grace } : {}) };
}

const n = (x: number) => x.toLocaleString('en-GB');

async function main(): Promise<void> {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) fail(2, `${err.message}\n\n${USAGE}`);
    throw err;
  }
  const config = loadCliConfig('audit');
  const { database, where } = await openCliDatabase(config, {
    mustExist: true,
    // Checking must not change the database's structure.
    migrate: false,
    whenLocked:
      'Stop the service, then run this again (it also seals on the way out). To verify while the service runs, ' +
      'run the service on a PostgreSQL server (DATABASE_URL): there the check can run at any time.',
  });
  let exitCode = 0;
  try {
    const [ready] = await queryRows<{ t: string | null }>(
      database.db,
      sql`select to_regclass('public.access_log_seal')::text as t`,
    );
    if (!ready?.t) {
      console.error(`The ${where} has no access log yet: start the service once, so that it sets the database up.`);
      exitCode = 2;
      return;
    }
    if (args.command === 'seal' || args.seal) {
      const sealed = await sealPending(database.db, { full: true });
      if (!args.json) console.log(`Sealed ${n(sealed)} log ${sealed === 1 ? 'entry' : 'entries'}.`);
    }
    if (args.command === 'seal') {
      const status = await chainStatus(database.db);
      if (status.last) {
        console.log(`Last seal: ${n(status.last.seq)} (log entry ${status.last.logId})`);
        console.log(`Anchor (hash of seal ${n(status.last.seq)}): ${status.last.hash}`);
      } else console.log('Nothing is sealed yet: the log is empty.');
      return;
    }
    const grace = args.grace ?? Math.max(60, 6 * config.auditSealSeconds);
    const result = await verifyChain(database.db, { unsealedGraceSeconds: grace });
    exitCode = result.ok ? 0 : 1;
    if (args.json) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    console.log(`Access log hash chain: ${result.ok ? 'INTACT' : `PROBLEMS FOUND (${n(result.problemCount)})`}`);
    console.log(`Database: ${where}`);
    console.log(
      `Seals checked: ${n(result.checked)}${result.lastSeq ? ` (the last is seal ${n(result.lastSeq)})` : ''}`,
    );
    if (result.anchor) {
      console.log(`Anchor (hash of seal ${n(result.lastSeq)}): ${result.anchor}`);
      console.log(
        '  Record the anchor outside the database (with the date). A later check that still finds this hash at this seal',
      );
      console.log('  proves nothing up to it was rewritten, even by someone able to rewrite the log and its seals.');
    }
    console.log(
      `Log entries waiting for their seal: ${n(result.unsealed)} (allowed to wait ${n(result.unsealedGraceSeconds)} seconds)`,
    );
    if (result.problems.length) {
      console.log('Problems:');
      for (const p of result.problems) console.log(`  - ${describeProblem(p, result.unsealedGraceSeconds)}`);
      const more = result.problemCount - result.problems.length;
      if (more > 0) console.log(`  … and ${n(more)} more.`);
      if (result.problems.some((p) => p.kind === 'unsealed'))
        console.log(
          'Entries waiting for their seal are sealed by the running service. If it is stopped, run "npm run audit -- verify --seal".',
        );
    }
  } finally {
    await database.close();
    process.exitCode = exitCode;
  }
}

main().catch((err: unknown) => {
  console.error(`The check could not run: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(3);
});
