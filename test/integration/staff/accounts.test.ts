import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { generate } from 'otplib';
import { rootDir } from '../../../src/config.js';
import { openDatabase, type Database } from '../../../src/db/client.js';
import { queryRows } from '../../../src/db/sql.js';
import { testApp } from '../../helpers/app.js';
import { useTestApp } from '../../helpers/app.js';
import { FormClient } from '../../helpers/client.js';
import { engines, postgresUrlForWorker, SNAPSHOT_FILE } from '../../helpers/engines.js';
import {
  createOrganisation,
  createStaff,
  createStaffWithCredentials,
  signedInClient,
  staffCookie,
} from '../../helpers/staff.js';

const run = promisify(execFile);

/** A FormClient signed in as this person (session made directly; the sign-in journey has its own tests). */
async function signedIn(app: FastifyInstance, database: Database, staff: { id: string }): Promise<FormClient> {
  const client = await signedInClient(app, database.db, staff);
  const home = await client.get('/staff/account');
  expect(home.status).toBe(200);
  return client;
}

const ADMIN_GETS = [
  '/staff/admin/users',
  '/staff/admin/users/new',
  '/staff/admin/users/00000000-0000-4000-8000-000000000000',
  '/staff/admin/organisations',
];
const ADMIN_POSTS = [
  '/staff/admin/users/new',
  '/staff/admin/organisations',
  ...['roles', 'disable', 'enable', 'reset-second-factor', 'sessions/end-all', 'send-reset-link'].map(
    (a) => `/staff/admin/users/00000000-0000-4000-8000-000000000000/${a}`,
  ),
];

async function accessLog(database: Database) {
  return queryRows<{ action: string; record_type: string; record_id: string; actor_id: string; detail: unknown }>(
    database.db,
    sql`select action, record_type, record_id, actor_id, detail from access_log order by id`,
  );
}

describe.each(engines)('account administration (%s)', (engine) => {
  const t = useTestApp(engine);

  it('refuses every administration page to anyone who is not an administrator', async () => {
    for (const roles of [['prevent_officer', 'prevent_supervisor'], ['dpo'], ['analyst'], []] as const) {
      const staff = await createStaff(t.database.db, { roles: [...roles] });
      const client = await signedIn(t.app, t.database, staff);
      for (const url of ADMIN_GETS) {
        const res = await client.get(url);
        expect(res.status, `${roles.join(',')} GET ${url}`).toBe(403);
        expect(res.body).toContain('You do not have permission to see this page');
      }
      await client.get('/staff/account');
      for (const url of ADMIN_POSTS) {
        const res = await client.post(url, { roles: 'administrator' });
        expect(res.status, `${roles.join(',')} POST ${url}`).toBe(403);
      }
    }
    expect(await accessLog(t.database)).toEqual([]);
    expect((await queryRows(t.database.db, sql`select 1 from staff_roles where role = 'administrator'`)).length).toBe(
      0,
    );
  });

  it('does not open case pages to an administrator', async () => {
    const admin = await createStaff(t.database.db, { roles: ['administrator'] });
    const client = await signedIn(t.app, t.database, admin);
    const res = await client.get('/staff/intake');
    expect(res.status).toBe(403);
    expect((await client.get('/staff')).body).not.toContain('href="/staff/intake"');
  });

  it('lists accounts, and adds one that gets an e-mail with a link to choose a password', async () => {
    const admin = await createStaff(t.database.db, { roles: ['administrator'], displayName: 'Ada Admin' });
    await createStaff(t.database.db, { roles: ['dpo'], displayName: 'Dee Protect', status: 'disabled' });
    const client = await signedIn(t.app, t.database, admin);
    const list = await client.get('/staff/admin/users');
    expect(list.status).toBe(200);
    expect(list.body).toContain('Ada Admin');
    expect(list.body).toContain('Dee Protect');
    expect(list.body).toContain('Data protection officer');
    expect(list.body).toContain('Disabled');

    const form = await client.get('/staff/admin/users/new');
    expect(form.status).toBe(200);
    const council = /<option value="([0-9a-f-]{36})">Cumberland Council/.exec(form.body)![1]!;
    const res = await client.post('/staff/admin/users/new', {
      displayName: 'Chris Coordinator',
      email: 'Chris.Coordinator@Example.test',
      organisation: council,
      roles: ['channel_coordinator', 'panel_member'],
    });
    expect(res.status).toBe(303);
    const id = /\/staff\/admin\/users\/([0-9a-f-]{36})\?done=created$/.exec(res.location!)![1]!;
    const page = await client.get(res.location!);
    expect(page.body).toContain('Account created');
    expect(page.body).toContain('chris.coordinator@example.test');
    expect(page.body).toContain('Channel coordinator, Channel panel member');

    const roles = await queryRows<{ role: string; granted_by: string }>(
      t.database.db,
      sql`select role, granted_by from staff_roles where user_id = ${id} order by role`,
    );
    expect(roles).toEqual([
      { role: 'channel_coordinator', granted_by: admin.id },
      { role: 'panel_member', granted_by: admin.id },
    ]);
    const [mail] = await queryRows<{ recipient: string; text_body: string; template: string }>(
      t.database.db,
      sql`select recipient, text_body, template from outbox`,
    );
    expect(mail!.recipient).toBe('chris.coordinator@example.test');
    expect(mail!.template).toBe('staff-new-account');
    expect(mail!.text_body).not.toContain('Chris');
    const link = /http:\/\/localhost:3000(\/staff\/password-reset\/[A-Za-z0-9_-]{43})/.exec(mail!.text_body)![1]!;
    expect((await new FormClient(t.app).get(link)).status).toBe(200);
    expect(await accessLog(t.database)).toEqual([
      {
        action: 'collection',
        record_type: 'staff_user',
        record_id: id,
        actor_id: admin.id,
        detail: { change: 'created', roles: ['channel_coordinator', 'panel_member'], organisation: 'cumberland' },
      },
    ]);
  });

  it('refuses a new account with missing fields, a taken address, or a role that does not fit the organisation', async () => {
    const admin = await createStaff(t.database.db, { roles: ['administrator'] });
    await createStaff(t.database.db, { roles: ['prevent_officer'], email: 'taken@example.test' });
    const client = await signedIn(t.app, t.database, admin);
    const form = await client.get('/staff/admin/users/new');
    const police = /<option value="([0-9a-f-]{36})">Cumbria Police Prevent team/.exec(form.body)![1]!;

    const empty = await client.post('/staff/admin/users/new', { displayName: '', email: '', organisation: '' });
    expect(empty.status).toBe(400);
    for (const message of ['Enter their full name', 'Enter their work email address', 'Select their organisation'])
      expect(empty.body).toContain(message);

    const taken = await client.post('/staff/admin/users/new', {
      displayName: 'Someone',
      email: 'TAKEN@example.test',
      organisation: police,
      roles: 'prevent_officer',
    });
    expect(taken.status).toBe(400);
    expect(taken.body).toContain('There is already an account with this email address');
    expect(taken.body).toContain('href="#email"');

    const unfit = await client.post('/staff/admin/users/new', {
      displayName: 'Wrong Place',
      email: 'wrong.place@example.test',
      organisation: police,
      roles: ['prevent_officer', 'channel_coordinator'],
    });
    expect(unfit.status).toBe(400);
    expect(unfit.body).toContain(
      'The role Channel coordinator cannot be given to someone in a police prevent team organisation',
    );
    expect(unfit.body).toContain('href="#roles"');
    expect(unfit.body).toContain('value="Wrong Place"');
    expect(
      (await queryRows(t.database.db, sql`select 1 from staff_users where email = 'wrong.place@example.test'`)).length,
    ).toBe(0);
    expect(await accessLog(t.database)).toEqual([]);
  });

  it('changes roles, refusing ones that do not fit, and logs the change', async () => {
    const admin = await createStaff(t.database.db, { roles: ['administrator'] });
    const officer = await createStaff(t.database.db, { roles: ['prevent_officer'] });
    const client = await signedIn(t.app, t.database, admin);
    const page = await client.get(`/staff/admin/users/${officer.id}`);
    expect(page.status).toBe(200);
    const saved = await client.post(`/staff/admin/users/${officer.id}/roles`, {
      roles: ['prevent_supervisor', 'analyst'],
    });
    expect(saved.location).toBe(`/staff/admin/users/${officer.id}?done=roles`);
    const roles = await queryRows<{ role: string }>(
      t.database.db,
      sql`select role from staff_roles where user_id = ${officer.id} order by role`,
    );
    expect(roles.map((r) => r.role)).toEqual(['analyst', 'prevent_supervisor']);
    expect(await accessLog(t.database)).toEqual([
      {
        action: 'alteration',
        record_type: 'staff_user',
        record_id: officer.id,
        actor_id: admin.id,
        detail: { change: 'roles', added: ['prevent_supervisor', 'analyst'], removed: ['prevent_officer'] },
      },
    ]);

    await client.get(`/staff/admin/users/${officer.id}`);
    const unfit = await client.post(`/staff/admin/users/${officer.id}/roles`, { roles: ['channel_coordinator'] });
    expect(unfit.status).toBe(400);
    expect(unfit.body).toContain('The role Channel coordinator cannot be given');
    const own = await client.post(`/staff/admin/users/${admin.id}/roles`, { roles: ['analyst'] });
    expect(own.status).toBe(400);
    expect(own.body).toContain('You cannot remove your own administrator role');
    expect(await accessLog(t.database)).toHaveLength(1);
  });

  it('disables a leaver (signed out at once, never deleted) and enables them again', async () => {
    const admin = await createStaff(t.database.db, { roles: ['administrator'] });
    const leaver = await createStaffWithCredentials(t.database.db, { roles: ['prevent_officer'] });
    const session = await staffCookie(t.app, t.database.db, leaver);
    const client = await signedIn(t.app, t.database, admin);
    await client.get(`/staff/admin/users/${leaver.id}`);
    const res = await client.post(`/staff/admin/users/${leaver.id}/disable`);
    expect(res.location).toBe(`/staff/admin/users/${leaver.id}?done=disabled`);
    const [row] = await queryRows<{ status: string; disabled: boolean }>(
      t.database.db,
      sql`select status, disabled_at is not null as disabled from staff_users where id = ${leaver.id}`,
    );
    expect(row).toEqual({ status: 'disabled', disabled: true });
    const [ended] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from staff_sessions where user_id = ${leaver.id} and ended_reason = 'disabled'`,
    );
    expect(ended!.n).toBe(1);
    expect((await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie: session } })).statusCode).toBe(303);
    // Cannot sign in, with the same answer as a wrong password.
    const signIn = new FormClient(t.app);
    await signIn.get('/staff/sign-in');
    const refused = await signIn.post('/staff/sign-in', { email: leaver.email, password: leaver.password });
    expect(refused.status).toBe(400);

    await client.get(`/staff/admin/users/${leaver.id}`);
    const own = await client.post(`/staff/admin/users/${admin.id}/disable`);
    expect(own.status).toBe(400);
    expect(own.body).toContain('You cannot disable your own account');

    await client.get(`/staff/admin/users/${leaver.id}`);
    expect((await client.post(`/staff/admin/users/${leaver.id}/enable`)).location).toBe(
      `/staff/admin/users/${leaver.id}?done=enabled`,
    );
    await signIn.get('/staff/sign-in');
    expect((await signIn.post('/staff/sign-in', { email: leaver.email, password: leaver.password })).status).toBe(303);
    expect((await accessLog(t.database)).map((e) => (e.detail as { change: string }).change)).toEqual([
      'disabled',
      'enabled',
    ]);
  });

  it('resets a second factor, ends sessions and sends a reset link', async () => {
    const admin = await createStaff(t.database.db, { roles: ['administrator'] });
    const person = await createStaffWithCredentials(t.database.db, { roles: ['prevent_officer'] });
    await t.database.db.execute(
      sql`insert into recovery_codes (user_id, code_hash) values (${person.id}, 'x'), (${person.id}, 'y')`,
    );
    const session = await staffCookie(t.app, t.database.db, person);
    const client = await signedIn(t.app, t.database, admin);

    const details = await client.get(`/staff/admin/users/${person.id}`);
    expect(details.body).toContain('Active sessions');
    expect(details.body).toContain('End all their sessions');
    expect(await client.post(`/staff/admin/users/${person.id}/sessions/end-all`)).toMatchObject({ status: 303 });
    expect((await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie: session } })).statusCode).toBe(303);

    await client.get(`/staff/admin/users/${person.id}`);
    await client.post(`/staff/admin/users/${person.id}/reset-second-factor`);
    const [row] = await queryRows<{ totp_secret: string | null; codes: number }>(
      t.database.db,
      sql`select totp_secret, (select count(*)::int from recovery_codes where user_id = ${person.id}) as codes
          from staff_users where id = ${person.id}`,
    );
    expect(row).toEqual({ totp_secret: null, codes: 0 });
    // At the next sign-in they set up a new authenticator.
    const signIn = new FormClient(t.app);
    await signIn.get('/staff/sign-in');
    const res = await signIn.post('/staff/sign-in', { email: person.email, password: person.password });
    expect(res.location).toBe('/staff/sign-in/set-up-authenticator');

    await client.get(`/staff/admin/users/${person.id}`);
    await client.post(`/staff/admin/users/${person.id}/send-reset-link`);
    const mails = await queryRows<{ template: string; recipient: string }>(
      t.database.db,
      sql`select template, recipient from outbox`,
    );
    expect(mails).toEqual([{ template: 'staff-password-reset', recipient: person.email }]);
    expect((await accessLog(t.database)).map((e) => (e.detail as { change: string }).change)).toEqual([
      'sessions-ended',
      'second-factor-reset',
      'reset-link-sent',
    ]);
  });

  it('answers 404 for an account id that is not a uuid or not known', async () => {
    const admin = await createStaff(t.database.db, { roles: ['administrator'] });
    const client = await signedIn(t.app, t.database, admin);
    expect((await client.get('/staff/admin/users/not-a-uuid')).status).toBe(404);
    expect((await client.get('/staff/admin/users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    await client.get('/staff/account');
    expect((await client.post('/staff/admin/users/not-a-uuid/disable')).status).toBe(404);
  });

  it('lists and adds organisations', async () => {
    const admin = await createStaff(t.database.db, { roles: ['administrator'] });
    await createOrganisation(t.database.db, { code: 'existing-org', kind: 'education' });
    const client = await signedIn(t.app, t.database, admin);
    const list = await client.get('/staff/admin/organisations');
    expect(list.status).toBe(200);
    expect(list.body).toContain('Westmorland and Furness Council');
    const bad = await client.post('/staff/admin/organisations', { code: 'Not OK!', name: '', kind: 'nonsense' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('The code must be 2 to 63 lower-case letters');
    expect(bad.body).toContain('Enter the name of the organisation');
    expect(bad.body).toContain('Select the kind of organisation');
    const taken = await client.post('/staff/admin/organisations', {
      code: 'existing-org',
      name: 'Again',
      kind: 'education',
    });
    expect(taken.status).toBe(400);
    expect(taken.body).toContain('There is already an organisation with this code');
    const ok = await client.post('/staff/admin/organisations', {
      code: 'carlisle-college',
      name: 'Carlisle College',
      kind: 'education',
    });
    expect(ok.location).toBe('/staff/admin/organisations?done=added');
    expect((await client.get('/staff/admin/users/new')).body).toContain('Carlisle College (Education)');
    const [entry] = await accessLog(t.database);
    expect(entry).toMatchObject({
      action: 'alteration',
      record_type: 'organisation',
      actor_id: admin.id,
      detail: { change: 'created', code: 'carlisle-college', kind: 'education' },
    });
  });
});

describe.each(engines)('the admin command line (%s)', (engine) => {
  const t = useTestApp(engine);

  async function admin(env: NodeJS.ProcessEnv, ...args: string[]) {
    return run(process.execPath, ['--import', 'tsx', path.join(rootDir, 'scripts', 'admin.ts'), ...args], {
      cwd: rootDir,
      // A clean environment, as an operator's shell would have (vitest's own sets BASE_URL to "/").
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  }

  /** A data folder with an embedded database already made (from the suite's snapshot: quicker than a first start). */
  async function embeddedDataDir(): Promise<string> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'prevent-admin-cli-'));
    const database = await openDatabase({
      pgliteDir: path.join(dataDir, 'pglite'),
      pgliteSnapshot: new Blob([readFileSync(SNAPSHOT_FILE)]),
    });
    await database.close();
    return dataDir;
  }

  it('creates the first administrator and prints a link that works once', async () => {
    let env: NodeJS.ProcessEnv;
    let dataDir: string | undefined;
    if (engine === 'postgres') env = { DATABASE_URL: await postgresUrlForWorker() };
    else {
      dataDir = await embeddedDataDir();
      env = { DATA_DIR: dataDir };
    }
    try {
      const usage = await admin(env, 'create-user', '--email', 'first@example.test');
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('--name');

      const created = await admin(
        env,
        'create-user',
        '--email',
        'First.Admin@example.test',
        '--name',
        'First Admin',
        '--role',
        'administrator',
      );
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      const link = /http:\/\/localhost:3000(\/staff\/password-reset\/[A-Za-z0-9_-]{43})/.exec(created.stdout)?.[1];
      expect(link).toBeTruthy();
      const again = await admin(
        env,
        'create-user',
        '--email',
        'first.admin@example.test',
        '--name',
        'X',
        '--role',
        'dpo',
      );
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('There is already an account with this email address');
      const listed = await admin(env, 'list-users');
      expect(listed.stdout).toContain(
        'first.admin@example.test\tFirst Admin\tcumbria-police-prevent\tadministrator\tactive',
      );

      // The service, on the same database, takes the link.
      let database: Database = t.database;
      let app: FastifyInstance = t.app;
      if (dataDir) {
        database = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
        ({ app } = await testApp(database));
      }
      try {
        const client = new FormClient(app);
        expect((await client.get(link!)).status).toBe(200);
        const set = await client.post(link!, {
          password: 'the first admin passphrase',
          confirmPassword: 'the first admin passphrase',
        });
        expect(set.location).toBe('/staff/sign-in?reset=1');
        expect((await client.get(link!)).status).toBe(404);
        await client.get('/staff/sign-in');
        const res = await client.post('/staff/sign-in', {
          email: 'first.admin@example.test',
          password: 'the first admin passphrase',
        });
        expect(res.location).toBe('/staff/sign-in/set-up-authenticator');
        const setUp = await client.get(res.location!);
        const secret = [...setUp.body.matchAll(/<span class="app-secret-key__group">([A-Z2-7]{1,4})<\/span>/g)]
          .map((g) => g[1])
          .join('');
        await client.post(res.location!, { code: await generate({ secret }) });
        await client.get('/staff/sign-in/recovery-codes');
        expect((await client.post('/staff/sign-in/recovery-codes')).location).toBe('/staff');
        expect((await client.get('/staff/admin/users')).status).toBe(200);
      } finally {
        if (dataDir) {
          await app.close();
          await database.close();
        }
      }

      const disabled = await admin(env, 'disable-user', '--email', 'first.admin@example.test');
      expect(disabled.code).toBe(0);
      expect(disabled.stdout).toContain('Disabled first.admin@example.test');
    } finally {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  if (engine === 'pglite')
    it('says to stop the service when it holds the embedded database', async () => {
      const dataDir = await embeddedDataDir();
      const database = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
      try {
        const res = await admin({ DATA_DIR: dataDir }, 'list-users');
        expect(res.code).toBe(75);
        expect(res.stderr).toContain('Stop the service first');
      } finally {
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 120_000);
});
