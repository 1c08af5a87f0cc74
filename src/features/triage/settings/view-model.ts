import { toIsoDate } from '../../../forms/fields.js';
import { cleanText } from '../../../forms/fields.js';
import { formatLondon } from '../../../lib/dates.js';
import { messages } from '../../../messages.js';
import { readForm, type FieldErrors } from '../../staff-auth/forms.js';
import { TARGET_MAX, TARGET_MIN, type BankHoliday, type TriageTarget } from './service.js';
import { formatDay } from '../queue/view-model.js';
import { londonDatePlus } from '../recontact/view-model.js';

const m = messages.triageSettings;
export const HOLIDAY_NAME_MAX = 100;

export type SettingsForm<T, V> = { ok: true; value: T } | { ok: false; values: V; errors: FieldErrors };

export interface TargetValues {
  workingDays: string;
}

/** The target form: a whole number of working days within the range the database allows. */
export function parseTargetForm(body: unknown): SettingsForm<number, TargetValues> {
  const { workingDays } = readForm(body, ['workingDays']);
  const text = workingDays.trim();
  const values = { workingDays: text.slice(0, 10) };
  if (!text) return { ok: false, values, errors: { workingDays: m.targetMissing } };
  if (!/^\d{1,3}$/.test(text)) return { ok: false, values, errors: { workingDays: m.targetNotNumber } };
  const n = Number(text);
  if (n < TARGET_MIN || n > TARGET_MAX)
    return { ok: false, values, errors: { workingDays: m.targetRange(TARGET_MIN, TARGET_MAX) } };
  return { ok: true, value: n };
}

export interface HolidayValues {
  'day-day': string;
  'day-month': string;
  'day-year': string;
  name: string;
}

/** A bank holiday to add: a real date, today or later (London), and its name. */
export function parseHolidayForm(body: unknown, today: string): SettingsForm<BankHoliday, HolidayValues> {
  const raw = readForm(body, ['day-day', 'day-month', 'day-year', 'name']);
  const values: HolidayValues = {
    'day-day': raw['day-day'].trim().slice(0, 10),
    'day-month': raw['day-month'].trim().slice(0, 10),
    'day-year': raw['day-year'].trim().slice(0, 10),
    name: cleanText(raw.name).replace(/\s+/g, ' ').trim(),
  };
  const errors: FieldErrors = {};
  const parts = { day: values['day-day'], month: values['day-month'], year: values['day-year'] };
  const iso = toIsoDate(parts);
  if (!parts.day && !parts.month && !parts.year) errors.day = m.dayMissing;
  else if (!iso || Number(parts.year) < 1900) errors.day = m.dayNotReal;
  else if (iso < today) errors.day = m.dayPast;
  if (!values.name) errors.name = m.nameMissing;
  else if (values.name.length > HOLIDAY_NAME_MAX) errors.name = m.nameTooLong(HOLIDAY_NAME_MAX);
  if (Object.keys(errors).length || !iso) return { ok: false, values, errors };
  return { ok: true, value: { day: iso, name: values.name } };
}

/** The target as the page states it. */
export function targetRows(target: TriageTarget) {
  return [
    {
      key: { text: 'Target' },
      value: { text: `${target.workingDays} working day${target.workingDays === 1 ? '' : 's'} from receipt` },
    },
    {
      key: { text: 'Last changed' },
      value: {
        text: target.updatedByName
          ? `${formatLondon(target.updatedAt, true)} by ${target.updatedByName}`
          : 'Not changed since the service was set up',
      },
    },
  ];
}

/**
 * A warning when the list of bank holidays ends less than a year from today: after its last date, every weekday counts
 * as a working day, so target dates would come a day early over a bank holiday nobody added.
 */
export function coverageWarning(last: string | null, now: Date): string | undefined {
  const yearAhead = londonDatePlus(now, 365);
  if (last && last >= yearAhead) return undefined;
  return last
    ? `Bank holidays are listed only up to ${formatDay(last)}. Add the next year’s from gov.uk/bank-holidays (England and Wales) so that target dates stay right.`
    : 'No bank holidays are listed. Add them from gov.uk/bank-holidays (England and Wales) so that target dates skip them.';
}

/** The bank holidays still to come, with a button to remove each (the form's action). */
export function holidayRows(holidays: readonly BankHoliday[]) {
  return holidays.map((h) => ({
    day: h.day,
    dayText: formatDay(h.day),
    name: h.name,
    removeAction: `/staff/triage/settings/bank-holidays/${h.day}/remove`,
  }));
}
