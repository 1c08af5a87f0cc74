import type { QuestionPage } from '../journey.js';

export const aboutPersonPage: QuestionPage = {
  slug: 'about-person',
  title: 'Is your question about a particular person? (optional)',
  caption: 'Your question',
  fields: [
    {
      kind: 'textarea',
      name: 'aboutPerson',
      label: 'Is your question about a particular person? (optional)',
      summaryLabel: 'About the person',
      errorName: 'details of the person',
      hint: 'You do not have to tell us who they are. If you want to, tell us their name, age and the area they live in',
      maxLength: 2000,
      rows: 4,
      optional: true,
    },
  ],
  next: () => 'about-you',
};
