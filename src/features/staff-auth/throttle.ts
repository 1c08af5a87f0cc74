import { createHmac } from 'node:crypto';

/**
 * The sign-in throttle's key for an account name: an HMAC of the lower-cased e-mail address under a key derived from
 * the cookie secret. The table never holds an address, and a copy of it cannot be matched against a list of addresses
 * without the secret. Addresses with no account get keys too, so they lock out exactly as real ones do.
 */
export function throttleKeyer(secret: string): (email: string) => string {
  const key = createHmac('sha256', secret).update('prevent-staff:sign-in-throttle:v1').digest();
  return (email) => createHmac('sha256', key).update(email.trim().toLowerCase()).digest('hex');
}

/** What the log may say about a key: a short prefix of it (enough to see repeated attempts, nothing more). */
export function keyPrefix(keyHash: string): string {
  return keyHash.slice(0, 12);
}
