/**
 * Triage tables (ADR 0016-0018): who a case is shared with, earlier-referral links, the postcode-to-council table, and
 * the workflow (settings, bank holidays, chronology, attachments, re-contact, checks, assessments, decisions, letter
 * templates, explanations, hand-overs). Migration 0009 adds the triggers that enforce what a CHECK cannot.
 */

import { sql } from 'drizzle-orm';
import {
  bigint,
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
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea, ts } from './columns.js';
import { referrals, adviceRequests } from './intake.js';
import { staffUsers, organisations } from './staff.js';

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
