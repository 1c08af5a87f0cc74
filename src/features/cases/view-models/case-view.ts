import { z } from 'zod';
import type { AdviceRow, ReferralRecord } from '../queries/cases.js';
import type { TextareaField } from '../../../forms/fields.js';
import { parseForm, staffForm } from '../../../forms/kit.js';
import { staffLabel, staffOptionText } from '../../../forms/questions.js';
import { formatLondon, londonDate } from '../../../lib/dates.js';
import { messages } from '../../../messages.js';
import { multiline } from '../../intake/view-models/check-answers.js';
import type { ErrorSummaryItem } from '../../../views/error-summary.js';
import { CHANNEL_LABELS } from './intake.js';

/**
 * What the read-only case pages show, built from the stored columns (never from HTML): govukSummaryList rows whose
 * values are escaped text with the line breaks kept. Blank answers read "Not given"; what the referrer said they did
 * not know reads "Not known". Every answer's label and every coded answer's words come from the question's definition
 * in `src/forms` (its `staff` wording: `src/forms/questions.ts`); nothing is retyped here. The answers shown inside
 * another answer's row, or not at all, are listed in NOT_A_ROW_OF_THEIR_OWN.
 */

/** One fact: its label and its value as plain text (line breaks kept). */
export interface CaseRow {
  label: string;
  value: string;
}

export interface CaseSection {
  title: string;
  /** A paragraph before the rows (the anonymous referrer's note). */
  note?: string;
  rows: CaseRow[];
}

export interface CaseView {
  kind: 'referral' | 'advice';
  reference: string;
  /** The page's title ("Referral ABCD2345"). */
  title: string;
  /** The facts about the case itself: reference, received, status, who has it. */
  facts: CaseRow[];
  sections: CaseSection[];
}

/** govukSummaryList rows: the label as text, the value escaped with its line breaks kept. */
export function summaryRows(rows: CaseRow[]): { key: { text: string }; value: { html: string } }[] {
  return rows.map((r) => ({ key: { text: r.label }, value: { html: multiline(r.value) } }));
}

/** The page's template context: the same view with summary-list rows. */
export function caseTemplateView(view: CaseView) {
  return {
    ...view,
    facts: summaryRows(view.facts),
    sections: view.sections.map((s) => ({ ...s, rows: summaryRows(s.rows) })),
  };
}

/**
 * The PDF summary's sections from the stored columns (for a referral the team typed in from an e-mail, a call or a
 * letter, whose saved answers are not the online form's): the case's facts, then each section, the note as a row.
 */
export function plainSummarySections(view: CaseView): { title: string; rows: CaseRow[] }[] {
  return [
    { title: 'The case', rows: view.facts },
    ...view.sections.map((s) => ({
      title: s.title,
      rows: s.note ? [{ label: 'Note', value: s.note }, ...s.rows] : s.rows,
    })),
  ];
}

const NOT_GIVEN = 'Not given';
const NOT_KNOWN = 'Not known';

export const REFERRAL_STATUS_LABELS: Record<ReferralRecord['referral']['status'], string> = {
  new: 'New',
  in_triage: 'In triage',
  awaiting_information: 'Waiting for information',
  awaiting_approval: 'Waiting for approval',
  decided: 'Decided',
};

export const ADVICE_STATUS_LABELS: Record<AdviceRow['status'], string> = {
  new: 'New',
  answered: 'Answered',
  closed: 'Closed',
};

/**
 * The questions of the journeys that have no row of their own on the case page, and why (test/unit/questions.test.ts
 * fails for any other question without a row).
 */
export const NOT_A_ROW_OF_THEIR_OWN: Readonly<Record<string, string>> = {
  immediateDanger: 'the safety gate: not stored (anyone who answers yes is sent to 999)',
  personDobKnown: 'shown by the date of birth and age rows (“Not known”)',
  personAddressKnown: 'shown in the home address row (“Not known to the referrer”)',
  personAddressLine1: 'a line of the home address row',
  personAddressLine2: 'a line of the home address row',
  personTown: 'a line of the home address row',
  personCounty: 'a line of the home address row',
  personPostcode: 'a line of the home address row',
  referrerAnonymous: 'shown as the note of the referrer’s section, which then has no contact rows',
};

function row(label: string, value: string | null | undefined, fallback = NOT_GIVEN): CaseRow {
  return { label, value: typeof value === 'string' && value.trim() !== '' ? value : fallback };
}

/** The row of an answer, labelled from its question's definition. */
function answer(name: string, value: string | null | undefined, fallback = NOT_GIVEN): CaseRow {
  return row(staffLabel(name), value, fallback);
}

/** A coded answer as words, from its question's options (an unknown code is shown as stored, so nothing is hidden). */
function coded(name: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  return staffOptionText(name, value) ?? value;
}

/** "14 March 2009" from the stored ISO date. */
export function formatDob(iso: string): string {
  return formatLondon(`${iso}T12:00:00Z`, false);
}

/** Age in whole years on `today` (UK date) for a date of birth. */
export function ageOn(dobIso: string, now: Date): number {
  const [y, m, d] = dobIso.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = londonDate(now).split('-').map(Number) as [number, number, number];
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

function ageText(dob: string | null, approx: number | null, now: Date): string {
  if (dob) return String(ageOn(dob, now));
  if (approx !== null) return `About ${approx} (the referrer’s estimate)`;
  return NOT_KNOWN;
}

function addressText(r: ReferralRecord['referral']): string {
  if (!r.personAddressKnown) return 'Not known to the referrer';
  const lines = [r.personAddressLine1, r.personAddressLine2, r.personTown, r.personCounty, r.personPostcode].filter(
    (l): l is string => typeof l === 'string' && l.trim() !== '',
  );
  return lines.length ? lines.join('\n') : NOT_GIVEN;
}

function vulnerabilitiesText(codes: readonly string[]): string | null {
  if (!codes.length) return null;
  return codes.map((c) => coded('vulnerabilities', c) ?? c).join('\n');
}

function formVersion(answers: unknown): string | null {
  const v = (answers as { formVersion?: unknown } | null)?.formVersion;
  return typeof v === 'number' || typeof v === 'string' ? `Version ${v}` : null;
}

/** The read-only page of one referral, in four sections, with the case's facts above them. */
export function referralView(record: ReferralRecord, now: Date): CaseView {
  const r = record.referral;
  const facts = [
    row('Reference', r.reference),
    row('Received', formatLondon(r.receivedAt, true)),
    row('Status', REFERRAL_STATUS_LABELS[r.status] ?? r.status),
    row('Assigned to', record.assignedOfficerName ?? (r.assignedOfficerId ? 'Another officer' : 'Unassigned')),
  ];
  const person: CaseSection = {
    title: 'About the person',
    rows: [
      answer('personFullName', r.personFullName),
      answer('personOtherNames', r.personOtherNames),
      answer('personDob', r.personDob ? formatDob(r.personDob) : null, NOT_KNOWN),
      answer('personAgeApprox', ageText(r.personDob, r.personAgeApprox, now)),
      answer('personGender', coded('personGender', r.personGender)),
      row(staffLabel('personAddressKnown'), addressText(r)),
      answer('personOccupation', r.personOccupation),
      answer('personPhone', r.personPhone),
      answer('personEmail', r.personEmail),
      answer('personAware', coded('personAware', r.personAware)),
    ],
  };
  const violence = coded('concernViolence', r.concernViolence);
  const concern: CaseSection = {
    title: 'The concern',
    rows: [
      answer('concernText', r.concernText),
      answer('concernSince', r.concernSince),
      answer('concernOnline', r.concernOnline),
      answer('concernViolence', violence),
      ...(r.concernViolence === 'yes' ? [answer('concernViolenceDetails', r.concernViolenceDetails)] : []),
      answer('vulnerabilities', vulnerabilitiesText(r.vulnerabilities)),
      answer('vulnerabilitiesDetails', r.vulnerabilitiesDetails),
      answer('otherAgencies', r.otherAgencies),
      answer('concernTypeCode', record.concernTypeLabel ?? r.concernTypeCode),
    ],
  };
  const referrerRows = [answer('referrerType', coded('referrerType', r.referrerType))];
  let referrer: CaseSection;
  if (r.referrerAnonymous) {
    referrer = { title: 'Who made the referral', note: messages.staffCases.anonymousReferrer, rows: referrerRows };
  } else {
    referrerRows.push(answer('referrerName', r.referrerName));
    if (r.referrerType === 'professional') {
      referrerRows.push(
        answer('referrerOrganisation', r.referrerOrganisation),
        answer('referrerRole', r.referrerRole),
        answer('referrerSectorCode', record.sectorLabel ?? r.referrerSectorCode),
        answer('referrerDslInformed', coded('referrerDslInformed', r.referrerDslInformed)),
      );
    }
    referrerRows.push(
      answer('referrerRelationship', r.referrerRelationship),
      answer('referrerEmail', r.referrerEmail),
      answer('referrerPhone', r.referrerPhone),
      answer('referrerContactPreference', coded('referrerContactPreference', r.referrerContactPreference)),
    );
    referrer = { title: 'Who made the referral', rows: referrerRows };
  }
  const arrival: CaseSection = {
    title: 'How it arrived',
    rows: [
      row('Channel', CHANNEL_LABELS[r.source] ?? r.source),
      row('Received', formatLondon(r.receivedAt, true)),
      ...(r.source === 'online' ? [row('Form', formVersion(r.answers))] : []),
    ],
  };
  return {
    kind: 'referral',
    reference: r.reference,
    title: `Referral ${r.reference}`,
    facts,
    sections: [person, concern, referrer, arrival],
  };
}

/** The read-only page of one advice request. */
export function adviceView(a: AdviceRow): CaseView {
  return {
    kind: 'advice',
    reference: a.reference,
    title: `Advice request ${a.reference}`,
    facts: [
      row('Reference', a.reference),
      row('Received', formatLondon(a.receivedAt, true)),
      row('Status', ADVICE_STATUS_LABELS[a.status] ?? a.status),
    ],
    sections: [
      {
        title: 'The question',
        rows: [answer('adviceQuestion', a.question), answer('aboutPerson', a.aboutPerson)],
      },
      {
        title: 'Who asked',
        rows: [
          answer('askerName', a.askerName),
          answer('askerType', coded('askerType', a.askerType)),
          ...(a.askerType === 'professional' ? [answer('askerOrganisation', a.askerOrganisation)] : []),
        ],
      },
      {
        title: 'How to contact them',
        rows: [
          answer('askerEmail', a.askerEmail),
          answer('askerPhone', a.askerPhone),
          answer('askerContactPreference', coded('askerContactPreference', a.askerContactPreference)),
        ],
      },
      {
        title: 'How it arrived',
        rows: [row('Channel', CHANNEL_LABELS[a.source] ?? a.source), row('Received', formatLondon(a.receivedAt, true))],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// The reason asked for before opening a case assigned to another officer.

export const REASON_MIN = 10;
export const REASON_MAX = 500;

/** The one field of the reason page (a field like the journeys' own, so the error summary is built the same way). */
export const reasonField: TextareaField = {
  kind: 'textarea',
  name: 'reason',
  label: messages.staffCases.reasonLabel,
  errorName: 'why you need to open this case',
  maxLength: REASON_MAX,
  rows: 4,
};

/** The reason form (staff form kit): a single `reason` (a repeated or missing field counts as blank), cleaned. */
const reasonForm = staffForm({
  reason: z
    .string()
    .min(1, messages.staffCases.reasonRequired)
    .min(REASON_MIN, messages.staffCases.reasonTooShort(REASON_MIN))
    .max(REASON_MAX, messages.staffCases.reasonTooLong(REASON_MAX)),
});

export type ReasonResult =
  { ok: true; reason: string } | { ok: false; value: string; error: string; errorSummary: ErrorSummaryItem[] };

/** Validates the reason form. On failure: the text to show again, the field's message and the error summary. */
export function parseReasonBody(body: unknown): ReasonResult {
  const parsed = parseForm(reasonForm, body);
  if (parsed.ok) return { ok: true, reason: parsed.values.reason };
  return {
    ok: false,
    value: parsed.values.reason,
    error: parsed.errors.reason ?? messages.staffCases.reasonRequired,
    errorSummary: parsed.errorSummary,
  };
}
