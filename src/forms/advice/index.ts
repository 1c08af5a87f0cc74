import type { ReferenceData } from '../context.js';
import type { Journey, QuestionPage } from '../journey.js';
import { immediateDangerPage } from '../shared/immediate-danger.js';
import { contactDetailsPage } from '../shared/contact-details.js';
import { call999 } from '../referral/index.js';
import { questionPage } from './question.js';
import { aboutPersonPage } from './about-person.js';
import { askerPage } from './asker.js';

export const ADVICE_FORM_VERSION = 1;

export function adviceJourney(_ctx: ReferenceData): Journey {
  const pages: QuestionPage[] = [
    immediateDangerPage('question'),
    questionPage,
    aboutPersonPage,
    askerPage,
    contactDetailsPage(
      'asker',
      'We will reply by email if you give an address. We never put details of your question in emails',
    ),
  ];
  return {
    kind: 'advice',
    basePath: '/advice',
    name: 'Ask for advice about Prevent',
    firstSlug: 'immediate-danger',
    pages: new Map(pages.map((p) => [p.slug, p])),
    stops: new Map([[call999.slug, call999]]),
    version: ADVICE_FORM_VERSION,
  };
}
