import { describe, expect, it } from 'vitest';
import {
  assessmentHistory,
  formValuesFrom,
  parseAssessmentBody,
  parseCheckBody,
  parseResponseBody,
} from '../../src/features/triage/assessment/view-model.js';
import type { AssessmentRow, Framework } from '../../src/features/triage/assessment/service.js';

const framework: Framework = {
  code: 'vaf',
  version: 1,
  title: 'Test framework',
  definition: {
    ratings: [
      { code: 'none', label: 'No evidence' },
      { code: 'some', label: 'Some evidence' },
      { code: 'lots', label: 'Significant evidence' },
    ],
    sections: [
      {
        code: 'a',
        title: 'Engagement',
        factors: [
          { code: 'f1', label: 'Grievance' },
          { code: 'f2', label: 'Threat' },
        ],
      },
      { code: 'b', title: 'Intent', factors: [{ code: 'f3', label: 'Us and them' }] },
    ],
    freeText: [{ code: 'protective', label: 'Protective factors' }],
  },
};
const v2: Framework = {
  ...framework,
  version: 2,
  definition: {
    ...framework.definition,
    sections: [
      {
        code: 'a',
        title: 'Engagement',
        factors: [
          { code: 'f1', label: 'Grievance' },
          { code: 'f9', label: 'New' },
        ],
      },
    ],
  },
};
const frameworks = new Map([
  ['vaf@1', framework],
  ['vaf@2', v2],
]);

function row(
  id: string,
  at: string,
  ratings: Record<string, string>,
  extra: Partial<AssessmentRow> = {},
): AssessmentRow {
  return {
    id,
    frameworkCode: 'vaf',
    frameworkVersion: 1,
    answers: {
      factors: Object.fromEntries(Object.entries(ratings).map(([k, r]) => [k, { rating: r, rationale: '' }])),
      sections: {},
      freeText: {},
    },
    summary: 'Same summary',
    previousId: null,
    createdByName: 'Olive Officer',
    createdAt: new Date(at),
    ...extra,
  };
}

describe('the assessment comparison', () => {
  it('says the first assessment is the first and lists no changes', () => {
    const [only] = assessmentHistory(
      [row('a1', '2026-03-01T10:00:00Z', { f1: 'none', f2: 'none', f3: 'none' })],
      frameworks,
    );
    expect(only).toMatchObject({ first: true, ratingChanges: [], textChanges: [], by: 'Olive Officer' });
    expect(only!.heading).toBe('Assessment 1, 1 March 2026 at 10:00am');
    expect(only!.ratings[0]!.rows[0]).toEqual({ label: 'Grievance', rating: 'No evidence', rationale: '' });
  });

  it('lists the ratings that moved, with both labels, in the framework order, and nothing that stayed', () => {
    const views = assessmentHistory(
      [
        row('a1', '2026-03-01T10:00:00Z', { f1: 'none', f2: 'some', f3: 'none' }),
        row('a2', '2026-03-02T10:00:00Z', { f1: 'lots', f2: 'some', f3: 'some' }),
      ],
      frameworks,
    );
    expect(views[1]!.first).toBe(false);
    expect(views[1]!.ratingChanges).toEqual([
      { what: 'Grievance', before: 'No evidence', after: 'Significant evidence' },
      { what: 'Us and them', before: 'No evidence', after: 'Some evidence' },
    ]);
    expect(views[1]!.textChanges).toEqual([]);
  });

  it('compares each assessment with the one just before it, not the first', () => {
    const views = assessmentHistory(
      [
        row('a1', '2026-03-01T10:00:00Z', { f1: 'none', f2: 'none', f3: 'none' }),
        row('a2', '2026-03-02T10:00:00Z', { f1: 'some', f2: 'none', f3: 'none' }),
        row('a3', '2026-03-03T10:00:00Z', { f1: 'some', f2: 'lots', f3: 'none' }),
      ],
      frameworks,
    );
    expect(views[2]!.ratingChanges).toEqual([{ what: 'Threat', before: 'No evidence', after: 'Significant evidence' }]);
  });

  it('lists text that changed: rationales, overall rationales, free text and the summary, with "(none)" for empty', () => {
    const a = row('a1', '2026-03-01T10:00:00Z', { f1: 'none', f2: 'none', f3: 'none' });
    a.answers.factors.f1!.rationale = 'Unfairness at school';
    a.answers.freeText.protective = 'Close family';
    const b = row('a2', '2026-03-02T10:00:00Z', { f1: 'none', f2: 'none', f3: 'none' }, { summary: 'New summary' });
    b.answers.factors.f1!.rationale = 'Unfairness at school  ';
    b.answers.sections.b = 'No intent';
    const [, view] = assessmentHistory([a, b], frameworks);
    expect(view!.textChanges).toEqual([
      { what: 'Intent: overall rationale', before: '(none)', after: 'No intent' },
      { what: 'Protective factors', before: 'Close family', after: '(none)' },
      { what: 'Summary', before: 'Same summary', after: 'New summary' },
    ]);
  });

  it('across framework versions: a factor only one version has moves from or to "not rated"', () => {
    const a = row('a1', '2026-03-01T10:00:00Z', { f1: 'none', f2: 'some', f3: 'none' });
    const b = row('a2', '2026-03-02T10:00:00Z', { f1: 'none', f9: 'lots' }, { frameworkVersion: 2 });
    const [, view] = assessmentHistory([a, b], frameworks);
    expect(view!.ratingChanges).toEqual([{ what: 'New', before: '(not rated)', after: 'Significant evidence' }]);
    expect(view!.frameworkTitle).toBe('Test framework (version 2)');
  });
});

describe('the assessment form', () => {
  it('needs every factor rated with one of the framework ratings and a summary, in page order', () => {
    const result = parseAssessmentBody(framework, { 'rating-f1': 'some', 'rating-f2': 'extreme', summary: ' ' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errorSummary).toEqual([
      { text: 'Select a rating for threat', href: '#rating-f2' },
      { text: 'Select a rating for us and them', href: '#rating-f3' },
      { text: 'Enter a summary of the assessment', href: '#summary' },
    ]);
    expect(result.values['rating-f1']).toBe('some');
    expect(result.values['rating-f2']).toBe('');
  });

  it('keeps rationales, section rationales and free text, cleaned and trimmed', () => {
    const result = parseAssessmentBody(framework, {
      'rating-f1': 'some',
      'rating-f2': 'none',
      'rating-f3': 'lots',
      'rationale-f1': '  Angry\u0000 at school ',
      'section-a': 'Belonging',
      'free-protective': 'Family',
      summary: 'Needs support',
      'rating-unknown': 'lots',
    });
    expect(result).toEqual({
      ok: true,
      summary: 'Needs support',
      answers: {
        factors: {
          f1: { rating: 'some', rationale: 'Angry at school' },
          f2: { rating: 'none', rationale: '' },
          f3: { rating: 'lots', rationale: '' },
        },
        sections: { a: 'Belonging', b: '' },
        freeText: { protective: 'Family' },
      },
    });
  });

  it('refuses text over the limits, and hostile shapes without throwing', () => {
    const long = parseAssessmentBody(framework, { 'rationale-f1': 'x'.repeat(2001), summary: 'y'.repeat(5001) });
    expect(long.ok).toBe(false);
    if (!long.ok) {
      expect(long.errors['rationale-f1']).toBe('A rationale must be 2,000 characters or fewer');
      expect(long.errors.summary).toBe('The summary must be 5,000 characters or fewer');
    }
    expect(parseAssessmentBody(framework, null).ok).toBe(false);
    expect(parseAssessmentBody(framework, { 'rating-f1': ['some', 'lots'], summary: ['a'] }).ok).toBe(false);
  });

  it('starts a new form from a saved assessment, dropping ratings the framework no longer has', () => {
    const values = formValuesFrom(framework, {
      factors: { f1: { rating: 'some', rationale: 'why' }, f2: { rating: 'gone', rationale: '' } },
      sections: { a: 'overall' },
      freeText: { protective: 'family' },
    });
    expect(values).toMatchObject({
      'rating-f1': 'some',
      'rationale-f1': 'why',
      'rating-f2': '',
      'rating-f3': '',
      'section-a': 'overall',
      'free-protective': 'family',
      summary: '',
    });
  });
});

describe('the check forms', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  it('needs a source and a real date not in the future', () => {
    const r = parseCheckBody({ source: '', 'asked-day': '11', 'asked-month': '3', 'asked-year': '2026' }, now);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errorSummary).toEqual([
        { text: 'Enter who or which system you asked', href: '#source' },
        { text: 'The date you asked must be today or in the past', href: '#asked-day' },
      ]);
    expect(
      parseCheckBody({ source: 'Health', 'asked-day': '10', 'asked-month': '3', 'asked-year': '2026' }, now),
    ).toEqual({
      ok: true,
      source: 'Health',
      request: null,
      askedOn: '2026-03-10',
    });
  });

  it('needs an outcome and a reply date on or after the day it was asked', () => {
    const r = parseResponseBody(
      { outcome: 'pending', 'responded-day': '1', 'responded-month': '3', 'responded-year': '2026' },
      '2026-03-05',
      now,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.outcome).toBe('Select what came back');
      expect(r.errors.responded).toBe(
        'The date of the reply must be the same as or after the date you asked (5 March 2026)',
      );
    }
    expect(
      parseResponseBody(
        { outcome: 'declined', response: ' ', 'responded-day': '5', 'responded-month': '3', 'responded-year': '2026' },
        '2026-03-05',
        now,
      ),
    ).toEqual({ ok: true, outcome: 'declined', response: null, respondedOn: '2026-03-05' });
  });
});
