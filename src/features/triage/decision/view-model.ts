import type { Site } from '../../../config.js';
import type { DecisionOutcome } from '../../../db/schema/index.js';
import { z } from 'zod';
import {
  parseForm,
  staffForm,
  type FormFailure,
  type FormValues,
  type Shape,
  type StaffForm,
} from '../../../forms/kit.js';
import { formatLondon } from '../../../lib/dates.js';
import { messages } from '../../../messages.js';
import type { CouncilSuggestion } from '../../postcodes/service.js';
import type { DecisionRow, PendingApproval } from './service.js';
import type { HandoverRow } from '../handover/service.js';

/**
 * The threshold decision's pages (src/features/triage/decision/routes.ts and handover.ts): the forms (staff form kit,
 * src/forms/kit.ts; the routes build their error summaries with `formErrorSummary(<form>, errors)`) and the tables and
 * summary lists. Pure functions, unit-tested in test/unit/decision-view-models.test.ts.
 */

const m = messages.thresholdDecision;

export const RATIONALE_MIN = 10;
export const RATIONALE_MAX = 5000;
export const REFERRED_TO_MAX = 200;
export const COMMENT_MAX = 2000;
export const REASONS_MIN = 10;
export const TEXT_MAX = 5000;
export const SUBJECT_MAX = 200;

export const OUTCOME_LABELS: Record<DecisionOutcome, string> = {
  no_further_action: 'Does not meet the threshold: no further action',
  signposted: 'Does not meet the threshold: signposted or referred to another service',
  police_led: 'Managed by the police (police-led partnership)',
  channel: 'Refer to Channel',
};

export const OUTCOMES = Object.keys(OUTCOME_LABELS) as DecisionOutcome[];

export type FormErrors = Record<string, string>;

export type Parsed<T> = { ok: true; value: T } | FormFailure<Record<string, string>>;

/** The kit's result with the form's values turned into what the service takes. */
function parsed<S extends Shape, T>(form: StaffForm<S>, body: unknown, value: (v: FormValues<S>) => T): Parsed<T> {
  const result = parseForm(form, body);
  return result.ok ? { ok: true, value: value(result.values) } : result;
}

/** A text that must be given, at least `min` (if any) and at most `max` characters. */
function longText(rules: { missing: string; min?: number; tooShort?: string; max: number; tooLong: string }) {
  const text = z.string().min(1, rules.missing);
  return (rules.min !== undefined ? text.min(rules.min, rules.tooShort) : text).max(rules.max, rules.tooLong);
}

// ---------------------------------------------------------------------------------------------------------------
// The decision

export interface DecisionInput {
  outcome: DecisionOutcome;
  referredTo: string | null;
  rationale: string;
}

export const decisionForm = staffForm(
  {
    outcome: z.enum(OUTCOMES as [DecisionOutcome, ...DecisionOutcome[]], { message: m.outcomeMissing }),
    referredTo: z.string(),
    rationale: longText({
      missing: m.rationaleMissing,
      min: RATIONALE_MIN,
      tooShort: m.rationaleTooShort(RATIONALE_MIN),
      max: RATIONALE_MAX,
      tooLong: m.rationaleTooLong(RATIONALE_MAX),
    }),
  },
  {
    check(v, issue) {
      if (v.outcome !== 'signposted') return;
      if (!v.referredTo) issue('referredTo', m.referredToMissing);
      else if (v.referredTo.length > REFERRED_TO_MAX) issue('referredTo', m.referredToTooLong(REFERRED_TO_MAX));
    },
  },
);

export function parseDecisionForm(body: unknown): Parsed<DecisionInput> {
  return parsed(decisionForm, body, (v) => ({
    outcome: v.outcome,
    referredTo: v.outcome === 'signposted' ? v.referredTo : null,
    rationale: v.rationale,
  }));
}

export const APPROVAL_LABELS: Record<DecisionRow['approval'], string> = {
  not_required: 'Not needed',
  pending: 'Waiting for a supervisor',
  approved: 'Approved',
  returned: 'Returned to the officer',
};

/** A decision as a summary list (what was decided, why, by whom, and its approval). */
export function decisionRows(d: DecisionRow): { key: { text: string }; value: { text: string } }[] {
  const rows = [
    { key: { text: 'Decision' }, value: { text: OUTCOME_LABELS[d.outcome] } },
    ...(d.referredTo ? [{ key: { text: 'Signposted or referred to' }, value: { text: d.referredTo } }] : []),
    { key: { text: 'Reasons' }, value: { text: d.rationale } },
    { key: { text: 'Made by' }, value: { text: `${d.madeByName}, ${formatLondon(d.madeAt, true)}` } },
    { key: { text: 'Repeat referral' }, value: { text: d.onRepeat ? 'Yes' : 'No' } },
    { key: { text: 'Approval' }, value: { text: APPROVAL_LABELS[d.approval] } },
  ];
  if (d.reviewedByName && d.reviewedAt) {
    rows.push({
      key: { text: 'Reviewed by' },
      value: { text: `${d.reviewedByName}, ${formatLondon(d.reviewedAt, true)}` },
    });
  }
  if (d.reviewComment) rows.push({ key: { text: 'Supervisor’s comments' }, value: { text: d.reviewComment } });
  return rows;
}

/** The supervisor's list of decisions waiting for approval (references only: no names of the people concerned). */
export function approvalsTable(pending: readonly PendingApproval[]) {
  return {
    caption: 'Decisions waiting for approval',
    captionClasses: 'govuk-visually-hidden',
    firstCellIsHeader: false,
    head: [
      { text: 'Referral' },
      { text: 'Decision' },
      { text: 'Made by' },
      { text: 'When' },
      { text: 'Repeat referral' },
    ],
    rows: pending.map((p) => [
      { html: `<a class="govuk-link" href="/staff/referrals/${p.reference}/approval">${p.reference}</a>` },
      { text: OUTCOME_LABELS[p.outcome] },
      { text: p.madeByName },
      { text: formatLondon(p.madeAt, true) },
      { text: p.onRepeat ? 'Yes' : 'No' },
    ]),
  };
}

export interface ReviewInput {
  verdict: 'approve' | 'return';
  comment: string | null;
}

export const reviewForm = staffForm(
  {
    verdict: z.enum(['approve', 'return'], { message: m.approvalMissing }),
    comment: z.string().max(COMMENT_MAX, m.commentTooLong(COMMENT_MAX)),
  },
  {
    check(v, issue) {
      if (v.verdict === 'return' && !v.comment) issue('comment', m.returnCommentMissing);
    },
  },
);

export function parseReviewForm(body: unknown): Parsed<ReviewInput> {
  return parsed(reviewForm, body, (v) => ({ verdict: v.verdict, comment: v.comment || null }));
}

// ---------------------------------------------------------------------------------------------------------------
// The explanation to the referrer

/** What the signposting paragraph starts as: the service named in the decision, and the help lines. */
export function defaultSignposting(referredTo: string | null, site: Site): string {
  const h = site.helplines;
  return [
    ...(referredTo ? [`We have passed the concern to, or suggest contacting: ${referredTo}.`] : []),
    `If you are worried that someone is being radicalised, you can talk in confidence to the ${h.actEarly.name} on ${h.actEarly.number} (${h.actEarly.hours}).`,
  ].join('\n\n');
}

export interface ExplanationInput {
  audience: 'public' | 'professional';
  channel: 'email' | 'letter';
  reasons: string;
  signposting: string;
}

/** The explanation form; a channel of 'email' only when there is an address to send it to. */
export function explanationForm(opts: { emailAllowed: boolean }) {
  return staffForm({
    audience: z.enum(['public', 'professional'], { message: m.audienceMissing }),
    reasons: longText({
      missing: m.reasonsMissing,
      min: REASONS_MIN,
      tooShort: m.reasonsTooShort(REASONS_MIN),
      max: TEXT_MAX,
      tooLong: m.textTooLong(TEXT_MAX),
    }),
    signposting: z.string().max(TEXT_MAX, m.textTooLong(TEXT_MAX)),
    channel: z.enum(opts.emailAllowed ? ['email', 'letter'] : ['letter'], { message: m.channelMissing }),
  });
}

export function parseExplanationForm(body: unknown, opts: { emailAllowed: boolean }): Parsed<ExplanationInput> {
  return parsed(explanationForm(opts), body, (v) => ({
    audience: v.audience,
    channel: v.channel as ExplanationInput['channel'],
    reasons: v.reasons,
    signposting: v.signposting,
  }));
}

export const templateForm = staffForm({
  subject: z.string().min(1, m.subjectMissing).max(SUBJECT_MAX, m.textTooLong(SUBJECT_MAX)),
  body: longText({ missing: m.bodyMissing, max: TEXT_MAX, tooLong: m.textTooLong(TEXT_MAX) }),
});

export function parseTemplateForm(body: unknown): Parsed<{ subject: string; body: string }> {
  return parsed(templateForm, body, (v) => ({ subject: v.subject, body: v.body }));
}

// ---------------------------------------------------------------------------------------------------------------
// The hand-over

/** Why the page suggests a council (or asks the officer to choose), from the postcode table. */
export function suggestionText(s: CouncilSuggestion): string {
  const note = 'note' in s && s.note ? ` ${s.note}` : '';
  switch (s.kind) {
    case 'council':
      return `${s.prefix} is in ${s.organisation.name.replace(/ Council$/, '')}.${note}`;
    case 'choose':
      return `${s.prefix} is split between councils: you must choose the council where the person lives.${note}`;
    case 'outside':
      return `${s.prefix} looks outside Cumbria: choose a council only if the person lives in Cumbria.${note}`;
    case 'unknown':
      return 'There is no postcode the table can look up: choose the council where the person lives.';
  }
}

export interface HandoverInput {
  councilId: string;
  overrideReason: string | null;
}

/** The hand-over form: one of the councils; a reason when the officer chooses another than the suggested one. */
export function handoverForm(councils: readonly { id: string }[], suggestedId: string | null) {
  return staffForm(
    {
      council: z.string().refine((id) => councils.some((c) => c.id === id), m.councilMissing),
      overrideReason: z.string().max(COMMENT_MAX, m.reasonTooLong(COMMENT_MAX)),
    },
    {
      check(v, issue) {
        if (overriding(v.council, councils, suggestedId) && !v.overrideReason)
          issue('overrideReason', m.overrideReasonMissing);
      },
    },
  );
}

function overriding(council: string, councils: readonly { id: string }[], suggestedId: string | null): boolean {
  return suggestedId !== null && council !== suggestedId && councils.some((c) => c.id === council);
}

export function parseHandoverForm(
  body: unknown,
  councils: readonly { id: string }[],
  suggestedId: string | null,
): Parsed<HandoverInput> {
  return parsed(handoverForm(councils, suggestedId), body, (v) => ({
    councilId: v.council,
    overrideReason: overriding(v.council, councils, suggestedId) ? v.overrideReason : null,
  }));
}

export const answerForm = staffForm(
  {
    answer: z.enum(['accept', 'return'], { message: m.answerMissing }),
    reason: z.string().max(COMMENT_MAX, m.reasonTooLong(COMMENT_MAX)),
  },
  {
    check(v, issue) {
      if (v.answer === 'return' && !v.reason) issue('reason', m.returnReasonMissing);
    },
  },
);

export function parseAnswerForm(body: unknown): Parsed<{ answer: 'accept' | 'return'; reason: string | null }> {
  return parsed(answerForm, body, (v) => ({ answer: v.answer, reason: v.answer === 'return' ? v.reason : null }));
}

export const HANDOVER_STATUS_LABELS: Record<HandoverRow['status'], string> = {
  offered: 'Offered, waiting for the council',
  accepted: 'Accepted by the council',
  returned: 'Returned by the council',
};

/** One hand-over as a summary list. */
export function handoverRows(h: HandoverRow): { key: { text: string }; value: { text: string } }[] {
  return [
    { key: { text: 'Council' }, value: { text: h.organisationName } },
    { key: { text: 'Status' }, value: { text: HANDOVER_STATUS_LABELS[h.status] } },
    { key: { text: 'Handed over by' }, value: { text: `${h.createdByName}, ${formatLondon(h.createdAt, true)}` } },
    ...(h.overrideReason ? [{ key: { text: 'Why this council' }, value: { text: h.overrideReason } }] : []),
    ...(h.respondedByName && h.respondedAt
      ? [
          {
            key: { text: 'Answered by' },
            value: { text: `${h.respondedByName}, ${formatLondon(h.respondedAt, true)}` },
          },
        ]
      : []),
    ...(h.returnReason ? [{ key: { text: 'Why it was returned' }, value: { text: h.returnReason } }] : []),
  ];
}

/** The council's list of hand-overs waiting for its answer. */
export function offeredTable(rows: readonly { reference: string; createdAt: Date; createdByName: string }[]) {
  return {
    caption: 'Referrals handed over to your council',
    captionClasses: 'govuk-visually-hidden',
    head: [{ text: 'Referral' }, { text: 'Offered on' }, { text: 'By' }, { text: 'Answer' }],
    rows: rows.map((r) => [
      { html: `<a class="govuk-link" href="/staff/referrals/${r.reference}">${r.reference}</a>` },
      { text: formatLondon(r.createdAt, true) },
      { text: r.createdByName },
      {
        html: `<a class="govuk-link" href="/staff/referrals/${r.reference}/handover/answer">Accept or return<span class="govuk-visually-hidden"> ${r.reference}</span></a>`,
      },
    ]),
  };
}
