import type { ReferenceData } from '../context.js';
import type { Journey, QuestionPage, StopPage } from '../journey.js';
import { immediateDangerPage } from '../shared/immediate-danger.js';
import { contactDetailsPage } from '../shared/contact-details.js';
import { aboutYouPage } from './about-you.js';
import { safeguardingLeadPage } from './safeguarding-lead.js';
import { personNamePage } from './person-name.js';
import { personDobPage } from './person-dob.js';
import { personGenderPage } from './person-gender.js';
import { personAddressPage } from './person-address.js';
import { personOccupationPage } from './person-occupation.js';
import { personContactPage } from './person-contact.js';
import { concernPage } from './concern.js';
import { onlinePage } from './online.js';
import { violencePage } from './violence.js';
import { vulnerabilitiesPage } from './vulnerabilities.js';
import { agenciesPage } from './agencies.js';
import { personAwarePage } from './person-aware.js';
import { concernTypePage } from './concern-type.js';
import { anonymousPage } from './anonymous.js';
import { yourDetailsPage } from './your-details.js';
import { yourWorkPage } from './your-work.js';

export const REFERRAL_FORM_VERSION = 1;

export const call999: StopPage = { slug: 'call-999', title: 'Call 999 now', template: 'intake/views/call-999.njk' };

export function referralJourney(ctx: ReferenceData): Journey {
  const pages: QuestionPage[] = [
    immediateDangerPage('about-you'),
    aboutYouPage,
    safeguardingLeadPage,
    personNamePage,
    personDobPage,
    personGenderPage,
    personAddressPage,
    personOccupationPage,
    personContactPage,
    concernPage,
    onlinePage,
    violencePage,
    vulnerabilitiesPage,
    agenciesPage,
    personAwarePage,
    concernTypePage(ctx),
    anonymousPage,
    yourDetailsPage,
    yourWorkPage(ctx),
    contactDetailsPage(
      'referrer',
      'We will send you a copy of your reference number. We never put details of your concern in emails',
    ),
  ];
  return {
    kind: 'referral',
    basePath: '/refer',
    name: 'Make a Prevent referral',
    firstSlug: 'immediate-danger',
    pages: new Map(pages.map((p) => [p.slug, p])),
    stops: new Map([[call999.slug, call999]]),
    version: REFERRAL_FORM_VERSION,
  };
}
