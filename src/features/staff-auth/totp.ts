import { createHash, createHmac } from 'node:crypto';
import { generateURI, verify } from 'otplib';
import { createRequire } from 'node:module';
import type QRCodeModule from 'qrcode';

/** qrcode (about 10 MB resident) is loaded when someone first sets up an authenticator, not at start. */
const requireLazily = createRequire(import.meta.url);
let qrcode: typeof QRCodeModule | undefined;

/**
 * The second factor: TOTP (RFC 6238, 6 digits, 30 seconds, SHA-1: what every authenticator app reads) and single-use
 * recovery codes.
 *
 * While a person sets up their authenticator, the secret being set up is not stored anywhere: it is derived from the
 * random id in their sign-in cookie (which the database never holds, only its SHA-256), so the same browser session
 * always shows the same secret, and neither a copy of the database nor anyone without the cookie can learn it. Once the
 * person proves a code, the secret is saved on their account. The recovery codes shown once at the end of set-up are
 * derived the same way, and only their hashes are saved.
 */

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function derive(rawSessionId: string, purpose: string): Buffer {
  return createHmac('sha256', rawSessionId).update(`prevent-staff:${purpose}:v1`).digest();
}

/** The secret offered during set-up (160 bits, base32), the same for the whole of one sign-in session. */
export function pendingTotpSecret(rawSessionId: string): string {
  return base32(derive(rawSessionId, 'totp-setup').subarray(0, 20));
}

/** "ABCD EFGH …": the secret in groups of four, for typing into an app by hand. */
export function secretGroups(secret: string): string[] {
  return secret.match(/.{1,4}/g) ?? [];
}

export function otpauthUri(secret: string, issuer: string, account: string): string {
  return generateURI({ issuer, label: account, secret });
}

/** The QR code of the otpauth URI, as an SVG data URI (the staff CSP allows data: images). */
export async function qrCodeDataUri(uri: string): Promise<string> {
  const svg = await (qrcode ??= requireLazily('qrcode') as typeof QRCodeModule).toString(uri, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
  });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** A code as typed: spaces and hyphens removed. Null unless it is then exactly 6 digits. */
export function normaliseTotp(input: string): string | null {
  const code = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

/**
 * Checks a 6-digit code, allowing one time step of clock drift either way. Returns the code's time step, or null. A
 * code whose step is not after `afterStep` (the last one accepted) is refused: a code is never accepted twice.
 */
export async function verifyTotp(
  secret: string,
  code: string,
  afterStep: number | null,
  now: Date = new Date(),
): Promise<number | null> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: 30,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  }).catch(() => ({ valid: false as const }));
  if (!result.valid || !('timeStep' in result)) return null;
  return result.timeStep;
}

export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no look-alikes (0/o, 1/l/i)

/** The recovery codes for the set-up done in this sign-in session: 10 codes of 12 characters ("abcd-efgh-jkmn"). */
export function recoveryCodesFor(rawSessionId: string): string[] {
  const codes: string[] = [];
  for (let i = 0; i < RECOVERY_CODE_COUNT; i++) {
    const bytes = derive(rawSessionId, `recovery-${i}`);
    let code = '';
    for (let j = 0; j < 12; j++) code += RECOVERY_ALPHABET[bytes[j]! % RECOVERY_ALPHABET.length];
    codes.push(`${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`);
  }
  return codes;
}

/** A recovery code as typed: lower case, without spaces or hyphens; null if it cannot be one. */
export function normaliseRecoveryCode(input: string): string | null {
  const code = input.toLowerCase().replace(/[\s-]/g, '');
  return /^[a-z0-9]{12}$/.test(code) ? code : null;
}

/** What is stored for a recovery code: SHA-256 over the person's id and the normalised code. */
export function hashRecoveryCode(userId: string, code: string): string {
  const normalised = normaliseRecoveryCode(code) ?? code;
  return createHash('sha256').update(`${userId}:${normalised}`).digest('hex');
}
