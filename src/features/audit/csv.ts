import type { AccessLogRow } from '../../access-log/queries.js';

/**
 * One CSV cell (RFC 4180), safe to open in a spreadsheet: a value starting with = + - @, a tab or a carriage return
 * could be run as a formula, so it gets a leading apostrophe (OWASP's advice); quotes, commas and line breaks are quoted.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

export const ACCESS_LOG_CSV_HEADER = [
  'id',
  'occurred_at_utc',
  'action',
  'record_type',
  'record_id',
  'reference',
  'actor_type',
  'actor_id',
  'actor_name',
  'organisation',
  'channel',
  'justification',
  'recipients',
  'detail',
] as const;

export function accessLogCsvLine(e: AccessLogRow): string {
  return csvLine([
    e.id,
    e.occurredAtUtc,
    e.action,
    e.recordType,
    e.recordId,
    e.reference,
    e.actorType,
    e.actorId,
    e.actorName,
    e.organisation,
    e.channel,
    e.justification,
    e.recipients.join('; '),
    JSON.stringify(e.detail),
  ]);
}
