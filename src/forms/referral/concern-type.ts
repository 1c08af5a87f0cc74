import type { JourneyContext } from '../context.js';
import type { QuestionPage } from '../journey.js';

/** The type of concern, from reference data (the national categories change). Optional: many referrers cannot say. */
export function concernTypePage(ctx: JourneyContext): QuestionPage {
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
        optional: true,
        options: ctx.concernTypes.map((t) => ({ value: t.code, text: t.label, dividerBefore: t.code === 'not-sure' })),
      },
    ],
    next: (a) => (a.referrerType === 'professional' ? 'your-work' : 'anonymous'),
  };
}
