/**
 * Every message the service shows about a user's answers, in one catalogue (GOV.UK error message style:
 * say what went wrong and how to fix it, in plain English, no blame).
 */
export const messages = {
  required: {
    radios: (label: string) => `Select ${label}`,
    text: (label: string) => `Enter ${label}`,
    checkboxes: (label: string) => `Select ${label}`,
  },
  tooLong: (label: string, max: number) =>
    `${capitalise(label)} must be ${max.toLocaleString('en-GB')} characters or fewer`,
  invalidChoice: (label: string) => `Select ${label} from the list`,
  email: 'Enter an email address in the correct format, like name@example.com',
  phone: 'Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192',
  postcode: 'Enter a full UK postcode, like CA1 1AA',
  date: {
    missing: (label: string) => `Enter ${label}`,
    missingPart: (label: string, part: string) => `${capitalise(label)} must include a ${part}`,
    notReal: (label: string) => `${capitalise(label)} must be a real date`,
    future: (label: string) => `${capitalise(label)} must be today or in the past`,
    tooOld: (label: string) => `${capitalise(label)} must be after 1900`,
  },
  age: {
    notNumber: 'Enter their approximate age as a number, like 15',
    range: 'Their approximate age must be between 0 and 120',
  },
  contactNeeded: 'Enter an email address or a telephone number so that we can contact you',
  preferenceNeedsEmail: 'Enter an email address, or choose to be contacted by phone',
  preferenceNeedsPhone: 'Enter a telephone number, or choose to be contacted by email',
  draftExpired:
    'Your answers were deleted because you did not use the form for a long time. You will need to start again.',
} as const;

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
