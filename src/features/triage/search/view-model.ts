import { z } from 'zod';
import type { PostcodeTerm, SearchTerms } from './queries.js';
import { cleanText, validateDate } from '../../../forms/fields.js';
import { formatLondon } from '../../../lib/dates.js';
import { messages } from '../../../messages.js';
import type { SearchResult } from './service.js';
import { ADVICE_STATUS_LABELS, REFERRAL_STATUS_LABELS } from '../../cases/view-models/case-view.js';
import { dobText } from '../../earlier-referrals/view-model.js';
import { referenceInputModel } from '../../../views/reference-field.js';

/** The staff search form (src/features/triage/search/routes.ts): parsing, the govuk-frontend parameters, the results table. */

export const SEARCH_URL = '/staff/search';
export const NAME_MAX = 100;
export const TEXT_MAX = 200;
const REFERENCE = /^[2-9A-HJKMNP-Z]{8}$/;

/** What the person typed, kept to show the form again. */
export interface SearchFormValues {
  reference: string;
  name: string;
  'dob-day': string;
  'dob-month': string;
  'dob-year': string;
  dobClose: boolean;
  postcode: string;
  text: string;
}

export const EMPTY_FORM: SearchFormValues = {
  reference: '',
  name: '',
  'dob-day': '',
  'dob-month': '',
  'dob-year': '',
  dobClose: false,
  postcode: '',
  text: '',
};

/** Form fields in page order (the error summary follows it). */
const FIELD_ORDER = ['reference', 'name', 'dob', 'postcode', 'text'] as const;
type FieldId = (typeof FIELD_ORDER)[number];

export type SearchErrors = Partial<Record<FieldId, string>>;

export interface ParsedSearch {
  values: SearchFormValues;
  errors: SearchErrors;
  /** Only when there are no errors. */
  terms?: SearchTerms;
}

const text = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')));
const BODY = z.object({
  reference: text,
  name: text,
  'dob-day': text,
  'dob-month': text,
  'dob-year': text,
  dobClose: text,
  postcode: text,
  text: text,
});

const squash = (s: string) => cleanText(s).replace(/\s+/g, ' ').trim();

/** A postcode, district or sector as typed → its search term; undefined if it is none of them. */
export function parsePostcode(raw: string): PostcodeTerm | undefined {
  const spaced = squash(raw).toUpperCase();
  const key = spaced.replace(/ /g, '');
  const full = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/.exec(key);
  if (full) return { kind: 'full', key, outward: full[1]! };
  const sector = /^([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9])$/.exec(spaced);
  if (sector) return { kind: 'sector', key, outward: sector[1]!, sector: sector[2]! };
  if (/^[A-Z]{1,2}[0-9][A-Z0-9]?$/.test(key)) return { kind: 'district', key, outward: key };
  return undefined;
}

/** How a postcode term reads ("CA1 1AA", "CA1 1", "CA1"). */
export function postcodeText(p: PostcodeTerm): string {
  if (p.kind === 'full') return `${p.outward} ${p.key.slice(p.outward.length)}`;
  if (p.kind === 'sector') return `${p.outward} ${p.sector}`;
  return p.outward;
}

/** The form's body → values to show again, errors, and the terms to search for. Never throws on hostile input. */
export function parseSearchForm(body: unknown, today = new Date()): ParsedSearch {
  const parsed = BODY.safeParse(body && typeof body === 'object' ? body : {});
  const raw = parsed.success ? parsed.data : BODY.parse({});
  const values: SearchFormValues = {
    reference: squash(raw.reference).slice(0, 50),
    name: squash(raw.name).slice(0, 500),
    'dob-day': squash(raw['dob-day']).slice(0, 10),
    'dob-month': squash(raw['dob-month']).slice(0, 10),
    'dob-year': squash(raw['dob-year']).slice(0, 10),
    dobClose: raw.dobClose === 'yes',
    postcode: squash(raw.postcode).slice(0, 50),
    text: squash(raw.text).slice(0, 1000),
  };
  const errors: SearchErrors = {};
  const terms: SearchTerms = {};
  if (values.reference) {
    const reference = values.reference.toUpperCase().replace(/[\s-]/g, '');
    if (REFERENCE.test(reference)) terms.reference = reference;
    else errors.reference = messages.staffSearch.referenceFormat;
  }
  if (values.name) {
    if (values.name.length > NAME_MAX) errors.name = messages.staffSearch.nameTooLong;
    else if (!/[\p{L}\p{N}]/u.test(values.name)) errors.name = messages.staffSearch.nameNoLetters;
    else terms.name = values.name;
  }
  const date = { day: values['dob-day'], month: values['dob-month'], year: values['dob-year'] };
  const dateError = validateDate({ errorName: 'date of birth', optional: true }, date, today);
  if (dateError) errors.dob = dateError;
  else if (date.day || date.month || date.year) {
    terms.dob = `${date.year}-${date.month.padStart(2, '0')}-${date.day.padStart(2, '0')}`;
    if (values.dobClose) terms.dobClose = true;
  }
  if (values.postcode) {
    const postcode = parsePostcode(values.postcode);
    if (postcode) terms.postcode = postcode;
    else errors.postcode = messages.staffSearch.postcodeFormat;
  }
  if (values.text) {
    if (values.text.length > TEXT_MAX) errors.text = messages.staffSearch.textTooLong;
    else terms.text = values.text;
  }
  const anything = values.reference || values.name || date.day || date.month || date.year || values.postcode;
  if (!anything && !values.text) errors.reference = messages.staffSearch.nothingEntered;
  return Object.keys(errors).length ? { values, errors } : { values, errors, terms };
}

/** The error summary, in the order of the page, each linked to its field (a date: its first box). */
export function searchErrorList(errors: SearchErrors): { text: string; href: string }[] {
  return FIELD_ORDER.filter((id) => errors[id]).map((id) => ({
    text: errors[id]!,
    href: `#${id === 'dob' ? 'dob-day' : id}`,
  }));
}

/**
 * The fields searched with their values, as the access log records them: the s.62 record of the search, which the
 * data protection officer reads. (Only there: never in a URL or the application log.)
 */
export function termsForLog(terms: SearchTerms): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  if (terms.reference) out.reference = terms.reference;
  if (terms.name) out.name = terms.name;
  if (terms.dob) out.dateOfBirth = terms.dob;
  if (terms.dob && terms.dobClose) out.dateOfBirthOrClose = true;
  if (terms.postcode) out.postcode = postcodeText(terms.postcode);
  if (terms.text) out.words = terms.text;
  return out;
}

const errorOf = (errors: SearchErrors, id: FieldId) => (errors[id] ? { text: errors[id] } : undefined);

/** The form's govuk-frontend macro parameters. */
export function searchFormModel(values: SearchFormValues, errors: SearchErrors) {
  const dobError = errors.dob;
  const parts = ['day', 'month', 'year'] as const;
  const empty = parts.filter((p) => values[`dob-${p}`] === '');
  const marked: readonly string[] = dobError ? (empty.length && empty.length < 3 ? empty : parts) : [];
  return {
    reference: referenceInputModel(values.reference, errors.reference),
    name: {
      id: 'name',
      name: 'name',
      label: { text: 'Name', classes: 'govuk-label--s' },
      hint: {
        text: 'Full name or part of it. Finds other names too, and names that sound alike or are spelt differently',
      },
      value: values.name,
      spellcheck: false,
      autocomplete: 'off',
      errorMessage: errorOf(errors, 'name'),
    },
    dob: {
      id: 'dob',
      namePrefix: 'dob',
      fieldset: { legend: { text: 'Date of birth', classes: 'govuk-fieldset__legend--s' } },
      hint: { text: 'For example, 27 3 2007' },
      errorMessage: dobError ? { text: dobError } : undefined,
      items: parts.map((p) => ({
        name: p,
        label: p === 'day' ? 'Day' : p === 'month' ? 'Month' : 'Year',
        value: values[`dob-${p}`],
        classes: `govuk-input--width-${p === 'year' ? 4 : 2}${marked.includes(p) ? ' govuk-input--error' : ''}`,
        inputmode: 'numeric',
        autocomplete: 'off',
      })),
    },
    dobClose: {
      idPrefix: 'dobClose',
      name: 'dobClose',
      classes: 'govuk-checkboxes--small',
      items: [
        {
          value: 'yes',
          text: 'Also find dates close to this one',
          hint: { text: 'Day and month swapped, one digit different, or two digits the wrong way round' },
          checked: values.dobClose,
        },
      ],
    },
    postcode: {
      id: 'postcode',
      name: 'postcode',
      label: { text: 'Postcode', classes: 'govuk-label--s' },
      hint: { text: 'A full postcode like CA1 1AA, or the start of one: a district like CA1 or a sector like CA1 1' },
      value: values.postcode,
      classes: 'govuk-input--width-10',
      spellcheck: false,
      autocomplete: 'off',
      errorMessage: errorOf(errors, 'postcode'),
    },
    text: {
      id: 'text',
      name: 'text',
      label: { text: 'Words in the concern or question', classes: 'govuk-label--s' },
      hint: {
        text: 'Finds referrals whose concern, or advice requests whose question, has all these words. Put a phrase in quotation marks',
      },
      value: values.text,
      spellcheck: false,
      autocomplete: 'off',
      errorMessage: errorOf(errors, 'text'),
    },
  };
}

export interface ResultRow {
  reference: string;
  href: string;
  type: string;
  received: string;
  state: string;
  name: string;
  dob: string;
  postcodeDistrict: string;
  reasons: string[];
  /** Shown when opening the case will ask for a reason first. */
  reasonNote: string | null;
}

const NOT_RECORDED = 'Not recorded';

/** The district (outward code) of a postcode: enough to tell places apart without the whole address. */
export function postcodeDistrict(postcode: string | null): string {
  if (!postcode) return 'Not known';
  const key = postcode.toUpperCase().replace(/\s+/g, '');
  return key.length >= 5 ? key.slice(0, -3) : key;
}

export function resultRow(r: SearchResult): ResultRow {
  const referral = r.recordType === 'referral';
  return {
    reference: r.reference,
    href: `/staff/${referral ? 'referrals' : 'advice'}/${r.reference}`,
    type: referral ? 'Referral' : 'Advice request',
    received: formatLondon(r.receivedAt, false),
    state: referral
      ? (REFERRAL_STATUS_LABELS[r.status as keyof typeof REFERRAL_STATUS_LABELS] ?? r.status)
      : (ADVICE_STATUS_LABELS[r.status as keyof typeof ADVICE_STATUS_LABELS] ?? r.status),
    name: referral
      ? `${r.fullName ?? ''}${r.otherNames && r.reasons.includes('Other name') ? ` (other names: ${r.otherNames})` : ''}`
      : NOT_RECORDED,
    dob: referral ? dobText({ dob: r.dob, ageApprox: r.ageApprox }) : NOT_RECORDED,
    postcodeDistrict: referral ? postcodeDistrict(r.postcode) : NOT_RECORDED,
    reasons: r.reasons,
    reasonNote: r.access === 'reason' ? 'You will be asked for a reason to open this' : null,
  };
}

/** What the results part of the page says. */
export function resultsView(outcome: { results: SearchResult[]; more: boolean; resultCount: number }, max: number) {
  const rows = outcome.results.map(resultRow);
  let summary: string;
  if (!rows.length) summary = 'No referrals or advice requests match your search.';
  else if (outcome.more)
    summary = `More than ${max} referrals and advice requests match. The ${max} best matches are shown: add more details to narrow your search.`;
  else
    summary = `${rows.length} ${rows.length === 1 ? 'referral or advice request matches' : 'referrals and advice requests match'}, best match first.`;
  return { rows, summary, more: outcome.more };
}
