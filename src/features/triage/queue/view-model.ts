import { z } from 'zod';
import { formatLondon } from '../../../lib/dates.js';
import { messages } from '../../../messages.js';
import {
  OPEN_REFERRAL_STATES,
  type OpenState,
  type QueueFilters,
  type QueueItem,
  type WorkloadRow,
} from './service.js';
import { caseHref } from '../../cases/view-models/intake.js';
import { escapeHtml } from '../../../lib/html.js';

/** The triage queue page, its filters, the workload table and the assignment, reopening and reply forms. */

export const QUEUE_URL = '/staff/triage';
export const WORKLOAD_URL = '/staff/triage/workload';
export const QUEUE_PAGE_SIZE = 50;
const M = messages.triageQueue;

export const STATE_LABELS: Record<OpenState, string> = {
  new: 'New',
  in_triage: 'In triage',
  awaiting_information: 'Awaiting information',
  awaiting_approval: 'Awaiting approval',
};

const KIND_LABELS = { referral: 'Referral', advice: 'Advice request' } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CODE = /^[a-z0-9_-]{1,64}$/;

// ------------------------------------------------------------------------------------------------ working days

const DAY_MS = 86_400_000;

function dayNumber(ymd: string): number {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

/** Monday to Friday (day 0 is Thursday 1 January 1970). */
function isWeekday(day: number): boolean {
  const dow = (((day + 4) % 7) + 7) % 7; // 0 Sunday … 6 Saturday
  return dow !== 0 && dow !== 6;
}

/** Weekdays in [0, n). */
function weekdaysBefore(n: number): number {
  const weeks = Math.floor(n / 7);
  let count = weeks * 5;
  for (let d = weeks * 7; d < n; d++) if (isWeekday(d)) count++;
  return count;
}

/**
 * Working days after `from` up to and including `to` (YYYY-MM-DD each): weekdays that are not bank holidays, as the
 * database's `prevent_add_working_days` counts them. Zero when `to` is not after `from`.
 */
export function workingDaysBetween(from: string, to: string, holidays: readonly string[]): number {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (b <= a) return 0;
  let count = weekdaysBefore(b + 1) - weekdaysBefore(a + 1);
  for (const h of holidays) {
    const d = dayNumber(h);
    if (d > a && d <= b && isWeekday(d)) count--;
  }
  return count;
}

export interface Age {
  overdue: boolean;
  /** Working days past the target (overdue) or left before it. */
  workingDays: number;
  text: string;
}

/** How a case stands against its target date, today being `today` in London. */
export function ageAgainstTarget(dueOn: string, today: string, holidays: readonly string[]): Age {
  if (today > dueOn) {
    const n = workingDaysBetween(dueOn, today, holidays);
    return { overdue: true, workingDays: n, text: n === 0 ? 'Target date passed' : `${plural(n)} over` };
  }
  if (today === dueOn) return { overdue: false, workingDays: 0, text: 'Due today' };
  const n = workingDaysBetween(today, dueOn, holidays);
  return { overdue: false, workingDays: n, text: `${plural(n)} left` };
}

const plural = (n: number) => `${n} working day${n === 1 ? '' : 's'}`;

/** A YYYY-MM-DD date as "5 December 2026". */
export function formatDay(ymd: string): string {
  return formatLondon(new Date(`${ymd}T12:00:00Z`), false);
}

// ------------------------------------------------------------------------------------------------ filters

/** The filters as the form sends them (strings; empty means "all"). */
export interface FilterForm {
  state: string;
  officer: string;
  age: string;
  concern: string;
  type: string;
}

export interface ParsedQuery {
  form: FilterForm;
  page: number;
}

const one = (v: unknown): string =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';

/**
 * The queue's query string. Values that are not one of the choices count as "all" (a stale bookmark still shows the
 * queue); a page that is not a whole number from 1 is refused (undefined).
 */
export function parseQueueQuery(query: Record<string, unknown>): ParsedQuery | undefined {
  const rawPage = one(query.page);
  if (rawPage !== '' && !/^[1-9][0-9]{0,5}$/.test(rawPage)) return undefined;
  const state = one(query.state);
  const officer = one(query.officer);
  const age = one(query.age);
  const concern = one(query.concern);
  const type = one(query.type);
  return {
    page: rawPage === '' ? 1 : Number(rawPage),
    form: {
      state: (OPEN_REFERRAL_STATES as readonly string[]).includes(state) ? state : '',
      officer: officer === 'none' || officer === 'mine' || UUID.test(officer) ? officer.toLowerCase() : '',
      age: age === 'overdue' || age === 'soon' ? age : '',
      concern: CODE.test(concern) ? concern : '',
      type: type === 'referral' || type === 'advice' ? type : '',
    },
  };
}

/** The service's filters from the form ("Mine" is the signed-in person). */
export function queueFilters(form: FilterForm, userId: string): QueueFilters {
  return {
    state: form.state ? (form.state as OpenState) : undefined,
    officer:
      form.officer === 'none'
        ? { kind: 'none' }
        : form.officer === 'mine'
          ? { kind: 'officer', id: userId }
          : form.officer
            ? { kind: 'officer', id: form.officer }
            : undefined,
    age: form.age ? (form.age as 'overdue' | 'soon') : undefined,
    concern: form.concern || undefined,
    type: form.type ? (form.type as 'referral' | 'advice') : undefined,
  };
}

/** The filters that are set, for the access log (codes and ids only, never text anyone typed). */
export function filtersForLog(form: FilterForm): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([, v]) => v !== '')) as Record<string, string>;
}

/** The queue's address with these filters and page. */
export function queueHref(form: FilterForm, page = 1): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v) params.set(k, v);
  if (page > 1) params.set('page', String(page));
  const q = params.toString();
  return q ? `${QUEUE_URL}?${q}` : QUEUE_URL;
}

interface Option {
  value: string;
  text: string;
  selected?: boolean;
}

const options = (list: [string, string][], selected: string): Option[] =>
  list.map(([value, text]) => ({ value, text, ...(value === selected ? { selected: true } : {}) }));

/** govukSelect items for the filter form. */
export function filterSelects(
  form: FilterForm,
  officers: { id: string; displayName: string }[],
  concernTypes: { code: string; label: string }[],
): Record<keyof FilterForm, Option[]> {
  const officerList: [string, string][] = [
    ['', 'Anyone'],
    ['mine', 'Mine'],
    ['none', 'Not assigned'],
    ...officers.map((o): [string, string] => [o.id, o.displayName]),
  ];
  // An officer no longer in the list (disabled since the link was made) stays selectable.
  if (form.officer && !officerList.some(([v]) => v === form.officer))
    officerList.push([form.officer, 'Another officer']);
  return {
    state: options(
      [['', 'Any state'], ...OPEN_REFERRAL_STATES.map((s): [string, string] => [s, STATE_LABELS[s]])],
      form.state,
    ),
    officer: options(officerList, form.officer),
    age: options(
      [
        ['', 'Any'],
        ['overdue', 'Overdue'],
        ['soon', 'Due within 2 working days'],
      ],
      form.age,
    ),
    concern: options([['', 'Any type'], ...concernTypes.map((c): [string, string] => [c.code, c.label])], form.concern),
    type: options(
      [
        ['', 'Referrals and advice requests'],
        ['referral', 'Referrals'],
        ['advice', 'Advice requests'],
      ],
      form.type,
    ),
  };
}

export const anyFilter = (form: FilterForm): boolean => Object.values(form).some((v) => v !== '');

// ------------------------------------------------------------------------------------------------ the table

interface Cell {
  text?: string;
  html?: string;
  format?: 'numeric';
  classes?: string;
}

/** What a row offers: "Take" (a small form per row, with the page's CSRF token) and, for supervisors, "Assign". */
export interface RowAction {
  takeUrl?: string;
  assign?: { href: string; text: string };
  /** Visually hidden words that say which case the button or link is about. */
  label: string;
}

/**
 * govukTable parameters for one page of the queue: references, states, officers and dates; never a name of the public.
 * The template adds the last cell (the actions) from `actions`, since the take forms carry the page's CSRF token.
 */
export function queueTable(
  items: QueueItem[],
  today: string,
  holidays: readonly string[],
  opts: { canAssign: boolean },
): { head: Cell[]; rows: Cell[][]; actions: RowAction[] } {
  return {
    head: [
      { text: 'Reference' },
      { text: 'Type' },
      { text: 'State' },
      { text: 'Officer' },
      { text: 'Received' },
      { text: 'Target date' },
      { text: 'Against target' },
      { html: '<span class="govuk-visually-hidden">Actions</span>' },
    ],
    rows: items.map((item) => {
      const age = ageAgainstTarget(item.dueOn, today, holidays);
      return [
        {
          html: `<a class="govuk-link" href="${escapeHtml(caseHref(item.kind, item.reference))}">${escapeHtml(item.reference)}</a>`,
        },
        { text: KIND_LABELS[item.kind] },
        { text: STATE_LABELS[item.status] },
        { text: item.officerName ?? 'Not assigned' },
        { text: formatLondon(item.receivedAt, false) },
        { text: formatDay(item.dueOn) },
        {
          html: age.overdue
            ? `<strong class="govuk-tag govuk-tag--red">Overdue</strong> ${escapeHtml(age.text)}`
            : escapeHtml(age.text),
        },
      ];
    }),
    actions: items.map((item) => {
      const href = caseHref(item.kind, item.reference);
      return {
        label: `${KIND_LABELS[item.kind].toLowerCase()} ${item.reference}`,
        ...(item.officerId === null ? { takeUrl: `${href}/take` } : {}),
        ...(opts.canAssign
          ? { assign: { href: `${href}/assign`, text: item.officerId === null ? 'Assign' : 'Reassign' } }
          : {}),
      };
    }),
  };
}

/** "Showing 51 to 100 of 123" (or "of more than 5,000"; or that nothing matches). */
export function queueCountText(total: number, page: number, shown: number, filtered: boolean, more = false): string {
  if (total === 0) return filtered ? M.noneMatch : M.empty;
  const first = (page - 1) * QUEUE_PAGE_SIZE + 1;
  const n = (x: number) => x.toLocaleString('en-GB');
  return more
    ? `Showing ${n(first)} to ${n(first + shown - 1)} of more than ${n(total)}. Use the filters to find what you need.`
    : `Showing ${n(first)} to ${n(first + shown - 1)} of ${n(total)}`;
}

export interface PaginationParams {
  previous?: { href: string };
  next?: { href: string };
  items: ({ number: string; href: string; current?: boolean } | { ellipsis: true })[];
  landmarkLabel: string;
}

/** govukPagination parameters keeping the filters; undefined when everything fits on one page. */
export function queuePagination(form: FilterForm, page: number, pages: number): PaginationParams | undefined {
  if (pages <= 1) return undefined;
  const shown = [...new Set([1, pages, page - 1, page, page + 1])].filter((n) => n >= 1 && n <= pages);
  shown.sort((a, b) => a - b);
  const items: PaginationParams['items'] = [];
  let before = 0;
  for (const n of shown) {
    if (n - before > 1) items.push({ ellipsis: true });
    items.push({ number: String(n), href: queueHref(form, n), ...(n === page ? { current: true } : {}) });
    before = n;
  }
  return {
    ...(page > 1 ? { previous: { href: queueHref(form, page - 1) } } : {}),
    ...(page < pages ? { next: { href: queueHref(form, page + 1) } } : {}),
    items,
    landmarkLabel: 'Pages of the triage queue',
  };
}

const REFERENCE = /^[2-9A-HJKMNP-Z]{8}$/;

/** The success banner after taking, assigning, reopening, answering or closing (from `?done=…&ref=…`). */
export function queueBanner(query: Record<string, unknown>, officerName: string | null): string | undefined {
  const done = one(query.done);
  const ref = one(query.ref);
  if (!REFERENCE.test(ref)) return undefined;
  switch (done) {
    case 'assigned':
      return M.assigned(ref, officerName ?? 'the officer');
    case 'advice-assigned':
      return M.adviceAssigned(ref, officerName ?? 'the officer');
    case 'reopened':
      return M.reopened(ref);
    case 'answered':
      return M.answered(ref);
    case 'closed':
      return M.closed(ref);
    default:
      return undefined;
  }
}

// ------------------------------------------------------------------------------------------------ workload

export interface WorkloadTable {
  head: Cell[];
  rows: Cell[][];
}

/**
 * The supervisor's workload: one row per officer (everyone in the team, then anyone else still holding work), the
 * unassigned row and the totals.
 */
export function workloadTable(
  rows: WorkloadRow[],
  advice: Map<string | null, number>,
  officers: { id: string; displayName: string }[],
  otherNames: Map<string, string>,
  today: string,
): WorkloadTable {
  type Line = { name: string; by: Record<OpenState, number>; overdue: number; oldest: string | null; advice: number };
  const blank = (name: string, adviceCount: number): Line => ({
    name,
    by: { new: 0, in_triage: 0, awaiting_information: 0, awaiting_approval: 0 },
    overdue: 0,
    oldest: null,
    advice: adviceCount,
  });
  const lines = new Map<string, Line>();
  for (const o of officers) lines.set(o.id, blank(o.displayName, advice.get(o.id) ?? 0));
  const unassigned = blank('Not assigned', advice.get(null) ?? 0);
  const lineFor = (id: string | null): Line => {
    if (id === null) return unassigned;
    let line = lines.get(id);
    if (!line) {
      line = blank(`${otherNames.get(id) ?? 'Unknown'} (no longer in the team)`, advice.get(id) ?? 0);
      lines.set(id, line);
    }
    return line;
  };
  for (const [id] of advice) lineFor(id);
  const total = blank('Total', 0);
  for (const r of rows) {
    for (const line of [lineFor(r.officerId), total]) {
      line.by[r.status] += r.count;
      line.overdue += r.overdue;
      if (line.oldest === null || r.oldestDue < line.oldest) line.oldest = r.oldestDue;
    }
  }
  const all = [...lines.values(), unassigned];
  total.advice = all.reduce((s, l) => s + l.advice, 0);
  const num = (n: number): Cell => ({ text: n.toLocaleString('en-GB'), format: 'numeric' });
  const cells = (l: Line, header: boolean): Cell[] => {
    const referrals = OPEN_REFERRAL_STATES.reduce((s, st) => s + l.by[st], 0);
    return [
      { text: l.name, ...(header ? { classes: 'govuk-!-font-weight-bold' } : {}) },
      ...OPEN_REFERRAL_STATES.map((st) => num(l.by[st])),
      num(referrals),
      l.overdue > 0
        ? {
            html: `<strong class="govuk-tag govuk-tag--red">${l.overdue.toLocaleString('en-GB')}</strong>`,
            format: 'numeric',
          }
        : num(0),
      { text: l.oldest ? `${formatDay(l.oldest)}${l.oldest < today ? ' (overdue)' : ''}` : '–' },
      num(l.advice),
    ];
  };
  return {
    head: [
      { text: 'Officer' },
      ...OPEN_REFERRAL_STATES.map((s): Cell => ({ text: STATE_LABELS[s], format: 'numeric' })),
      { text: 'Open referrals', format: 'numeric' },
      { text: 'Overdue', format: 'numeric' },
      { text: 'Oldest target date' },
      { text: 'Advice requests to answer', format: 'numeric' },
    ],
    rows: [...all.map((l) => cells(l, false)), cells(total, true)],
  };
}

// ------------------------------------------------------------------------------------------------ forms

const text = (max: number) =>
  z
    .unknown()
    .transform((v) => (typeof v === 'string' ? v.replace(/\r\n/g, '\n').trim() : ''))
    .pipe(z.string().max(max));

export interface FieldError {
  text: string;
  href: string;
}

export type AssignParse =
  | { ok: true; officerId: string; reason: string | null }
  | { ok: false; officerId: string; reason: string; errors: Record<string, string> };

export const REASON_MAX = 2000;

/** The assignment form: an officer from the team, and a reason when the case moves from another officer. */
export function parseAssignBody(
  body: unknown,
  opts: { officerIds: readonly string[]; currentOfficerId: string | null },
): AssignParse {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const officerId = typeof b.officer === 'string' ? b.officer : '';
  const reasonRaw = typeof b.reason === 'string' ? b.reason.replace(/\r\n/g, '\n').trim() : '';
  const errors: Record<string, string> = {};
  if (!officerId) errors.officer = M.officerMissing;
  else if (!opts.officerIds.includes(officerId)) errors.officer = M.officerUnknown;
  const reassigning = opts.currentOfficerId !== null && officerId !== opts.currentOfficerId;
  if (reassigning && reasonRaw === '') errors.reason = M.reassignReasonMissing;
  if (reasonRaw.length > REASON_MAX) errors.reason = M.reasonTooLong(REASON_MAX);
  if (Object.keys(errors).length) return { ok: false, officerId, reason: reasonRaw, errors };
  return { ok: true, officerId, reason: reasonRaw || null };
}

export const REOPEN_MIN = 10;

export function parseReopenBody(
  body: unknown,
): { ok: true; reason: string } | { ok: false; reason: string; error: string } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const parsed = text(100_000).safeParse(b.reason);
  const reason = parsed.success ? parsed.data : '';
  if (reason === '') return { ok: false, reason, error: M.reopenReasonMissing };
  if (reason.length < REOPEN_MIN) return { ok: false, reason, error: M.reopenReasonTooShort(REOPEN_MIN) };
  if (reason.length > REASON_MAX) return { ok: false, reason, error: M.reasonTooLong(REASON_MAX) };
  return { ok: true, reason };
}

export const REPLY_MAX = 5000;

export type ReplyParse =
  | { ok: true; channel: 'email' | 'phone'; text: string }
  | { ok: false; channel: string; text: string; errors: Record<string, string> };

/**
 * The reply form. `channels`: how the asker can be answered (e-mail if they gave an address, phone if they gave a
 * number). With both, the officer chooses; with one, it is that one.
 */
export function parseReplyBody(
  body: unknown,
  channels: readonly ('email' | 'phone')[],
  personal: (text: string) => ('email' | 'phone' | 'name')[],
): ReplyParse {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const rawChannel = channels.length === 1 ? channels[0]! : typeof b.channel === 'string' ? b.channel : '';
  const reply = typeof b.reply === 'string' ? b.reply.replace(/\r\n/g, '\n').trim() : '';
  const errors: Record<string, string> = {};
  const channel = (channels as readonly string[]).includes(rawChannel) ? (rawChannel as 'email' | 'phone') : undefined;
  if (!channel) errors.channel = M.channelMissing;
  if (reply === '') errors.reply = channel === 'phone' ? M.phoneSummaryMissing : M.replyMissing;
  else if (reply.length > REPLY_MAX) errors.reply = M.replyTooLong(REPLY_MAX);
  else if (channel === 'email') {
    const found = personal(reply);
    if (found.length) errors.reply = M.replyHasPersonalData(found);
  }
  if (!channel || Object.keys(errors).length) return { ok: false, channel: rawChannel, text: reply, errors };
  return { ok: true, channel, text: reply };
}

/** The error summary's entries, in the order of the fields on the page. */
export function summaryOf(errors: Record<string, string>, order: readonly string[]): FieldError[] {
  return order.filter((k) => errors[k]).map((k) => ({ text: errors[k]!, href: `#${k}` }));
}
