import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { rotateSession } from '../../staff/sessions.js';
import {
  acceptTotpStep,
  clearSignInFailures,
  enableTotp,
  findAccountByEmail,
  findAccountById,
  isLockedOut,
  markSignedIn,
  recordSignInFailure,
  useRecoveryCode,
  type StaffAccount,
} from '../../staff/users.js';
import { verifyPassword } from './passwords.js';
import { keyPrefix } from './throttle.js';
import {
  hashRecoveryCode,
  normaliseRecoveryCode,
  normaliseTotp,
  pendingTotpSecret,
  recoveryCodesFor,
  verifyTotp,
} from './totp.js';

/**
 * The sign-in steps with a password: the password, then the second factor (a code from the authenticator, or a
 * recovery code), or the authenticator's set-up at a first sign-in. Every failed step counts towards one lockout per
 * account name, which behaves the same whether or not the account exists.
 */

export interface SignInLog {
  info(obj: object, msg: string): void;
}

export interface SignInDeps {
  db: Db;
  config: Config;
  /** The throttle key of an e-mail address (see throttle.ts). */
  keyFor(email: string): string;
  log: SignInLog;
}

export type PasswordOutcome = { ok: true; account: StaffAccount } | { ok: false };

/**
 * Checks an address and password. Unknown address, wrong password, disabled account and locked-out name all fail the
 * same way, after the same work (one argon2 verification).
 */
export async function checkPassword(deps: SignInDeps, email: string, password: string): Promise<PasswordOutcome> {
  const { db } = deps;
  const key = deps.keyFor(email);
  const [locked, account] = await Promise.all([isLockedOut(db, key), findAccountByEmail(db, email)]);
  const passwordOk = await verifyPassword(account?.passwordHash ?? null, password);
  if (passwordOk && !locked && account && account.status === 'active' && account.organisationActive)
    return { ok: true, account };
  if (locked) {
    deps.log.info({ key: keyPrefix(key), step: 'password' }, 'staff sign-in refused: locked out');
    return { ok: false };
  }
  await countFailure(deps, key, 'password');
  return { ok: false };
}

async function countFailure(deps: SignInDeps, key: string, step: string): Promise<boolean> {
  const { lockoutFailures, lockoutMinutes } = deps.config.staff;
  const result = await recordSignInFailure(deps.db, key, lockoutFailures, lockoutMinutes);
  deps.log.info({ key: keyPrefix(key), step, failures: result.failures }, 'staff sign-in failed');
  if (result.lockedNow)
    deps.log.info({ key: keyPrefix(key), minutes: lockoutMinutes }, 'staff sign-in locked out after repeated failures');
  return result.locked;
}

export type CodeOutcome = 'ok' | 'missing' | 'format' | 'wrong' | 'used' | 'locked';

/** Checks a code from the person's authenticator: each code once, and failures count towards the lockout. */
export async function checkTotpCode(deps: SignInDeps, account: StaffAccount, input: string): Promise<CodeOutcome> {
  const key = deps.keyFor(account.email);
  if (await isLockedOut(deps.db, key)) return 'locked';
  if (!input.trim()) return 'missing';
  const code = normaliseTotp(input);
  if (!code) return 'format';
  const step = account.totpSecret ? await verifyTotp(account.totpSecret, code, null) : null;
  let outcome: CodeOutcome = 'wrong';
  if (step !== null) {
    // Accepted only if its time step is after the last one accepted, in one atomic update.
    outcome = (await acceptTotpStep(deps.db, account.id, step)) ? 'ok' : 'used';
  }
  if (outcome === 'ok') return 'ok';
  return (await countFailure(deps, key, 'code')) ? 'locked' : outcome;
}

/** Checks a recovery code: each works once. */
export async function checkRecoveryCode(
  deps: SignInDeps,
  account: StaffAccount,
  input: string,
): Promise<'ok' | 'missing' | 'wrong' | 'locked'> {
  const key = deps.keyFor(account.email);
  if (await isLockedOut(deps.db, key)) return 'locked';
  if (!input.trim()) return 'missing';
  const code = normaliseRecoveryCode(input);
  if (code && (await useRecoveryCode(deps.db, account.id, hashRecoveryCode(account.id, code)))) {
    deps.log.info({ user: account.id }, 'staff sign-in with a recovery code');
    return 'ok';
  }
  return (await countFailure(deps, key, 'recovery-code')) ? 'locked' : 'wrong';
}

/**
 * Confirms the authenticator being set up with its first code: saves the secret and the recovery codes' hashes.
 * `rawSessionId` is the sign-in cookie's id, from which the pending secret and the codes are derived.
 */
export async function confirmAuthenticator(
  deps: SignInDeps,
  account: StaffAccount,
  rawSessionId: string,
  input: string,
): Promise<CodeOutcome> {
  const key = deps.keyFor(account.email);
  if (await isLockedOut(deps.db, key)) return 'locked';
  if (!input.trim()) return 'missing';
  const code = normaliseTotp(input);
  if (!code) return 'format';
  const secret = pendingTotpSecret(rawSessionId);
  const step = await verifyTotp(secret, code, null);
  if (step !== null) {
    const hashes = recoveryCodesFor(rawSessionId).map((c) => hashRecoveryCode(account.id, c));
    const saved = await deps.db.transaction((tx) => enableTotp(tx, account.id, secret, step, hashes));
    // Not saved: set up meanwhile. If by another tab of this same sign-in (same secret, same codes), it stands.
    if (saved || (await findAccountById(deps.db, account.id))?.totpSecret === secret) {
      deps.log.info({ user: account.id }, 'staff authenticator set up');
      return 'ok';
    }
  }
  return (await countFailure(deps, key, 'set-up')) ? 'locked' : 'wrong';
}

/**
 * The last step: the half-finished session is replaced by a signed-in one with a new id (returned for the cookie),
 * the failures are cleared and the sign-in time recorded. Null if the session ended meanwhile.
 */
export async function completeSignIn(
  deps: SignInDeps,
  account: StaffAccount,
  sessionHash: string,
): Promise<string | null> {
  const rawId = await rotateSession(deps.db, sessionHash, 'signed_in');
  if (!rawId) return null;
  await Promise.all([markSignedIn(deps.db, account.id), clearSignInFailures(deps.db, deps.keyFor(account.email))]);
  deps.log.info({ user: account.id }, 'staff signed in');
  return rawId;
}
