import type { EmailContent } from '../../outbox/emails.js';

/**
 * E-mails to staff about their account. Like every e-mail of the service they hold no personal data: not even the
 * person's name, only the single-use link and when it expires.
 */

export function passwordResetEmail(link: string, hours: number): EmailContent {
  return {
    template: 'staff-password-reset',
    subject: 'Reset your password for Prevent case management',
    text: [
      'Someone asked to reset the password for this address on Prevent case management.',
      '',
      'To choose a new password, open this link:',
      link,
      '',
      `The link works once and expires after ${hours} ${hours === 1 ? 'hour' : 'hours'}.`,
      '',
      'If you did not ask for this, you can ignore this e-mail: your password has not changed.',
    ].join('\n'),
  };
}

export function newAccountEmail(link: string, hours: number): EmailContent {
  return {
    template: 'staff-new-account',
    subject: 'Your account for Prevent case management',
    text: [
      'An administrator has made you an account on Prevent case management.',
      '',
      'To choose your password, open this link:',
      link,
      '',
      `The link works once and expires after ${hours} ${hours === 1 ? 'hour' : 'hours'}.`,
      'You will then set up an authenticator app on your phone, which gives you a code each time you sign in.',
    ].join('\n'),
  };
}

/** The domain for Message-IDs, from the sender address (as for every other e-mail). */
export function messageDomain(mailFrom: string): string {
  return /@([^>\s]+)/.exec(mailFrom)?.[1] ?? 'localhost';
}
