import { z } from 'zod';
import type { AdviceRow, ReferralRecord } from '../queries/cases.js';
import { cleanText, type TextareaField } from '../../../forms/fields.js';
import { VULNERABILITIES } from '../../../forms/referral/vulnerabilities.js';
import { formatLondon, londonDate } from '../../../lib/dates.js';
import { messages } from '../../../messages.js';
import { multiline } from '../../intake/view-models/check-answers.js';
import { errorSummary, type ErrorSummaryItem } from '../../../views/error-summary.js';
import { CHANNEL_LABELS } from './intake.js';

/**
 * What the read-only case pages show, built from the stored columns (never from HTML): govukSummaryList rows whose
 * values are escaped text with the line breaks kept. Blank answers read "Not given"; what the referrer said they did
 * not know reads "Not known".
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

const YES_NO_UNKNOWN: Record<string, string> = { yes: 'Yes', no: 'No', unknown: NOT_KNOWN };
const GENDERS: Record<string, string> = {
  female: 'Female',
  male: 'Male',
  other: 'Describes their gender another way',
  unknown: NOT_KNOWN,
};
const REFERRER_TYPES: Record<string, string> = { public: 'A member of the public', professional: 'A professional' };
const DSL_INFORMED: Record<string, string> = {
  yes: 'Yes',
  no: 'No, not yet',
  not_applicable: 'Their organisation does not have one',
};
const CONTACT_PREFERENCES: Record<string, string> = { email: 'By email', phone: 'By telephone', either: 'Either' };
const VULNERABILITY_LABELS: Record<string, string> = {
  ...Object.fromEntries(VULNERABILITIES.map((v) => [v.value, v.text])),
  'none-known': 'None known',
};

function row(label: string, value: string | null | undefined, fallback = NOT_GIVEN): CaseRow {
  return { label, value: typeof value === 'string' && value.trim() !== '' ? value : fallback };
}

/** A coded answer as words (an unknown code is shown as stored, so nothing is hidden). */
function coded(map: Record<string, string>, value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  return map[value] ?? value;
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
  return codes.map((c) => VULNERABILITY_LABELS[c] ?? c).join('\n');
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
      row('Full name', r.personFullName),
      row('Other names', r.personOtherNames),
      row('Date of birth', r.personDob ? formatDob(r.personDob) : null, NOT_KNOWN),
      row('Age', ageText(r.personDob, r.personAgeApprox, now)),
      row('Gender', coded(GENDERS, r.personGender)),
      row('Home address', addressText(r)),
      row('School, college or employer', r.personOccupation),
      row('Telephone number', r.personPhone),
      row('Email address', r.personEmail),
      row('Knows about the referral', coded(YES_NO_UNKNOWN, r.personAware)),
    ],
  };
  const violence = coded(YES_NO_UNKNOWN, r.concernViolence);
  const concern: CaseSection = {
    title: 'The concern',
    rows: [
      row('What happened and why the referrer is worried', r.concernText),
      row('First noticed', r.concernSince),
      row('Online activity', r.concernOnline),
      row('Threats or interest in violence or weapons', violence),
      ...(r.concernViolence === 'yes' ? [row('Details of threats or violence', r.concernViolenceDetails)] : []),
      row('Vulnerabilities or complex needs', vulnerabilitiesText(r.vulnerabilities)),
      row('More about their needs', r.vulnerabilitiesDetails),
      row('Other agencies or professionals', r.otherAgencies),
      row('Kind of concern (the referrer’s view)', record.concernTypeLabel ?? r.concernTypeCode),
    ],
  };
  const referrerRows = [row('Referring as', coded(REFERRER_TYPES, r.referrerType))];
  let referrer: CaseSection;
  if (r.referrerAnonymous) {
    referrer = { title: 'Who made the referral', note: messages.staffCases.anonymousReferrer, rows: referrerRows };
  } else {
    referrerRows.push(row('Name', r.referrerName));
    if (r.referrerType === 'professional') {
      referrerRows.push(
        row('Organisation', r.referrerOrganisation),
        row('Job title or role', r.referrerRole),
        row('Sector', record.sectorLabel ?? r.referrerSectorCode),
        row('Told their designated safeguarding lead', coded(DSL_INFORMED, r.referrerDslInformed)),
      );
    }
    referrerRows.push(
      row('Relationship to the person', r.referrerRelationship),
      row('Email address', r.referrerEmail),
      row('Telephone number', r.referrerPhone),
      row('How they prefer to be contacted', coded(CONTACT_PREFERENCES, r.referrerContactPreference)),
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
        rows: [row('What they would like advice about', a.question), row('About the person', a.aboutPerson)],
      },
      {
        title: 'Who asked',
        rows: [
          row('Name', a.askerName),
          row('Asking as', coded(REFERRER_TYPES, a.askerType)),
          ...(a.askerType === 'professional' ? [row('Organisation', a.askerOrganisation)] : []),
        ],
      },
      {
        title: 'How to contact them',
        rows: [
          row('Email address', a.askerEmail),
          row('Telephone number', a.askerPhone),
          row('How they prefer to be contacted', coded(CONTACT_PREFERENCES, a.askerContactPreference)),
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

/** The form body: a single `reason` (a repeated or missing field counts as blank), control characters removed, trimmed. */
const reasonBody = z.object({
  reason: z.preprocess(
    (v) => (typeof v === 'string' ? cleanText(v).trim() : ''),
    z
      .string()
      .min(1, messages.staffCases.reasonRequired)
      .min(REASON_MIN, messages.staffCases.reasonTooShort(REASON_MIN))
      .max(REASON_MAX, messages.staffCases.reasonTooLong(REASON_MAX)),
  ),
});

export type ReasonResult =
  { ok: true; reason: string } | { ok: false; value: string; error: string; errorSummary: ErrorSummaryItem[] };

/** Validates the reason form. On failure: the text to show again, the field's message and the error summary. */
export function parseReasonBody(body: unknown): ReasonResult {
  const parsed = reasonBody.safeParse(typeof body === 'object' && body !== null ? body : {});
  if (parsed.success) return { ok: true, reason: parsed.data.reason };
  const raw = (body as { reason?: unknown } | null)?.reason;
  const error = parsed.error.issues[0]?.message ?? messages.staffCases.reasonRequired;
  return {
    ok: false,
    value: typeof raw === 'string' ? cleanText(raw) : '',
    error,
    errorSummary: errorSummary([reasonField], { reason: error }),
  };
}
