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
      staff: {
        entryLabel: 'Is their date of birth known?',
        entryErrorName: 'whether their date of birth is known',
      },
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
              staff: { label: 'Date of birth' },
              paper: { hint: 'If you do not know it, write their approximate age.' },
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
              staff: { label: 'Age' },
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
