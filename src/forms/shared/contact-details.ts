import type { Values, Errors } from '../fields.js';
import type { QuestionPage } from '../journey.js';
import { CHECK } from '../journey.js';
import { messages } from '../../messages.js';

/** How we can reach the person who wrote to us: at least one of e-mail or phone, and a preference that fits. */
export function contactDetailsPage(prefix: 'referrer' | 'asker', hint: string): QuestionPage {
  const email = `${prefix}Email`;
  const phone = `${prefix}Phone`;
  const preference = `${prefix}ContactPreference`;
  return {
    slug: 'contact-details',
    title: 'How can we contact you?',
    caption: 'About you',
    guidance: 'contact-details',
    fields: [
      {
        kind: 'text',
        name: email,
        label: 'Email address',
        summaryLabel: 'Your email address',
        errorName: 'your email address',
        hint,
        staff: {
          label: 'Email address',
          ...(prefix === 'referrer'
            ? {
                entryLabel: 'Referrer’s email address',
                entryErrorName: 'the referrer’s email address',
                entryHint:
                  'Filled in from the e-mail’s sender: change it if the referrer wrote from someone else’s address',
              }
            : {}),
        },
        format: 'email',
        maxLength: 254,
        autocomplete: 'email',
        spellcheck: false,
        optional: true,
      },
      {
        kind: 'text',
        name: phone,
        label: 'Telephone number',
        summaryLabel: 'Your telephone number',
        errorName: 'your telephone number',
        staff: {
          label: 'Telephone number',
          ...(prefix === 'referrer'
            ? {
                entryLabel: 'Referrer’s telephone number (optional)',
                entryErrorName: 'the referrer’s telephone number',
                entryHint: null,
              }
            : {}),
        },
        hint: 'For international numbers include the country code',
        format: 'phone',
        maxLength: 30,
        autocomplete: 'tel',
        width: 'govuk-input--width-20',
        optional: true,
      },
      {
        kind: 'radios',
        name: preference,
        label: 'How would you prefer us to contact you?',
        summaryLabel: 'How to contact you',
        errorName: 'how you would prefer us to contact you',
        staff: { label: 'How they prefer to be contacted' },
        options: [
          { value: 'email', text: 'By email' },
          { value: 'phone', text: 'By telephone' },
          { value: 'either', text: 'Either' },
        ],
      },
    ],
    validate: (v: Values): Errors => {
      const hasEmail = Boolean(v[email]);
      const hasPhone = Boolean(v[phone]);
      if (!hasEmail && !hasPhone) return { [email]: messages.contactNeeded };
      if (v[preference] === 'email' && !hasEmail) return { [email]: messages.preferenceNeedsEmail };
      if (v[preference] === 'phone' && !hasPhone) return { [phone]: messages.preferenceNeedsPhone };
      return {};
    },
    next: () => CHECK,
  };
}
