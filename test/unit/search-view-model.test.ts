import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SearchHit } from '../../src/features/triage/search/queries.js';
import { rank, scoreHit, type SearchResult } from '../../src/features/triage/search/service.js';
import {
  parsePostcode,
  parseSearchForm,
  postcodeDistrict,
  resultRow,
  resultsView,
  searchErrorList,
  searchFormModel,
  termsForLog,
} from '../../src/features/triage/search/view-model.js';

const TODAY = new Date('2026-11-26T12:00:00Z');

function hit(overrides: Omit<Partial<SearchHit>, 'match'> & { match?: Partial<SearchHit['match']> } = {}): SearchHit {
  const { match, ...rest } = overrides;
  return {
    recordType: 'referral',
    id: '00000000-0000-4000-8000-000000000001',
    reference: 'ABCDEFGH',
    receivedAt: new Date('2026-03-02T10:00:00Z'),
    status: 'in_triage',
    fullName: 'Mohammed Khan',
    otherNames: null,
    dob: '2006-04-12',
    ageApprox: null,
    postcode: 'CA2 5AB',
    ...rest,
    match: {
      reference: false,
      sameName: false,
      sameSound: false,
      nameSimilarity: 0,
      otherNameSimilarity: 0,
      sameDob: false,
      closeDob: false,
      postcode: false,
      textRank: 0,
      text: false,
      ...match,
    },
  };
}

const result = (h: SearchHit, access: 'allow' | 'reason' = 'allow'): SearchResult => ({ ...h, access, ...scoreHit(h) });

describe('staff search form', () => {
  it('normalises every field into search terms', () => {
    const parsed = parseSearchForm(
      {
        reference: ' abcd efgh ',
        name: '  Mohammed   Khan ',
        'dob-day': '2',
        'dob-month': '4',
        'dob-year': '2006',
        dobClose: 'yes',
        postcode: 'ca2  5ab',
        text: 'extremist   videos',
      },
      TODAY,
    );
    expect(parsed.errors).toEqual({});
    expect(parsed.terms).toEqual({
      reference: 'ABCDEFGH',
      name: 'Mohammed Khan',
      dob: '2006-04-02',
      dobClose: true,
      postcode: { kind: 'full', key: 'CA25AB', outward: 'CA2' },
      text: 'extremist videos',
    });
    expect(termsForLog(parsed.terms!)).toEqual({
      reference: 'ABCDEFGH',
      name: 'Mohammed Khan',
      dateOfBirth: '2006-04-02',
      dateOfBirthOrClose: true,
      postcode: 'CA2 5AB',
      words: 'extremist videos',
    });
  });

  it('reads postcodes, districts and sectors', () => {
    expect(parsePostcode('CA11AB')).toEqual({ kind: 'full', key: 'CA11AB', outward: 'CA1' });
    expect(parsePostcode('ca11 1ab')).toEqual({ kind: 'full', key: 'CA111AB', outward: 'CA11' });
    expect(parsePostcode('CA1 1')).toEqual({ kind: 'sector', key: 'CA11', outward: 'CA1', sector: '1' });
    expect(parsePostcode('CA11')).toEqual({ kind: 'district', key: 'CA11', outward: 'CA11' });
    expect(parsePostcode('m8')).toEqual({ kind: 'district', key: 'M8', outward: 'M8' });
    for (const bad of ['C', 'CA', '11AB', 'CA1 1A', 'CA1 1ABC', 'DROP TABLE'])
      expect(parsePostcode(bad)).toBeUndefined();
    expect(postcodeDistrict('ca11 0ab')).toBe('CA11');
    expect(postcodeDistrict(null)).toBe('Not known');
  });

  it('needs at least one field, and explains each one it cannot use, in page order', () => {
    const empty = parseSearchForm({ dobClose: 'yes' }, TODAY);
    expect(empty.terms).toBeUndefined();
    expect(searchErrorList(empty.errors)).toEqual([
      { text: expect.stringMatching(/^Enter at least one thing/), href: '#reference' },
    ]);
    const bad = parseSearchForm(
      { text: 'x'.repeat(201), postcode: '12', 'dob-month': '4', name: '--', reference: 'I0O1ABCD' },
      TODAY,
    );
    expect(searchErrorList(bad.errors).map((e) => e.href)).toEqual([
      '#reference',
      '#name',
      '#dob-day',
      '#postcode',
      '#text',
    ]);
    expect(bad.errors.dob).toBe('Date of birth must include a day and year');
    const model = searchFormModel(bad.values, bad.errors);
    expect(model.dob.items.map((i) => i.classes)).toEqual([
      'govuk-input--width-2 govuk-input--error',
      'govuk-input--width-2',
      'govuk-input--width-4 govuk-input--error',
    ]);
    expect(model.reference.errorMessage).toEqual({ text: expect.stringContaining('8 letters') });
    expect(parseSearchForm({ 'dob-day': '1', 'dob-month': '1', 'dob-year': '2027' }, TODAY).errors.dob).toBe(
      'Date of birth must be today or in the past',
    );
  });

  it('never throws on hostile bodies', () => {
    fc.assert(
      fc.property(fc.anything(), (body) => {
        const parsed = parseSearchForm(body, TODAY);
        expect(parsed.terms !== undefined || Object.keys(parsed.errors).length > 0).toBe(true);
      }),
    );
  });
});

describe('staff search results', () => {
  it('says why each result matched and ranks the best first', () => {
    const exact = result(hit({ reference: 'EXACT234', match: { sameName: true, nameSimilarity: 1, sameDob: true } }));
    const sound = result(
      hit({ reference: 'SOUND234', match: { sameSound: true, nameSimilarity: 0.5, closeDob: true, postcode: true } }),
    );
    const other = result(
      hit({ reference: 'OTHER234', otherNames: 'Mo Khan', match: { otherNameSimilarity: 0.9, nameSimilarity: 0.1 } }),
    );
    expect(exact.reasons).toEqual(['Same name', 'Same date of birth']);
    expect(sound.reasons).toEqual(['Similar name', 'Similar date of birth', 'Postcode']);
    expect(other.reasons).toEqual(['Other name']);
    expect(rank([other, sound, exact]).map((r) => r.reference)).toEqual(['EXACT234', 'SOUND234', 'OTHER234']);
    const advice = result(hit({ recordType: 'advice', fullName: null, match: { text: true, textRank: 0.05 } }));
    expect(advice.reasons).toEqual(['Words in the question']);
    expect(result(hit({ match: { text: true } })).reasons).toEqual(['Words in the concern']);
    expect(result(hit({ match: { reference: true } })).reasons).toEqual(['Reference']);
  });

  it('builds the rows: links, labels, the reason note, the district only', () => {
    const other = result(
      hit({ otherNames: 'Mo Khan', fullName: 'Ali Hassan', match: { otherNameSimilarity: 0.9 } }),
      'reason',
    );
    expect(resultRow(other)).toEqual({
      reference: 'ABCDEFGH',
      href: '/staff/referrals/ABCDEFGH',
      type: 'Referral',
      received: '2 March 2026',
      state: 'In triage',
      name: 'Ali Hassan (other names: Mo Khan)',
      dob: '12 April 2006',
      postcodeDistrict: 'CA2',
      reasons: ['Other name'],
      reasonNote: 'You will be asked for a reason to open this',
    });
    const advice = resultRow(
      result(
        hit({
          recordType: 'advice',
          status: 'answered',
          fullName: null,
          dob: null,
          postcode: null,
          match: { text: true },
        }),
      ),
    );
    expect(advice).toMatchObject({
      href: '/staff/advice/ABCDEFGH',
      type: 'Advice request',
      state: 'Answered',
      name: 'Not recorded',
      reasonNote: null,
    });
  });

  it('says how many matched, and asks to narrow a search with more than the page shows', () => {
    const one = result(hit({ match: { sameName: true } }));
    expect(resultsView({ results: [], more: false, resultCount: 0 }, 50).summary).toBe(
      'No referrals or advice requests match your search.',
    );
    expect(resultsView({ results: [one], more: false, resultCount: 1 }, 50).summary).toBe(
      '1 referral or advice request matches, best match first.',
    );
    const many = resultsView({ results: [one, one], more: true, resultCount: 120 }, 50);
    expect(many.more).toBe(true);
    expect(many.summary).toMatch(/^More than 50 .* add more details to narrow your search\.$/);
  });
});
