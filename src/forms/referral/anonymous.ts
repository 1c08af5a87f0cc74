import { CHECK, type QuestionPage } from '../journey.js';

export const anonymousPage: QuestionPage = {
  slug: 'anonymous',
  title: 'Can we contact you about this referral?',
  caption: 'About you',
  guidance: 'anonymous',
  fields: [
    {
      kind: 'radios',
      name: 'referrerAnonymous',
      label: 'Can we contact you about this referral?',
      summaryLabel: 'Can we contact you',
      errorName: 'whether we can contact you',
      paper: {
        hint:
          'You do not have to tell us who you are. But if you stay anonymous, we cannot contact you to ask for ' +
          'more information, and we cannot tell you what happens next. If you want to stay anonymous, leave your ' +
          'name and contact details blank.',
      },
      options: [
        { value: 'no', text: 'Yes, you can contact me' },
        { value: 'yes', text: 'No, I want to stay anonymous' },
      ],
    },
  ],
  next: (a) => (a.referrerAnonymous === 'yes' ? CHECK : 'your-details'),
};
