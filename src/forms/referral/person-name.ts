import type { QuestionPage } from '../journey.js';

export const personNamePage: QuestionPage = {
  slug: 'person-name',
  title: 'What is the name of the person you are worried about?',
  caption: 'About the person',
  fields: [
    {
      kind: 'text',
      name: 'personFullName',
      label: 'Full name',
      summaryLabel: 'Their full name',
      errorName: 'their full name',
      hint: 'If you only know part of their name, or a nickname, enter what you know',
      staff: {
        label: 'Full name',
        entryLabel: 'Full name of the person',
        entryErrorName: 'the full name of the person',
      },
      paper: { hint: 'If you only know part of their name, or a nickname, write what you know.' },
      maxLength: 200,
      spellcheck: false,
      width: 'govuk-!-width-two-thirds',
    },
    {
      kind: 'text',
      name: 'personOtherNames',
      label: 'Other names they use or are known by (optional)',
      summaryLabel: 'Other names',
      errorName: 'other names',
      hint: 'For example, a previous surname, a different spelling, or a name they use online',
      maxLength: 500,
      spellcheck: false,
      width: 'govuk-!-width-two-thirds',
      optional: true,
    },
  ],
  next: () => 'person-dob',
};
