import { z } from 'zod';
import type { LinkedReferral, LinkStatus, ProbeReferral, ReferralPerson } from './queries.js';
import type { EarlierReferralCandidate } from './service.js';
import { parseForm, staffForm } from '../../forms/kit.js';
import { formatLondon } from '../../lib/dates.js';
import { messages } from '../../messages.js';
import type { Band } from './score.js';

/** The page's address for a referral. */
export function earlierReferralsHref(reference: string): string {
  return `/staff/referrals/${reference}/earlier-referrals`;
}

export const BAND_LABELS: Record<Band, string> = {
  strong: 'Strong match',
  possible: 'Possible match',
  weak: 'Weak match',
};

const BAND_TAGS: Record<Band, string> = {
  strong: 'govuk-tag--green',
  possible: 'govuk-tag--yellow',
  weak: 'govuk-tag--grey',
};

export const NOTE_MAX = 500;

/** "14 March 2009", or "Not known" (dates of birth are calendar dates: no time zone). */
export function dobText(p: Pick<ReferralPerson, 'dob' | 'ageApprox'>): string {
  if (p.dob) {
    const [y, m, d] = p.dob.split('-').map(Number) as [number, number, number];
    return formatLondon(new Date(Date.UTC(y, m - 1, d, 12)), false);
  }
  if (p.ageApprox !== null) return `Not known (about ${p.ageApprox} when referred)`;
  return 'Not known';
}

function addressText(p: ReferralPerson): string {
  const parts = [p.addressLine1, p.town].filter((x): x is string => Boolean(x && x.trim()));
  return parts.length ? parts.join(', ') : 'Not known';
}

export interface CompareRow {
  label: string;
  ours: string;
  theirs: string;
}

/** This referral's person and the candidate's, side by side. */
export function compareRows(probe: ReferralPerson, cand: ReferralPerson): CompareRow[] {
  return [
    { label: 'Name', ours: probe.fullName, theirs: cand.fullName },
    { label: 'Other names', ours: probe.otherNames ?? 'None given', theirs: cand.otherNames ?? 'None given' },
    { label: 'Date of birth', ours: dobText(probe), theirs: dobText(cand) },
    { label: 'Postcode', ours: probe.postcode ?? 'Not known', theirs: cand.postcode ?? 'Not known' },
    { label: 'Address', ours: addressText(probe), theirs: addressText(cand) },
    {
      label: 'Received',
      ours: formatLondon(probe.receivedAt, false),
      theirs: formatLondon(cand.receivedAt, false),
    },
  ];
}

export interface CandidateView {
  reference: string;
  href: string;
  headingId: string;
  received: string;
  when: 'Earlier referral' | 'Later referral';
  bandLabel: string;
  bandClass: string;
  reasons: string[];
  rows: CompareRow[];
  /** "Confirmed: same person" / "Not the same person", when decided. */
  decision: { status: LinkStatus; text: string; note: string | null; decidedAt: string } | null;
  formAction: string;
  noteId: string;
  note: string;
  noteError: string | undefined;
}

export interface PageView {
  reference: string;
  isRepeat: boolean;
  person: { name: string; dob: string; postcode: string };
  candidates: CandidateView[];
  history: { reference: string; href: string; received: string; when: string }[];
}

export function earlierReferralsView(
  probe: ProbeReferral,
  candidates: EarlierReferralCandidate[],
  history: LinkedReferral[],
  form?: { other: string; note: string; error: string },
): PageView {
  const base = earlierReferralsHref(probe.reference);
  return {
    reference: probe.reference,
    isRepeat: probe.isRepeat,
    person: { name: probe.fullName, dob: dobText(probe), postcode: probe.postcode ?? 'Not known' },
    candidates: candidates.map((c) => ({
      reference: c.reference,
      href: `/staff/referrals/${c.reference}`,
      headingId: `candidate-${c.reference}`,
      received: formatLondon(c.receivedAt, false),
      when: c.earlier ? 'Earlier referral' : 'Later referral',
      bandLabel: BAND_LABELS[c.band],
      bandClass: BAND_TAGS[c.band],
      reasons: c.reasons.length ? c.reasons : ['Nothing in particular matched'],
      rows: compareRows(probe, c),
      decision: c.link
        ? {
            status: c.link.status,
            text: c.link.status === 'confirmed' ? 'Confirmed: same person' : 'Not the same person',
            note: c.link.note,
            decidedAt: formatLondon(c.link.decidedAt, true),
          }
        : null,
      formAction: `${base}/${c.reference}`,
      noteId: `note-${c.reference}`,
      note: form?.other === c.reference ? form.note : '',
      noteError: form?.other === c.reference ? form.error : undefined,
    })),
    history: history.map((h) => ({
      reference: h.reference,
      href: `/staff/referrals/${h.reference}`,
      received: formatLondon(h.receivedAt, false),
      when: h.earlier ? 'Earlier referral' : 'Later referral',
    })),
  };
}

/** The success banner after a decision (PRG: the decision and the other reference come back in the query). */
export function bannerText(query: Record<string, unknown>): string | undefined {
  const done = query.done;
  const other = typeof query.other === 'string' && /^[2-9A-HJKMNP-Z]{8}$/.test(query.other) ? query.other : null;
  if (!other) return undefined;
  if (done === 'confirmed') return messages.earlierReferrals.confirmed(other);
  if (done === 'rejected') return messages.earlierReferrals.rejected(other);
  return undefined;
}

/** The decision form (staff form kit): `decision` is the button pressed, read as sent; the note is optional. */
const decisionForm = staffForm(
  {
    decision: z.enum(['confirmed', 'rejected']),
    note: z.string().max(NOTE_MAX, messages.earlierReferrals.noteTooLong(NOTE_MAX)),
  },
  { verbatim: ['decision'] },
);

export type DecisionResult =
  | { ok: true; decision: LinkStatus; note: string | null }
  | { ok: false; kind: 'bad-request' }
  | { ok: false; kind: 'invalid'; note: string; error: string };

/** Validates a decision form: `decision` must be one of the two buttons; the note is optional. */
export function parseDecisionBody(body: unknown): DecisionResult {
  const parsed = parseForm(decisionForm, body);
  if (parsed.ok) return { ok: true, decision: parsed.values.decision, note: parsed.values.note || null };
  if (parsed.errors.decision) return { ok: false, kind: 'bad-request' };
  return {
    ok: false,
    kind: 'invalid',
    note: parsed.values.note,
    error: parsed.errors.note ?? messages.earlierReferrals.noteTooLong(NOTE_MAX),
  };
}
