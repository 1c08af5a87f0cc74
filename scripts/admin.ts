/**
 * Staff accounts from the command line, for the first administrator (before anyone can sign in) and for emergencies:
 *
 *   npm run admin -- create-user --email you@example.org --name "Your Name" --role administrator [--role …]
 *                                [--organisation cumbria-police-prevent]
 *   npm run admin -- reset-link --email you@example.org
 *   npm run admin -- list-users
 *   npm run admin -- disable-user --email someone@example.org
 *
 * It opens the database as the service does (DATABASE_URL, or the embedded database in DATA_DIR/pglite, setting it up
 * if it is new). `create-user` and `reset-link` print a single-use link to choose a password: no e-mail is sent (e-mail
 * may not be set up yet), so give the link to the person by a safe route.
 *
 * Exit status: 0 done; 1 refused (address taken, unknown account…); 2 wrong usage or configuration; 75 the embedded
 * database is in use by the running service.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { fail, loadCliConfig, openCliDatabase } from './lib/cli.js';
import { appendAccessLog } from '../src/access-log/queries.js';
import { endAllSessions } from '../src/staff/sessions.js';
import { createPasswordReset, findAccountByEmail, listAccounts, setAccountStatus } from '../src/staff/users.js';
import { ROLES, type Role } from '../src/db/schema/index.js';
import { createAccount, EMAIL_PATTERN, isRole, resetLink, ROLE_LABELS } from '../src/features/admin/service.js';

const USAGE = `Usage:
  npm run admin -- create-user --email ADDRESS --name "FULL NAME" --role ROLE [--role ROLE …] [--organisation CODE]
      Create an account and print a single-use link to choose its password (the organisation defaults to
      cumbria-police-prevent). The first administrator: --role administrator.
  npm run admin -- reset-link --email ADDRESS
      Print a new single-use link to choose a password (for example when the first one has expired).
  npm run admin -- list-users
      List the accounts: email, name, organisation, roles and status.
  npm run admin -- disable-user --email ADDRESS
      Disable an account (people are never deleted) and end its sessions.

Roles: ${ROLES.join(', ')}.
Exit status: 0 done, 1 refused, 2 usage or configuration error, 75 database in use.`;

const CLI_ACTOR = { type: 'system' as const, id: 'admin-cli', organisation: null, channel: 'admin-cli' };

class UsageError extends Error {}

type Command =
  | { command: 'create-user'; email: string; name: string; organisation: string; roles: Role[] }
  | { command: 'reset-link'; email: string }
  | { command: 'list-users' }
  | { command: 'disable-user'; email: string };

function parse(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        organisation: { type: 'string' },
        role: { type: 'string', multiple: true },
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
  if (rest.length) throw new UsageError(`Unexpected argument "${rest[0]}".`);
  const email = (values.email ?? '').trim().toLowerCase();
  const needEmail = () => {
    if (!email) throw new UsageError('Give the address with --email.');
    if (!EMAIL_PATTERN.test(email)) throw new UsageError(`"${email}" is not an email address.`);
  };
  switch (command) {
    case 'create-user': {
      needEmail();
      const name = (values.name ?? '').trim();
      if (!name) throw new UsageError('Give the person’s full name with --name "Full Name".');
      if (name.length > 100) throw new UsageError('The name must be 100 characters or fewer.');
      const roles = values.role ?? [];
      if (!roles.length)
        throw new UsageError('Give at least one --role (the first administrator: --role administrator).');
      const unknown = roles.find((r) => !isRole(r));
      if (unknown) throw new UsageError(`Unknown role "${unknown}". Roles: ${ROLES.join(', ')}.`);
      return {
        command,
        email,
        name,
        organisation: values.organisation ?? 'cumbria-police-prevent',
        roles: [...new Set(roles)] as Role[],
      };
    }
    case 'reset-link':
    case 'disable-user':
      needEmail();
      return { command, email };
    case 'list-users':
      return { command };
    default:
      throw new UsageError(command ? `Unknown command "${command}".` : 'Say what to do.');
  }
}

async function run(database: Database, config: Config, cmd: Command): Promise<number> {
  const { db } = database;
  switch (cmd.command) {
    case 'create-user': {
      const result = await createAccount(
        db,
        config,
        { email: cmd.email, displayName: cmd.name, organisationCode: cmd.organisation, roles: cmd.roles },
        CLI_ACTOR,
        { sendEmail: false },
      );
      if (!result.ok) {
        console.error(
          result.field === 'organisation'
            ? `There is no active organisation with the code "${cmd.organisation}".`
            : result.message,
        );
        return 1;
      }
      console.log(`Created the account for ${cmd.email} (${cmd.roles.map((r) => ROLE_LABELS[r]).join(', ')}).`);
      printLink(config, result.token);
      return 0;
    }
    case 'reset-link': {
      const account = await findAccountByEmail(db, cmd.email);
      if (!account || account.status !== 'active') {
        console.error(`There is no active account for ${cmd.email}.`);
        return 1;
      }
      printLink(config, await createPasswordReset(db, account.id, config.staff.passwordResetHours));
      return 0;
    }
    case 'list-users': {
      const accounts = await listAccounts(db);
      if (!accounts.length) {
        console.log('There are no accounts yet. Create the first administrator with:');
        console.log('  npm run admin -- create-user --email you@example.org --name "Your Name" --role administrator');
        return 0;
      }
      for (const a of accounts)
        console.log(
          [a.email, a.displayName, a.organisationCode, a.roles.join(',') || '(no role)', a.status].join('\t'),
        );
      return 0;
    }
    case 'disable-user': {
      const account = await findAccountByEmail(db, cmd.email);
      if (!account) {
        console.error(`There is no account for ${cmd.email}.`);
        return 1;
      }
      const ended = await db.transaction(async (tx) => {
        const changed = await setAccountStatus(tx, account.id, 'disabled');
        const sessions = await endAllSessions(tx, account.id, 'disabled');
        if (changed)
          await appendAccessLog(tx, {
            action: 'alteration',
            recordType: 'staff_user',
            recordId: account.id,
            actorType: CLI_ACTOR.type,
            actorId: CLI_ACTOR.id,
            channel: CLI_ACTOR.channel,
            detail: { change: 'disabled', sessionsEnded: sessions },
          });
        return changed;
      });
      console.log(ended ? `Disabled ${cmd.email} and ended its sessions.` : `${cmd.email} was already disabled.`);
      return 0;
    }
  }
}

function printLink(config: Config, token: string): void {
  console.log('');
  console.log(`Link to choose a password (works once, for ${config.staff.passwordResetHours} hours):`);
  console.log(`  ${resetLink(config, token)}`);
  console.log('');
  console.log('Give it to the person by a safe route. After choosing a password they set up an authenticator app.');
}

async function main(): Promise<void> {
  let cmd: Command;
  try {
    cmd = parse(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) fail(2, `${err.message}\n\n${USAGE}`);
    throw err;
  }
  const config = loadCliConfig('admin');
  const { database } = await openCliDatabase(config, {
    whenLocked:
      'Stop the service first (Ctrl+C, or stop its container or unit), run this command, then start the service again.',
  });
  try {
    process.exitCode = await run(database, config, cmd);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(`The command failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
