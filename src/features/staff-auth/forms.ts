import { z } from 'zod';
import { messages } from '../../messages.js';
import { isCommonPassword, PASSWORD_MAX, PASSWORD_MIN } from './passwords.js';

/** Reading staff forms at the boundary: every field a string (a missing, repeated or odd field is empty). */

const field = z.string().max(4096).catch('');

export function readForm<K extends string>(body: unknown, names: readonly K[]): Record<K, string> {
  const shape = Object.fromEntries(names.map((n) => [n, field])) as Record<K, typeof field>;
  const parsed = z
    .object(shape)
    .catch({} as never)
    .parse(body && typeof body === 'object' ? body : {});
  const out = {} as Record<K, string>;
  for (const n of names) out[n] = (parsed as Record<K, string | undefined>)[n] ?? '';
  return out;
}

/** A field that may repeat (checkboxes): every string value, at most `max` of them. */
export function readList(body: unknown, name: string, max = 50): string[] {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string' && v.length <= 100).slice(0, max);
}

/** Where to go after signing in: only a path under /staff (never another site, never a query string). */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/staff\/[A-Za-z0-9/_.-]{1,200}$/.test(value) && !value.includes('..')
    ? value
    : '';
}

export function withNext(path: string, next: string): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

export type FieldErrors = Record<string, string>;

/** Checks a new password and its confirmation. */
export function newPasswordErrors(password: string, confirm: string, email: string): FieldErrors {
  const m = messages.staffAccounts;
  const errors: FieldErrors = {};
  if (!password) errors.password = m.newPasswordMissing;
  else if (password.length < PASSWORD_MIN) errors.password = m.passwordTooShort(PASSWORD_MIN);
  else if (password.length > PASSWORD_MAX) errors.password = m.passwordTooLong(PASSWORD_MAX);
  else if (email && password.toLowerCase().includes(email.toLowerCase())) errors.password = m.passwordIsEmail;
  else if (isCommonPassword(password)) errors.password = m.passwordCommon;
  if (!errors.password) {
    if (!confirm) errors.confirmPassword = m.confirmMissing;
    else if (confirm !== password) errors.confirmPassword = m.confirmMismatch;
  }
  return errors;
}

/** The GOV.UK error summary's list, in the order the fields appear. */
export function summary(errors: FieldErrors, order: readonly string[]): { text: string; href: string }[] {
  const keys = [...order.filter((k) => errors[k]), ...Object.keys(errors).filter((k) => !order.includes(k))];
  return keys.map((k) => ({ text: errors[k]!, href: `#${k}` }));
}
