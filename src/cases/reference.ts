import { randomInt } from 'node:crypto';

/** Digits and capitals without the easily confused 0/O, 1/I/L. */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const REFERENCE_LENGTH = 8;
export const REFERENCE_PATTERN = /^[2-9A-HJKMNP-Z]{8}$/;

/** A random reference (31^8 ≈ 8.5×10^11 values); uniqueness is enforced by the database, which the caller retries on. */
export function generateReference(random: (max: number) => number = randomInt): string {
  let out = '';
  for (let i = 0; i < REFERENCE_LENGTH; i++) out += REFERENCE_ALPHABET[random(REFERENCE_ALPHABET.length)];
  return out;
}

/** Accepts what a person might type ("abcd 2345", "abcd-2345", o for 0…) and returns the canonical form, or undefined. */
export function normaliseReference(input: string): string | undefined {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return REFERENCE_PATTERN.test(cleaned) ? cleaned : undefined;
}
