/**
 * Staff: organisations, people, roles, sign-in (password resets, recovery codes, throttle), sessions and the reasons
 * given to open a case outside one's own work. People are disabled, never deleted (a trigger refuses DELETE), so the
 * access log's actor ids keep their meaning.
 */

import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { ts } from './columns.js';

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
