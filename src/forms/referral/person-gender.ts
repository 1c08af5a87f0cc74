import type { QuestionPage } from '../journey.js';

export const personGenderPage: QuestionPage = {
  slug: 'person-gender',
  title: 'What is their gender? (optional)',
  caption: 'About the person',
  fields: [
    {
      kind: 'radios',
      name: 'personGender',
      label: 'What is their gender? (optional)',
      summaryLabel: 'Their gender',
      errorName: 'their gender',
      staff: { label: 'Gender' },
      optional: true,
      options: [
        { value: 'female', text: 'Female' },
        { value: 'male', text: 'Male' },
        {
          value: 'other',
          text: 'They describe their gender another way',
          staffText: 'Describes their gender another way',
        },
        { value: 'unknown', text: 'I do not know', staffText: 'Not known', dividerBefore: true },
      ],
    },
  ],
  next: () => 'person-address',
};
