import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  foreignKey,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Binary content (attachments). PGlite and node-postgres both return a Buffer-like Uint8Array. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Reference data: the Home Office "type of concern" categories (kept as data because the national list changes). */
export const concernTypes = pgTable('concern_types', {
  code: text('code').primaryKey(),
  label: text('label').notNull(),
  sort: integer('sort').notNull().default(0),
  active: boolean('active').notNull().default(true),
});

/** Reference data: the sector a professional referrer works in. */
export const referrerSectors = pgTable('referrer_sectors', {
  code: text('code').primaryKey(),
  label: text('label').notNull(),
  sort: integer('sort').notNull().default(0),
  active: boolean('active').notNull().default(true),
});

/** Every public reference ever issued, referral or advice request: one namespace, so a reference is never reused. */
export const caseReferences = pgTable(
  'case_references',
  {
    reference: text('reference').primaryKey(),
    kind: text('kind', { enum: ['referral', 'advice'] }).notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('case_references_reference_format', sql`${t.reference} ~ '^[2-9A-HJKMNP-Z]{8}$'`),
    check('case_references_kind', sql`${t.kind} in ('referral', 'advice')`),
  ],
);

/** A journey in progress. Its id is the idempotency key of whatever it becomes. */
export const drafts = pgTable(
  'drafts',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind', { enum: ['referral', 'advice'] }).notNull(),
    answers: jsonb('answers')
      .$type<{ values: Record<string, unknown>; completed: string[] }>()
      .notNull()
      .default({ values: {}, completed: [] }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    submittedReference: text('submitted_reference').references(() => caseReferences.reference),
    submittedAt: ts('submitted_at'),
  },
  (t) => [
    check('drafts_kind', sql`${t.kind} in ('referral', 'advice')`),
    check('drafts_submitted_together', sql`(${t.submittedReference} is null) = (${t.submittedAt} is null)`),
    index('drafts_expires_at_idx').on(t.expiresAt),
  ],
);

export const REFERRAL_STATES = ['new', 'in_triage', 'awaiting_information', 'awaiting_approval', 'decided'] as const;
export const REFERRAL_SOURCES = ['online', 'email', 'phone', 'post'] as const;

export const referrals = pgTable(
  'referrals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    reference: text('reference')
      .notNull()
      .unique()
      .references(() => caseReferences.reference),
    draftId: uuid('draft_id').unique(),
    source: text('source', { enum: REFERRAL_SOURCES }).notNull(),
    status: text('status', { enum: REFERRAL_STATES }).notNull().default('new'),
    receivedAt: ts('received_at').notNull().defaultNow(),

    personFullName: text('person_full_name').notNull(),
    personOtherNames: text('person_other_names'),
    personDob: date('person_dob', { mode: 'string' }),
    personAgeApprox: smallint('person_age_approx'),
    personGender: text('person_gender'),
    personAddressKnown: boolean('person_address_known').notNull(),
    personAddressLine1: text('person_address_line1'),
    personAddressLine2: text('person_address_line2'),
    personTown: text('person_town'),
    personCounty: text('person_county'),
    personPostcode: text('person_postcode'),
    personOccupation: text('person_occupation'),
    personPhone: text('person_phone'),
    personEmail: text('person_email'),

    concernText: text('concern_text').notNull(),
    concernSince: text('concern_since'),
    concernOnline: text('concern_online'),
    concernViolence: text('concern_violence', { enum: ['yes', 'no', 'unknown'] }).notNull(),
    concernViolenceDetails: text('concern_violence_details'),
    vulnerabilities: text('vulnerabilities')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    vulnerabilitiesDetails: text('vulnerabilities_details'),
    otherAgencies: text('other_agencies'),
    personAware: text('person_aware', { enum: ['yes', 'no', 'unknown'] }).notNull(),
    concernTypeCode: text('concern_type_code').references(() => concernTypes.code),

    referrerType: text('referrer_type', { enum: ['public', 'professional'] }).notNull(),
    referrerAnonymous: boolean('referrer_anonymous').notNull(),
    referrerName: text('referrer_name'),
    referrerRelationship: text('referrer_relationship'),
    referrerOrganisation: text('referrer_organisation'),
    referrerRole: text('referrer_role'),
    referrerSectorCode: text('referrer_sector_code').references(() => referrerSectors.code),
    referrerDslInformed: text('referrer_dsl_informed', { enum: ['yes', 'no', 'not_applicable'] }),
    referrerEmail: text('referrer_email'),
    referrerPhone: text('referrer_phone'),
    referrerContactPreference: text('referrer_contact_preference', { enum: ['email', 'phone', 'either'] }),

    /** The validated answers exactly as submitted, with the form's version, so nothing the person wrote is lost. */
    answers: jsonb('answers').$type<Record<string, unknown>>().notNull(),

    /** The Prevent officer responsible (null while the referral waits in the intake queue). */
    assignedOfficerId: uuid('assigned_officer_id').references(() => staffUsers.id),
    /** Set when an officer confirms an earlier referral of the same person (never automatically). */
    isRepeat: boolean('is_repeat').notNull().default(false),
    /** When the status last changed (set by the database). */
    stateChangedAt: ts('state_changed_at').notNull().defaultNow(),
    /** While awaiting information: the date the case comes back to the officer even without an answer. */
    onHoldUntil: date('on_hold_until', { mode: 'string' }),
    /** The target date for the threshold decision: working days from receipt, always set by the insert trigger. */
    dueOn: date('due_on', { mode: 'string' })
      .notNull()
      .default(sql`current_date`),
  },
  (t) => [
    check('referrals_source', sql`${t.source} in ('online', 'email', 'phone', 'post')`),
    check(
      'referrals_status',
      sql`${t.status} in ('new', 'in_triage', 'awaiting_information', 'awaiting_approval', 'decided')`,
    ),
    check('referrals_online_has_draft', sql`${t.source} <> 'online' or ${t.draftId} is not null`),
    check('referrals_name_present', sql`length(btrim(${t.personFullName})) > 0`),
    check('referrals_concern_present', sql`length(btrim(${t.concernText})) > 0`),
    check('referrals_age_range', sql`${t.personAgeApprox} is null or ${t.personAgeApprox} between 0 and 120`),
    check('referrals_dob_past', sql`${t.personDob} is null or ${t.personDob} <= current_date`),
    check('referrals_violence', sql`${t.concernViolence} in ('yes', 'no', 'unknown')`),
    check('referrals_person_aware', sql`${t.personAware} in ('yes', 'no', 'unknown')`),
    check('referrals_referrer_type', sql`${t.referrerType} in ('public', 'professional')`),
    check(
      'referrals_contactable_unless_anonymous',
      sql`${t.referrerAnonymous} or ${t.referrerEmail} is not null or ${t.referrerPhone} is not null`,
    ),
    check(
      'referrals_anonymous_has_no_contact',
      sql`not ${t.referrerAnonymous} or (${t.referrerEmail} is null and ${t.referrerPhone} is null and ${t.referrerName} is null)`,
    ),
    check(
      'referrals_professional_not_anonymous',
      sql`${t.referrerType} <> 'professional' or not ${t.referrerAnonymous}`,
    ),
    index('referrals_received_at_idx').on(t.receivedAt),
    index('referrals_status_idx').on(t.status),
    index('referrals_assigned_officer_idx').on(t.assignedOfficerId),
    /** The intake queue (new referrals, oldest first). */
    index('referrals_intake_idx')
      .on(t.receivedAt, t.reference)
      .where(sql`status = 'new'`),
    check('referrals_hold_only_awaiting', sql`${t.onHoldUntil} is null or ${t.status} = 'awaiting_information'`),
    /** The triage queue: open referrals by officer and state, oldest target first. */
    index('referrals_queue_idx')
      .on(t.status, t.dueOn, t.receivedAt)
      .where(sql`status <> 'decided'`),
    index('referrals_officer_queue_idx')
      .on(t.assignedOfficerId, t.status, t.dueOn)
      .where(sql`status <> 'decided'`),
    /** The triage queue page in its order (target date, then receipt), read a page at a time. */
    index('referrals_triage_order_idx')
      .on(t.dueOn, t.receivedAt, t.reference)
      .where(sql`status <> 'decided'`),
    /** The queue filtered by type of concern (with or without a state), in the queue's order. */
    index('referrals_queue_concern_idx')
      .on(t.concernTypeCode, t.dueOn, t.receivedAt, t.reference, t.status)
      .where(sql`status <> 'decided'`),
  ],
);

export const ADVICE_STATES = ['new', 'answered', 'closed'] as const;

export const adviceRequests = pgTable(
  'advice_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    reference: text('reference')
      .notNull()
      .unique()
      .references(() => caseReferences.reference),
    draftId: uuid('draft_id').unique(),
    source: text('source', { enum: REFERRAL_SOURCES }).notNull(),
    status: text('status', { enum: ADVICE_STATES }).notNull().default('new'),
    receivedAt: ts('received_at').notNull().defaultNow(),
    question: text('question').notNull(),
    aboutPerson: text('about_person'),
    askerType: text('asker_type', { enum: ['public', 'professional'] }).notNull(),
    askerName: text('asker_name').notNull(),
    askerOrganisation: text('asker_organisation'),
    askerEmail: text('asker_email'),
    askerPhone: text('asker_phone'),
    askerContactPreference: text('asker_contact_preference', { enum: ['email', 'phone', 'either'] }),
    answers: jsonb('answers').$type<Record<string, unknown>>().notNull(),
    /** The Prevent officer who took the request from the queue (null: waiting). */
    assignedOfficerId: uuid('assigned_officer_id').references(() => staffUsers.id),
    answeredAt: ts('answered_at'),
    answeredBy: uuid('answered_by').references(() => staffUsers.id),
    /** The target date for the reply: working days from receipt, as a referral's, always set by the insert trigger. */
    dueOn: date('due_on', { mode: 'string' })
      .notNull()
      .default(sql`current_date`),
  },
  (t) => [
    check('advice_answered_together', sql`(${t.answeredAt} is null) = (${t.answeredBy} is null)`),
    check('advice_source', sql`${t.source} in ('online', 'email', 'phone', 'post')`),
    check('advice_status', sql`${t.status} in ('new', 'answered', 'closed')`),
    check('advice_online_has_draft', sql`${t.source} <> 'online' or ${t.draftId} is not null`),
    check('advice_question_present', sql`length(btrim(${t.question})) > 0`),
    check('advice_asker_type', sql`${t.askerType} in ('public', 'professional')`),
    check('advice_contactable', sql`${t.askerEmail} is not null or ${t.askerPhone} is not null`),
    index('advice_received_at_idx').on(t.receivedAt),
    /** The intake queue (new advice requests, oldest first). */
    index('advice_intake_idx')
      .on(t.receivedAt, t.reference)
      .where(sql`status = 'new'`),
    /** The triage queue's order for advice requests not yet answered (as referrals_triage_order_idx). */
    index('advice_triage_order_idx')
      .on(t.dueOn, t.receivedAt, t.reference)
      .where(sql`status = 'new'`),
  ],
);

export const ACCESS_ACTIONS = [
  'collection',
  'alteration',
  'consultation',
  'disclosure',
  'combination',
  'erasure',
] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

/** The DPA 2018 s.62 log. Append-only: the database refuses UPDATE, DELETE and TRUNCATE (see the triggers migration). */
export const accessLog = pgTable(
  'access_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: ts('occurred_at').notNull().defaultNow(),
    action: text('action', { enum: ACCESS_ACTIONS }).notNull(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id'),
    reference: text('reference'),
    actorType: text('actor_type', { enum: ['public', 'staff', 'system'] }).notNull(),
    actorId: text('actor_id'),
    organisation: text('organisation'),
    channel: text('channel'),
    justification: text('justification'),
    recipients: text('recipients').array(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    check(
      'access_log_action',
      sql`${t.action} in ('collection', 'alteration', 'consultation', 'disclosure', 'combination', 'erasure')`,
    ),
    check('access_log_actor_type', sql`${t.actorType} in ('public', 'staff', 'system')`),
    index('access_log_record_idx').on(t.recordType, t.recordId),
    index('access_log_occurred_at_idx').on(t.occurredAt),
    /** The data protection officer's filters: by case reference and by staff member. */
    index('access_log_reference_idx').on(t.reference),
    index('access_log_actor_idx').on(t.actorId),
  ],
);

export const OUTBOX_STATES = ['pending', 'sent', 'failed'] as const;

/** Transactional outbox: e-mails are written here in the same transaction as what caused them, and delivered by the worker. */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    createdAt: ts('created_at').notNull().defaultNow(),
    template: text('template').notNull(),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body'),
    reference: text('reference'),
    messageId: text('message_id').notNull().unique(),
    status: text('status', { enum: OUTBOX_STATES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: ts('last_attempt_at'),
    /** A delivery in progress holds the message until then; another worker may take it over only after. */
    lockedUntil: ts('locked_until'),
    lastError: text('last_error'),
    sentAt: ts('sent_at'),
  },
  (t) => [
    check('outbox_status', sql`${t.status} in ('pending', 'sent', 'failed')`),
    check('outbox_sent_has_time', sql`${t.status} <> 'sent' or ${t.sentAt} is not null`),
    index('outbox_pending_idx').on(t.status, t.createdAt),
  ],
);

// ---------------------------------------------------------------------------------------------------------------------
// Staff: organisations, people, roles, sessions. People are disabled, never deleted (a trigger refuses DELETE), so the
// access log's actor ids keep their meaning.

export const ORGANISATION_KINDS = [
  'police_prevent',
  'council',
  'health',
  'education',
  'childrens_services',
  'adult_services',
  'probation',
  'housing',
  'channel_provider',
  'other',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const organisations = pgTable(
  'organisations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stable short code (config and identity-provider group mapping refer to it). */
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ORGANISATION_KINDS }).notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    check(
      'organisations_kind',
      sql`${t.kind} in ('police_prevent', 'council', 'health', 'education', 'childrens_services', 'adult_services', 'probation', 'housing', 'channel_provider', 'other')`,
    ),
    check('organisations_code_format', sql`${t.code} ~ '^[a-z0-9][a-z0-9-]{1,62}$'`),
  ],
);

export const ROLES = [
  'prevent_officer',
  'prevent_supervisor',
  'channel_coordinator',
  'panel_member',
  'engagement_officer',
  'analyst',
  'dpo',
  'administrator',
] as const;
export type Role = (typeof ROLES)[number];

export const staffUsers = pgTable(
  'staff_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Lower-cased; unique. */
    email: text('email').notNull().unique(),
    displayName: text('display_name').notNull(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    status: text('status', { enum: ['active', 'disabled'] })
      .notNull()
      .default('active'),
    /** argon2id PHC string; null for people who sign in only through single sign-on. */
    passwordHash: text('password_hash'),
    /** TOTP secret (base32), set once the person has proved their authenticator works. */
    totpSecret: text('totp_secret'),
    totpEnabledAt: ts('totp_enabled_at'),
    /** The last TOTP time step accepted: a code is never accepted twice. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    /** Single sign-on identity (issuer + subject), when the person signs in through the identity provider. */
    oidcIssuer: text('oidc_issuer'),
    oidcSubject: text('oidc_subject'),
    createdAt: ts('created_at').notNull().defaultNow(),
    disabledAt: ts('disabled_at'),
    lastSignInAt: ts('last_sign_in_at'),
  },
  (t) => [
    check('staff_users_status', sql`${t.status} in ('active', 'disabled')`),
    check('staff_users_email_lower', sql`${t.email} = lower(${t.email}) and position('@' in ${t.email}) > 1`),
    check('staff_users_disabled_has_time', sql`(${t.status} = 'disabled') = (${t.disabledAt} is not null)`),
    check('staff_users_oidc_pair', sql`(${t.oidcIssuer} is null) = (${t.oidcSubject} is null)`),
    check('staff_users_totp_pair', sql`(${t.totpSecret} is null) = (${t.totpEnabledAt} is null)`),
    uniqueIndex('staff_users_oidc_identity').on(t.oidcIssuer, t.oidcSubject),
    index('staff_users_organisation_idx').on(t.organisationId),
  ],
);

export const staffRoles = pgTable(
  'staff_roles',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id),
    role: text('role', { enum: ROLES }).notNull(),
    grantedAt: ts('granted_at').notNull().defaultNow(),
    grantedBy: uuid('granted_by').references(() => staffUsers.id),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.role] }),
    check(
      'staff_roles_role',
      sql`${t.role} in ('prevent_officer', 'prevent_supervisor', 'channel_coordinator', 'panel_member', 'engagement_officer', 'analyst', 'dpo', 'administrator')`,
    ),
  ],
);

/** Single-use recovery codes for the second factor (only their hashes are kept). */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id),
    codeHash: text('code_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    usedAt: ts('used_at'),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId), uniqueIndex('recovery_codes_hash').on(t.codeHash)],
);

/** Single-use, expiring password reset (and first-password) links; only the token's hash is kept. */
export const passwordResets = pgTable(
  'password_resets',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [index('password_resets_user_idx').on(t.userId)],
);

/**
 * Failed sign-in attempts per account name (hashed), whether or not such an account exists, so that throttling and
 * lockout behave the same for both and reveal nothing.
 */
export const signInThrottle = pgTable('sign_in_throttle', {
  keyHash: text('key_hash').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: ts('window_started_at').notNull().defaultNow(),
  lockedUntil: ts('locked_until'),
});

export const SESSION_STAGES = ['second_factor', 'totp_setup', 'signed_in'] as const;
export type SessionStage = (typeof SESSION_STAGES)[number];

/** Server-side staff sessions. The cookie holds a random id; only its SHA-256 is stored. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id),
    stage: text('stage', { enum: SESSION_STAGES }).notNull(),
    method: text('method', { enum: ['password', 'oidc'] }).notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    /** The absolute limit (12 hours from sign-in by default). */
    expiresAt: ts('expires_at').notNull(),
    endedAt: ts('ended_at'),
    endedReason: text('ended_reason'),
    /** A short description of the browser, for the list of active sessions (never the IP address). */
    userAgent: text('user_agent'),
  },
  (t) => [
    check('staff_sessions_stage', sql`${t.stage} in ('second_factor', 'totp_setup', 'signed_in')`),
    check('staff_sessions_method', sql`${t.method} in ('password', 'oidc')`),
    check('staff_sessions_ended_together', sql`(${t.endedAt} is null) = (${t.endedReason} is null)`),
    index('staff_sessions_user_idx').on(t.userId),
  ],
);

/** A reason given to open a case the person is not assigned to; good for the rest of that session. */
export const accessReasons = pgTable(
  'access_reasons',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionIdHash: text('session_id_hash')
      .notNull()
      .references(() => staffSessions.idHash),
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    reason: text('reason').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('access_reasons_once').on(t.sessionIdHash, t.recordType, t.recordId),
    check('access_reasons_reason_present', sql`length(btrim(${t.reason})) >= 10`),
  ],
);

/**
 * Which organisations a case has been given to: the responsible council (hand-over to Channel) and the agencies sitting
 * on its Channel panel. The policies read it; hand-over and panel features write it, with a disclosure log entry.
 */
export const caseShares = pgTable(
  'case_shares',
  {
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    purpose: text('purpose', { enum: ['council', 'panel'] }).notNull(),
    sharedAt: ts('shared_at').notNull().defaultNow(),
    sharedBy: uuid('shared_by').references(() => staffUsers.id),
    endedAt: ts('ended_at'),
  },
  (t) => [
    primaryKey({ columns: [t.referralId, t.organisationId, t.purpose] }),
    check('case_shares_purpose', sql`${t.purpose} in ('council', 'panel')`),
    index('case_shares_organisation_idx').on(t.organisationId),
  ],
);

/**
 * The hash chain over the access log. A sealing job takes log rows in the order it finds them and appends one seal per
 * row: hash = SHA-256(previous hash + the row's canonical text). Append-only like the log itself.
 */
export const accessLogSeal = pgTable(
  'access_log_seal',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    logId: bigint('log_id', { mode: 'number' }).notNull().unique(),
    hash: text('hash').notNull(),
    sealedAt: ts('sealed_at').notNull().defaultNow(),
  },
  (t) => [
    check('access_log_seal_seq_positive', sql`${t.seq} > 0`),
    check('access_log_seal_hash_format', sql`${t.hash} ~ '^[0-9a-f]{64}$'`),
  ],
);

// ---------------------------------------------------------------------------------------------------------------------
// Triage support (issue 4): earlier referrals of the same person, and the postcode-to-council table.

/**
 * An officer's decision on a possible earlier referral of the same person: confirmed (a "combination" in the access
 * log; the histories are shown together) or rejected. Nothing is ever merged.
 */
export const referralLinks = pgTable(
  'referral_links',
  {
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id),
    earlierReferralId: uuid('earlier_referral_id')
      .notNull()
      .references(() => referrals.id),
    status: text('status', { enum: ['confirmed', 'rejected'] }).notNull(),
    /** Why the officer confirmed or rejected it (what matched or did not). */
    note: text('note'),
    decidedBy: uuid('decided_by')
      .notNull()
      .references(() => staffUsers.id),
    decidedAt: ts('decided_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.referralId, t.earlierReferralId] }),
    check('referral_links_status', sql`${t.status} in ('confirmed', 'rejected')`),
    check('referral_links_not_self', sql`${t.referralId} <> ${t.earlierReferralId}`),
    index('referral_links_earlier_idx').on(t.earlierReferralId),
  ],
);

/**
 * Which council a postcode belongs to, by postcode sector ("CA4 9") or district ("CA4"), the longest match winning.
 * `choose`: the area is split between councils and the officer picks; `outside`: not a Cumbrian council's area.
 * Staff maintain it; the officer can always override the suggestion.
 */
export const postcodeCouncils = pgTable(
  'postcode_councils',
  {
    prefix: text('prefix').primaryKey(),
    kind: text('kind', { enum: ['council', 'choose', 'outside'] }).notNull(),
    /** The council's organisation (kind 'council' only). */
    organisationId: uuid('organisation_id').references(() => organisations.id),
    note: text('note'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    updatedBy: uuid('updated_by').references(() => staffUsers.id),
  },
  (t) => [
    check('postcode_councils_kind', sql`${t.kind} in ('council', 'choose', 'outside')`),
    check('postcode_councils_council_named', sql`(${t.kind} = 'council') = (${t.organisationId} is not null)`),
    check('postcode_councils_prefix_format', sql`${t.prefix} ~ '^[A-Z]{1,2}[0-9][0-9A-Z]?( [0-9])?$'`),
  ],
);

// ---------------------------------------------------------------------------------------------------------------------
// The triage workflow (issue 4): states, chronology, attachments, re-contact, checks, assessment, decision, explanation,
// hand-over. Migration 0009 adds the triggers that enforce what a CHECK cannot (allowed state changes, append-only rows,
// who must approve).

/** England and Wales bank holidays (working-day targets skip them). Reference data: check against gov.uk/bank-holidays. */
export const bankHolidays = pgTable('bank_holidays', {
  day: date('day', { mode: 'string' }).primaryKey(),
  name: text('name').notNull(),
});

/** One-row settings for triage (the target for a threshold decision, in working days from receipt). */
export const triageSettings = pgTable(
  'triage_settings',
  {
    id: boolean('id').primaryKey().default(true),
    targetWorkingDays: smallint('target_working_days').notNull().default(5),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    updatedBy: uuid('updated_by').references(() => staffUsers.id),
  },
  (t) => [
    check('triage_settings_single_row', sql`${t.id}`),
    check('triage_settings_target_range', sql`${t.targetWorkingDays} between 1 and 60`),
  ],
);

export const CASE_EVENT_KINDS = [
  'received',
  'assigned',
  'status',
  'note',
  'correction',
  'attachment',
  'recontact_sent',
  'recontact_withdrawn',
  'referrer_answer',
  'referrer_added',
  'check',
  'assessment',
  'decision',
  'approval',
  'approval_returned',
  'explanation',
  'handover',
  'handover_accepted',
  'handover_returned',
  'link',
  'advice_reply',
] as const;
export type CaseEventKind = (typeof CASE_EVENT_KINDS)[number];

/**
 * The chronology of a referral or an advice request: every event, note and message in time order. Append-only (the
 * database refuses UPDATE and DELETE; the application's role has neither); a correction is a new entry pointing at the
 * entry it corrects.
 */
export const caseEvents = pgTable(
  'case_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    referralId: uuid('referral_id').references(() => referrals.id),
    adviceId: uuid('advice_id').references(() => adviceRequests.id),
    kind: text('kind', { enum: CASE_EVENT_KINDS }).notNull(),
    /** Who wrote it: a member of staff, the referrer (through a re-contact link) or the system. */
    authorKind: text('author_kind', { enum: ['staff', 'referrer', 'system'] }).notNull(),
    authorId: uuid('author_id').references(() => staffUsers.id),
    /** Free text shown in the chronology (a note, a message, a rationale). */
    body: text('body'),
    /** Structured facts of the event (states, ids of the decision, attachment, recipients…), never shown raw. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    correctsId: bigint('corrects_id', { mode: 'number' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('case_events_kind', sql.raw(`kind in (${CASE_EVENT_KINDS.map((k) => `'${k}'`).join(', ')})`)),
    foreignKey({ columns: [t.correctsId], foreignColumns: [t.id], name: 'case_events_corrects_fk' }),
    check('case_events_one_record', sql`(${t.referralId} is null) <> (${t.adviceId} is null)`),
    check('case_events_author', sql`(${t.authorKind} = 'staff') = (${t.authorId} is not null)`),
    check('case_events_correction_points', sql`(${t.kind} = 'correction') = (${t.correctsId} is not null)`),
    check('case_events_body_not_blank', sql`${t.body} is null or length(btrim(${t.body})) > 0`),
    index('case_events_referral_idx').on(t.referralId, t.id),
    index('case_events_advice_idx').on(t.adviceId, t.id),
  ],
);

export const ATTACHMENT_ROLES = ['attachment', 'original_email', 'original_form'] as const;

/**
 * Files kept with a case: attachments, and the original of a referral that arrived by e-mail. The type is checked from
 * the content; the bytes are stored here or in a configured folder (then only the path and hash). Never changed.
 */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id),
    role: text('role', { enum: ATTACHMENT_ROLES }).notNull(),
    fileName: text('file_name').notNull(),
    mediaType: text('media_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content'),
    storedPath: text('stored_path'),
    description: text('description'),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => staffUsers.id),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('attachments_role', sql`${t.role} in ('attachment', 'original_email', 'original_form')`),
    check('attachments_stored_once', sql`(${t.content} is null) <> (${t.storedPath} is null)`),
    check('attachments_size', sql`${t.sizeBytes} >= 0`),
    check('attachments_sha256', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check('attachments_name', sql`length(btrim(${t.fileName})) between 1 and 255`),
    index('attachments_referral_idx').on(t.referralId, t.createdAt),
  ],
);

/**
 * A link sent to the referrer: to answer an officer's question (single use, expires) or to add information later (from
 * the acknowledgement e-mail). Only the SHA-256 of the token is kept.
 */
export const recontactRequests = pgTable(
  'recontact_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id),
    purpose: text('purpose', { enum: ['question', 'add_information'] }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    question: text('question'),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    withdrawnAt: ts('withdrawn_at'),
  },
  (t) => [
    check('recontact_purpose', sql`${t.purpose} in ('question', 'add_information')`),
    check('recontact_question_asked', sql`(${t.purpose} = 'question') = (${t.question} is not null)`),
    check('recontact_officer_asks', sql`${t.purpose} <> 'question' or ${t.createdBy} is not null`),
    check('recontact_expiry_after_creation', sql`${t.expiresAt} > ${t.createdAt}`),
    check('recontact_token_hash', sql`${t.tokenHash} ~ '^[0-9a-f]{64}$'`),
    index('recontact_referral_idx').on(t.referralId),
  ],
);

/** Checks with partners and systems during information gathering: who was asked, when, and what came back. */
export const informationChecks = pgTable(
  'information_checks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id),
    source: text('source').notNull(),
    askedOn: date('asked_on', { mode: 'string' }).notNull(),
    askedBy: uuid('asked_by')
      .notNull()
      .references(() => staffUsers.id),
    request: text('request'),
    outcome: text('outcome', { enum: ['pending', 'nothing_known', 'information_held', 'declined'] })
      .notNull()
      .default('pending'),
    response: text('response'),
    respondedOn: date('responded_on', { mode: 'string' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    check(
      'information_checks_outcome',
      sql`${t.outcome} in ('pending', 'nothing_known', 'information_held', 'declined')`,
    ),
    check('information_checks_answered', sql`(${t.outcome} = 'pending') = (${t.respondedOn} is null)`),
    check('information_checks_source', sql`length(btrim(${t.source})) > 0`),
    index('information_checks_referral_idx').on(t.referralId),
  ],
);

/**
 * An assessment framework, versioned: sections of factors, the ratings offered, guidance. Seeded with the Vulnerability
 * Assessment Framework's three groups. A new version is a new row; assessments keep the version they were made with.
 */
export const assessmentFrameworks = pgTable(
  'assessment_frameworks',
  {
    code: text('code').notNull(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.code, t.version] }),
    check('assessment_frameworks_version', sql`${t.version} > 0`),
    uniqueIndex('assessment_frameworks_one_active')
      .on(t.code)
      .where(sql`active`),
  ],
);

/** One assessment of a referral against a framework version. Never changed: a repeat assessment is a new row. */
export const assessments = pgTable(
  'assessments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id),
    frameworkCode: text('framework_code').notNull(),
    frameworkVersion: integer('framework_version').notNull(),
    /** Factor code → { rating, rationale }, and the free-text sections. */
    answers: jsonb('answers').$type<Record<string, unknown>>().notNull(),
    summary: text('summary').notNull(),
    previousId: uuid('previous_id'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => staffUsers.id),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('assessments_summary', sql`length(btrim(${t.summary})) > 0`),
    index('assessments_referral_idx').on(t.referralId, t.createdAt),
  ],
);

export const DECISION_OUTCOMES = ['no_further_action', 'signposted', 'police_led', 'channel'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/**
 * A threshold decision, with its rationale. "Does not meet the threshold" outcomes and decisions on repeat referrals
 * need a Prevent supervisor's approval before they take effect (set by the database, not by the form), and the approver
 * is never the officer who made it.
 */
export const decisions = pgTable(
  'decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id),
    outcome: text('outcome', { enum: DECISION_OUTCOMES }).notNull(),
    /** The service the person is signposted or referred on to (required for 'signposted'). */
    referredTo: text('referred_to'),
    rationale: text('rationale').notNull(),
    madeBy: uuid('made_by')
      .notNull()
      .references(() => staffUsers.id),
    madeAt: ts('made_at').notNull().defaultNow(),
    /** Filled by the database from the referral when the decision is recorded. */
    onRepeat: boolean('on_repeat').notNull().default(false),
    requiresApproval: boolean('requires_approval').notNull().default(true),
    approval: text('approval', { enum: ['not_required', 'pending', 'approved', 'returned'] }).notNull(),
    reviewedBy: uuid('reviewed_by').references(() => staffUsers.id),
    reviewedAt: ts('reviewed_at'),
    reviewComment: text('review_comment'),
  },
  (t) => [
    check('decisions_outcome', sql`${t.outcome} in ('no_further_action', 'signposted', 'police_led', 'channel')`),
    check('decisions_approval', sql`${t.approval} in ('not_required', 'pending', 'approved', 'returned')`),
    check('decisions_referred_to', sql`(${t.outcome} = 'signposted') = (${t.referredTo} is not null)`),
    check('decisions_rationale', sql`length(btrim(${t.rationale})) >= 10`),
    check(
      'decisions_approval_needed',
      sql`${t.requiresApproval} = (${t.outcome} in ('no_further_action', 'signposted') or ${t.onRepeat})`,
    ),
    check('decisions_approval_fits', sql`(${t.approval} = 'not_required') = (not ${t.requiresApproval})`),
    check(
      'decisions_reviewed',
      sql`(${t.approval} in ('approved', 'returned')) = (${t.reviewedBy} is not null and ${t.reviewedAt} is not null)`,
    ),
    check('decisions_return_explained', sql`${t.approval} <> 'returned' or ${t.reviewComment} is not null`),
    check('decisions_four_eyes', sql`${t.reviewedBy} is null or ${t.reviewedBy} <> ${t.madeBy}`),
    index('decisions_referral_idx').on(t.referralId, t.madeAt),
    uniqueIndex('decisions_one_pending')
      .on(t.referralId)
      .where(sql`approval = 'pending'`),
    index('decisions_pending_idx')
      .on(t.madeAt)
      .where(sql`approval = 'pending'`),
  ],
);

/** Editable wording for the explanation sent to a referrer when the criteria are not met (per audience). */
export const letterTemplates = pgTable(
  'letter_templates',
  {
    code: text('code').primaryKey(),
    audience: text('audience', { enum: ['public', 'professional'] }).notNull(),
    title: text('title').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    updatedBy: uuid('updated_by').references(() => staffUsers.id),
  },
  (t) => [check('letter_templates_audience', sql`${t.audience} in ('public', 'professional')`)],
);

/** What was sent to the referrer to explain a decision: kept as sent, and logged as a disclosure. */
export const explanations = pgTable(
  'explanations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id),
    decisionId: uuid('decision_id')
      .notNull()
      .references(() => decisions.id),
    audience: text('audience', { enum: ['public', 'professional'] }).notNull(),
    channel: text('channel', { enum: ['email', 'letter'] }).notNull(),
    templateCode: text('template_code').references(() => letterTemplates.code),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** The outbox message (e-mail) that carries it. */
    outboxId: uuid('outbox_id'),
    sentBy: uuid('sent_by')
      .notNull()
      .references(() => staffUsers.id),
    sentAt: ts('sent_at').notNull().defaultNow(),
  },
  (t) => [
    check('explanations_audience', sql`${t.audience} in ('public', 'professional')`),
    check('explanations_channel', sql`${t.channel} in ('email', 'letter')`),
    check('explanations_email_queued', sql`(${t.channel} = 'email') = (${t.outboxId} is not null)`),
    check('explanations_body', sql`length(btrim(${t.body})) > 0`),
    index('explanations_referral_idx').on(t.referralId),
  ],
);

/**
 * A hand-over of a referral to a council for Channel. Offering it shares the case with the council's coordinators (a
 * `case_shares` row and a disclosure log entry naming the recipients); the council accepts it or returns it with a reason.
 */
export const handovers = pgTable(
  'handovers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    /** The council the postcode table suggested (null: none could be suggested). */
    suggestedOrganisationId: uuid('suggested_organisation_id').references(() => organisations.id),
    /** Why the officer chose another council than the suggested one. */
    overrideReason: text('override_reason'),
    status: text('status', { enum: ['offered', 'accepted', 'returned'] })
      .notNull()
      .default('offered'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => staffUsers.id),
    createdAt: ts('created_at').notNull().defaultNow(),
    respondedBy: uuid('responded_by').references(() => staffUsers.id),
    respondedAt: ts('responded_at'),
    returnReason: text('return_reason'),
  },
  (t) => [
    check('handovers_status', sql`${t.status} in ('offered', 'accepted', 'returned')`),
    check('handovers_responded', sql`(${t.status} = 'offered') = (${t.respondedAt} is null)`),
    check('handovers_return_reason', sql`(${t.status} = 'returned') = (${t.returnReason} is not null)`),
    check(
      'handovers_override_explained',
      sql`${t.suggestedOrganisationId} is null or ${t.suggestedOrganisationId} = ${t.organisationId} or ${t.overrideReason} is not null`,
    ),
    uniqueIndex('handovers_one_current')
      .on(t.referralId)
      .where(sql`status in ('offered', 'accepted')`),
    index('handovers_organisation_idx').on(t.organisationId, t.status),
  ],
);
