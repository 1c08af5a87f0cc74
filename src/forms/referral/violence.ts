import type { QuestionPage } from '../journey.js';

export const violencePage: QuestionPage = {
  slug: 'violence',
  title: 'Have they made threats, or shown an interest in violence or weapons?',
  caption: 'Your concern',
  fields: [
    {
      kind: 'radios',
      name: 'concernViolence',
      label: 'Have they made threats, or shown an interest in violence or weapons?',
      summaryLabel: 'Threats or interest in violence or weapons',
      errorName: 'whether they have made threats or shown an interest in violence or weapons',
      options: [
        {
          value: 'yes',
          text: 'Yes',
          conditional: [
            {
              kind: 'textarea',
              name: 'concernViolenceDetails',
              label: 'Tell us what you know',
              summaryLabel: 'Details of threats or violence',
              errorName: 'what you know about the threats or interest in violence',
              maxLength: 5000,
              rows: 5,
            },
          ],
        },
        { value: 'no', text: 'No' },
        { value: 'unknown', text: 'I do not know', staffText: 'Not known' },
      ],
    },
  ],
  next: () => 'vulnerabilities',
};
