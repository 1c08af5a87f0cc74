/**
 * Intake tables: what the public (and staff, for e-mail, phone and post) send in. Reference data for the forms (types of
 * concern, referrer sectors), the one namespace of public references, drafts of journeys in progress, referrals and
 * advice requests. Who may read them, and what is logged, is in src/policies and src/access-log.
 */

import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgTable, smallint, text, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';
import { staffUsers } from './staff.js';

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
