import type { QuestionPage } from '../journey.js';

export const personContactPage: QuestionPage = {
  slug: 'person-contact',
  title: 'Do you know how to contact them? (optional)',
  caption: 'About the person',
  fields: [
    {
      kind: 'text',
      name: 'personPhone',
      label: 'Their telephone number (optional)',
      summaryLabel: 'Their telephone number',
      staff: { label: 'Telephone number' },
      errorName: 'their telephone number',
      format: 'phone',
      maxLength: 30,
      autocomplete: 'off',
      width: 'govuk-input--width-20',
      optional: true,
    },
    {
      kind: 'text',
      name: 'personEmail',
      label: 'Their email address (optional)',
      summaryLabel: 'Their email address',
      staff: { label: 'Email address' },
      errorName: 'their email address',
      format: 'email',
      maxLength: 254,
      autocomplete: 'off',
      spellcheck: false,
      optional: true,
    },
  ],
  next: () => 'concern',
};
