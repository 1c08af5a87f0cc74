import { toIsoDate } from '../../../forms/fields.js';
import { z } from 'zod';
import { parseForm, staffForm, type FormFailure } from '../../../forms/kit.js';
import { formatLondon } from '../../../lib/dates.js';
import { messages } from '../../../messages.js';
import { TARGET_MAX, TARGET_MIN, type BankHoliday, type TriageTarget } from './service.js';
import { formatDay } from '../queue/view-model.js';
import { londonDatePlus } from '../recontact/view-model.js';

const m = messages.triageSettings;
export const HOLIDAY_NAME_MAX = 100;

export type SettingsForm<T, V> = { ok: true; value: T } | FormFailure<V>;

export interface TargetValues {
  workingDays: string;
}

/** The target form: a whole number of working days within the range the database allows. */
export const targetForm = staffForm(
  {
    workingDays: z
      .string()
      .min(1, m.targetMissing)
      .refine((t) => !t || /^\d{1,3}$/.test(t), m.targetNotNumber)
      .refine((t) => !/^\d{1,3}$/.test(t) || (Number(t) >= TARGET_MIN && Number(t) <= TARGET_MAX), {
        message: m.targetRange(TARGET_MIN, TARGET_MAX),
      }),
  },
  { clean: { workingDays: (t) => t.slice(0, 10) } },
);

export function parseTargetForm(body: unknown): SettingsForm<number, TargetValues> {
  const form = parseForm(targetForm, body);
  return form.ok ? { ok: true, value: Number(form.values.workingDays) } : form;
}

export interface HolidayValues {
  'day-day': string;
  'day-month': string;
  'day-year': string;
  name: string;
}

const part = (p: string) => p.slice(0, 10);
const dayOf = (v: HolidayValues) => ({ day: v['day-day'], month: v['day-month'], year: v['day-year'] });

/** A bank holiday to add: a real date, today or later (London), and its name. */
export function holidayForm(today: string) {
  return staffForm(
    {
      'day-day': z.string(),
      'day-month': z.string(),
      'day-year': z.string(),
      name: z.string().min(1, m.nameMissing).max(HOLIDAY_NAME_MAX, m.nameTooLong(HOLIDAY_NAME_MAX)),
    },
    {
      check(v, issue) {
        const parts = dayOf(v);
        const iso = toIsoDate(parts);
        if (!parts.day && !parts.month && !parts.year) issue('day', m.dayMissing);
        else if (!iso || Number(parts.year) < 1900) issue('day', m.dayNotReal);
        else if (iso < today) issue('day', m.dayPast);
      },
      order: ['day', 'name'],
      anchors: { day: 'day-day' },
      clean: { 'day-day': part, 'day-month': part, 'day-year': part, name: (n) => n.replace(/\s+/g, ' ') },
    },
  );
}

/** The page's two forms' errors in page order, for its one error summary. */
export const settingsPage = staffForm({}, { order: ['workingDays', 'day', 'name'], anchors: { day: 'day-day' } });

export function parseHolidayForm(body: unknown, today: string): SettingsForm<BankHoliday, HolidayValues> {
  const form = parseForm(holidayForm(today), body);
  return form.ok ? { ok: true, value: { day: toIsoDate(dayOf(form.values))!, name: form.values.name } } : form;
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
