import type { Site } from '../../../config.js';
import type { DecisionOutcome } from '../../../db/schema/index.js';
import { cleanText } from '../../../forms/fields.js';
import { formatLondon } from '../../../lib/dates.js';
import { messages } from '../../../messages.js';
import type { CouncilSuggestion } from '../../postcodes/service.js';
import type { DecisionRow, PendingApproval } from './service.js';
import type { HandoverRow } from '../handover/service.js';

/**
 * The threshold decision's pages (src/features/triage/decision/routes.ts and handover.ts): the form parsing and the tables and
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

export interface ErrorItem {
  text: string;
  href: string;
}

/** The error summary's list in the order the fields are on the page (the keys are the fields' ids). */
export function errorList(errors: FormErrors, order: readonly string[]): ErrorItem[] {
  return order.filter((k) => errors[k]).map((k) => ({ text: errors[k]!, href: `#${k}` }));
}

function field(body: unknown, name: string): string {
  const input = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const raw = input[name];
  return typeof raw === 'string' ? cleanText(raw).trim() : '';
}

type Parsed<T> = { ok: true; value: T } | { ok: false; values: Record<string, string>; errors: FormErrors };

function finish<T>(values: Record<string, string>, errors: FormErrors, value: () => T): Parsed<T> {
  return Object.keys(errors).length ? { ok: false, values, errors } : { ok: true, value: value() };
}

function longText(
  errors: FormErrors,
  key: string,
  value: string,
  rules: { missing: string; min?: number; tooShort?: string; max: number; tooLong: string },
): void {
  if (!value) errors[key] = rules.missing;
  else if (rules.min !== undefined && value.length < rules.min) errors[key] = rules.tooShort!;
  else if (value.length > rules.max) errors[key] = rules.tooLong;
}

// ---------------------------------------------------------------------------------------------------------------
// The decision

export interface DecisionInput {
  outcome: DecisionOutcome;
  referredTo: string | null;
  rationale: string;
}

export function parseDecisionForm(body: unknown): Parsed<DecisionInput> {
  const values = {
    outcome: field(body, 'outcome'),
    referredTo: field(body, 'referredTo'),
    rationale: field(body, 'rationale'),
  };
  const errors: FormErrors = {};
  const outcome = OUTCOMES.find((o) => o === values.outcome);
  if (!outcome) errors.outcome = m.outcomeMissing;
  if (outcome === 'signposted') {
    if (!values.referredTo) errors.referredTo = m.referredToMissing;
    else if (values.referredTo.length > REFERRED_TO_MAX) errors.referredTo = m.referredToTooLong(REFERRED_TO_MAX);
  }
  longText(errors, 'rationale', values.rationale, {
    missing: m.rationaleMissing,
    min: RATIONALE_MIN,
    tooShort: m.rationaleTooShort(RATIONALE_MIN),
    max: RATIONALE_MAX,
    tooLong: m.rationaleTooLong(RATIONALE_MAX),
  });
  return finish(values, errors, () => ({
    outcome: outcome!,
    referredTo: outcome === 'signposted' ? values.referredTo : null,
    rationale: values.rationale,
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

export function parseReviewForm(body: unknown): Parsed<ReviewInput> {
  const values = { verdict: field(body, 'verdict'), comment: field(body, 'comment') };
  const errors: FormErrors = {};
  const verdict = values.verdict === 'approve' || values.verdict === 'return' ? values.verdict : undefined;
  if (!verdict) errors.verdict = m.approvalMissing;
  if (verdict === 'return' && !values.comment) errors.comment = m.returnCommentMissing;
  else if (values.comment.length > COMMENT_MAX) errors.comment = m.commentTooLong(COMMENT_MAX);
  return finish(values, errors, () => ({ verdict: verdict!, comment: values.comment || null }));
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

export function parseExplanationForm(body: unknown, opts: { emailAllowed: boolean }): Parsed<ExplanationInput> {
  const values = {
    audience: field(body, 'audience'),
    channel: field(body, 'channel'),
    reasons: field(body, 'reasons'),
    signposting: field(body, 'signposting'),
  };
  const errors: FormErrors = {};
  const audience = values.audience === 'public' || values.audience === 'professional' ? values.audience : undefined;
  if (!audience) errors.audience = m.audienceMissing;
  const channel =
    values.channel === 'letter' || (values.channel === 'email' && opts.emailAllowed) ? values.channel : undefined;
  longText(errors, 'reasons', values.reasons, {
    missing: m.reasonsMissing,
    min: REASONS_MIN,
    tooShort: m.reasonsTooShort(REASONS_MIN),
    max: TEXT_MAX,
    tooLong: m.textTooLong(TEXT_MAX),
  });
  if (values.signposting.length > TEXT_MAX) errors.signposting = m.textTooLong(TEXT_MAX);
  if (!channel) errors.channel = m.channelMissing;
  return finish(values, errors, () => ({
    audience: audience!,
    channel: channel!,
    reasons: values.reasons,
    signposting: values.signposting,
  }));
}

export function parseTemplateForm(body: unknown): Parsed<{ subject: string; body: string }> {
  const values = { subject: field(body, 'subject'), body: field(body, 'body') };
  const errors: FormErrors = {};
  if (!values.subject) errors.subject = m.subjectMissing;
  else if (values.subject.length > SUBJECT_MAX) errors.subject = m.textTooLong(SUBJECT_MAX);
  longText(errors, 'body', values.body, { missing: m.bodyMissing, max: TEXT_MAX, tooLong: m.textTooLong(TEXT_MAX) });
  return finish(values, errors, () => ({ subject: values.subject, body: values.body }));
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

export function parseHandoverForm(
  body: unknown,
  councils: readonly { id: string }[],
  suggestedId: string | null,
): Parsed<HandoverInput> {
  const values = { council: field(body, 'council'), overrideReason: field(body, 'overrideReason') };
  const errors: FormErrors = {};
  const council = councils.find((c) => c.id === values.council);
  if (!council) errors.council = m.councilMissing;
  const overriding = council !== undefined && suggestedId !== null && council.id !== suggestedId;
  if (overriding && !values.overrideReason) errors.overrideReason = m.overrideReasonMissing;
  else if (values.overrideReason.length > COMMENT_MAX) errors.overrideReason = m.reasonTooLong(COMMENT_MAX);
  return finish(values, errors, () => ({
    councilId: council!.id,
    overrideReason: overriding ? values.overrideReason : null,
  }));
}

export function parseAnswerForm(body: unknown): Parsed<{ answer: 'accept' | 'return'; reason: string | null }> {
  const values = { answer: field(body, 'answer'), reason: field(body, 'reason') };
  const errors: FormErrors = {};
  const answer = values.answer === 'accept' || values.answer === 'return' ? values.answer : undefined;
  if (!answer) errors.answer = m.answerMissing;
  if (answer === 'return' && !values.reason) errors.reason = m.returnReasonMissing;
  else if (values.reason.length > COMMENT_MAX) errors.reason = m.reasonTooLong(COMMENT_MAX);
  return finish(values, errors, () => ({
    answer: answer!,
    reason: answer === 'return' ? values.reason : null,
  }));
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
