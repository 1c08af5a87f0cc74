import type { QuestionPage } from '../journey.js';

export const personOccupationPage: QuestionPage = {
  slug: 'person-occupation',
  title: 'Which school, college or employer are they at? (optional)',
  caption: 'About the person',
  fields: [
    {
      kind: 'text',
      name: 'personOccupation',
      label: 'Which school, college or employer are they at? (optional)',
      summaryLabel: 'School, college or employer',
      errorName: 'their school, college or employer',
      hint: 'Leave this blank if you do not know or it does not apply',
      maxLength: 300,
      optional: true,
    },
  ],
  next: () => 'person-contact',
};
