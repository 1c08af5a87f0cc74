import type { QuestionPage } from '../journey.js';

export const yourDetailsPage: QuestionPage = {
  slug: 'your-details',
  title: 'Your details',
  caption: 'About you',
  fields: [
    {
      kind: 'text',
      name: 'referrerName',
      label: 'Your full name',
      errorName: 'your full name',
      maxLength: 200,
      autocomplete: 'name',
      spellcheck: false,
      width: 'govuk-!-width-two-thirds',
    },
    {
      kind: 'text',
      name: 'referrerRelationship',
      label: 'How do you know the person?',
      summaryLabel: 'How you know the person',
      errorName: 'how you know the person',
      hint: 'For example, I am their aunt, their neighbour or a friend of the family',
      maxLength: 200,
    },
  ],
  next: () => 'contact-details',
};
