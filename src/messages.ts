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
  /** The data protection officer's access-log pages (src/routes/staff/audit.ts). */
  audit: {
    referenceMissing: 'Enter a case reference',
    referenceFormat: 'Enter a case reference of 8 letters and numbers, like 7KM3PQ2D',
    referenceUnknown: 'There is no referral or advice request with this reference: check it and try again',
    endBeforeStart: 'The end date must be the same as or after the start date',
  },
  /** Staff single sign-on (src/routes/staff/sso.ts): the pages shown when it cannot sign someone in. */
  staffSso: {
    signInAgain: 'Go back to sign in',
    pages: {
      noAccess: {
        title: 'Your account does not give you access to this service',
        paragraphs: [
          'Your organisation account is not in a group that uses this service.',
          'Ask your administrator if you think you need access.',
        ],
      },
      severalOrganisations: {
        title: 'You cannot sign in with this account',
        paragraphs: ['Your account is in groups for more than one organisation. Ask your administrator.'],
      },
      disabled: {
        title: 'Your account has been disabled',
        paragraphs: [
          'You can no longer sign in to this service.',
          'Ask your administrator if you think you still need access.',
        ],
      },
      notMatched: {
        title: 'Your account could not be set up',
        paragraphs: [
          'Your organisation account does not match an account in this service.',
          'Ask your administrator to check your email address.',
        ],
      },
      cancelled: {
        title: 'You have not been signed in',
        paragraphs: ['Signing in was cancelled, or your organisation’s sign-in service did not allow it.'],
      },
      notCompleted: {
        title: 'Signing in could not be finished',
        paragraphs: [
          'This can happen if signing in took longer than 10 minutes, or if you used the back button or another tab.',
          'Start again from the sign-in page.',
        ],
      },
      unavailable: {
        title: 'Your organisation’s sign-in service is not available',
        paragraphs: [
          'We could not reach your organisation’s sign-in service. Try again in a few minutes.',
          'If it keeps happening, tell your IT service desk.',
        ],
      },
    },
  },
  /** The back office's case pages (src/routes/staff/cases.ts). */
  staffCases: {
    reasonLabel: 'Why do you need to open this case?',
    reasonRequired: 'Enter why you need to open this case',
    reasonTooShort: (min: number) => `Why you need to open this case must be ${min} characters or more`,
    reasonTooLong: (max: number) =>
      `Why you need to open this case must be ${max.toLocaleString('en-GB')} characters or fewer`,
    anonymousReferrer: 'The person who made this referral chose not to give their details. We cannot contact them.',
  },
  /** Earlier referrals of the same person (src/routes/staff/earlier-referrals.ts). */
  earlierReferrals: {
    confirmed: (reference: string) => `You confirmed that referral ${reference} is about the same person.`,
    rejected: (reference: string) => `You recorded that referral ${reference} is not about the same person.`,
    noteTooLong: (max: number) => `The note must be ${max} characters or fewer`,
  },
  /** Staff sign-in, passwords, the second factor and account administration. */
  staffAccounts: {
    emailMissing: 'Enter your email address',
    passwordMissing: 'Enter your password',
    /** The one message for an unknown address, a wrong password, a disabled account and a locked one. */
    signInFailed: (failures: number, minutes: number) =>
      `Enter a correct email address and password. After ${failures} wrong attempts you will have to wait ${minutes} minutes.`,
    lockedOut: (minutes: number) =>
      `You have been signed out because of too many wrong attempts. Wait ${minutes} minutes, then sign in again.`,
    codeMissing: 'Enter the 6-digit code from your authenticator app',
    codeFormat: 'Enter the code as 6 digits, like 123456',
    codeWrong: 'Enter the code your authenticator app shows now: the code you entered is wrong or has expired',
    codeUsed: 'That code has already been used. Wait for your app to show a new code, then enter it',
    recoveryMissing: 'Enter one of your recovery codes',
    recoveryWrong: 'Enter a recovery code that you have not used before, like abcd-efgh-jkmn',
    newPasswordMissing: 'Enter a new password',
    passwordTooShort: (min: number) => `Your password must be ${min} characters or more`,
    passwordTooLong: (max: number) => `Your password must be ${max} characters or fewer`,
    passwordCommon: 'Choose a password that is harder to guess: this one is used by many people',
    passwordIsEmail: 'Your password must not contain your email address',
    confirmMissing: 'Enter your new password again',
    confirmMismatch: 'The passwords do not match: enter the same new password twice',
    currentPasswordMissing: 'Enter your current password',
    currentPasswordWrong: 'Enter your current password correctly',
    nameMissing: 'Enter their full name',
    nameTooLong: 'Their name must be 100 characters or fewer',
    staffEmailMissing: 'Enter their work email address',
    emailTaken: 'There is already an account with this email address',
    organisationMissing: 'Select their organisation',
    roleUnfit: (role: string, kind: string) =>
      `The role ${role} cannot be given to someone in a ${kind} organisation: choose another role or organisation`,
    ownAdministrator: 'You cannot remove your own administrator role: ask another administrator to do it',
    ownDisable: 'You cannot disable your own account: ask another administrator to do it',
    orgCodeMissing: 'Enter a short code for the organisation',
    orgCodeFormat:
      'The code must be 2 to 63 lower-case letters, numbers and hyphens, starting with a letter or number, like cumbria-police',
    orgCodeTaken: 'There is already an organisation with this code',
    orgNameMissing: 'Enter the name of the organisation',
    orgNameTooLong: 'The name must be 200 characters or fewer',
    orgKindMissing: 'Select the kind of organisation',
  },
  /** The postcode-to-council table (staff maintenance pages). */
  postcodeCouncils: {
    prefixMissing: 'Enter a postcode district or sector, like CA4 or CA4 9',
    prefixFormat: 'Enter a postcode district like CA4, or a sector like CA4 9 (the district, a space and one digit)',
    prefixTaken: (prefix: string) => `${prefix} is already in the table: change it from the list instead`,
    kindMissing: 'Select what the table should suggest for this postcode',
    noteMissing: 'Enter a note saying which councils or areas the postcode covers',
    noteTooLong: 'The note must be 500 characters or fewer',
    postcodeMissing: 'Enter a postcode, like CA1 1AA',
    postcodeFormat: 'Enter a full postcode, like CA1 1AA, or a district like CA4',
    filterFormat: 'Enter the start of a postcode district, like CA or CA4',
  },
} as const;

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
