import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, inArray, isNull, ne, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/sql.js';
import {
  organisations,
  passwordResets,
  recoveryCodes,
  signInThrottle,
  staffRoles,
  staffSessions,
  staffUsers,
  type OrganisationKind,
  type Role,
} from '../db/schema/index.js';

/** Staff accounts, their roles and credentials, password-reset links, the sign-in throttle, and organisations. */

export interface StaffAccount {
  id: string;
  email: string;
  displayName: string;
  status: 'active' | 'disabled';
  passwordHash: string | null;
  totpSecret: string | null;
  totpLastStep: number | null;
  oidcIssuer: string | null;
  organisationId: string;
  organisationCode: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  organisationActive: boolean;
  createdAt: Date;
  disabledAt: Date | null;
  lastSignInAt: Date | null;
  roles: Role[];
}

const accountColumns = {
  id: staffUsers.id,
  email: staffUsers.email,
  displayName: staffUsers.displayName,
  status: staffUsers.status,
  passwordHash: staffUsers.passwordHash,
  totpSecret: staffUsers.totpSecret,
  totpLastStep: staffUsers.totpLastStep,
  oidcIssuer: staffUsers.oidcIssuer,
  organisationId: staffUsers.organisationId,
  organisationCode: organisations.code,
  organisationName: organisations.name,
  organisationKind: organisations.kind,
  organisationActive: organisations.active,
  createdAt: staffUsers.createdAt,
  disabledAt: staffUsers.disabledAt,
  lastSignInAt: staffUsers.lastSignInAt,
};

async function withRoles(db: Db, rows: Omit<StaffAccount, 'roles'>[]): Promise<StaffAccount[]> {
  if (!rows.length) return [];
  const roles = await db
    .select({ userId: staffRoles.userId, role: staffRoles.role })
    .from(staffRoles)
    .where(
      inArray(
        staffRoles.userId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(staffRoles.role));
  return rows.map((r) => ({ ...r, roles: roles.filter((x) => x.userId === r.id).map((x) => x.role) }));
}

export async function findAccountByEmail(db: Db, email: string): Promise<StaffAccount | undefined> {
  const rows = await db
    .select(accountColumns)
    .from(staffUsers)
    .innerJoin(organisations, eq(organisations.id, staffUsers.organisationId))
    .where(eq(staffUsers.email, email.trim().toLowerCase()));
  return (await withRoles(db, rows))[0];
}

export async function findAccountById(db: Db, id: string): Promise<StaffAccount | undefined> {
  const rows = await db
    .select(accountColumns)
    .from(staffUsers)
    .innerJoin(organisations, eq(organisations.id, staffUsers.organisationId))
    .where(eq(staffUsers.id, id));
  return (await withRoles(db, rows))[0];
}

/** Every account, active ones first, then by name. */
export async function listAccounts(db: Db): Promise<StaffAccount[]> {
  const rows = await db
    .select(accountColumns)
    .from(staffUsers)
    .innerJoin(organisations, eq(organisations.id, staffUsers.organisationId))
    .orderBy(asc(staffUsers.status), asc(sql`lower(${staffUsers.displayName})`), asc(staffUsers.email));
  return withRoles(db, rows);
}

/** Adds an account with its roles; undefined if the e-mail address is taken already. */
export async function insertAccount(
  db: Db,
  opts: { email: string; displayName: string; organisationId: string; roles: Role[]; grantedBy: string | null },
): Promise<string | undefined> {
  const [row] = await db
    .insert(staffUsers)
    .values({
      email: opts.email.trim().toLowerCase(),
      displayName: opts.displayName,
      organisationId: opts.organisationId,
    })
    .onConflictDoNothing({ target: staffUsers.email })
    .returning({ id: staffUsers.id });
  if (!row) return undefined;
  if (opts.roles.length)
    await db.insert(staffRoles).values(opts.roles.map((role) => ({ userId: row.id, role, grantedBy: opts.grantedBy })));
  return row.id;
}

/** Sets exactly these roles (keeping the grant time of roles the person already had). Returns what changed. */
export async function replaceRoles(
  db: Db,
  userId: string,
  roles: Role[],
  grantedBy: string | null,
): Promise<{ added: Role[]; removed: Role[] }> {
  const removed = await db
    .delete(staffRoles)
    .where(and(eq(staffRoles.userId, userId), roles.length ? notInArray(staffRoles.role, roles) : undefined))
    .returning({ role: staffRoles.role });
  const added = roles.length
    ? await db
        .insert(staffRoles)
        .values(roles.map((role) => ({ userId, role, grantedBy })))
        .onConflictDoNothing()
        .returning({ role: staffRoles.role })
    : [];
  return { added: added.map((r) => r.role), removed: removed.map((r) => r.role) };
}

/** Disables (a leaver: never deleted) or enables an account. False if it was already so. */
export async function setAccountStatus(db: Db, userId: string, status: 'active' | 'disabled'): Promise<boolean> {
  const rows = await db
    .update(staffUsers)
    .set(status === 'disabled' ? { status, disabledAt: sql`now()` } : { status, disabledAt: null })
    .where(and(eq(staffUsers.id, userId), sql`${staffUsers.status} <> ${status}`))
    .returning({ id: staffUsers.id });
  return rows.length > 0;
}

export async function setPasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.update(staffUsers).set({ passwordHash }).where(eq(staffUsers.id, userId));
}

/** Ends every live session of the person but one (a password change keeps the session that made it). */
export async function endOtherSessions(db: Db, userId: string, keepIdHash: string, reason: string): Promise<number> {
  const rows = await db
    .update(staffSessions)
    .set({ endedAt: sql`now()`, endedReason: reason })
    .where(and(eq(staffSessions.userId, userId), ne(staffSessions.idHash, keepIdHash), isNull(staffSessions.endedAt)))
    .returning({ idHash: staffSessions.idHash });
  return rows.length;
}

export async function markSignedIn(db: Db, userId: string): Promise<void> {
  await db
    .update(staffUsers)
    .set({ lastSignInAt: sql`now()` })
    .where(eq(staffUsers.id, userId));
}

/**
 * Accepts a TOTP time step for the person, atomically: only if it is after the last one accepted, so the same code
 * cannot be used twice, even by two requests at once. False if it was not.
 */
export async function acceptTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const rows = await db
    .update(staffUsers)
    .set({ totpLastStep: step })
    .where(
      and(eq(staffUsers.id, userId), sql`(${staffUsers.totpLastStep} is null or ${staffUsers.totpLastStep} < ${step})`),
    )
    .returning({ id: staffUsers.id });
  return rows.length > 0;
}

/**
 * Saves the authenticator's secret once its first code is proved, with the recovery codes' hashes (replacing any
 * earlier ones). False if the person already has an authenticator (set up meanwhile in another tab).
 */
export async function enableTotp(
  db: Db,
  userId: string,
  secret: string,
  step: number,
  recoveryCodeHashes: string[],
): Promise<boolean> {
  const rows = await db
    .update(staffUsers)
    .set({ totpSecret: secret, totpEnabledAt: sql`now()`, totpLastStep: step })
    .where(and(eq(staffUsers.id, userId), isNull(staffUsers.totpSecret)))
    .returning({ id: staffUsers.id });
  if (!rows.length) return false;
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await db.insert(recoveryCodes).values(recoveryCodeHashes.map((codeHash) => ({ userId, codeHash })));
  return true;
}

/** Removes the authenticator and recovery codes: the person sets up a new one at their next sign-in. */
export async function clearSecondFactor(db: Db, userId: string): Promise<void> {
  await db
    .update(staffUsers)
    .set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null })
    .where(eq(staffUsers.id, userId));
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
}

/** Uses a recovery code, atomically: true once, false ever after (and for a code that is not the person's). */
export async function useRecoveryCode(db: Db, userId: string, codeHash: string): Promise<boolean> {
  const rows = await db
    .update(recoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, codeHash), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  return rows.length > 0;
}

export async function unusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const rows = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return Number(rows[0]?.n ?? 0);
}

// --- Password-reset (and first-password) links ------------------------------------------------------------------------

export function hashResetToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A link token has this shape (32 random bytes, base64url): anything else is not looked up. */
export const RESET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Makes a single-use link token for the person, valid for `hours`; returns the token (only its hash is stored). */
export async function createPasswordReset(db: Db, userId: string, hours: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(passwordResets).values({
    tokenHash: hashResetToken(token),
    userId,
    expiresAt: sql`now() + make_interval(hours => ${hours})`,
  });
  return token;
}

/** The person a link is for, if it is unused, unexpired and their account is active. */
export async function findUsableReset(db: Db, token: string): Promise<string | undefined> {
  if (!RESET_TOKEN_PATTERN.test(token)) return undefined;
  const rows = await db
    .select({ userId: passwordResets.userId })
    .from(passwordResets)
    .innerJoin(staffUsers, eq(staffUsers.id, passwordResets.userId))
    .where(
      and(
        eq(passwordResets.tokenHash, hashResetToken(token)),
        isNull(passwordResets.usedAt),
        sql`${passwordResets.expiresAt} > now()`,
        eq(staffUsers.status, 'active'),
      ),
    );
  return rows[0]?.userId;
}

/**
 * Uses a link, atomically (one request only, however many arrive at once), and cancels the person's other unused
 * links. Returns the person's id, or undefined if the link was used, expired or unknown.
 */
export async function consumePasswordReset(db: Db, token: string): Promise<string | undefined> {
  if (!RESET_TOKEN_PATTERN.test(token)) return undefined;
  const rows = await queryRows<{ user_id: string }>(
    db,
    sql`
    update password_resets set used_at = now()
    where token_hash = ${hashResetToken(token)} and used_at is null and expires_at > now()
      and exists (select 1 from staff_users u where u.id = password_resets.user_id and u.status = 'active')
    returning user_id`,
  );
  const userId = rows[0]?.user_id;
  if (userId)
    await db
      .update(passwordResets)
      .set({ usedAt: sql`now()` })
      .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
  return userId;
}

// --- Sign-in throttle ---------------------------------------------------------------------------------------------------

/** True while the key is locked out. */
export async function isLockedOut(db: Db, keyHash: string): Promise<boolean> {
  const rows = await db
    .select({ keyHash: signInThrottle.keyHash })
    .from(signInThrottle)
    .where(and(eq(signInThrottle.keyHash, keyHash), sql`${signInThrottle.lockedUntil} > now()`));
  return rows.length > 0;
}

/**
 * Counts a failed attempt, in one statement (parallel attempts cannot slip past): failures are counted within a window
 * of `minutes`; the `limit`-th locks the key for `minutes`. A window that has run out, or a lockout that has ended,
 * starts the count again. Returns the count and whether this attempt started a lockout.
 */
export async function recordSignInFailure(
  db: Db,
  keyHash: string,
  limit: number,
  minutes: number,
): Promise<{ failures: number; lockedNow: boolean; locked: boolean }> {
  const rows = await queryRows<{ failures: number; locked_now: boolean; locked: boolean }>(
    db,
    sql`
    with prior as (select locked_until from sign_in_throttle where key_hash = ${keyHash})
    insert into sign_in_throttle as t (key_hash, failures, window_started_at, locked_until)
    values (${keyHash}, 1, now(), case when 1 >= ${limit} then now() + make_interval(mins => ${minutes}) end)
    on conflict (key_hash) do update set
      failures = case
        when t.locked_until > now() then t.failures
        when t.window_started_at <= now() - make_interval(mins => ${minutes}) or t.locked_until is not null then 1
        else t.failures + 1 end,
      window_started_at = case
        when t.locked_until > now() then t.window_started_at
        when t.window_started_at <= now() - make_interval(mins => ${minutes}) or t.locked_until is not null then now()
        else t.window_started_at end,
      locked_until = case
        when t.locked_until > now() then t.locked_until
        when (case
                when t.window_started_at <= now() - make_interval(mins => ${minutes}) or t.locked_until is not null then 1
                else t.failures + 1 end) >= ${limit}
          then now() + make_interval(mins => ${minutes})
        else null end
    returning failures,
      (locked_until > now() and not coalesce((select locked_until > now() from prior), false)) as locked_now,
      coalesce(locked_until > now(), false) as locked`,
  );
  const row = rows[0]!;
  return { failures: Number(row.failures), lockedNow: Boolean(row.locked_now), locked: Boolean(row.locked) };
}

/** A successful sign-in clears the key's failures. */
export async function clearSignInFailures(db: Db, keyHash: string): Promise<void> {
  await db.delete(signInThrottle).where(eq(signInThrottle.keyHash, keyHash));
}

// --- Administrators and organisations -----------------------------------------------------------------------------------

/** Whether any active account holds the administrator role (a fresh installation has none). */
export async function hasActiveAdministrator(db: Db): Promise<boolean> {
  const rows = await db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .innerJoin(staffRoles, eq(staffRoles.userId, staffUsers.id))
    .where(and(eq(staffUsers.status, 'active'), eq(staffRoles.role, 'administrator')))
    .limit(1);
  return rows.length > 0;
}

export interface OrganisationRow {
  id: string;
  code: string;
  name: string;
  kind: OrganisationKind;
  active: boolean;
}

export async function listOrganisations(db: Db, opts: { activeOnly?: boolean } = {}): Promise<OrganisationRow[]> {
  return db
    .select({
      id: organisations.id,
      code: organisations.code,
      name: organisations.name,
      kind: organisations.kind,
      active: organisations.active,
    })
    .from(organisations)
    .where(opts.activeOnly ? eq(organisations.active, true) : undefined)
    .orderBy(asc(organisations.name));
}

export async function findOrganisation(
  db: Db,
  by: { id: string } | { code: string },
): Promise<OrganisationRow | undefined> {
  const rows = await db
    .select({
      id: organisations.id,
      code: organisations.code,
      name: organisations.name,
      kind: organisations.kind,
      active: organisations.active,
    })
    .from(organisations)
    .where('id' in by ? eq(organisations.id, by.id) : eq(organisations.code, by.code));
  return rows[0];
}

/** Adds an organisation; undefined if the code is taken. */
export async function insertOrganisation(
  db: Db,
  opts: { code: string; name: string; kind: OrganisationKind },
): Promise<string | undefined> {
  const [row] = await db
    .insert(organisations)
    .values(opts)
    .onConflictDoNothing({ target: organisations.code })
    .returning({ id: organisations.id });
  return row?.id;
}
