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
      options: [
        {
          value: 'professional',
          text: 'Yes, I am a professional',
          hint: 'For example, a teacher, health worker, social worker or youth worker',
        },
        {
          value: 'public',
          text: 'No, I am a member of the public',
          hint: 'For example, a relative, friend or neighbour',
        },
      ],
    },
  ],
  next: (a) => (a.referrerType === 'professional' ? 'safeguarding-lead' : 'person-name'),
};
