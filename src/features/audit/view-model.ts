import type { AccessLogPage, AccessLogRow } from '../../access-log/queries.js';
import { ACCESS_ACTIONS, type AccessAction } from '../../db/schema/index.js';
import { formatLondon } from '../../lib/dates.js';
import type { ParsedFilters } from './filters.js';
import { describeProblem, type ChainProblem } from '../../access-log/verify.js';
import type { ChainStatus } from '../../access-log/seal.js';
import { referenceInputModel } from '../../views/reference-field.js';

/** The six kinds of processing the DPA 2018 s.62 log records, as the data protection officer reads them. */
export const ACTION_LABELS: Record<AccessAction, string> = {
  collection: 'Collection',
  alteration: 'Alteration',
  consultation: 'Consultation',
  disclosure: 'Disclosure',
  combination: 'Combination',
  erasure: 'Erasure',
};

const RECORD_TYPE_LABELS: Record<string, string> = {
  referral: 'Referral',
  advice: 'Advice request',
  access_log: 'Access log',
  staff_user: 'Staff account',
};

const CHANNEL_LABELS: Record<string, string> = {
  online: 'Online form',
  'staff-web': 'Staff website',
  email: 'Email',
  phone: 'Phone',
  post: 'Post',
};

export interface EntryView {
  id: number;
  when: string;
  action: string;
  /** What was done, from the entry's detail (field names, routes, counts: never personal data). */
  detail: string[];
  /** The case reference (links to every access to that record), or what kind of record it was. */
  reference: string | null;
  recordLabel: string;
  who: string;
  organisation: string;
  channel: string;
  justification: string;
  recipients: string;
}

function detailLines(detail: Record<string, unknown>): string[] {
  return Object.entries(detail).map(([k, v]) => {
    const text = `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`;
    return text.length > 200 ? `${text.slice(0, 199)}…` : text;
  });
}

export function entryView(e: AccessLogRow): EntryView {
  return {
    id: e.id,
    when: formatLondon(e.occurredAt, true),
    action: ACTION_LABELS[e.action] ?? e.action,
    detail: detailLines(e.detail),
    reference: e.reference,
    recordLabel: RECORD_TYPE_LABELS[e.recordType] ?? e.recordType,
    who:
      e.actorType === 'public'
        ? 'Member of the public'
        : e.actorType === 'system'
          ? 'System'
          : (e.actorName ?? 'Staff member (unknown account)'),
    organisation: e.organisationName ?? e.organisation ?? '',
    channel: e.channel ? (CHANNEL_LABELS[e.channel] ?? e.channel) : '',
    justification: e.justification ?? '',
    recipients: e.recipients.join(', '),
  };
}

/** govukPagination parameters (newer and older entries), or undefined when everything fits on one page. */
export function paginationModel(
  page: AccessLogPage,
  path: string,
  query: string,
): { previous?: { href: string; text: string }; next?: { href: string; text: string } } | undefined {
  const link = (key: 'before' | 'after', id: number) => `${path}?${query ? `${query}&` : ''}${key}=${id}`;
  const first = page.entries[0];
  const last = page.entries[page.entries.length - 1];
  const out: { previous?: { href: string; text: string }; next?: { href: string; text: string } } = {};
  if (page.newer)
    out.previous = { href: first ? link('after', first.id) : path + (query ? `?${query}` : ''), text: 'Newer entries' };
  if (page.older && last) out.next = { href: link('before', last.id), text: 'Older entries' };
  return out.previous || out.next ? out : undefined;
}

type Err = { text: string } | undefined;
const err = (errors: Record<string, string>, id: string): Err => (errors[id] ? { text: errors[id] } : undefined);

function dateInput(parsed: ParsedFilters, prefix: 'from' | 'to', legend: string) {
  const message = parsed.errors[`${prefix}-day`] ?? parsed.errors[`${prefix}-month`] ?? parsed.errors[`${prefix}-year`];
  const parts = ['day', 'month', 'year'] as const;
  const empty = parts.filter((p) => parsed.values[`${prefix}-${p}`] === '');
  const marked = message ? (empty.length && empty.length < 3 ? empty : parts) : [];
  return {
    id: prefix,
    namePrefix: prefix,
    fieldset: { legend: { text: legend, classes: 'govuk-fieldset__legend--s' } },
    hint: { text: 'For example, 27 3 2026' },
    errorMessage: message ? { text: message } : undefined,
    items: parts.map((p) => ({
      name: p,
      label: p === 'day' ? 'Day' : p === 'month' ? 'Month' : 'Year',
      value: parsed.values[`${prefix}-${p}`],
      classes: `govuk-input--width-${p === 'year' ? 4 : 2}${(marked as readonly string[]).includes(p) ? ' govuk-input--error' : ''}`,
      inputmode: 'numeric',
    })),
  };
}

/** The filter form's govuk-frontend parameters. */
export function filterFormModel(
  parsed: ParsedFilters,
  choices: {
    staff: { id: string; name: string; organisation: string }[];
    organisations: { code: string; name: string }[];
  },
) {
  const { values, errors } = parsed;
  return {
    reference: referenceInputModel(values.reference, errors.reference),
    action: {
      id: 'action',
      name: 'action',
      label: { text: 'What was done', classes: 'govuk-label--s' },
      items: [
        { value: '', text: 'Anything' },
        ...ACCESS_ACTIONS.map((a) => ({ value: a, text: ACTION_LABELS[a], selected: values.action === a })),
      ],
      errorMessage: err(errors, 'action'),
    },
    staff: {
      id: 'staff',
      name: 'staff',
      label: { text: 'Staff member', classes: 'govuk-label--s' },
      items: [
        { value: '', text: 'Anyone' },
        ...choices.staff.map((s) => ({
          value: s.id,
          text: `${s.name} (${s.organisation})`,
          selected: values.staff === s.id,
        })),
      ],
      errorMessage: err(errors, 'staff'),
    },
    organisation: {
      id: 'organisation',
      name: 'organisation',
      label: { text: 'Organisation', classes: 'govuk-label--s' },
      items: [
        { value: '', text: 'Any organisation' },
        ...choices.organisations.map((o) => ({
          value: o.code,
          text: o.name,
          selected: values.organisation === o.code,
        })),
      ],
      errorMessage: err(errors, 'organisation'),
    },
    from: dateInput(parsed, 'from', 'From'),
    to: dateInput(parsed, 'to', 'To'),
  };
}

export function errorList(errors: Record<string, string>): { text: string; href: string }[] {
  return Object.entries(errors).map(([id, text]) => ({ text, href: `#${id}` }));
}

export function countText(count: number, cap: number): string {
  if (count > cap) return `More than ${cap.toLocaleString('en-GB')} entries match.`;
  if (count === 0) return 'No entries match.';
  return `${count.toLocaleString('en-GB')} ${count === 1 ? 'entry matches' : 'entries match'}.`;
}

/** What the chain page shows about the last verification (kept in a signed cookie between the POST and the GET). */
export interface CheckSummary {
  at: string;
  ok: boolean;
  checked: number;
  lastSeq: number;
  anchor: string | null;
  problemCount: number;
  unsealed: number;
  grace: number;
  problems: ChainProblem[];
}

export function chainModel(status: ChainStatus, check: CheckSummary | undefined) {
  const rows = [
    {
      key: { text: 'Entries sealed' },
      value: { text: status.last ? status.last.seq.toLocaleString('en-GB') : 'None yet' },
    },
    {
      key: { text: 'Last sealed' },
      value: { text: status.last ? formatLondon(status.last.sealedAt, true) : 'Never' },
    },
    {
      key: { text: 'Waiting for their seal' },
      value: {
        text:
          status.unsealed === 0
            ? 'None'
            : `${status.unsealed.toLocaleString('en-GB')} (the oldest written ${formatLondon(status.oldestUnsealedAt!, true)})`,
      },
    },
  ];
  return {
    rows,
    anchor: status.last ? { seq: status.last.seq.toLocaleString('en-GB'), hash: status.last.hash } : undefined,
    check: check
      ? {
          ok: check.ok,
          at: formatLondon(check.at, true),
          summary: check.ok
            ? `The chain is intact: ${check.checked.toLocaleString('en-GB')} ${check.checked === 1 ? 'seal' : 'seals'} checked.`
            : `${check.problemCount.toLocaleString('en-GB')} ${check.problemCount === 1 ? 'problem' : 'problems'} found in ${check.checked.toLocaleString('en-GB')} ${check.checked === 1 ? 'seal' : 'seals'} checked.`,
          problems: check.problems.map((p) => describeProblem(p, check.grace)),
          more: check.problemCount - check.problems.length,
          anchor: check.anchor,
          lastSeq: check.lastSeq.toLocaleString('en-GB'),
        }
      : undefined,
  };
}
