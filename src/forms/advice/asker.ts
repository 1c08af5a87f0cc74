import type { QuestionPage } from '../journey.js';

export const askerPage: QuestionPage = {
  slug: 'about-you',
  title: 'About you',
  caption: 'About you',
  fields: [
    {
      kind: 'text',
      name: 'askerName',
      label: 'Your name',
      errorName: 'your name',
      staff: { label: 'Name' },
      maxLength: 200,
      autocomplete: 'name',
      spellcheck: false,
      width: 'govuk-!-width-two-thirds',
    },
    {
      kind: 'radios',
      name: 'askerType',
      label: 'Are you asking as part of your job?',
      summaryLabel: 'Asking as',
      errorName: 'whether you are asking as part of your job',
      options: [
        {
          value: 'professional',
          text: 'Yes, I am a professional',
          staffText: 'A professional',
          conditional: [
            {
              kind: 'text',
              name: 'askerOrganisation',
              label: 'Organisation',
              summaryLabel: 'Your organisation',
              errorName: 'the name of your organisation',
              staff: { label: 'Organisation' },
              maxLength: 200,
              autocomplete: 'organization',
            },
          ],
        },
        { value: 'public', text: 'No, I am a member of the public', staffText: 'A member of the public' },
      ],
    },
  ],
  next: () => 'contact-details',
};
