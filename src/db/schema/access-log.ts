/**
 * The DPA 2018 s.62 log and the hash chain that seals it (ADR 0014). Both append-only: the database refuses UPDATE,
 * DELETE and TRUNCATE. Written only through src/access-log.
 */

import { sql } from 'drizzle-orm';
import { bigint, check, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';

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
