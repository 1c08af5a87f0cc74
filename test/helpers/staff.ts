import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.js';
import { organisations, staffRoles, staffUsers, type OrganisationKind, type Role } from '../../src/db/schema/index.js';
import { createSession } from '../../src/staff/sessions.js';
import { STAFF_COOKIE } from '../../src/staff/registry.js';
import { FormClient } from './client.js';

/** Factories for staff tests: real rows, nothing mocked. */

export async function organisationId(db: Db, code: string): Promise<string> {
  const rows = await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.code, code));
  if (!rows[0]) throw new Error(`no organisation ${code}`);
  return rows[0].id;
}

export async function createOrganisation(
  db: Db,
  opts: { code?: string; name?: string; kind: OrganisationKind },
): Promise<{ id: string; code: string }> {
  const code = opts.code ?? `org-${randomUUID().slice(0, 8)}`;
  const [row] = await db
    .insert(organisations)
    .values({ code, name: opts.name ?? `Organisation ${code}`, kind: opts.kind })
    .returning({ id: organisations.id, code: organisations.code });
  return row!;
}

export interface TestStaff {
  id: string;
  email: string;
  displayName: string;
  organisationId: string;
  roles: Role[];
}

/** A staff member with roles, in an organisation (by code; the Prevent team's by default). */
export async function createStaff(
  db: Db,
  opts: {
    roles: Role[];
    organisation?: string;
    email?: string;
    displayName?: string;
    passwordHash?: string | null;
    totpSecret?: string | null;
    status?: 'active' | 'disabled';
  },
): Promise<TestStaff> {
  const orgId = await organisationId(db, opts.organisation ?? 'cumbria-police-prevent');
  const email = (opts.email ?? `staff-${randomUUID().slice(0, 8)}@example.test`).toLowerCase();
  const displayName = opts.displayName ?? `Staff ${email.split('@')[0]}`;
  const [user] = await db
    .insert(staffUsers)
    .values({
      email,
      displayName,
      organisationId: orgId,
      passwordHash: opts.passwordHash ?? null,
      totpSecret: opts.totpSecret ?? null,
      totpEnabledAt: opts.totpSecret ? new Date() : null,
      status: opts.status ?? 'active',
      disabledAt: opts.status === 'disabled' ? new Date() : null,
    })
    .returning({ id: staffUsers.id });
  if (opts.roles.length) await db.insert(staffRoles).values(opts.roles.map((role) => ({ userId: user!.id, role })));
  return { id: user!.id, email, displayName, organisationId: orgId, roles: opts.roles };
}

/**
 * A signed-in session for the person, made directly in the database (the sign-in journeys have their own tests), as a
 * Cookie header value for `app.inject` or a browser context.
 */
export async function staffCookie(app: FastifyInstance, db: Db, staff: { id: string }): Promise<string> {
  const rawId = await createSession(db, {
    userId: staff.id,
    stage: 'signed_in',
    method: 'password',
    absoluteHours: 12,
  });
  return `${STAFF_COOKIE}=${app.signCookie(rawId)}`;
}

/**
 * A FormClient signed in as the person (the session made directly in the database), for the integration tests that
 * post the staff pages' forms. One helper for every such test (test/helpers/staff-browser.ts is the browser's).
 */
export async function signedInClient(app: FastifyInstance, db: Db, staff: { id: string }): Promise<FormClient> {
  const client = new FormClient(app);
  client.setCookie(STAFF_COOKIE, await staffCookieValue(app, db, staff));
  return client;
}

/** The signed cookie's value alone (for a browser context's addCookies). */
export async function staffCookieValue(app: FastifyInstance, db: Db, staff: { id: string }): Promise<string> {
  return (await staffCookie(app, db, staff)).slice(STAFF_COOKIE.length + 1);
}

/**
 * A staff member who signs in with a password and an authenticator app (argon2id hash and a TOTP secret stored as the
 * sign-in journey stores them). Returns the password and secret so the test can sign in as a person would.
 */
export async function createStaffWithCredentials(
  db: Db,
  opts: Omit<Parameters<typeof createStaff>[1], 'passwordHash' | 'totpSecret'> & {
    password?: string;
    /** false: a password but no authenticator yet (they set it up at first sign-in). */
    totp?: boolean;
  },
): Promise<TestStaff & { password: string; totpSecret: string | null }> {
  const { hashPassword } = await import('../../src/features/staff-auth/passwords.js');
  const { generateSecret } = await import('otplib');
  const password = opts.password ?? `correct horse ${randomUUID().slice(0, 8)}`;
  const totpSecret = opts.totp === false ? null : generateSecret();
  const staff = await createStaff(db, { ...opts, passwordHash: await hashPassword(password), totpSecret });
  return { ...staff, password, totpSecret };
}
