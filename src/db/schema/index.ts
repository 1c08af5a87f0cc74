/**
 * The database schema (Drizzle), one module per area; this module re-exports them all, and it is what the rest of the
 * code imports (`db/schema/index.js`) and what drizzle-kit reads (drizzle.config.ts points at this folder).
 *
 * - intake.ts: reference data for the forms, case references, drafts, referrals, advice requests
 * - staff.ts: organisations, staff users and roles, sign-in (password resets, recovery codes, throttle), sessions,
 *   access reasons
 * - access-log.ts: the s.62 access log and its seal (hash chain)
 * - outbox.ts: the e-mail outbox
 * - triage.ts: case shares, referral links, postcode councils, and the triage workflow tables
 *
 * Every table of the public schema is declared here (the SQL migrations add triggers, functions, roles and indexes, but
 * no table of their own); drizzle's migration journal lives in the `drizzle` schema and pg-boss's tables in `pgboss`.
 * What each column holds in terms of personal data is in ../personal-data.ts, which a test keeps in step.
 */

export * from './intake.js';
export * from './staff.js';
export * from './access-log.js';
export * from './outbox.js';
export * from './triage.js';
