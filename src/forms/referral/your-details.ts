import type { QuestionPage } from '../journey.js';
import { referrerNameField, relationshipField } from './referrer-fields.js';

export const yourDetailsPage: QuestionPage = {
  slug: 'your-details',
  title: 'Your details',
  caption: 'About you',
  fields: [
    referrerNameField,
    relationshipField('For example, I am their aunt, their neighbour or a friend of the family'),
  ],
  next: () => 'contact-details',
};
