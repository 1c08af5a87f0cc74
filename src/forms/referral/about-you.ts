import type { QuestionPage } from '../journey.js';

export const aboutYouPage: QuestionPage = {
  slug: 'about-you',
  title: 'Are you making this referral as part of your job?',
  caption: 'About you',
  fields: [
    {
      kind: 'radios',
      name: 'referrerType',
      label: 'Are you making this referral as part of your job?',
      summaryLabel: 'Referring as',
      errorName: 'whether you are making this referral as part of your job',
      staff: {
        entryLabel: 'Is the referrer a professional?',
        entryErrorName: 'whether the referrer is a professional',
      },
      options: [
        {
          value: 'professional',
          text: 'Yes, I am a professional',
          hint: 'For example, a teacher, health worker, social worker or youth worker',
          staffText: 'A professional',
          entryText: 'Yes, a professional',
          entryHint: 'For example, a teacher or a health worker',
        },
        {
          value: 'public',
          text: 'No, I am a member of the public',
          hint: 'For example, a relative, friend or neighbour',
          staffText: 'A member of the public',
          entryText: 'No, a member of the public',
          entryHint: null,
        },
      ],
    },
  ],
  next: (a) => (a.referrerType === 'professional' ? 'safeguarding-lead' : 'person-name'),
};
