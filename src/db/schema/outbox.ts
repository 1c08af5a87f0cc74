/** The e-mail outbox (ADR 0007): written in the same transaction as what caused a message, delivered by the worker. */

import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';

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
