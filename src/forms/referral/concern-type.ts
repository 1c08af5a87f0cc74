import type { ReferenceData } from '../context.js';
import type { QuestionPage } from '../journey.js';

/** The type of concern, from reference data (the national categories change). Optional: many referrers cannot say. */
export function concernTypePage(ctx: ReferenceData): QuestionPage {
  return {
    slug: 'concern-type',
    title: 'What kind of concern do you think it is? (optional)',
    caption: 'Your concern',
    fields: [
      {
        kind: 'radios',
        name: 'concernTypeCode',
        label: 'What kind of concern do you think it is? (optional)',
        summaryLabel: 'Kind of concern',
        errorName: 'the kind of concern',
        hint: 'You do not need to know. Choose one only if you have a view',
        staff: {
          label: 'Kind of concern (the referrer’s view)',
          entryLabel: 'Kind of concern (optional)',
          entryHint: null,
        },
        paper: { hint: 'You do not need to know. Tick one only if you have a view.' },
        optional: true,
        options: ctx.concernTypes.map((t) => ({ value: t.code, text: t.label, dividerBefore: t.code === 'not-sure' })),
      },
    ],
    next: (a) => (a.referrerType === 'professional' ? 'your-work' : 'anonymous'),
  };
}
