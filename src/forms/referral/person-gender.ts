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
      optional: true,
      options: [
        { value: 'female', text: 'Female' },
        { value: 'male', text: 'Male' },
        { value: 'other', text: 'They describe their gender another way' },
        { value: 'unknown', text: 'I do not know', dividerBefore: true },
      ],
    },
  ],
  next: () => 'person-address',
};
