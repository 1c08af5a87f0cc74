import { z } from 'zod';
import { cleanText, toIsoDate, validateDate, type DateValue } from '../../../forms/fields.js';
import { formatLondon } from '../../../lib/dates.js';
import { messages } from '../../../messages.js';
import type { AssessmentAnswers, AssessmentRow, Framework } from './service.js';
import { CHECK_OUTCOMES, OUTCOME_LABELS, type CheckOutcome, type CheckRow } from './checks.js';
import type { ErrorSummaryItem } from '../../../views/error-summary.js';

/** The information checks and assessment pages (src/features/triage/assessment/routes.ts). No score is computed anywhere. */

const m = messages.triageGathering;
export const RATIONALE_MAX = 2000;
export const LONG_TEXT_MAX = 5000;
export const SOURCE_MAX = 200;
export const REQUEST_MAX = 2000;

type Body = Record<string, unknown>;
const str = (body: Body, name: string): string => {
  const v = body[name];
  const one = Array.isArray(v) ? v[0] : v;
  return typeof one === 'string' ? cleanText(one).trim() : '';
};
const bodyOf = (raw: unknown): Body =>
  z
    .record(z.string(), z.unknown())
    .catch({})
    .parse(raw ?? {});

// ---------------------------------------------------------------------------------------------------------------------
// Assessment form

export const ratingName = (factor: string) => `rating-${factor}`;
export const rationaleName = (factor: string) => `rationale-${factor}`;
export const sectionName = (section: string) => `section-${section}`;
export const freeTextName = (code: string) => `free-${code}`;

export interface AssessmentFormValues {
  values: Record<string, string>;
}

/** The form's values from a saved assessment (to start a new one from the latest), or empty. */
export function formValuesFrom(framework: Framework, answers: AssessmentAnswers | null): Record<string, string> {
  const values: Record<string, string> = { summary: '' };
  const ratings = new Set(framework.definition.ratings.map((r) => r.code));
  for (const s of framework.definition.sections) {
    values[sectionName(s.code)] = answers?.sections[s.code] ?? '';
    for (const f of s.factors) {
      const a = answers?.factors[f.code];
      values[ratingName(f.code)] = a && ratings.has(a.rating) ? a.rating : '';
      values[rationaleName(f.code)] = a?.rationale ?? '';
    }
  }
  for (const t of framework.definition.freeText) values[freeTextName(t.code)] = answers?.freeText[t.code] ?? '';
  return values;
}

export type AssessmentParse =
  | { ok: true; answers: AssessmentAnswers; summary: string }
  | { ok: false; values: Record<string, string>; errors: Record<string, string>; errorSummary: ErrorSummaryItem[] };

/** Every factor rated with one of the framework's ratings; rationales optional; the summary required. */
export function parseAssessmentBody(framework: Framework, raw: unknown): AssessmentParse {
  const body = bodyOf(raw);
  const def = framework.definition;
  const ratings = new Set(def.ratings.map((r) => r.code));
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const order: [string, string][] = [];
  const answers: AssessmentAnswers = { factors: {}, sections: {}, freeText: {} };
  for (const s of def.sections) {
    for (const f of s.factors) {
      const rating = str(body, ratingName(f.code));
      const rationale = str(body, rationaleName(f.code));
      values[ratingName(f.code)] = ratings.has(rating) ? rating : '';
      values[rationaleName(f.code)] = rationale;
      order.push([ratingName(f.code), ratingName(f.code)], [rationaleName(f.code), rationaleName(f.code)]);
      if (!ratings.has(rating)) errors[ratingName(f.code)] = m.ratingMissing(f.label);
      if (rationale.length > RATIONALE_MAX) errors[rationaleName(f.code)] = m.rationaleTooLong;
      answers.factors[f.code] = { rating, rationale };
    }
    const overall = str(body, sectionName(s.code));
    values[sectionName(s.code)] = overall;
    order.push([sectionName(s.code), sectionName(s.code)]);
    if (overall.length > RATIONALE_MAX) errors[sectionName(s.code)] = m.rationaleTooLong;
    answers.sections[s.code] = overall;
  }
  for (const t of def.freeText) {
    const value = str(body, freeTextName(t.code));
    values[freeTextName(t.code)] = value;
    order.push([freeTextName(t.code), freeTextName(t.code)]);
    if (value.length > LONG_TEXT_MAX) errors[freeTextName(t.code)] = m.freeTextTooLong(t.label);
    answers.freeText[t.code] = value;
  }
  const summary = str(body, 'summary');
  values.summary = summary;
  order.push(['summary', 'summary']);
  if (summary === '') errors.summary = m.summaryMissing;
  else if (summary.length > LONG_TEXT_MAX) errors.summary = m.summaryTooLong;
  if (Object.keys(errors).length) {
    const errorSummary = order.filter(([n]) => errors[n]).map(([n, a]) => ({ text: errors[n]!, href: `#${a}` }));
    return { ok: false, values, errors, errorSummary };
  }
  return { ok: true, answers, summary };
}

export interface FactorView {
  code: string;
  label: string;
  ratingName: string;
  rationaleName: string;
  items: { value: string; text: string; checked: boolean }[];
  rationale: string;
  ratingError?: string | undefined;
  rationaleError?: string | undefined;
}

export interface SectionView {
  code: string;
  title: string;
  hint: string | undefined;
  factors: FactorView[];
  overallName: string;
  overall: string;
  overallError?: string | undefined;
}

/** The form's sections, factors (radios of the framework's ratings) and free-text boxes, with values and errors. */
export function assessmentFormView(
  framework: Framework,
  values: Record<string, string>,
  errors: Record<string, string>,
) {
  const def = framework.definition;
  const sections: SectionView[] = def.sections.map((s) => ({
    code: s.code,
    title: s.title,
    hint: s.hint,
    overallName: sectionName(s.code),
    overall: values[sectionName(s.code)] ?? '',
    overallError: errors[sectionName(s.code)],
    factors: s.factors.map((f) => ({
      code: f.code,
      label: f.label,
      ratingName: ratingName(f.code),
      rationaleName: rationaleName(f.code),
      items: def.ratings.map((r) => ({
        value: r.code,
        text: r.label,
        checked: values[ratingName(f.code)] === r.code,
      })),
      rationale: values[rationaleName(f.code)] ?? '',
      ratingError: errors[ratingName(f.code)],
      rationaleError: errors[rationaleName(f.code)],
    })),
  }));
  const freeText = def.freeText.map((t) => ({
    name: freeTextName(t.code),
    label: t.label,
    value: values[freeTextName(t.code)] ?? '',
    error: errors[freeTextName(t.code)],
  }));
  return {
    title: `${framework.title} (version ${framework.version})`,
    sections,
    freeText,
    summary: values.summary ?? '',
    summaryError: errors.summary,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// The comparison of each assessment with the one before

export interface Change {
  /** What changed ("Feelings of grievance or injustice: rating"). */
  what: string;
  before: string;
  after: string;
}

export interface AssessmentView {
  id: string;
  heading: string;
  by: string;
  frameworkTitle: string;
  summary: string;
  first: boolean;
  /** Ratings that moved, then text that changed, in the framework's order. */
  ratingChanges: Change[];
  textChanges: Change[];
  /** Every factor's rating as it stands in this assessment. */
  ratings: { section: string; rows: { label: string; rating: string; rationale: string }[] }[];
}

const NONE = '(none)';

/**
 * Each assessment with what changed from the one before it: ratings that moved and text that changed (rationales,
 * sections' overall rationales, the free-text boxes, the summary). Labels come from the framework version each
 * assessment was made with; a factor that only one of the two versions has counts as moved from or to "(not rated)".
 */
export function assessmentHistory(rows: AssessmentRow[], frameworks: Map<string, Framework>): AssessmentView[] {
  const out: AssessmentView[] = [];
  let previous: AssessmentRow | undefined;
  rows.forEach((row, i) => {
    const framework = frameworks.get(`${row.frameworkCode}@${row.frameworkVersion}`);
    const prevFramework = previous
      ? frameworks.get(`${previous.frameworkCode}@${previous.frameworkVersion}`)
      : undefined;
    const ratingLabel = (fw: Framework | undefined, code: string | undefined) =>
      code ? (fw?.definition.ratings.find((r) => r.code === code)?.label ?? code) : '(not rated)';
    const ratingChanges: Change[] = [];
    const textChanges: Change[] = [];
    const text = (what: string, before: string | undefined, after: string | undefined) => {
      const b = (before ?? '').trim();
      const a = (after ?? '').trim();
      if (b !== a) textChanges.push({ what, before: b || NONE, after: a || NONE });
    };
    const sections = framework?.definition.sections ?? [];
    if (previous) {
      for (const s of sections) {
        for (const f of s.factors) {
          const before = previous.answers.factors[f.code];
          const after = row.answers.factors[f.code];
          if ((before?.rating ?? '') !== (after?.rating ?? '')) {
            ratingChanges.push({
              what: f.label,
              before: ratingLabel(prevFramework, before?.rating),
              after: ratingLabel(framework, after?.rating),
            });
          }
        }
      }
      for (const s of sections) {
        for (const f of s.factors)
          text(
            `${f.label}: rationale`,
            previous.answers.factors[f.code]?.rationale,
            row.answers.factors[f.code]?.rationale,
          );
        text(`${s.title}: overall rationale`, previous.answers.sections[s.code], row.answers.sections[s.code]);
      }
      for (const t of framework?.definition.freeText ?? [])
        text(t.label, previous.answers.freeText[t.code], row.answers.freeText[t.code]);
      text('Summary', previous.summary, row.summary);
    }
    out.push({
      id: row.id,
      heading: `Assessment ${i + 1}, ${formatLondon(row.createdAt, true)}`,
      by: row.createdByName ?? 'Unknown',
      frameworkTitle: framework ? `${framework.title} (version ${framework.version})` : row.frameworkCode,
      summary: row.summary,
      first: !previous,
      ratingChanges,
      textChanges,
      ratings: sections.map((s) => ({
        section: s.title,
        rows: s.factors.map((f) => ({
          label: f.label,
          rating: ratingLabel(framework, row.answers.factors[f.code]?.rating),
          rationale: row.answers.factors[f.code]?.rationale ?? '',
        })),
      })),
    });
    previous = row;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Information checks

export interface CheckForm {
  source: string;
  request: string;
  asked: DateValue;
}

function pastDate(
  v: DateValue,
  label: string,
  name: string,
  now: Date,
  errors: Record<string, string>,
): string | undefined {
  const error = validateDate({ errorName: label, optional: false }, v, now);
  if (error) {
    errors[name] = error;
    return undefined;
  }
  return toIsoDate(v);
}

const dateParts = (body: Body, name: string): DateValue => ({
  day: str(body, `${name}-day`).slice(0, 10),
  month: str(body, `${name}-month`).slice(0, 10),
  year: str(body, `${name}-year`).slice(0, 10),
});

export type CheckParse =
  | { ok: true; source: string; request: string | null; askedOn: string }
  | { ok: false; values: CheckForm; errors: Record<string, string>; errorSummary: ErrorSummaryItem[] };

/** A new check: who or what was asked (required), on what day (not in the future), what was asked (optional). */
export function parseCheckBody(raw: unknown, now: Date): CheckParse {
  const body = bodyOf(raw);
  const values: CheckForm = {
    source: str(body, 'source'),
    request: str(body, 'request'),
    asked: dateParts(body, 'asked'),
  };
  const errors: Record<string, string> = {};
  if (values.source === '') errors.source = m.sourceMissing;
  else if (values.source.length > SOURCE_MAX) errors.source = m.sourceTooLong;
  const askedOn = pastDate(values.asked, 'the date you asked', 'asked', now, errors);
  if (values.request.length > REQUEST_MAX) errors.request = m.requestTooLong;
  if (Object.keys(errors).length || !askedOn) {
    return {
      ok: false,
      values,
      errors,
      errorSummary: summaryOf(errors, [
        ['source', 'source'],
        ['asked', 'asked-day'],
        ['request', 'request'],
      ]),
    };
  }
  return { ok: true, source: values.source, request: values.request || null, askedOn };
}

export interface ResponseForm {
  outcome: string;
  response: string;
  responded: DateValue;
}

export type ResponseParse =
  | { ok: true; outcome: CheckOutcome; response: string | null; respondedOn: string }
  | { ok: false; values: ResponseForm; errors: Record<string, string>; errorSummary: ErrorSummaryItem[] };

/** What came back: the outcome, the day (not before the day it was asked, not in the future), the reply (optional). */
export function parseResponseBody(raw: unknown, askedOn: string, now: Date): ResponseParse {
  const body = bodyOf(raw);
  const outcome = str(body, 'outcome');
  const values: ResponseForm = {
    outcome: (CHECK_OUTCOMES as readonly string[]).includes(outcome) ? outcome : '',
    response: str(body, 'response'),
    responded: dateParts(body, 'responded'),
  };
  const errors: Record<string, string> = {};
  if (!values.outcome) errors.outcome = m.outcomeMissing;
  if (values.response.length > LONG_TEXT_MAX) errors.response = m.responseTooLong;
  const respondedOn = pastDate(values.responded, 'the date of the reply', 'responded', now, errors);
  if (respondedOn && respondedOn < askedOn) {
    errors.responded = m.dateBefore('the date of the reply', `the date you asked (${formatLondon(askedOn, false)})`);
  }
  if (Object.keys(errors).length || !respondedOn) {
    return {
      ok: false,
      values,
      errors,
      errorSummary: summaryOf(errors, [
        ['outcome', 'outcome'],
        ['responded', 'responded-day'],
        ['response', 'response'],
      ]),
    };
  }
  return { ok: true, outcome: values.outcome as CheckOutcome, response: values.response || null, respondedOn };
}

function summaryOf(errors: Record<string, string>, order: [string, string][]): ErrorSummaryItem[] {
  return order.filter(([n]) => errors[n]).map(([n, a]) => ({ text: errors[n]!, href: `#${a}` }));
}

/** The checks as a table: source, asked on, what was asked, what came back. */
export function checksTable(checks: CheckRow[], reference: string, canWork: boolean) {
  return checks.map((c) => ({
    id: c.id,
    source: c.source,
    askedOn: formatLondon(c.askedOn, false),
    askedBy: c.askedByName ?? '',
    request: c.request ?? '',
    outcome: OUTCOME_LABELS[c.outcome],
    outcomeClasses:
      c.outcome === 'pending'
        ? 'govuk-tag--yellow'
        : c.outcome === 'information_held'
          ? 'govuk-tag--blue'
          : 'govuk-tag--grey',
    response: c.response ?? '',
    respondedOn: c.respondedOn ? formatLondon(c.respondedOn, false) : '',
    href: canWork ? `/staff/referrals/${reference}/checks/${c.id}` : undefined,
  }));
}
