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
  /** The data protection officer's access-log pages (src/features/audit/routes.ts). */
  audit: {
    referenceMissing: 'Enter a case reference',
    referenceFormat: 'Enter a case reference of 8 letters and numbers, like 7KM3PQ2D',
    referenceUnknown: 'There is no referral or advice request with this reference: check it and try again',
    endBeforeStart: 'The end date must be the same as or after the start date',
  },
  /** Staff single sign-on (src/features/staff-auth/sso-routes.ts): the pages shown when it cannot sign someone in. */
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
  /** The back office's case pages (src/features/cases/routes.ts). */
  staffCases: {
    reasonLabel: 'Why do you need to open this case?',
    reasonRequired: 'Enter why you need to open this case',
    reasonTooShort: (min: number) => `Why you need to open this case must be ${min} characters or more`,
    reasonTooLong: (max: number) =>
      `Why you need to open this case must be ${max.toLocaleString('en-GB')} characters or fewer`,
    anonymousReferrer: 'The person who made this referral chose not to give their details. We cannot contact them.',
  },
  /** Earlier referrals of the same person (src/features/earlier-referrals/routes.ts). */
  earlierReferrals: {
    confirmed: (reference: string) => `You confirmed that referral ${reference} is about the same person.`,
    rejected: (reference: string) => `You recorded that referral ${reference} is not about the same person.`,
    noteTooLong: (max: number) => `The note must be ${max} characters or fewer`,
  },
  /** Staff search (src/features/triage/search/routes.ts). */
  staffSearch: {
    nothingEntered: 'Enter at least one thing to search for: a reference, a name, a date of birth, a postcode or words',
    referenceFormat: 'Enter a case reference of 8 letters and numbers, like 7KM3PQ2D',
    nameNoLetters: 'Enter a name with letters in it',
    nameTooLong: 'The name must be 100 characters or fewer',
    postcodeFormat: 'Enter a full postcode like CA1 1AA, a district like CA1, or a sector like CA1 1',
    textTooLong: 'The words to look for must be 200 characters or fewer',
    textNoWords: 'Enter words that say more than "the" or "and", like sharing videos',
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
  /** The triage queue, assignment, workload, reopening and advice replies (src/features/triage/queue/routes.ts). */
  triageQueue: {
    empty: 'Nothing is waiting: every referral is decided and every advice request answered.',
    noneMatch: 'Nothing matches these filters.',
    assigned: (reference: string, officer: string) => `Referral ${reference} is now assigned to ${officer}.`,
    adviceAssigned: (reference: string, officer: string) =>
      `Advice request ${reference} is now assigned to ${officer}.`,
    reopened: (reference: string) => `Referral ${reference} has been reopened and is back in triage.`,
    answered: (reference: string) => `Your reply to advice request ${reference} has been recorded.`,
    closed: (reference: string) => `Advice request ${reference} has been closed.`,
    alreadyTaken: (what: string) => `This ${what} has already been taken by another officer`,
    alreadyYours: (what: string) => `You have already taken this ${what}`,
    officerMissing: 'Select the officer to assign it to',
    officerUnknown: 'Select an officer from the list: the one you chose is no longer in the Prevent team',
    reassignReasonMissing: 'Enter why you are moving it from the officer who has it now',
    reasonTooLong: (max: number) => `The reason must be ${max.toLocaleString('en-GB')} characters or fewer`,
    reopenReasonMissing: 'Enter why you are reopening this referral',
    reopenReasonTooShort: (min: number) => `Why you are reopening this referral must be ${min} characters or more`,
    notDecided: 'Only a decided referral can be reopened. This referral has not been decided.',
    channelMissing: 'Select how you answered',
    replyMissing: 'Enter your reply',
    phoneSummaryMissing: 'Enter a summary of the advice you gave by phone',
    replyTooLong: (max: number) => `Your reply must be ${max.toLocaleString('en-GB')} characters or fewer`,
    replyHasPersonalData: (found: readonly ('email' | 'phone' | 'name')[]) =>
      `Take out the asker’s ${found
        .map((f) => (f === 'email' ? 'e-mail address' : f === 'phone' ? 'phone number' : 'name'))
        .join(' and ')}: e-mail is not secure, so the reply must not name or identify anyone`,
    alreadyAnswered: 'This advice request has already been answered',
    notAnswered: 'Answer this advice request before you close it',
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
  /** The triage target and the bank holidays working days skip (src/features/triage/settings/routes.ts). */
  triageSettings: {
    targetMissing: 'Enter the target in working days',
    targetNotNumber: 'The target must be a whole number of working days, like 5',
    targetRange: (min: number, max: number) => `The target must be between ${min} and ${max} working days`,
    dayMissing: 'Enter the date of the bank holiday',
    dayNotReal: 'The date of the bank holiday must be a real date',
    dayPast: 'The date of the bank holiday must be today or in the future',
    dayTaken: 'That date is already a bank holiday in the list',
    nameMissing: 'Enter the name of the bank holiday, like Christmas Day',
    nameTooLong: (max: number) => `The name must be ${max} characters or fewer`,
  },
  /** Threshold decisions, approval, explanations to referrers and hand-overs to councils (src/features/triage/decision/routes.ts, handover.ts). */
  thresholdDecision: {
    outcomeMissing: 'Select the decision',
    referredToMissing: 'Enter which service the person is signposted or referred to',
    referredToTooLong: (max: number) => `The service must be ${max} characters or fewer`,
    rationaleMissing: 'Enter the reasons for the decision',
    rationaleTooShort: (min: number) => `The reasons for the decision must be ${min} characters or more`,
    rationaleTooLong: (max: number) =>
      `The reasons for the decision must be ${max.toLocaleString('en-GB')} characters or fewer`,
    notInTriage: 'This referral is not in triage, so a decision cannot be recorded now. The page shows where it is.',
    approvalMissing: 'Select whether you approve the decision or return it',
    returnCommentMissing: 'Enter why you are returning the decision',
    commentTooLong: (max: number) => `The comments must be ${max.toLocaleString('en-GB')} characters or fewer`,
    ownDecision: 'You made this decision, so another Prevent supervisor must approve it',
    nothingPending: 'There is no decision waiting for approval on this referral',
    reasonsMissing: 'Enter the reasons you want to give the referrer',
    reasonsTooShort: (min: number) => `The reasons must be ${min} characters or more`,
    textTooLong: (max: number) => `The text must be ${max.toLocaleString('en-GB')} characters or fewer`,
    channelMissing: 'Select how to send the explanation',
    audienceMissing: 'Select which wording to use',
    namesPresent: 'Remove the name of the person referred and the referrer’s name: explanations must not name anyone',
    subjectMissing: 'Enter the subject',
    bodyMissing: 'Enter the text of the explanation',
    councilMissing: 'Select the council to hand the referral over to',
    overrideReasonMissing: 'Enter why you chose a different council from the one suggested',
    answerMissing: 'Select whether you accept the referral or return it',
    returnReasonMissing: 'Enter why you are returning the referral',
    reasonTooLong: (max: number) => `The reason must be ${max.toLocaleString('en-GB')} characters or fewer`,
  },
  /** A case's chronology, notes, corrections, attachments and referrals entered from an e-mail (triage). */
  chronology: {
    noteMissing: 'Enter the note',
    noteTooLong: 'The note must be 10,000 characters or fewer',
    correctionMissing: 'Enter the correction',
    correctionTooLong: 'The correction must be 10,000 characters or fewer',
    fileMissing: 'Select a file to attach',
    fileEmpty: 'The selected file is empty: choose a file that has something in it',
    fileType: 'The selected file must be a PDF, a Word document (.docx or .doc), a PNG or a JPEG',
    fileTooLarge: (max: string) => `The selected file must be smaller than ${max}`,
    descriptionTooLong: 'The description must be 200 characters or fewer',
    emlMissing: 'Select the e-mail file (.eml) to upload',
    emlEmpty: 'The selected file is empty: save the e-mail again as an .eml file and upload that',
    emlNotEmail:
      'The selected file is not an e-mail: save the e-mail as an .eml file (with its From line) and upload that',
    emlTooLarge: (max: string) => `The e-mail file must be smaller than ${max}`,
    referrerContactNeeded: 'Enter the referrer’s email address or telephone number',
  },
  /** Re-contact, the referrer's link, information checks and the assessment (src/features/triage/recontact/routes.ts, assessment.ts, src/features/triage/recontact/referrer-routes.ts). */
  triageGathering: {
    answerMissing: 'Enter the information you want to give us',
    answerTooLong: (max: number) => `What you tell us must be ${max.toLocaleString('en-GB')} characters or fewer`,
    questionMissing: 'Enter what you need to know from the referrer',
    questionTooLong: (max: number) =>
      `What you need to know must be ${max.toLocaleString('en-GB')} characters or fewer`,
    holdMissing: 'Enter the date the referral is on hold until',
    holdMissingPart: (part: string) => `The date the referral is on hold until must include a ${part}`,
    holdNotReal: 'The date the referral is on hold until must be a real date',
    holdNotFuture: 'The date the referral is on hold until must be after today',
    holdTooFar: 'The date the referral is on hold until must be within a year',
    notInTriage: 'You can only ask the referrer for more information while the referral is in triage',
    sourceMissing: 'Enter who or which system you asked',
    sourceTooLong: 'Who or which system you asked must be 200 characters or fewer',
    requestTooLong: 'What you asked must be 2,000 characters or fewer',
    outcomeMissing: 'Select what came back',
    responseTooLong: 'What came back must be 5,000 characters or fewer',
    dateMissing: (label: string) => `Enter ${label}`,
    dateMissingPart: (label: string, part: string) => `${capitalise(label)} must include a ${part}`,
    dateNotReal: (label: string) => `${capitalise(label)} must be a real date`,
    dateFuture: (label: string) => `${capitalise(label)} must be today or in the past`,
    dateBefore: (label: string, other: string) => `${capitalise(label)} must be the same as or after ${other}`,
    ratingMissing: (factor: string) => `Select a rating for ${factor.charAt(0).toLowerCase()}${factor.slice(1)}`,
    rationaleTooLong: 'A rationale must be 2,000 characters or fewer',
    freeTextTooLong: (label: string) => `${capitalise(label)} must be 5,000 characters or fewer`,
    summaryMissing: 'Enter a summary of the assessment',
    summaryTooLong: 'The summary must be 5,000 characters or fewer',
  },
} as const;

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
