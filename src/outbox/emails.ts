import type { Site } from '../config.js';

/**
 * E-mail texts. A rule that is never broken: no personal data and nothing about the concern in an e-mail body, only
 * the reference and what happens next (e-mail can be read by others, forwarded, or sit on a shared device).
 */
export interface EmailContent {
  template: string;
  subject: string;
  text: string;
}

function urgentHelp(site: Site): string {
  const h = site.helplines;
  return [
    `If anyone is in immediate danger, call ${h.emergency.number}.`,
    `${h.antiTerroristHotline.name}: ${h.antiTerroristHotline.number}.`,
    `${h.actEarly.name}: ${h.actEarly.number} (${h.actEarly.hours}).`,
  ].join('\n');
}

function signOff(site: Site): string {
  return `${site.teamName}\n${site.forceName}\n${site.teamEmail}`;
}

/**
 * The referrer's link to add information to their referral later (single use), for the acknowledgement. Only the
 * link and its expiry: nothing about the referral.
 */
export interface AddInformationLink {
  url: string;
  /** When it stops working, as people read it ("25 February 2027 at 3:04pm"). */
  expires: string;
}

export function referralAcknowledgement(
  site: Site,
  reference: string,
  addInformation?: AddInformationLink,
): EmailContent {
  const later = addInformation
    ? [
        'If you remember something else, you can add it to your referral with this link. It works once.',
        addInformation.url,
        `The link stops working on ${addInformation.expires}.`,
        '',
      ]
    : [];
  return {
    template: 'referral-acknowledgement',
    subject: `We have received your Prevent referral: ${reference}`,
    text: [
      'Thank you for telling us about your concern.',
      '',
      `Your reference number is ${reference}`,
      '',
      'What happens next',
      '',
      'A Police Prevent Officer will review what you told us. We may contact you if we need to know more.',
      'If the concern does not meet the criteria for Prevent, we will explain why and tell you where else you can get help.',
      'If it does, we will share it with the local council, who will decide how best to support the person.',
      '',
      'We do not include any details of your concern in emails. Quote your reference number if you contact us.',
      '',
      ...later,
      urgentHelp(site),
      '',
      `If you did not make this referral, please tell us at ${site.teamEmail}.`,
      '',
      signOff(site),
    ].join('\n'),
  };
}

export function adviceAcknowledgement(site: Site, reference: string): EmailContent {
  return {
    template: 'advice-acknowledgement',
    subject: `We have received your request for advice: ${reference}`,
    text: [
      'Thank you for asking us for advice.',
      '',
      `Your reference number is ${reference}`,
      '',
      'A member of the Prevent team will reply, usually within 5 working days.',
      'We do not include any details of your question in emails. Quote your reference number if you contact us.',
      '',
      urgentHelp(site),
      '',
      `If you did not ask for advice, please tell us at ${site.teamEmail}.`,
      '',
      signOff(site),
    ].join('\n'),
  };
}

export function teamNotification(kind: 'referral' | 'advice', reference: string, link: string): EmailContent {
  const what = kind === 'referral' ? 'referral' : 'request for advice';
  return {
    template: `team-new-${kind}`,
    subject: `New Prevent ${what}: ${reference}`,
    text: [
      `A new ${what} has been received online.`,
      '',
      `Reference: ${reference}`,
      `Open it in the Prevent case system: ${link}`,
      '',
      'This email contains no personal data. Sign in to see the details.',
    ].join('\n'),
  };
}
