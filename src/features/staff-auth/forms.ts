import { z } from 'zod';
import { staffForm } from '../../forms/kit.js';
import { messages } from '../../messages.js';
import { isCommonPassword, PASSWORD_MAX, PASSWORD_MIN } from './passwords.js';

/**
 * The sign-in, reset and account forms (staff form kit, src/forms/kit.ts). Passwords, codes and `next` are read exactly
 * as sent (`verbatim`): cleaning would change what was typed. Nothing longer than 4096 characters is read (`inputMax`):
 * a password that long is never hashed.
 */

const m = messages.staffAccounts;
const INPUT_MAX = 4096;
const text = z.string();

export const nextForm = staffForm({ next: text }, { verbatim: ['next'], inputMax: INPUT_MAX });
export const codeForm = staffForm({ code: text }, { verbatim: ['code'], inputMax: INPUT_MAX });
export const recoveryCodeForm = staffForm({ recoveryCode: text }, { verbatim: ['recoveryCode'], inputMax: INPUT_MAX });
export const resetEmailForm = staffForm({ email: text }, { inputMax: INPUT_MAX });

export const signInForm = staffForm(
  {
    email: z.string().min(1, m.emailMissing),
    password: z.string().min(1, m.passwordMissing),
    next: text,
  },
  { verbatim: ['password', 'next'], inputMax: INPUT_MAX },
);

/** A new password and its confirmation (the reset page); `email` is the account's, which a password must not contain. */
export function newPasswordForm(email: string) {
  return staffForm(
    { password: text, confirmPassword: text },
    {
      check: (v, issue) => addAll(issue, newPasswordErrors(v.password, v.confirmPassword, email)),
      verbatim: ['password', 'confirmPassword'],
      inputMax: INPUT_MAX,
    },
  );
}

/** The account page's change of password: the current one too (whether it is right is the route's to check). */
export function changePasswordForm(email: string) {
  return staffForm(
    { currentPassword: z.string().min(1, m.currentPasswordMissing), password: text, confirmPassword: text },
    {
      check: (v, issue) => addAll(issue, newPasswordErrors(v.password, v.confirmPassword, email)),
      verbatim: ['currentPassword', 'password', 'confirmPassword'],
      inputMax: INPUT_MAX,
    },
  );
}

function addAll(issue: (field: string, message: string) => void, errors: FieldErrors): void {
  for (const [field, message] of Object.entries(errors)) issue(field, message);
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
