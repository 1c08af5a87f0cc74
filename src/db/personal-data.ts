/**
 * The personal-data inventory: for every table and column of the public schema (after all migrations), for the other
 * schemas in the database, and for every file the service writes, whose data it is, its category, what a subject access
 * request shows of it and what erasure does to it. Typed, so that retention and subject access can be built on it.
 *
 * Kept true two ways: `test/integration/personal-data.test.ts` compares the columns with `information_schema.columns`
 * (a column nobody classified, or a classified one that is gone, fails it), and `docs/personal-data.md` is generated
 * from this module by `scripts/personal-data-doc.ts` (a unit test fails when the document is out of date).
 *
 * The law (see docs/personal-data.md for the summary): police processing is under DPA 2018 Part 3. "Special or criminal"
 * marks sensitive processing (s.35(8): religion, political opinions, health, ethnicity, sex life) and what is said about
 * a person's risk of being drawn into terrorism or of offending; the fact that someone was referred at all is itself
 * sensitive, which is why every column about the referred person is at least "personal" and shown only to them.
 *
 * Subject access (s.45) is described for a request by the column's own data subject. Every "shown" is a default: the
 * data protection officer may still restrict it case by case under s.45(4) (an investigation, prevention of crime,
 * public or national security, the rights of others), and the referrer's identity is never shown to the referred person.
 * Erasure (s.47) is what happens when the record is erased, at the end of its retention period (referrals with no
 * further action after 3 years, others reviewed after 6, drafts after 24 hours: config/site.json) or when a request
 * is upheld. Where the database refuses a DELETE today (append-only tables), `deleteRefusedBy` names the guard that a
 * retention job will have to pass through with its own recorded, logged path.
 */

export const DATA_SUBJECTS = ['referred-person', 'referrer', 'staff', 'partner-contact', 'none'] as const;
/** Whose data it is: the person referred (or asked about), the referrer or advice asker, a member of staff (any organisation with accounts), a named contact at a partner agency outside the service, or no one. */
export type DataSubject = (typeof DATA_SUBJECTS)[number];

export const DATA_CATEGORIES = ['none', 'personal', 'special-or-criminal'] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/** What subject access shows of it, to the column's own data subject. */
export type SubjectAccess =
  | { readonly show: 'shown'; readonly reason?: string }
  | { readonly show: 'third-parties-withheld'; readonly reason: string }
  | { readonly show: 'not-shown'; readonly reason: string };

/** What erasure does to it. */
export type Erasure =
  | { readonly action: 'delete-row'; readonly reason?: string }
  | { readonly action: 'null' | 'anonymise'; readonly reason: string }
  | { readonly action: 'keep'; readonly reason: string };

export interface ColumnRule {
  readonly subjects: readonly [DataSubject, ...DataSubject[]];
  readonly category: DataCategory;
  readonly access: SubjectAccess;
  /** Defaults to the table's erasure rule. */
  readonly erasure?: Erasure;
  readonly note?: string;
}

export interface TableRule {
  /** What a row is. */
  readonly holds: string;
  /** What erasure does to a row (each column's rule unless it says otherwise). */
  readonly erasure: Erasure;
  /** The database guard that refuses a DELETE today (a retention job needs its own path through it). */
  readonly deleteRefusedBy?: string;
  readonly columns: Readonly<Record<string, ColumnRule>>;
}

/** Something the service keeps outside the public schema: another schema, or files it writes. */
export interface StoreRule extends Omit<ColumnRule, 'erasure'> {
  readonly kind: 'schema' | 'file' | 'folder';
  /** Where it is (configuration names in capitals). */
  readonly where: string;
  readonly holds: string;
  readonly erasure: Erasure;
}

// ---------------------------------------------------------------------------------------------------------------------
// Building blocks.

const shown = (reason?: string): SubjectAccess => (reason ? { show: 'shown', reason } : { show: 'shown' });
const withheld = (reason: string): SubjectAccess => ({ show: 'third-parties-withheld', reason });
const notShown = (reason: string): SubjectAccess => ({ show: 'not-shown', reason });
const keep = (reason: string): Erasure => ({ action: 'keep', reason });
const deleteRow = (reason?: string): Erasure => (reason ? { action: 'delete-row', reason } : { action: 'delete-row' });

const INTERNAL = 'an internal identifier or technical value, meaningless to the requester';
const REFERRER_HIDDEN = 'never shown to the referred person (protects the referrer, s.45(4)(e))';
const OTHERS_NAMED =
  'free text written by others: names of the referrer and of other people in it are withheld (s.45(4)(e)), the rest shown';
const STAFF_NAMES =
  'the people named in it are withheld; staff are named only when the DPO decides it is needed (s.45(4)(e))';
const CREDENTIAL = 'a security credential (its hash): the reply says only whether one is set';
const WITH_CASE = deleteRow('with the referral or advice request it belongs to, at the end of its retention period');

/** A technical column: no one's data. */
const tech: ColumnRule = { subjects: ['none'], category: 'none', access: notShown(INTERNAL) };
/** A fact about the case of the referred person (dates, states, who holds it). */
const caseFact: ColumnRule = { subjects: ['referred-person'], category: 'personal', access: shown() };
/** The member of staff who did something (their id). */
const staffActor: ColumnRule = {
  subjects: ['staff'],
  category: 'personal',
  access: shown('to the member of staff; withheld from the referred person and the referrer unless the DPO decides'),
};
/** Reference data: about no one, kept. */
const refData: ColumnRule = {
  subjects: ['none'],
  category: 'none',
  access: notShown('reference data, about no one'),
};
/** About the referred person, sensitive. */
const personSensitive = (access: SubjectAccess = shown()): ColumnRule => ({
  subjects: ['referred-person'],
  category: 'special-or-criminal',
  access,
});
const person: ColumnRule = { subjects: ['referred-person'], category: 'personal', access: shown() };
const referrer: ColumnRule = { subjects: ['referrer'], category: 'personal', access: shown(REFERRER_HIDDEN) };
const staffFreeText: ColumnRule = {
  subjects: ['referred-person', 'staff'],
  category: 'special-or-criminal',
  access: withheld(STAFF_NAMES),
};

// ---------------------------------------------------------------------------------------------------------------------
// The public schema.

export const TABLES = {
  concern_types: {
    holds: 'reference data: the Home Office types of concern',
    erasure: keep('reference data, about no one'),
    columns: { code: refData, label: refData, sort: refData, active: refData },
  },
  referrer_sectors: {
    holds: 'reference data: the sectors professional referrers work in',
    erasure: keep('reference data, about no one'),
    columns: { code: refData, label: refData, sort: refData, active: refData },
  },
  case_references: {
    holds: 'every public reference ever issued (referral or advice)',
    erasure: keep('a reference alone identifies no one; kept so that it is never issued twice'),
    columns: {
      reference: { ...tech, note: 'meaningless once the case it named is erased' },
      kind: tech,
      created_at: tech,
    },
  },
  drafts: {
    holds: 'a journey in progress: a public form not yet sent, or an e-mail referral an officer is typing up',
    erasure: deleteRow('when it expires (24 hours for the public, 2 hours for an uploaded e-mail): the drafts job'),
    columns: {
      id: tech,
      kind: tech,
      answers: {
        subjects: ['referred-person', 'referrer'],
        category: 'special-or-criminal',
        access: notShown('not yet sent to us: deleted within hours, before a request could be answered'),
        note: 'for an e-mail referral, the uploaded .eml file itself',
      },
      created_at: tech,
      updated_at: tech,
      expires_at: tech,
      submitted_reference: tech,
      submitted_at: tech,
    },
  },
  referrals: {
    holds: 'a Prevent referral: the person, the concern, the referrer, and where it is in triage',
    erasure: deleteRow(
      'at the end of its retention period: 3 years after no further action, otherwise reviewed after 6 years',
    ),
    deleteRefusedBy:
      'foreign keys from its chronology, attachments, assessments, explanations and decisions (append-only)',
    columns: {
      id: tech,
      reference: { ...caseFact, note: 'the reference the referrer was given' },
      draft_id: tech,
      source: caseFact,
      status: caseFact,
      received_at: caseFact,
      person_full_name: person,
      person_other_names: person,
      person_dob: person,
      person_age_approx: person,
      person_gender: person,
      person_address_known: person,
      person_address_line1: person,
      person_address_line2: person,
      person_town: person,
      person_county: person,
      person_postcode: person,
      person_occupation: person,
      person_phone: person,
      person_email: person,
      concern_text: personSensitive(withheld(OTHERS_NAMED)),
      concern_since: personSensitive(withheld(OTHERS_NAMED)),
      concern_online: personSensitive(withheld(OTHERS_NAMED)),
      concern_violence: personSensitive(),
      concern_violence_details: personSensitive(withheld(OTHERS_NAMED)),
      vulnerabilities: { ...personSensitive(), note: 'health, neurodiversity, care status: sensitive (s.35(8))' },
      vulnerabilities_details: personSensitive(withheld(OTHERS_NAMED)),
      other_agencies: {
        subjects: ['referred-person', 'partner-contact'],
        category: 'special-or-criminal',
        access: withheld('names of workers at other agencies are withheld; the agencies are shown'),
      },
      person_aware: person,
      concern_type_code: personSensitive(),
      referrer_type: referrer,
      referrer_anonymous: referrer,
      referrer_name: referrer,
      referrer_relationship: referrer,
      referrer_organisation: referrer,
      referrer_role: referrer,
      referrer_sector_code: referrer,
      referrer_dsl_informed: referrer,
      referrer_email: referrer,
      referrer_phone: referrer,
      referrer_contact_preference: referrer,
      answers: {
        subjects: ['referred-person', 'referrer'],
        category: 'special-or-criminal',
        access: withheld('each part is shown to whom it is about, as the columns above; the referrer is never shown'),
        note: 'the validated answers as submitted (the columns above come from them)',
      },
      assigned_officer_id: staffActor,
      is_repeat: personSensitive(),
      state_changed_at: caseFact,
      on_hold_until: caseFact,
      due_on: tech,
    },
  },
  advice_requests: {
    holds: 'a request for advice: the question, the asker, and its reply',
    erasure: deleteRow('3 years after it is received, unless it led to a referral (then with the referral)'),
    deleteRefusedBy: 'foreign keys from its chronology (append-only)',
    columns: {
      id: tech,
      reference: { subjects: ['referrer'], category: 'personal', access: shown() },
      draft_id: tech,
      source: { subjects: ['referrer'], category: 'personal', access: shown() },
      status: { subjects: ['referrer'], category: 'personal', access: shown() },
      received_at: { subjects: ['referrer'], category: 'personal', access: shown() },
      question: {
        subjects: ['referrer', 'referred-person'],
        category: 'special-or-criminal',
        access: withheld('shown to the asker; to a person it is about, without the asker and others named'),
      },
      about_person: {
        subjects: ['referred-person'],
        category: 'special-or-criminal',
        access: shown('to the person it is about, never naming the asker'),
      },
      asker_type: referrer,
      asker_name: referrer,
      asker_organisation: referrer,
      asker_email: referrer,
      asker_phone: referrer,
      asker_contact_preference: referrer,
      answers: {
        subjects: ['referrer', 'referred-person'],
        category: 'special-or-criminal',
        access: withheld('each part to whom it is about, as the columns above'),
      },
      assigned_officer_id: staffActor,
      answered_at: { subjects: ['referrer'], category: 'personal', access: shown() },
      answered_by: staffActor,
      due_on: tech,
    },
  },
  access_log: {
    holds: 'the DPA 2018 s.62 log: who collected, changed, consulted, disclosed, combined or erased what, when and why',
    erasure: keep(
      's.62: kept for the log retention period even after the record it names is erased; it holds references and ids, never the erased data',
    ),
    deleteRefusedBy: 'access_log_no_update trigger and revoked DELETE (append-only, hash-chained)',
    columns: {
      id: tech,
      occurred_at: tech,
      action: tech,
      record_type: tech,
      record_id: tech,
      reference: { ...tech, note: 'a case reference: identifies no one once the case is erased' },
      actor_type: tech,
      actor_id: {
        subjects: ['staff'],
        category: 'personal',
        access: shown('to the member of staff; to others, staff are named only when the DPO decides (s.45(4)(e))'),
      },
      organisation: tech,
      channel: tech,
      justification: {
        subjects: ['staff', 'referred-person'],
        category: 'personal',
        access: withheld('the reason a member of staff gave; staff names withheld (s.45(4)(e))'),
        note: 'free text typed by staff: guidance is to give the reason, not the person',
      },
      recipients: {
        ...tech,
        note: 'organisation codes, or "referrer" / "asker": never an address',
      },
      detail: { ...tech, note: 'structured facts (form version, counts, ids, changes): never personal data' },
    },
  },
  access_log_seal: {
    holds: 'the hash chain over the access log',
    erasure: keep('s.62: seals the access log, kept as long as it'),
    deleteRefusedBy: 'access_log_seal_no_update trigger and revoked DELETE',
    columns: { seq: tech, log_id: tech, hash: tech, sealed_at: tech },
  },
  outbox: {
    holds: 'every e-mail the service sends, as sent (acknowledgements, questions, explanations, staff sign-in links)',
    erasure: deleteRow(
      "with the case its reference names; a staff member's messages when their account is anonymised (no job does this yet)",
    ),
    columns: {
      id: tech,
      created_at: tech,
      template: tech,
      recipient: {
        subjects: ['referrer', 'staff'],
        category: 'personal',
        access: shown('to the person it was sent to'),
      },
      subject: {
        subjects: ['referrer', 'staff'],
        category: 'personal',
        access: shown('to the person it was sent to'),
      },
      text_body: {
        subjects: ['referrer', 'staff', 'referred-person'],
        category: 'special-or-criminal',
        access: shown('to the person it was sent to (they already have it); an explanation names no one else'),
        note: 'explanations of a decision carry its reasons; other messages hold a name and a reference',
      },
      html_body: {
        subjects: ['referrer', 'staff', 'referred-person'],
        category: 'special-or-criminal',
        access: shown('as text_body'),
      },
      reference: tech,
      message_id: tech,
      status: tech,
      attempts: tech,
      last_attempt_at: tech,
      locked_until: tech,
      last_error: {
        subjects: ['referrer', 'staff'],
        category: 'personal',
        access: notShown('a mail server error; may repeat the address, which is shown above'),
      },
      sent_at: { subjects: ['referrer', 'staff'], category: 'personal', access: shown() },
    },
  },
  organisations: {
    holds: 'the organisations with staff accounts (police, councils, partner agencies)',
    erasure: keep('organisations are not people'),
    columns: {
      id: tech,
      code: tech,
      name: { ...tech, access: notShown('an organisation, not a person') },
      kind: tech,
      active: tech,
      created_at: tech,
    },
  },
  staff_users: {
    holds: 'a member of staff with an account (police or partner organisation)',
    erasure: {
      action: 'anonymise',
      reason:
        'people are disabled, never deleted: the access log names them by id (s.62), so name and e-mail are kept until the last log entry naming them is past its retention, then anonymised',
    },
    deleteRefusedBy: 'staff_users_no_delete trigger and revoked DELETE',
    columns: {
      id: { ...tech, erasure: keep('the access log refers to it (s.62)') },
      email: { subjects: ['staff'], category: 'personal', access: shown() },
      display_name: { subjects: ['staff'], category: 'personal', access: shown() },
      organisation_id: {
        subjects: ['staff'],
        category: 'personal',
        access: shown(),
        erasure: keep('which organisation acted, for the access log'),
      },
      status: { subjects: ['staff'], category: 'personal', access: shown(), erasure: keep('a disabled account') },
      password_hash: {
        subjects: ['staff'],
        category: 'personal',
        access: notShown(CREDENTIAL),
        erasure: { action: 'null', reason: 'no one signs in as an erased account' },
      },
      totp_secret: {
        subjects: ['staff'],
        category: 'personal',
        access: notShown(CREDENTIAL),
        erasure: { action: 'null', reason: 'no one signs in as an erased account' },
      },
      totp_enabled_at: {
        subjects: ['staff'],
        category: 'personal',
        access: shown(),
        erasure: { action: 'null', reason: 'with the secret (a check keeps them together)' },
      },
      totp_last_step: { ...tech, erasure: { action: 'null', reason: 'with the secret' } },
      oidc_issuer: {
        subjects: ['staff'],
        category: 'personal',
        access: shown(),
        erasure: { action: 'null', reason: 'the single sign-on identity of the person' },
      },
      oidc_subject: {
        subjects: ['staff'],
        category: 'personal',
        access: shown(),
        erasure: { action: 'null', reason: 'the single sign-on identity of the person' },
      },
      created_at: { subjects: ['staff'], category: 'personal', access: shown(), erasure: keep('no longer personal') },
      disabled_at: { subjects: ['staff'], category: 'personal', access: shown(), erasure: keep('no longer personal') },
      last_sign_in_at: {
        subjects: ['staff'],
        category: 'personal',
        access: shown(),
        erasure: { action: 'null', reason: 'activity of the person' },
      },
    },
  },
  staff_roles: {
    holds: 'a role a member of staff holds, and who granted it',
    erasure: deleteRow('when the account is anonymised (the access log keeps each grant and removal)'),
    columns: { user_id: staffActor, role: staffActor, granted_at: staffActor, granted_by: staffActor },
  },
  recovery_codes: {
    holds: 'single-use recovery codes for the second factor (hashes only)',
    erasure: deleteRow('when the account is disabled or anonymised'),
    columns: {
      id: tech,
      user_id: staffActor,
      code_hash: { subjects: ['staff'], category: 'personal', access: notShown(CREDENTIAL) },
      created_at: staffActor,
      used_at: staffActor,
    },
  },
  password_resets: {
    holds: 'single-use, expiring password links (hashes only)',
    erasure: deleteRow('once expired or used, and with the account'),
    columns: {
      token_hash: { subjects: ['staff'], category: 'personal', access: notShown(CREDENTIAL) },
      user_id: staffActor,
      created_at: staffActor,
      expires_at: staffActor,
      used_at: staffActor,
    },
  },
  sign_in_throttle: {
    holds: 'failed sign-ins per account name, keyed by a keyed hash of the name (whether or not the account exists)',
    erasure: deleteRow('when its window ends'),
    columns: {
      key_hash: {
        subjects: ['staff'],
        category: 'personal',
        access: notShown('a keyed hash: it cannot be matched to a person without the secret'),
      },
      failures: tech,
      window_started_at: tech,
      locked_until: tech,
    },
  },
  staff_sessions: {
    holds: "a member of staff's signed-in session (only the hash of the cookie's id)",
    erasure: deleteRow('when the account is anonymised; ended sessions may go sooner'),
    columns: {
      id_hash: { subjects: ['staff'], category: 'personal', access: notShown(CREDENTIAL) },
      user_id: staffActor,
      stage: tech,
      method: staffActor,
      created_at: staffActor,
      last_seen_at: staffActor,
      expires_at: tech,
      ended_at: staffActor,
      ended_reason: staffActor,
      user_agent: { ...staffActor, note: 'a short description of the browser, never the IP address' },
    },
  },
  access_reasons: {
    holds: 'a reason a member of staff gave to open a case outside their own work (also in the access log)',
    erasure: deleteRow('with its session (the reason stays in the access log, s.62)'),
    columns: {
      id: tech,
      session_id_hash: tech,
      user_id: staffActor,
      record_type: tech,
      record_id: tech,
      reason: {
        subjects: ['staff', 'referred-person'],
        category: 'personal',
        access: withheld(STAFF_NAMES),
      },
      created_at: staffActor,
    },
  },
  case_shares: {
    holds: 'which organisations a case has been given to (the council, a Channel panel)',
    erasure: WITH_CASE,
    columns: {
      referral_id: tech,
      organisation_id: { ...caseFact, note: 'who has the case: shown, as the privacy notice promises' },
      purpose: caseFact,
      shared_at: caseFact,
      shared_by: staffActor,
      ended_at: caseFact,
    },
  },
  referral_links: {
    holds: "an officer's decision that an earlier referral is (or is not) the same person",
    erasure: deleteRow('with the later of the two referrals; a link never outlives either'),
    columns: {
      referral_id: tech,
      earlier_referral_id: { ...personSensitive(), note: 'that the person was referred before' },
      status: personSensitive(),
      note: staffFreeText,
      decided_by: staffActor,
      decided_at: caseFact,
    },
  },
  postcode_councils: {
    holds: 'reference data: which council a postcode area belongs to',
    erasure: keep('reference data, about no one'),
    columns: {
      prefix: refData,
      kind: refData,
      organisation_id: refData,
      note: refData,
      updated_at: refData,
      updated_by: { ...staffActor, erasure: keep('who last changed reference data (also in the access log)') },
    },
  },
  bank_holidays: {
    holds: 'reference data: England and Wales bank holidays',
    erasure: keep('reference data, about no one'),
    columns: { day: refData, name: refData },
  },
  triage_settings: {
    holds: 'the one row of triage settings',
    erasure: keep('settings, about no one'),
    columns: {
      id: refData,
      target_working_days: refData,
      updated_at: refData,
      updated_by: { ...staffActor, erasure: keep('who last changed a setting (also in the access log)') },
    },
  },
  case_events: {
    holds: 'the chronology of a referral or advice request: events, notes, messages, corrections',
    erasure: WITH_CASE,
    deleteRefusedBy: 'case_events_no_update trigger and revoked DELETE (append-only)',
    columns: {
      id: tech,
      referral_id: tech,
      advice_id: tech,
      kind: caseFact,
      author_kind: caseFact,
      author_id: staffActor,
      body: {
        subjects: ['referred-person', 'referrer', 'staff'],
        category: 'special-or-criminal',
        access: withheld('notes, questions and answers: the referrer and other people named are withheld (s.45(4)(e))'),
      },
      data: { ...tech, note: 'structured facts (states, ids, dates), shown only through what they describe' },
      corrects_id: tech,
      created_at: caseFact,
    },
  },
  attachments: {
    holds: 'a file kept with a referral (an attachment, or the original e-mail or form)',
    erasure: WITH_CASE,
    deleteRefusedBy: 'attachments_no_update trigger and revoked DELETE (append-only)',
    columns: {
      id: tech,
      referral_id: tech,
      role: tech,
      file_name: { ...personSensitive(withheld(OTHERS_NAMED)), category: 'personal' },
      media_type: tech,
      size_bytes: tech,
      sha256: tech,
      content: {
        subjects: ['referred-person', 'referrer', 'partner-contact'],
        category: 'special-or-criminal',
        access: withheld(OTHERS_NAMED),
      },
      stored_path: { ...tech, note: 'the file in ATTACHMENTS_DIR when the bytes are not in the row' },
      description: staffFreeText,
      uploaded_by: staffActor,
      created_at: caseFact,
    },
  },
  recontact_requests: {
    holds: 'a link sent to the referrer to answer a question or add information (hash of the token only)',
    erasure: WITH_CASE,
    columns: {
      id: tech,
      referral_id: tech,
      purpose: { subjects: ['referrer'], category: 'personal', access: shown() },
      token_hash: { subjects: ['referrer'], category: 'personal', access: notShown(CREDENTIAL) },
      question: {
        subjects: ['referrer', 'referred-person'],
        category: 'special-or-criminal',
        access: shown('to the referrer, who was asked it; to the referred person without naming the referrer'),
      },
      created_by: staffActor,
      created_at: { subjects: ['referrer'], category: 'personal', access: shown() },
      expires_at: tech,
      used_at: { subjects: ['referrer'], category: 'personal', access: shown() },
      withdrawn_at: { subjects: ['referrer'], category: 'personal', access: shown() },
    },
  },
  information_checks: {
    holds: 'a check with a partner or a system during information gathering, and its answer',
    erasure: WITH_CASE,
    columns: {
      id: tech,
      referral_id: tech,
      source: {
        subjects: ['partner-contact'],
        category: 'personal',
        access: withheld('the agency is shown, a named contact withheld'),
      },
      asked_on: caseFact,
      asked_by: staffActor,
      request: staffFreeText,
      outcome: personSensitive(),
      response: {
        subjects: ['referred-person', 'partner-contact'],
        category: 'special-or-criminal',
        access: withheld(
          'what another agency or police system holds: shown after consulting its source, others named withheld',
        ),
      },
      responded_on: caseFact,
      created_at: caseFact,
    },
  },
  assessment_frameworks: {
    holds: 'reference data: the versioned assessment frameworks',
    erasure: keep('reference data, about no one'),
    columns: {
      code: refData,
      version: refData,
      title: refData,
      definition: refData,
      active: refData,
      created_at: refData,
    },
  },
  assessments: {
    holds: "an officer's assessment of a referral against a framework (a repeat is a new row)",
    erasure: WITH_CASE,
    deleteRefusedBy: 'assessments_no_update trigger and revoked DELETE (append-only)',
    columns: {
      id: tech,
      referral_id: tech,
      framework_code: tech,
      framework_version: tech,
      answers: { ...staffFreeText, note: 'ratings and rationale per factor' },
      summary: staffFreeText,
      previous_id: tech,
      created_by: staffActor,
      created_at: caseFact,
    },
  },
  decisions: {
    holds: 'a threshold decision with its rationale, and its approval',
    erasure: WITH_CASE,
    deleteRefusedBy: 'decisions_review trigger and revoked DELETE (only the review may change it)',
    columns: {
      id: tech,
      referral_id: tech,
      outcome: personSensitive(),
      referred_to: { ...caseFact, note: 'the service the person was signposted to' },
      rationale: staffFreeText,
      made_by: staffActor,
      made_at: caseFact,
      on_repeat: personSensitive(),
      requires_approval: tech,
      approval: caseFact,
      reviewed_by: staffActor,
      reviewed_at: caseFact,
      review_comment: staffFreeText,
    },
  },
  letter_templates: {
    holds: 'editable wording of explanations to referrers',
    erasure: keep('templates, about no one'),
    columns: {
      code: refData,
      audience: refData,
      title: refData,
      subject: refData,
      body: refData,
      updated_at: refData,
      updated_by: { ...staffActor, erasure: keep('who last changed a template (also in the access log)') },
    },
  },
  explanations: {
    holds: 'what was sent to the referrer to explain a decision, as sent (a logged disclosure)',
    erasure: WITH_CASE,
    deleteRefusedBy: 'explanations_no_update trigger and revoked DELETE (append-only)',
    columns: {
      id: tech,
      referral_id: tech,
      decision_id: tech,
      audience: { subjects: ['referrer'], category: 'personal', access: shown() },
      channel: { subjects: ['referrer'], category: 'personal', access: shown() },
      template_code: tech,
      subject: { subjects: ['referrer'], category: 'personal', access: shown() },
      body: {
        subjects: ['referrer', 'referred-person'],
        category: 'special-or-criminal',
        access: shown('to the referrer, who received it; to the referred person as part of the decision'),
      },
      outbox_id: tech,
      sent_by: staffActor,
      sent_at: { subjects: ['referrer'], category: 'personal', access: shown() },
    },
  },
  handovers: {
    holds: 'a hand-over of a referral to a council for Channel, and its answer',
    erasure: WITH_CASE,
    columns: {
      id: tech,
      referral_id: tech,
      organisation_id: { ...caseFact, note: 'the council the case went to' },
      suggested_organisation_id: tech,
      override_reason: { ...staffFreeText, category: 'personal' },
      status: caseFact,
      created_by: staffActor,
      created_at: caseFact,
      responded_by: staffActor,
      responded_at: caseFact,
      return_reason: staffFreeText,
    },
  },
} satisfies Record<string, TableRule>;

export type TableName = keyof typeof TABLES;

// ---------------------------------------------------------------------------------------------------------------------
// Outside the public schema.

export const STORES: Readonly<Record<string, StoreRule>> = {
  'pgboss schema': {
    kind: 'schema',
    where: 'schema pgboss (pg-boss, the job queue)',
    holds:
      'jobs: an outbox message id to deliver, or nothing (outbox sweep, drafts clean-up, holds release, log sealing)',
    subjects: ['none'],
    category: 'none',
    access: notShown(INTERNAL),
    erasure: keep('pg-boss removes completed jobs itself; payloads name no one'),
    note: 'job output holds error messages: logs and errors never carry personal data',
  },
  'drizzle schema': {
    kind: 'schema',
    where: 'schema drizzle (the migration journal)',
    holds: 'which migrations have run',
    subjects: ['none'],
    category: 'none',
    access: notShown(INTERNAL),
    erasure: keep('about no one'),
  },
  'attachments folder': {
    kind: 'folder',
    where: 'ATTACHMENTS_DIR (only when set; otherwise the bytes are in attachments.content)',
    holds: 'attachment files named by their attachment id',
    subjects: ['referred-person', 'referrer', 'partner-contact'],
    category: 'special-or-criminal',
    access: withheld(OTHERS_NAMED),
    erasure: deleteRow('the file is deleted with its attachments row'),
  },
  'outbox files': {
    kind: 'folder',
    where: 'DATA_DIR/outbox (only when no SMTP_URL is set: development and tests)',
    holds: 'each e-mail as an .eml file, as the outbox row',
    subjects: ['referrer', 'staff', 'referred-person'],
    category: 'special-or-criminal',
    access: shown('as the outbox row it copies'),
    erasure: deleteRow('the file is deleted with its outbox row (nothing does this yet: production sends by SMTP)'),
  },
  'PGlite data folder': {
    kind: 'folder',
    where: 'DATA_DIR/pglite (the embedded database, when no DATABASE_URL is set)',
    holds: 'the whole database above, as PostgreSQL data files',
    subjects: ['referred-person', 'referrer', 'staff', 'partner-contact'],
    category: 'special-or-criminal',
    access: shown('through the tables above, never as files'),
    erasure: deleteRow('rows are erased as the tables above say; a VACUUM must follow so deleted rows leave the files'),
  },
  'cookie secret': {
    kind: 'file',
    where: 'DATA_DIR/cookie-secret (generated on first start when COOKIE_SECRET is not set)',
    holds: 'the random key that signs cookies and keys sign-in throttle hashes',
    subjects: ['none'],
    category: 'none',
    access: notShown('a key, about no one'),
    erasure: keep('about no one'),
  },
};

// ---------------------------------------------------------------------------------------------------------------------
// Reading it.

export interface ResolvedColumn {
  readonly table: string;
  readonly column: string;
  readonly subjects: readonly DataSubject[];
  readonly category: DataCategory;
  readonly access: SubjectAccess;
  readonly erasure: Erasure;
  readonly note?: string;
}

/** Every classified column, with the table's erasure rule applied where the column has none of its own. */
export function classifiedColumns(tables: Readonly<Record<string, TableRule>> = TABLES): ResolvedColumn[] {
  return Object.entries(tables).flatMap(([table, t]) =>
    Object.entries(t.columns).map(([column, c]) => ({
      table,
      column,
      subjects: c.subjects,
      category: c.category,
      access: c.access,
      erasure: c.erasure ?? t.erasure,
      ...(c.note ? { note: c.note } : {}),
    })),
  );
}

export interface InventoryGaps {
  /** "table.column" in the database but not in the inventory. */
  readonly unclassified: string[];
  /** "table.column" in the inventory but not in the database. */
  readonly missing: string[];
}

/** Compares the inventory with the columns of the database (`information_schema.columns` of the public schema). */
export function inventoryGaps(
  columns: readonly { table: string; column: string }[],
  tables: Readonly<Record<string, TableRule>> = TABLES,
): InventoryGaps {
  const actual = new Set(columns.map((c) => `${c.table}.${c.column}`));
  const classified = new Set(classifiedColumns(tables).map((c) => `${c.table}.${c.column}`));
  return {
    unclassified: [...actual].filter((c) => !classified.has(c)).sort(),
    missing: [...classified].filter((c) => !actual.has(c)).sort(),
  };
}
