import type { QuestionPage } from '../journey.js';

export const personAwarePage: QuestionPage = {
  slug: 'person-aware',
  title: 'Does the person know you are making this referral?',
  caption: 'Your concern',
  fields: [
    {
      kind: 'radios',
      name: 'personAware',
      label: 'Does the person know you are making this referral?',
      summaryLabel: 'Person knows about the referral',
      errorName: 'whether the person knows you are making this referral',
      staff: {
        label: 'Knows about the referral',
        entryLabel: 'Does the person know about the referral?',
        entryErrorName: 'whether the person knows about the referral',
      },
      options: [
        { value: 'yes', text: 'Yes' },
        { value: 'no', text: 'No' },
        { value: 'unknown', text: 'I am not sure', staffText: 'Not known' },
      ],
    },
  ],
  next: () => 'concern-type',
};
