import type { QuestionPage } from '../journey.js';

export const questionPage: QuestionPage = {
  slug: 'question',
  title: 'What would you like advice about?',
  caption: 'Your question',
  fields: [
    {
      kind: 'textarea',
      name: 'adviceQuestion',
      label: 'What would you like advice about?',
      summaryLabel: 'Your question',
      errorName: 'what you would like advice about',
      staff: { label: 'What they would like advice about' },
      hint: 'For example, you are not sure whether something you have seen or heard is a Prevent concern, or what would happen if you made a referral',
      maxLength: 5000,
      rows: 8,
    },
  ],
  next: () => 'about-person',
};
