import type { QuestionPage } from '../journey.js';

export const agenciesPage: QuestionPage = {
  slug: 'agencies',
  title: 'Are other agencies or professionals involved? (optional)',
  caption: 'Your concern',
  fields: [
    {
      kind: 'textarea',
      name: 'otherAgencies',
      label: 'Are other agencies or professionals involved? (optional)',
      summaryLabel: 'Other agencies or professionals',
      errorName: 'other agencies or professionals involved',
      hint: 'For example, social services, a GP, mental health services, a youth worker or a probation officer. Include names if you know them',
      maxLength: 2000,
      rows: 4,
      optional: true,
    },
  ],
  next: () => 'person-aware',
};
