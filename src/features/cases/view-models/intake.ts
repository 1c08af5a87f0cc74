import type { IntakeItem } from '../queries/intake.js';
import { formatLondon } from '../../../lib/dates.js';
import { escapeHtml } from '../../../lib/html.js';

/** How many items one page of the intake list shows. */
export const INTAKE_PAGE_SIZE = 50;

/** How a case came to us, as the team says it. */
export const CHANNEL_LABELS: Record<IntakeItem['source'], string> = {
  online: 'Online form',
  email: 'E-mail',
  phone: 'Phone',
  post: 'Post',
};

export const KIND_LABELS: Record<IntakeItem['kind'], string> = {
  referral: 'Referral',
  advice: 'Advice request',
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days since it was received (0 on the day itself; never negative, even with a clock a little ahead). */
export function ageInDays(receivedAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - receivedAt.getTime()) / DAY_MS));
}

/** The staff page of a case. */
export function caseHref(kind: IntakeItem['kind'], reference: string): string {
  return `/staff/${kind === 'referral' ? 'referrals' : 'advice'}/${encodeURIComponent(reference)}`;
}

/**
 * The `?page=` of the list: absent or empty means the first page; anything but a whole number from 1 (no sign, no
 * leading zero, at most 6 digits) is refused (undefined).
 */
export function parsePage(raw: unknown): number | undefined {
  if (raw === undefined || raw === '') return 1;
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,5}$/.test(raw)) return undefined;
  return Number(raw);
}

export function lastPage(total: number, perPage = INTAKE_PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / perPage));
}

interface Cell {
  text?: string;
  html?: string;
  format?: 'numeric';
}

/** govukTable parameters for one page of the queue: reference and facts only, never a name or what was written. */
export function intakeTable(items: IntakeItem[], now: Date): { head: Cell[]; rows: Cell[][] } {
  return {
    head: [
      { text: 'Reference' },
      { text: 'Type' },
      { text: 'Received' },
      { text: 'Age in days', format: 'numeric' },
      { text: 'Channel' },
      { text: 'Assigned to' },
    ],
    rows: items.map((item) => [
      {
        html: `<a class="govuk-link app-reference-link" href="${escapeHtml(caseHref(item.kind, item.reference))}">${escapeHtml(item.reference)}</a>`,
      },
      { text: KIND_LABELS[item.kind] },
      { text: formatLondon(item.receivedAt, true) },
      { text: String(ageInDays(item.receivedAt, now)), format: 'numeric' },
      { text: CHANNEL_LABELS[item.source] },
      {
        text: item.kind === 'advice' ? 'Whole team' : (item.assignedOfficerName ?? 'Unassigned'),
      },
    ]),
  };
}

export interface PaginationParams {
  previous?: { href: string };
  next?: { href: string };
  items: ({ number: string; href: string; current?: boolean } | { ellipsis: true })[];
  landmarkLabel: string;
}

function pageHref(base: string, page: number): string {
  return page === 1 ? base : `${base}?page=${page}`;
}

/**
 * govukPagination parameters: previous and next, the first and last pages, the current one and its neighbours, and
 * ellipses for the gaps. Undefined when everything fits on one page.
 */
export function pagination(base: string, page: number, pages: number): PaginationParams | undefined {
  if (pages <= 1) return undefined;
  const shown = new Set([1, pages, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pages));
  const numbers = [...shown].sort((a, b) => a - b);
  const items: PaginationParams['items'] = [];
  let before = 0;
  for (const n of numbers) {
    if (n - before > 1) items.push({ ellipsis: true });
    items.push({ number: String(n), href: pageHref(base, n), ...(n === page ? { current: true } : {}) });
    before = n;
  }
  return {
    ...(page > 1 ? { previous: { href: pageHref(base, page - 1) } } : {}),
    ...(page < pages ? { next: { href: pageHref(base, page + 1) } } : {}),
    items,
    landmarkLabel: 'Pages of the intake list',
  };
}

/** "Showing 51 to 100 of 123 waiting" (or that nothing is waiting). */
export function intakeCountText(total: number, page: number, shownOnPage: number, perPage = INTAKE_PAGE_SIZE): string {
  if (total === 0) return 'Nothing is waiting: there are no new referrals or advice requests.';
  const first = (page - 1) * perPage + 1;
  const last = first + shownOnPage - 1;
  const n = (x: number) => x.toLocaleString('en-GB');
  return `Showing ${n(first)} to ${n(last)} of ${n(total)} waiting`;
}
