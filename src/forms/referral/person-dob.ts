import type { QuestionPage } from '../journey.js';

export const personDobPage: QuestionPage = {
  slug: 'person-dob',
  title: 'Do you know their date of birth?',
  caption: 'About the person',
  fields: [
    {
      kind: 'radios',
      name: 'personDobKnown',
      label: 'Do you know their date of birth?',
      summaryLabel: 'Date of birth known',
      errorName: 'whether you know their date of birth',
      options: [
        {
          value: 'yes',
          text: 'Yes',
          conditional: [
            {
              kind: 'date',
              name: 'personDob',
              label: 'Date of birth',
              summaryLabel: 'Their date of birth',
              errorName: 'their date of birth',
              hint: 'For example, 27 3 2009',
              rule: 'past',
            },
          ],
        },
        {
          value: 'no',
          text: 'No',
          conditional: [
            {
              kind: 'text',
              name: 'personAgeApprox',
              label: 'Their approximate age (optional)',
              summaryLabel: 'Their approximate age',
              errorName: 'their approximate age',
              hint: 'In years, for example 15',
              format: 'age',
              maxLength: 3,
              width: 'govuk-input--width-5',
              optional: true,
            },
          ],
        },
      ],
    },
  ],
  next: () => 'person-gender',
};
