import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

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
  },
  (t) => [
    check('advice_source', sql`${t.source} in ('online', 'email', 'phone', 'post')`),
    check('advice_status', sql`${t.status} in ('new', 'answered', 'closed')`),
    check('advice_online_has_draft', sql`${t.source} <> 'online' or ${t.draftId} is not null`),
    check('advice_question_present', sql`length(btrim(${t.question})) > 0`),
    check('advice_asker_type', sql`${t.askerType} in ('public', 'professional')`),
    check('advice_contactable', sql`${t.askerEmail} is not null or ${t.askerPhone} is not null`),
    index('advice_received_at_idx').on(t.receivedAt),
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
