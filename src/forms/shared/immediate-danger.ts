import type { QuestionPage } from '../journey.js';

/** The safety gate at the start of both journeys: anyone in immediate danger is sent to 999 first. */
export function immediateDangerPage(nextSlug: string): QuestionPage {
  return {
    slug: 'immediate-danger',
    title: 'Is anyone in immediate danger?',
    guidance: 'immediate-danger',
    hideInSummary: true,
    fields: [
      {
        kind: 'radios',
        name: 'immediateDanger',
        label: 'Is anyone in immediate danger?',
        errorName: 'whether anyone is in immediate danger',
        hint: 'For example, someone is about to be hurt, a crime is about to happen, or someone is about to travel to a conflict zone.',
        options: [
          { value: 'yes', text: 'Yes' },
          { value: 'no', text: 'No' },
        ],
      },
    ],
    next: (a) => (a.immediateDanger === 'yes' ? 'call-999' : nextSlug),
  };
}
