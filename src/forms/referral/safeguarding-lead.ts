import type { QuestionPage } from '../journey.js';

/** Guidance for professionals, not a block: they may refer whatever they answer. */
export const safeguardingLeadPage: QuestionPage = {
  slug: 'safeguarding-lead',
  title: 'Have you told your designated safeguarding lead?',
  caption: 'About you',
  guidance: 'safeguarding-lead',
  fields: [
    {
      kind: 'radios',
      name: 'referrerDslInformed',
      label: 'Have you told your designated safeguarding lead?',
      summaryLabel: 'Told your safeguarding lead',
      errorName: 'whether you have told your designated safeguarding lead',
      staff: { label: 'Told their designated safeguarding lead' },
      options: [
        { value: 'yes', text: 'Yes' },
        { value: 'no', text: 'No, not yet' },
        {
          value: 'not_applicable',
          text: 'My organisation does not have one',
          staffText: 'Their organisation does not have one',
        },
      ],
    },
  ],
  next: () => 'person-name',
};
