import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getTableColumns } from 'drizzle-orm';
import { adviceRequests, referrals } from '../../src/db/schema/index.js';
import type { AdviceRow, ReferralRecord, ReferralRow } from '../../src/features/cases/queries/cases.js';
import {
  NOT_A_ROW_OF_THEIR_OWN,
  adviceView,
  plainSummarySections,
  referralView,
  type CaseView,
} from '../../src/features/cases/view-models/case-view.js';
import { referralSummary } from '../../src/features/cases/referral-summary.js';
import type { Field, Option } from '../../src/forms/fields.js';
import {
  definitions,
  entryField,
  paperHint,
  paperLabel,
  questions,
  staffLabel,
  staffOptionText,
} from '../../src/forms/questions.js';
import { referralJourney } from '../../src/forms/referral/index.js';
import { violencePage } from '../../src/forms/referral/violence.js';

const NOW = new Date('2026-03-10T12:00:00Z');

/** Columns that are about the case, not an answer to a question. */
const NOT_ANSWERS = new Set([
  'id',
  'reference',
  'draftId',
  'source',
  'status',
  'receivedAt',
  'answers',
  'assignedOfficerId',
  'isRepeat',
  'stateChangedAt',
  'onHoldUntil',
  'dueOn',
  'answeredAt',
  'answeredBy',
]);
/** A column named otherwise than its question. */
const COLUMN_QUESTION: Record<string, string> = { question: 'adviceQuestion' };
const questionOf = (column: string) => COLUMN_QUESTION[column] ?? column;
const answerColumns = (table: typeof referrals | typeof adviceRequests) =>
  Object.keys(getTableColumns(table)).filter((c) => !NOT_ANSWERS.has(c));

const REFERENCE_DATA = {
  concernTypes: [
    { code: 'islamist', label: 'Islamist' },
    { code: 'not-sure', label: 'I am not sure' },
  ],
  sectors: [
    { code: 'education', label: 'Education (school, college or university)' },
    { code: 'other', label: 'Other' },
  ],
};
const withData = questions(REFERENCE_DATA);

function optionsOf(field: Field): Option[] {
  return field.kind === 'radios' || field.kind === 'checkboxes' ? field.options : [];
}
const values = (name: string) => optionsOf(withData.field(name)).map((o) => o.value);
const labelOf = (list: { code: string; label: string }[], code: string | null) =>
  list.find((x) => x.code === code)?.label ?? null;

const text = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== '');
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const pick = (name: string) => fc.constantFrom(...values(name));

/** A stored referral whose every coded column holds one of its question's option values. */
const referralRows: fc.Arbitrary<ReferralRow> = fc.record({
  id: fc.constant('00000000-0000-4000-8000-000000000001'),
  reference: fc.constant('ABCD2345'),
  draftId: fc.constant(null),
  source: fc.constantFrom('online', 'email', 'phone', 'post'),
  status: fc.constantFrom('new', 'in_triage', 'awaiting_information', 'awaiting_approval', 'decided'),
  receivedAt: fc.constant(new Date('2026-03-01T09:05:00Z')),
  personFullName: text,
  personOtherNames: maybe(text),
  personDob: maybe(fc.constantFrom('2010-03-11', '1990-12-31')),
  personAgeApprox: maybe(fc.integer({ min: 0, max: 120 })),
  personGender: maybe(pick('personGender')),
  personAddressKnown: fc.boolean(),
  personAddressLine1: maybe(text),
  personAddressLine2: maybe(text),
  personTown: maybe(text),
  personCounty: maybe(text),
  personPostcode: maybe(fc.constant('CA1 1AA')),
  personOccupation: maybe(text),
  personPhone: maybe(text),
  personEmail: maybe(text),
  concernText: text,
  concernSince: maybe(text),
  concernOnline: maybe(text),
  concernViolence: pick('concernViolence') as fc.Arbitrary<ReferralRow['concernViolence']>,
  concernViolenceDetails: maybe(text),
  vulnerabilities: fc.subarray(values('vulnerabilities')),
  vulnerabilitiesDetails: maybe(text),
  otherAgencies: maybe(text),
  personAware: pick('personAware') as fc.Arbitrary<ReferralRow['personAware']>,
  concernTypeCode: maybe(pick('concernTypeCode')),
  referrerType: pick('referrerType') as fc.Arbitrary<ReferralRow['referrerType']>,
  referrerAnonymous: fc.boolean(),
  referrerName: maybe(text),
  referrerRelationship: maybe(text),
  referrerOrganisation: maybe(text),
  referrerRole: maybe(text),
  referrerSectorCode: maybe(pick('referrerSectorCode')),
  referrerDslInformed: maybe(pick('referrerDslInformed')) as fc.Arbitrary<ReferralRow['referrerDslInformed']>,
  referrerEmail: maybe(text),
  referrerPhone: maybe(text),
  referrerContactPreference: maybe(pick('referrerContactPreference')) as fc.Arbitrary<
    ReferralRow['referrerContactPreference']
  >,
  answers: fc.constant({ formVersion: 1 }),
  assignedOfficerId: fc.constant(null),
  isRepeat: fc.boolean(),
  stateChangedAt: fc.constant(new Date('2026-03-01T09:05:00Z')),
  onHoldUntil: fc.constant(null),
  dueOn: fc.constant('2026-03-06'),
});

const adviceRows: fc.Arbitrary<AdviceRow> = fc.record({
  id: fc.constant('00000000-0000-4000-8000-000000000002'),
  reference: fc.constant('WXYZ6789'),
  draftId: fc.constant(null),
  source: fc.constantFrom('online', 'email', 'phone', 'post'),
  status: fc.constantFrom('new', 'answered', 'closed'),
  receivedAt: fc.constant(new Date('2026-01-05T16:45:00Z')),
  question: text,
  aboutPerson: maybe(text),
  askerType: pick('askerType') as fc.Arbitrary<AdviceRow['askerType']>,
  askerName: text,
  askerOrganisation: maybe(text),
  askerEmail: maybe(text),
  askerPhone: maybe(text),
  askerContactPreference: maybe(pick('askerContactPreference')) as fc.Arbitrary<AdviceRow['askerContactPreference']>,
  answers: fc.constant({}),
  assignedOfficerId: fc.constant(null),
  answeredAt: fc.constant(null),
  answeredBy: fc.constant(null),
  dueOn: fc.constant('2026-01-12'),
});

function recordOf(row: ReferralRow): ReferralRecord {
  return {
    referral: row,
    concernTypeLabel: labelOf(REFERENCE_DATA.concernTypes, row.concernTypeCode),
    sectorLabel: labelOf(REFERENCE_DATA.sectors, row.referrerSectorCode),
    assignedOfficerName: null,
  };
}

function rowsOf(view: CaseView): { label: string; value: string }[] {
  return [...view.facts, ...view.sections.flatMap((s) => s.rows)];
}

/** Every row has a label and a value, and every coded column's row shows words, never the stored code. */
function expectLabelled(view: CaseView, stored: Record<string, unknown>): void {
  const rows = rowsOf(view);
  for (const r of rows) {
    expect(r.label.trim()).not.toBe('');
    expect(r.value.trim()).not.toBe('');
  }
  for (const section of plainSummarySections(view)) {
    for (const r of section.rows) expect(r.label.trim() && r.value.trim()).toBeTruthy();
  }
  for (const [column, value] of Object.entries(stored)) {
    if (NOT_ANSWERS.has(column) || value === null) continue;
    const field = withData.field(questionOf(column));
    // A yes/no kept as a boolean is shown in another row (the home address, the anonymous note).
    if (!optionsOf(field).length || field.name in NOT_A_ROW_OF_THEIR_OWN) continue;
    const shown = rows.find((r) => r.label === staffLabel(field.name));
    if (!shown) continue; // not shown for this case (an anonymous referrer's contact preference, say)
    const codes = Array.isArray(value) ? (value as string[]) : [String(value)];
    const lines = shown.value.split('\n');
    for (const code of codes) {
      expect(lines, `${field.name}=${code}`).not.toContain(code);
      expect(lines).toContain(
        staffOptionText(field.name, code) ?? labelOf([...REFERENCE_DATA.concernTypes, ...REFERENCE_DATA.sectors], code),
      );
    }
  }
}

describe('one definition per question', () => {
  it('finds every field of both journeys by name, conditional sub-fields included', () => {
    expect(definitions.field('concernViolence')).toBe(violencePage.fields[0]);
    expect(definitions.field('concernViolenceDetails').label).toBe('Tell us what you know');
    expect(definitions.field('askerOrganisation').label).toBe('Organisation');
    expect(() => definitions.field('concernViolance')).toThrow(/No question is called concernViolance/);
    expect(withData.fieldsOf('referral').map((f) => f.name)).toContain('personPostcode');
    expect(optionsOf(withData.field('concernTypeCode')).map((o) => o.text)).toEqual(['Islamist', 'I am not sure']);
  });

  it('has a question with a label for every column of referrals and advice_requests that holds an answer', () => {
    for (const column of [...answerColumns(referrals), ...answerColumns(adviceRequests)]) {
      expect(() => definitions.field(questionOf(column)), column).not.toThrow();
      expect(staffLabel(questionOf(column)).trim(), column).not.toBe('');
    }
  });

  it('gives every option of every question words for staff and for the public, never the code', () => {
    for (const kind of ['referral', 'advice'] as const) {
      for (const field of withData.fieldsOf(kind)) {
        for (const option of optionsOf(field)) {
          for (const words of [option.text, option.staffText ?? option.text, entryField(field).label]) {
            expect(words.trim(), `${field.name}=${option.value}`).not.toBe('');
            expect(words, `${field.name}=${option.value}`).not.toBe(option.value);
          }
        }
      }
    }
  });

  it('labels every stored answer on the case page and in the PDF summary (any option values)', () => {
    fc.assert(
      fc.property(referralRows, (row) => expectLabelled(referralView(recordOf(row), NOW), row)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(adviceRows, (row) => expectLabelled(adviceView(row), row)),
      { numRuns: 100 },
    );
  });

  it('words every option value in the PDF summary of an online referral, as the referrer read it', () => {
    const journey = referralJourney(REFERENCE_DATA);
    const optionFields = withData.fieldsOf('referral').filter((f) => optionsOf(f).length > 0);
    const answers = fc.record(
      Object.fromEntries(
        optionFields.map((f) => [
          f.name,
          f.kind === 'checkboxes' ? fc.subarray(values(f.name), { minLength: 1 }) : pick(f.name),
        ]),
      ),
    );
    fc.assert(
      fc.property(referralRows, answers, (row, chosen) => {
        const summary = referralSummary(journey, { ...row, source: 'online', answers: { values: chosen } });
        const rows = summary.sections.flatMap((s) => s.rows);
        for (const field of optionFields) {
          const shown = rows.find((r) => r.label === (field.summaryLabel ?? field.label));
          if (!shown) continue; // not on the path these answers take
          const codes = [chosen[field.name]].flat() as string[];
          const lines = shown.value.split('\n');
          for (const code of codes) {
            expect(lines, `${field.name}=${code}`).not.toContain(code);
            expect(lines).toContain(optionsOf(field).find((o) => o.value === code)!.text);
          }
        }
        for (const r of rows) expect(r.label.trim() && r.value.trim()).toBeTruthy();
      }),
      { numRuns: 100 },
    );
  });

  it('shows every question of the referral journey on the case page, or says why not', () => {
    const full: ReferralRow = {
      ...fc.sample(referralRows, { numRuns: 1, seed: 1 })[0]!,
      referrerType: 'professional',
      referrerAnonymous: false,
      concernViolence: 'yes',
      personAddressKnown: true,
      personAddressLine1: '1 Line One',
      personAddressLine2: '2 Line Two',
      personTown: 'Town Three',
      personCounty: 'County Four',
      personPostcode: 'CA1 1AA',
    };
    const view = referralView(recordOf(full), NOW);
    const labels = rowsOf(view).map((r) => r.label);
    const unlisted = withData
      .fieldsOf('referral')
      .filter((f) => !(f.name in NOT_A_ROW_OF_THEIR_OWN) && !labels.includes(staffLabel(f.name)));
    expect(unlisted.map((f) => f.name)).toEqual([]);
    const home = rowsOf(view).find((r) => r.label === staffLabel('personAddressKnown'))!;
    expect(home.value.split('\n')).toEqual(['1 Line One', '2 Line Two', 'Town Three', 'County Four', 'CA1 1AA']);
    // The list names real questions only.
    for (const name of Object.keys(NOT_A_ROW_OF_THEIR_OWN)) expect(() => definitions.field(name)).not.toThrow();
  });

  it('shows every question of the advice journey on the case page, or says why not', () => {
    const row: AdviceRow = { ...fc.sample(adviceRows, { numRuns: 1, seed: 1 })[0]!, askerType: 'professional' };
    const labels = rowsOf(adviceView(row)).map((r) => r.label);
    const unlisted = withData
      .fieldsOf('advice')
      .filter((f) => !(f.name in NOT_A_ROW_OF_THEIR_OWN) && !labels.includes(staffLabel(f.name)));
    expect(unlisted.map((f) => f.name)).toEqual([]);
  });

  it('words the officer’s and the paper’s questions from the definition', () => {
    const referrerType = entryField(definitions.field('referrerType'));
    expect(referrerType.label).toBe('Is the referrer a professional?');
    expect(optionsOf(referrerType).map((o) => [o.text, o.hint])).toEqual([
      ['Yes, a professional', 'For example, a teacher or a health worker'],
      ['No, a member of the public', undefined],
    ]);
    expect(entryField(definitions.field('concernSince')).hint).toBeUndefined();
    expect(entryField(definitions.field('concernViolence'))).toEqual(definitions.field('concernViolence'));
    expect(paperLabel(definitions.field('personAddressKnown'))).toBe('Home address and postcode');
    expect(paperHint(definitions.field('concernSince'))).toBe('For example, last week, since the summer, or a date.');
    expect(paperHint(definitions.field('vulnerabilities'))).toBe('Tick all that apply.');
  });
});
