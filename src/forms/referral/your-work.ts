import type { ReferenceData } from '../context.js';
import type { QuestionPage } from '../journey.js';
import { referrerNameField, relationshipField } from './referrer-fields.js';

export function yourWorkPage(ctx: ReferenceData): QuestionPage {
  return {
    slug: 'your-work',
    title: 'Your details',
    caption: 'About you',
    fields: [
      referrerNameField,
      {
        kind: 'text',
        name: 'referrerOrganisation',
        label: 'Organisation',
        summaryLabel: 'Your organisation',
        errorName: 'the name of your organisation',
        staff: {
          label: 'Organisation',
          entryLabel: 'Organisation (optional)',
          entryErrorName: 'the referrer’s organisation',
        },
        maxLength: 200,
        autocomplete: 'organization',
      },
      {
        kind: 'text',
        name: 'referrerRole',
        label: 'Job title or role',
        summaryLabel: 'Your role',
        errorName: 'your job title or role',
        staff: { label: 'Job title or role' },
        maxLength: 200,
        autocomplete: 'organization-title',
      },
      {
        kind: 'radios',
        name: 'referrerSectorCode',
        label: 'Which sector do you work in?',
        summaryLabel: 'Your sector',
        errorName: 'the sector you work in',
        staff: { label: 'Sector' },
        options: ctx.sectors.map((s) => ({ value: s.code, text: s.label })),
      },
      relationshipField('For example, I am their form tutor or their support worker'),
    ],
    next: () => 'contact-details',
  };
}
