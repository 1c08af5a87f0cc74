import type { QuestionPage } from '../journey.js';

export const onlinePage: QuestionPage = {
  slug: 'online',
  title: 'Have you seen anything worrying online? (optional)',
  caption: 'Your concern',
  fields: [
    {
      kind: 'textarea',
      name: 'concernOnline',
      label: 'Have you seen anything worrying online? (optional)',
      summaryLabel: 'Online activity',
      errorName: 'what you have seen online',
      hint: 'For example, posts, videos, games, groups or accounts they use or share. Describe them: do not send us copies of extremist material',
      maxLength: 5000,
      rows: 6,
      optional: true,
    },
  ],
  next: () => 'violence',
};
