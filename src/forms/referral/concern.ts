import type { QuestionPage } from '../journey.js';

export const CONCERN_MAX = 10000;

export const concernPage: QuestionPage = {
  slug: 'concern',
  title: 'What has happened, and why are you worried?',
  caption: 'Your concern',
  guidance: 'concern',
  fields: [
    {
      kind: 'textarea',
      name: 'concernText',
      label: 'What has happened, and why are you worried?',
      summaryLabel: 'What happened and why you are worried',
      errorName: 'what has happened and why you are worried',
      hint: 'Give as much detail as you can: what they said or did, when and where, and who else saw or heard it',
      staff: {
        label: 'What happened and why the referrer is worried',
        entryLabel: 'What happened, and why the referrer is worried',
        entryHint: null,
      },
      maxLength: CONCERN_MAX,
      rows: 10,
    },
    {
      kind: 'text',
      name: 'concernSince',
      label: 'When did you first notice this? (optional)',
      summaryLabel: 'First noticed',
      errorName: 'when you first noticed this',
      hint: 'For example, last week, since the summer, or a date',
      staff: { entryLabel: 'When the referrer first noticed it (optional)', entryHint: null },
      maxLength: 200,
      optional: true,
    },
  ],
  next: () => 'online',
};
