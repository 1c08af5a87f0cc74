import { z } from 'zod';
import type { Site } from '../../../config.js';
import { toIsoDate, type DateValue } from '../../../forms/fields.js';
import { parseForm, staffForm, type FormFailure } from '../../../forms/kit.js';
import { formatLondon, londonDate } from '../../../lib/dates.js';
import { messages } from '../../../messages.js';

/** The referrer's pages (src/features/triage/recontact/referrer-routes.ts) and the officer's re-contact page (src/features/triage/recontact/routes.ts). */

export const ANSWER_MAX = 5000;
export const QUESTION_MAX = 2000;
const m = messages.triageGathering;

export type Parsed<T, V> = { ok: true; value: T; values: V } | FormFailure<V>;

/** The referrer's answer (or what they add): required, at most ANSWER_MAX characters (staff form kit). */
export const answerForm = staffForm({
  answer: z.string().min(1, m.answerMissing).max(ANSWER_MAX, m.answerTooLong(ANSWER_MAX)),
});

export function parseAnswerBody(body: unknown): Parsed<string, { answer: string }> {
  const form = parseForm(answerForm, body);
  return form.ok ? { ok: true, value: form.values.answer, values: form.values } : form;
}

/** The question's lines as paragraphs (the officer may have written several). */
export function paragraphs(value: string | null | undefined): string[] {
  return (value ?? '')
    .split(/\n\s*\n|\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

export type BrokenLink = 'unknown' | 'expired' | 'used' | 'withdrawn';

/** The page for a link that does not work: what happened and what to do instead, nothing about the case. */
export function brokenLinkPage(state: BrokenLink, site: Site): { status: number; title: string; paragraphs: string[] } {
  const phone = `call ${site.nonEmergencyNumber} and ask for the ${site.teamName}, or email ${site.teamEmail}. Quote your reference number if you have it.`;
  switch (state) {
    case 'unknown':
      return {
        status: 404,
        title: 'This link does not work',
        paragraphs: [
          'Check that you copied the whole link from the email we sent you.',
          `If it still does not work, ${phone}`,
        ],
      };
    case 'expired':
      return {
        status: 410,
        title: 'This link has expired',
        paragraphs: [
          'The link in our email only worked for a limited time, for your security.',
          `To tell us something about your referral, ${phone}`,
        ],
      };
    case 'used':
      return {
        status: 410,
        title: 'This link has already been used',
        paragraphs: [
          'Each link works once, for your security, and we have already received what was sent with this one.',
          `If you want to tell us something else, ${phone}`,
        ],
      };
    case 'withdrawn':
      return {
        status: 410,
        title: 'This link no longer works',
        paragraphs: [
          'The Prevent team no longer needs an answer through this link.',
          `If you want to tell us something about your referral, ${phone}`,
        ],
      };
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The officer's re-contact page.

export interface RecontactForm {
  question: string;
  hold: DateValue;
}

export function dateValueOf(iso: string): DateValue {
  const [y, mo, d] = iso.split('-');
  return { day: String(Number(d)), month: String(Number(mo)), year: y ?? '' };
}

/** The day `days` days after today in the UK (YYYY-MM-DD). */
export function londonDatePlus(now: Date, days: number): string {
  return londonDate(new Date(now.getTime() + days * 86_400_000));
}

/** The officer's question and the day the referral stays on hold until (after today, within a year). */
export function parseRecontactBody(
  body: unknown,
  now: Date,
): Parsed<{ question: string; holdUntil: string }, RecontactForm> {
  const form = parseForm(recontactForm(now), body);
  const v = form.values;
  const values: RecontactForm = {
    question: v.question,
    hold: { day: v['hold-day'], month: v['hold-month'], year: v['hold-year'] },
  };
  if (!form.ok) return { ...form, values };
  return { ok: true, value: { question: values.question, holdUntil: toIsoDate(values.hold)! }, values };
}

const part = (p: string) => p.slice(0, 10);

/** The officer's request form (staff form kit); errors of the hold date are the 'hold' key, anchored at its day. */
export function recontactForm(now: Date) {
  return staffForm(
    {
      question: z.string().min(1, m.questionMissing).max(QUESTION_MAX, m.questionTooLong(QUESTION_MAX)),
      'hold-day': z.string(),
      'hold-month': z.string(),
      'hold-year': z.string(),
    },
    {
      check(v, issue) {
        const error = futureDateError({ day: v['hold-day'], month: v['hold-month'], year: v['hold-year'] }, now);
        if (error) issue('hold', error);
      },
      order: ['state', 'question', 'hold'],
      anchors: { state: 'recontact-state', hold: 'hold-day' },
      clean: { 'hold-day': part, 'hold-month': part, 'hold-year': part },
    },
  );
}

function futureDateError(v: DateValue, now: Date): string | undefined {
  const missing = (['day', 'month', 'year'] as const).filter((p) => v[p] === '');
  if (missing.length === 3) return m.holdMissing;
  if (missing.length) return m.holdMissingPart(missing.join(' and '));
  const iso = toIsoDate(v);
  if (!iso) return m.holdNotReal;
  if (iso <= londonDate(now)) return m.holdNotFuture;
  if (iso > londonDatePlus(now, 366)) return m.holdTooFar;
  return undefined;
}

export interface RequestRowView {
  id: string;
  status: { text: string; classes: string };
  question: string[];
  sent: string;
  expires: string;
  pending: boolean;
}

export interface RequestRowInput {
  id: string;
  purpose: 'question' | 'add_information';
  question: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  withdrawnAt: Date | null;
}

/** The status of a link as the officer reads it. */
export function requestStatus(r: RequestRowInput, now: Date): RequestRowView['status'] & { pending: boolean } {
  if (r.withdrawnAt) return { text: 'Withdrawn', classes: 'govuk-tag--grey', pending: false };
  if (r.usedAt) return { text: 'Answered', classes: 'govuk-tag--green', pending: false };
  if (r.expiresAt.getTime() <= now.getTime()) return { text: 'Expired', classes: 'govuk-tag--red', pending: false };
  return { text: 'Waiting for an answer', classes: 'govuk-tag--yellow', pending: true };
}

/** The officer's questions, newest first (the "add information" link from the acknowledgement is listed apart). */
export function requestRows(requests: RequestRowInput[], now: Date): RequestRowView[] {
  return requests
    .filter((r) => r.purpose === 'question')
    .map((r) => {
      const { pending, ...status } = requestStatus(r, now);
      return {
        id: r.id,
        status,
        question: paragraphs(r.question),
        sent: formatLondon(r.createdAt, true),
        expires: formatLondon(r.expiresAt, true),
        pending,
      };
    });
}

/** The "add information later" link sent with the acknowledgement, if there is one. */
export function addInformationStatus(requests: RequestRowInput[], now: Date): string | undefined {
  const r = requests.find((x) => x.purpose === 'add_information');
  if (!r) return undefined;
  const s = requestStatus(r, now);
  if (r.usedAt)
    return `The referrer used the link in their acknowledgement to add information on ${formatLondon(r.usedAt, true)}.`;
  return s.pending
    ? `The referrer can add information with the link in their acknowledgement until ${formatLondon(r.expiresAt, true)}.`
    : `The link in the referrer’s acknowledgement to add information has ${s.text === 'Withdrawn' ? 'been withdrawn' : 'expired'}.`;
}
