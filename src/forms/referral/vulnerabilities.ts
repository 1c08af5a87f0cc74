import type { QuestionPage } from '../journey.js';

export const VULNERABILITIES = [
  { value: 'mental-health', text: 'Mental health needs' },
  { value: 'neurodivergence', text: 'Autism, ADHD or other neurodivergence' },
  { value: 'sen', text: 'Special educational needs' },
  { value: 'learning-disability', text: 'Learning disability' },
  { value: 'substance-use', text: 'Drug or alcohol use' },
  { value: 'family', text: 'Problems at home or in the family' },
  { value: 'other', text: 'Something else' },
] as const;

export const vulnerabilitiesPage: QuestionPage = {
  slug: 'vulnerabilities',
  title: 'Do they have any vulnerabilities or complex needs?',
  caption: 'Your concern',
  fields: [
    {
      kind: 'checkboxes',
      name: 'vulnerabilities',
      label: 'Do they have any vulnerabilities or complex needs?',
      summaryLabel: 'Vulnerabilities or complex needs',
      errorName: 'any vulnerabilities or complex needs, or ‘None that I know of’',
      hint: 'Select all that apply',
      paper: { hint: 'Tick all that apply.' },
      options: [
        ...VULNERABILITIES.map((v) => ({ value: v.value, text: v.text })),
        {
          value: 'none-known',
          text: 'None that I know of',
          staffText: 'None known',
          dividerBefore: true,
          exclusive: true,
        },
      ],
    },
    {
      kind: 'textarea',
      name: 'vulnerabilitiesDetails',
      label: 'Tell us more about their needs (optional)',
      summaryLabel: 'More about their needs',
      errorName: 'more about their needs',
      maxLength: 5000,
      rows: 4,
      optional: true,
    },
  ],
  validate: (v): Record<string, string> =>
    Array.isArray(v.vulnerabilities) && v.vulnerabilities.includes('none-known') && v.vulnerabilities.length > 1
      ? { vulnerabilities: 'Select the needs that apply, or select ‘None that I know of’ on its own' }
      : {},
  next: () => 'agencies',
};
