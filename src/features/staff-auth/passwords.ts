import { randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';

/**
 * Passwords: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane). Only the PHC string is stored. A sign-in for
 * an account that does not exist (or has no password) is checked against a fixed dummy hash, so that the time taken
 * does not tell whether the account exists.
 */
const ARGON2ID = 2 as NonNullable<Options['algorithm']>; // Algorithm.Argon2id (a const enum: not importable as a value)
export const ARGON2_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

let dummy: Promise<string> | undefined;
/** A hash of a random secret nobody knows, made once: what an unknown account's password is checked against. */
function dummyHash(): Promise<string> {
  dummy ??= hash(randomBytes(32).toString('base64url'), ARGON2_OPTIONS);
  return dummy;
}

/** Checks a password; without a stored hash, checks it against the dummy (and answers false) in the same time. */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  const target = stored ?? (await dummyHash());
  let ok: boolean;
  try {
    ok = await verify(target, password);
  } catch {
    ok = false; // a malformed stored hash: never a match
  }
  return ok && stored !== null && stored !== undefined;
}

/** Warms the dummy hash at start-up so the first unknown-account sign-in takes no longer than the others. */
export function prepareDummyHash(): Promise<void> {
  return dummyHash().then(() => undefined);
}

/**
 * Passwords too common to allow even at 12 characters or more (the few that people choose most often at that length;
 * the length rule rules out the rest of the usual lists).
 */
const COMMON = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456123456',
  '111111111111',
  '000000000000',
  '123123123123',
  'qwertyuiopas',
  'qwertyuiop12',
  'qwertyuiop123',
  'qwerty123456',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'qazwsxedcrfv',
  'zaq12wsxcde3',
  'aaaaaaaaaaaa',
  'abcdefghijkl',
  'abc123abc123',
  'abcd1234abcd',
  'password1234',
  'password12345',
  'password123!',
  'passwordpassword',
  'password1234!',
  'p@ssword1234',
  'p@ssw0rd1234',
  'passw0rd1234',
  'iloveyou1234',
  'letmein12345',
  'welcome12345',
  'welcome123!!',
  'changeme1234',
  'changemenow!',
  'administrator',
  'administrator1',
  'admin1234567',
  'football1234',
  'baseball1234',
  'sunshine1234',
  'princess1234',
  'monkey123456',
  'dragon123456',
  'trustno1trustno1',
  'cumbria12345',
  'cumbriapolice',
  'cumbriapolice1',
  'prevent12345',
  'prevent123456',
  'policepolice',
  'police123456',
  'summer2024!!',
  'summer2025!!',
  'winter2024!!',
  'winter2025!!',
  'spring2025!!',
  'autumn2025!!',
  'january2025!',
  'correcthorsebatterystaple',
]);

export function isCommonPassword(password: string): boolean {
  const p = password.toLowerCase();
  if (COMMON.has(p)) return true;
  // One character repeated, or the whole password made of one short repeated chunk ("abcabcabcabc").
  return /^(.{1,4})\1+$/.test(p);
}
