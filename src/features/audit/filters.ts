import { z } from 'zod';
import { ACCESS_ACTIONS, type AccessAction } from '../../db/schema/index.js';
import type { AccessLogFilters } from '../../access-log/queries.js';
import { toIsoDate } from '../../forms/fields.js';
import { messages } from '../../messages.js';

/** A case reference: 8 characters from an alphabet without look-alikes. */
export const REFERENCE_PATTERN = /^[2-9A-HJKMNP-Z]{8}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The filter form's fields, as they appear in the query string (ids, references, codes and dates: never a name). */
export const FILTER_FIELDS = [
  'reference',
  'action',
  'staff',
  'organisation',
  'from-day',
  'from-month',
  'from-year',
  'to-day',
  'to-month',
  'to-year',
] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

/** Query-string values: a repeated parameter counts as its first value; anything long is cut (it is invalid anyway). */
const param = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).slice(0, 100).trim());

const querySchema = z.object(
  Object.fromEntries(FILTER_FIELDS.map((f) => [f, param])) as Record<FilterField, typeof param>,
);

const cursor = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => {
    const s = Array.isArray(v) ? v[0] : v;
    return s !== undefined && /^[1-9]\d{0,15}$/.test(s) ? Number(s) : undefined;
  });
const cursorSchema = z.object({ before: cursor, after: cursor });

export interface ParsedFilters {
  filters: AccessLogFilters;
  /** What the person typed or chose, to show again. */
  values: Record<FilterField, string>;
  /** Field id in the page → message, in the order of the form. */
  errors: Record<string, string>;
  /** The filters as a query string (for the export link and the pages), without the page cursor. */
  query: string;
  /** Whether any filter is set. */
  any: boolean;
}

export interface FilterChoices {
  staffIds: ReadonlySet<string>;
  organisationCodes: ReadonlySet<string>;
}

/** A reference as people type it: spaces and hyphens ignored, any case. */
export function normaliseReference(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

function parseDay(
  values: Record<FilterField, string>,
  prefix: 'from' | 'to',
  label: string,
  errors: Record<string, string>,
): string | undefined {
  const v = { day: values[`${prefix}-day`], month: values[`${prefix}-month`], year: values[`${prefix}-year`] };
  const missing = (['day', 'month', 'year'] as const).filter((p) => v[p] === '');
  if (missing.length === 3) return undefined;
  if (missing.length > 0) {
    errors[`${prefix}-${missing[0]}`] = messages.date.missingPart(label, missing.join(' and '));
    return undefined;
  }
  const iso = toIsoDate(v);
  if (!iso) {
    errors[`${prefix}-day`] = messages.date.notReal(label);
    return undefined;
  }
  if (Number(v.year) < 1900) {
    errors[`${prefix}-year`] = messages.date.tooOld(label);
    return undefined;
  }
  return iso;
}

/** Reads the filter form from a query string. Never throws: every problem becomes a message for its field. */
export function parseFilters(query: unknown, choices: FilterChoices): ParsedFilters {
  const values = querySchema.parse(query && typeof query === 'object' ? query : {});
  const errors: Record<string, string> = {};
  const filters: AccessLogFilters = {};
  if (values.reference) {
    const ref = normaliseReference(values.reference);
    if (REFERENCE_PATTERN.test(ref)) filters.reference = ref;
    else errors.reference = messages.audit.referenceFormat;
  }
  if (values.action) {
    if ((ACCESS_ACTIONS as readonly string[]).includes(values.action)) filters.action = values.action as AccessAction;
    else errors.action = messages.invalidChoice('an action');
  }
  if (values.staff) {
    if (UUID.test(values.staff) && choices.staffIds.has(values.staff)) filters.actorId = values.staff;
    else errors.staff = messages.invalidChoice('a staff member');
  }
  if (values.organisation) {
    if (choices.organisationCodes.has(values.organisation)) filters.organisation = values.organisation;
    else errors.organisation = messages.invalidChoice('an organisation');
  }
  const from = parseDay(values, 'from', 'the start date', errors);
  const to = parseDay(values, 'to', 'the end date', errors);
  if (from) filters.from = from;
  if (to) filters.to = to;
  if (from && to && to < from) errors['to-day'] = messages.audit.endBeforeStart;

  const params = new URLSearchParams();
  for (const f of FILTER_FIELDS)
    if (values[f]) params.append(f, f === 'reference' ? normaliseReference(values[f]) : values[f]);
  return {
    filters,
    values,
    errors,
    query: params.toString(),
    any: Object.keys(filters).length > 0,
  };
}

export function parseCursor(query: unknown): { before?: number; after?: number } {
  const parsed = cursorSchema.parse(query && typeof query === 'object' ? query : {});
  if (parsed.after !== undefined) return { after: parsed.after };
  if (parsed.before !== undefined) return { before: parsed.before };
  return {};
}

/** The filters as the export records them: ids, references, codes and dates only. */
export function filtersForLog(filters: AccessLogFilters): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (filters.reference) out.reference = filters.reference;
  if (filters.action) out.action = filters.action;
  if (filters.actorId) out.staffId = filters.actorId;
  if (filters.organisation) out.organisation = filters.organisation;
  if (filters.from) out.from = filters.from;
  if (filters.to) out.to = filters.to;
  if (filters.records) out.records = filters.records.map((r) => ({ recordType: r.recordType, recordId: r.recordId }));
  return out;
}
