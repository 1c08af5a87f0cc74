import type { PageAnswers } from '../helpers/browser.js';

/**
 * What a person types and chooses on each page, keyed by page and then by the label or legend they see. The same
 * people as `test/helpers/journeys.ts`, but answered through the screens rather than posted.
 */
export type UiAnswers = Record<string, PageAnswers>;

export const CONCERN_TEXT = 'He has been sharing violent videos and talking about hurting people at school.';

export const publicReferralUi: UiAnswers = {
  'immediate-danger': { 'Is anyone in immediate danger?': 'No' },
  'about-you': { 'Are you making this referral as part of your job?': 'No, I am a member of the public' },
  'person-name': {
    'Full name': 'Jamie Example',
    'Other names they use or are known by (optional)': 'J Ex',
  },
  'person-dob': {
    'Do you know their date of birth?': 'Yes',
    'Date of birth': { day: '14', month: '3', year: '2009' },
  },
  'person-gender': { 'What is their gender? (optional)': 'Male' },
  'person-address': {
    'Do you know their home address?': 'Yes',
    'Address line 1': '1 Example Street',
    'Town or city': 'Carlisle',
    'Postcode (optional)': 'ca1 1aa',
  },
  'person-occupation': { 'Which school, college or employer are they at? (optional)': 'Example Academy' },
  'person-contact': {},
  concern: {
    'What has happened, and why are you worried?': CONCERN_TEXT,
    'When did you first notice this? (optional)': 'September',
  },
  online: { 'Have you seen anything worrying online? (optional)': 'Posts in a group chat' },
  violence: {
    'Have they made threats, or shown an interest in violence or weapons?': 'Yes',
    'Tell us what you know': 'Said he wanted a knife',
  },
  vulnerabilities: {
    'Do they have any vulnerabilities or complex needs?': [
      'Mental health needs',
      'Autism, ADHD or other neurodivergence',
    ],
  },
  agencies: {},
  'person-aware': { 'Does the person know you are making this referral?': 'No' },
  'concern-type': { 'What kind of concern do you think it is? (optional)': 'I am not sure' },
  anonymous: { 'Can we contact you about this referral?': 'Yes, you can contact me' },
  'your-details': { 'Your full name': 'Alex Aunt', 'How do you know the person?': 'I am his aunt' },
  'contact-details': {
    'Email address': 'alex@example.org',
    'How would you prefer us to contact you?': 'By email',
  },
};

export const professionalReferralUi: UiAnswers = {
  ...publicReferralUi,
  'about-you': { 'Are you making this referral as part of your job?': 'Yes, I am a professional' },
  'safeguarding-lead': { 'Have you told your designated safeguarding lead?': 'Yes' },
  'person-dob': { 'Do you know their date of birth?': 'No', 'Their approximate age (optional)': '15' },
  'person-address': { 'Do you know their home address?': 'No, I do not know their address' },
  'your-work': {
    'Your full name': 'Sam Teacher',
    Organisation: 'Example Academy',
    'Job title or role': 'Head of year',
    'Which sector do you work in?': 'Education (school, college or university)',
    'How do you know the person?': 'Head of year',
  },
  'contact-details': {
    'Email address': 'sam.teacher@example.sch.uk',
    'Telephone number': '01632 960 001',
    'How would you prefer us to contact you?': 'Either',
  },
};

export const anonymousReferralUi: UiAnswers = {
  ...publicReferralUi,
  'person-dob': { 'Do you know their date of birth?': 'No' },
  anonymous: { 'Can we contact you about this referral?': 'No, I want to stay anonymous' },
};

export const adviceRequestUi: UiAnswers = {
  'immediate-danger': { 'Is anyone in immediate danger?': 'No' },
  question: { 'What would you like advice about?': 'My neighbour’s son says worrying things. Should I refer him?' },
  'about-person': {},
  'about-you': {
    'Your name': 'Pat Neighbour',
    'Are you asking as part of your job?': 'No, I am a member of the public',
  },
  'contact-details': {
    'Email address': 'pat@example.org',
    'How would you prefer us to contact you?': 'By email',
  },
};

export { advicePath, anonymousPath, professionalPath, publicPath } from '../helpers/journeys.js';
