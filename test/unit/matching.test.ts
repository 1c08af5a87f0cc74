import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ageOn,
  bandOf,
  compareBirth,
  compareDob,
  compareNames,
  comparePlace,
  outwardCode,
  scoreCandidate,
  tokenMatch,
  wordSimilarity,
  type PersonFacts,
} from '../../src/features/earlier-referrals/score.js';

/** A person as the database would describe them (keys and sound codes written out by hand, as migration 0008 makes them). */
function person(over: Partial<PersonFacts> & { nameKey: string; tokenSounds: string[] }): PersonFacts {
  return {
    fullName: over.nameKey,
    otherNames: null,
    otherNamesKey: '',
    otherTokenSounds: [],
    dob: null,
    ageApprox: null,
    receivedAt: new Date('2026-01-10T10:00:00Z'),
    postcodeKey: null,
    ...over,
  };
}

describe('word similarity (as pg_trgm)', () => {
  it('is 1 for the same word and 0 for nothing shared', () => {
    expect(wordSimilarity('khan', 'khan')).toBe(1);
    expect(wordSimilarity('abc', 'xyz')).toBe(0);
  });
  it('matches pg_trgm for a known pair (mohammed / mohamed: 7 shared of 10)', () => {
    // "  mohammed " → 9 trigrams, "  mohamed " → 8; shared 7, union 10.
    expect(wordSimilarity('mohammed', 'mohamed')).toBeCloseTo(7 / 10, 5);
  });
  it('is symmetric and between 0 and 1', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,12}$/), fc.stringMatching(/^[a-z]{1,12}$/), (a, b) => {
        const s = wordSimilarity(a, b);
        expect(s).toBe(wordSimilarity(b, a));
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('word matches', () => {
  it('prefers the same word, then the same sound, then close spelling; initials count a little', () => {
    expect(tokenMatch('khan', 'khan', ['KN'], ['KN'])).toEqual({ q: 1, how: 'same' });
    expect(tokenMatch('muhammad', 'mohammed', ['MHMT'], ['MHMT'])).toEqual({ q: 0.85, how: 'sound' });
    expect(tokenMatch('jon', 'j', ['JN', 'AN'], [])).toEqual({ q: 0.5, how: 'initial' });
    expect(tokenMatch('khan', 'patel', ['KN'], ['PTL'])).toBeNull();
  });
});

describe('names', () => {
  const muhammad = person({ nameKey: 'muhammad khan', fullName: 'Muhammad Khan', tokenSounds: ['MHMT/MHMT', 'KN/KN'] });
  it('finds a transliteration by sound and says so', () => {
    const mohammed = person({
      nameKey: 'mohammed khan',
      fullName: 'Mohammed Khan',
      tokenSounds: ['MHMT/MHMT', 'KN/KN'],
    });
    const r = compareNames(muhammad, mohammed, 0.45);
    expect(r.score).toBeCloseTo(0.925, 3);
    expect(r.reasons).toEqual(['Sounds like the same name (mohammed / muhammad): Mohammed Khan']);
  });
  it('sees names in the other order', () => {
    const a = person({ nameKey: 'wei zhang', fullName: 'Wei Zhang', tokenSounds: ['A/F', 'JNK/JNK'] });
    const b = person({ nameKey: 'zhang wei', fullName: 'Zhang Wei', tokenSounds: ['JNK/JNK', 'A/F'] });
    const r = compareNames(a, b, 1);
    expect(r.score).toBe(1);
    expect(r.reasons).toEqual(['Names in the other order: Zhang Wei']);
  });
  it('sees part of a double-barrelled name, scoring it below the whole name', () => {
    const a = person({ nameKey: 'amelia jones', fullName: 'Amelia Jones', tokenSounds: ['AML/AML', 'JNS/ANS'] });
    const b = person({
      nameKey: 'amelia smith jones',
      fullName: 'Amelia Smith-Jones',
      tokenSounds: ['AML/AML', 'SM0/XMT', 'JNS/ANS'],
    });
    const r = compareNames(a, b, 0.6);
    expect(r.score).toBeCloseTo(0.5 + 0.5 * (2 / 3), 5);
    expect(r.reasons).toEqual(['Part of a longer or double-barrelled name matches: Amelia Smith-Jones']);
  });
  it('uses other names both ways', () => {
    const a = person({ nameKey: 'tesfa gebre', fullName: 'Tesfa Gebre', tokenSounds: ['TSF/TSF', 'KPR/JPR'] });
    const b = person({
      nameKey: 'tesfay gebremariam',
      fullName: 'Tesfay Gebremariam',
      tokenSounds: ['TSF/TSF', 'KPRM/JPRM'],
      otherNames: 'Tesfa Gebre',
      otherNamesKey: 'tesfa gebre',
      otherTokenSounds: ['TSF/TSF', 'KPR/JPR'],
    });
    expect(compareNames(a, b, 0.4).reasons).toContain('Other name matches: Tesfa Gebre');
    expect(compareNames(b, a, 0.4).reasons).toContain('Matches this referral’s other name: Tesfa Gebre');
  });
  it('gives nothing for an empty name', () => {
    expect(compareNames(person({ nameKey: '', tokenSounds: [] }), muhammad, 0)).toEqual({ score: 0, reasons: [] });
  });
});

describe('dates of birth', () => {
  it.each([
    ['2008-03-15', '2008-03-15', 'same'],
    ['2005-05-03', '2005-03-05', 'day-month-swapped'],
    ['2008-03-15', '2008-03-16', 'one-digit'],
    ['2008-03-15', '2009-03-15', 'one-digit'],
    ['1998-01-01', '1989-01-01', 'digits-transposed'],
    ['2008-03-01', '2008-03-28', 'same-year-month'],
    ['2008-03-01', '2008-11-28', 'same-year'],
    ['2008-03-01', '1999-11-28', 'different'],
  ] as const)('%s and %s: %s', (a, b, expected) => {
    expect(compareDob(a, b)).toBe(expected);
    expect(compareDob(b, a)).toBe(expected);
  });
  it('counts whole years', () => {
    expect(ageOn('2010-02-01', new Date('2026-01-31T12:00:00Z'))).toBe(15);
    expect(ageOn('2010-02-01', new Date('2026-02-01T12:00:00Z'))).toBe(16);
  });
  it('checks an approximate age against a date of birth at the time it was given', () => {
    const withDob = person({ nameKey: 'a', tokenSounds: [], dob: '2010-02-01' });
    const fits = person({ nameKey: 'a', tokenSounds: [], ageApprox: 15, receivedAt: new Date('2025-06-01T00:00:00Z') });
    const wrong = person({
      nameKey: 'a',
      tokenSounds: [],
      ageApprox: 40,
      receivedAt: new Date('2025-06-01T00:00:00Z'),
    });
    expect(compareBirth(withDob, fits)).toEqual({ value: 0.3, reason: 'Approximate age fits the date of birth' });
    expect(compareBirth(fits, withDob).value).toBe(0.3);
    expect(compareBirth(withDob, wrong).value).toBeLessThan(0);
  });
});

describe('places', () => {
  const at = (postcodeKey: string | null) => person({ nameKey: 'a', tokenSounds: [], postcodeKey });
  it('knows postcodes and districts', () => {
    expect(outwardCode('CA11AB')).toBe('CA1');
    expect(outwardCode('CA111AB')).toBe('CA11');
    expect(comparePlace(at('CA25AB'), at('CA25AB'), 0)).toEqual({ value: 1, reason: 'Same postcode' });
    expect(comparePlace(at('CA25AB'), at('CA26XY'), 0.7).reason).toBe(
      'Same postcode district (CA2) and similar address',
    );
    expect(comparePlace(at('CA25AB'), at('CA26XY'), 0.1).value).toBe(0.2);
    expect(comparePlace(at(null), at(null), 0.8)).toEqual({ value: 0.6, reason: 'Similar address' });
    expect(comparePlace(at('CA25AB'), at('LA94QR'), 0.9).value).toBe(0);
  });
});

describe('the score', () => {
  const base = { tokenSounds: ['MHMT/MHMT', 'KN/KN'] };
  const probe = person({ ...base, nameKey: 'muhammad khan', dob: '2006-04-12', postcodeKey: 'CA25AB' });
  it('ranks the same person above a namesake with a different date of birth and postcode', () => {
    const same = person({ ...base, nameKey: 'mohammed khan', dob: '2006-04-12', postcodeKey: 'CA25AB' });
    const namesake = person({ ...base, nameKey: 'muhammad khan', dob: '1999-11-02', postcodeKey: 'LA94QR' });
    const a = scoreCandidate(probe, same, { name: 0.45, address: 0 });
    const b = scoreCandidate(probe, namesake, { name: 1, address: 0 });
    expect(a.band).toBe('strong');
    expect(b.band).not.toBe('strong');
    expect(a.score).toBeGreaterThan(b.score);
    expect(a.reasons).toEqual([
      'Sounds like the same name (mohammed / muhammad): mohammed khan',
      'Same date of birth',
      'Same postcode',
    ]);
  });
  it('rates the same date of birth alone as weak', () => {
    const other = person({ nameKey: 'hodan warsame', tokenSounds: ['HTN/HTN', 'ARSM/FRSM'], dob: '2006-04-12' });
    const r = scoreCandidate(probe, other, { name: 0, address: 0 });
    expect(r).toEqual({ score: 30, band: 'weak', reasons: ['Same date of birth'] });
  });
  it('stays between 0 and 100, and its band follows the score', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (n, a) => {
        const r = scoreCandidate(probe, person({ nameKey: 'x y', tokenSounds: [] }), { name: n, address: a });
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(100);
        expect(r.band).toBe(bandOf(r.score));
      }),
    );
  });
});
