import type { JourneyContext } from '../context.js';
import type { QuestionPage } from '../journey.js';

export function yourWorkPage(ctx: JourneyContext): QuestionPage {
  return {
    slug: 'your-work',
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
        name: 'referrerOrganisation',
        label: 'Organisation',
        summaryLabel: 'Your organisation',
        errorName: 'the name of your organisation',
        maxLength: 200,
        autocomplete: 'organization',
      },
      {
        kind: 'text',
        name: 'referrerRole',
        label: 'Job title or role',
        summaryLabel: 'Your role',
        errorName: 'your job title or role',
        maxLength: 200,
        autocomplete: 'organization-title',
      },
      {
        kind: 'radios',
        name: 'referrerSectorCode',
        label: 'Which sector do you work in?',
        summaryLabel: 'Your sector',
        errorName: 'the sector you work in',
        options: ctx.sectors.map((s) => ({ value: s.code, text: s.label })),
      },
      {
        kind: 'text',
        name: 'referrerRelationship',
        label: 'How do you know the person?',
        summaryLabel: 'How you know the person',
        errorName: 'how you know the person',
        hint: 'For example, I am their form tutor or their support worker',
        maxLength: 200,
      },
    ],
    next: () => 'contact-details',
  };
}
