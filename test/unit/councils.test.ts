import { describe, expect, it } from 'vitest';
import { comparePrefixes, type PostcodeCouncilRow } from '../../src/features/postcodes/queries.js';
import { prefixFromSlug, prefixSlug } from '../../src/features/postcodes/routes.js';
import {
  lookupKeys,
  normalisePostcode,
  parsePostcode,
  pickEntry,
  PREFIX_PATTERN,
  suggestionFor,
} from '../../src/features/postcodes/service.js';

const CUMBERLAND = { id: 'c1', code: 'cumberland', name: 'Cumberland Council', active: true };
const WESTMORLAND = { id: 'w1', code: 'westmorland-furness', name: 'Westmorland and Furness Council', active: true };
const OLD = { id: 'o1', code: 'cumbria-county', name: 'Cumbria County Council', active: false };

const row = (prefix: string, kind: PostcodeCouncilRow['kind'], council = null as typeof CUMBERLAND | null) =>
  ({
    prefix,
    kind,
    council,
    note: `note ${prefix}`,
    updatedAt: new Date(0),
    updatedByName: null,
  }) as PostcodeCouncilRow;

describe('reading a postcode', () => {
  it.each([
    ['CA1 1AA', 'CA1 1AA'],
    ['ca11aa', 'CA1 1AA'],
    ['  la9   4ab ', 'LA9 4AB'],
    ['CA4 9AA', 'CA4 9AA'],
    ['CA49AA', 'CA4 9AA'],
    ['CA10 1AB', 'CA10 1AB'],
    ['ca101ab', 'CA10 1AB'],
    ['LA18\t4AA', 'LA18 4AA'],
    ['W1A 1AA', 'W1A 1AA'],
    ['EC1A1BB', 'EC1A 1BB'],
    ['C A 4 9 A A', 'CA4 9AA'],
  ])('%j is the postcode %j', (input, expected) => {
    expect(normalisePostcode(input)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['CA'],
    ['1AA'],
    ['CA4 9A'],
    ['CA4 9AAA'],
    ['CAA4 9AA'],
    ['CA4-9AA!'],
    ['<script>'],
    ['x'.repeat(30)],
  ])('does not read %j as a full postcode', (input) => {
    expect(normalisePostcode(input)).toBeNull();
  });

  it('gives nothing for no postcode at all', () => {
    expect(parsePostcode(undefined)).toBeNull();
    expect(parsePostcode(null)).toBeNull();
    expect(normalisePostcode(null)).toBeNull();
  });

  it('gives the sector and the district of a full postcode', () => {
    expect(parsePostcode('ca4 9aa')).toEqual({ postcode: 'CA4 9AA', sector: 'CA4 9', district: 'CA4' });
    expect(parsePostcode('LA18 4AB')).toEqual({ postcode: 'LA18 4AB', sector: 'LA18 4', district: 'LA18' });
  });

  it('reads a sector (with its space) or a district alone', () => {
    expect(parsePostcode('ca4 9')).toEqual({ postcode: null, sector: 'CA4 9', district: 'CA4' });
    expect(parsePostcode('CA4')).toEqual({ postcode: null, sector: null, district: 'CA4' });
    expect(parsePostcode('ca12')).toEqual({ postcode: null, sector: null, district: 'CA12' });
  });
});

describe('choosing the row: sector before district', () => {
  it('tries the sector first, then the district', () => {
    expect(lookupKeys(parsePostcode('CA7 4AA')!)).toEqual(['CA7 4', 'CA7']);
    expect(lookupKeys(parsePostcode('CA7')!)).toEqual(['CA7']);
  });

  it('answers with the sector’s row when there is one, whatever order the rows come in', () => {
    const rows = [row('CA7', 'choose'), row('CA7 4', 'council', CUMBERLAND)];
    expect(pickEntry(['CA7 4', 'CA7'], rows)?.prefix).toBe('CA7 4');
    expect(pickEntry(['CA7 4', 'CA7'], [...rows].reverse())?.prefix).toBe('CA7 4');
    expect(pickEntry(['CA7 8', 'CA7'], rows)?.prefix).toBe('CA7');
    expect(pickEntry(['CA9 1', 'CA9'], rows)).toBeUndefined();
  });
});

describe('the suggestion', () => {
  const councils = [CUMBERLAND, WESTMORLAND, OLD];

  it('names the council', () => {
    expect(suggestionFor(row('CA1', 'council', CUMBERLAND), councils, 'CA1 1AA')).toEqual({
      kind: 'council',
      organisation: { id: 'c1', code: 'cumberland', name: 'Cumberland Council' },
      prefix: 'CA1',
      note: 'note CA1',
    });
  });

  it('asks the officer to choose among the active councils', () => {
    expect(suggestionFor(row('CA4', 'choose'), councils, 'CA4 9AA')).toEqual({
      kind: 'choose',
      options: [
        { id: 'c1', code: 'cumberland', name: 'Cumberland Council' },
        { id: 'w1', code: 'westmorland-furness', name: 'Westmorland and Furness Council' },
      ],
      prefix: 'CA4',
      note: 'note CA4',
    });
  });

  it('asks the officer to choose when the table names a council that is no longer active', () => {
    const s = suggestionFor(row('CA1', 'council', OLD), councils, 'CA1 1AA');
    expect(s.kind).toBe('choose');
    expect(s.kind === 'choose' && s.note).toBe('The table names Cumbria County Council, which is no longer active.');
    expect(s.kind === 'choose' && s.options.map((o) => o.code)).toEqual(['cumberland', 'westmorland-furness']);
  });

  it('says when the postcode is outside, and when it is not in the table', () => {
    expect(suggestionFor(row('LA2', 'outside'), councils, 'LA2 1AA')).toEqual({
      kind: 'outside',
      prefix: 'LA2',
      note: 'note LA2',
    });
    expect(suggestionFor(undefined, councils, 'TD9 0AA')).toEqual({ kind: 'unknown', postcode: 'TD9 0AA' });
  });
});

describe('prefixes', () => {
  it('match the database’s rule', () => {
    for (const ok of ['CA4', 'CA4 9', 'LA18', 'W1A', 'EC1A 1']) expect(PREFIX_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['ca4', 'CA4 ', 'CA4 99', 'CA', '4CA', 'CA4-9'])
      expect(PREFIX_PATTERN.test(bad), bad).toBe(false);
  });

  it('go into URLs with a hyphen for the space, and come back', () => {
    expect(prefixSlug('CA4 9')).toBe('CA4-9');
    expect(prefixSlug('CA4')).toBe('CA4');
    expect(prefixFromSlug('CA4-9')).toBe('CA4 9');
    expect(prefixFromSlug('ca4-9')).toBe('CA4 9');
    expect(prefixFromSlug('CA4 9')).toBe('CA4 9');
    expect(prefixFromSlug('LA18')).toBe('LA18');
    for (const bad of [':prefix', 'CA4-99', '', 'new', 'x'.repeat(40), undefined])
      expect(prefixFromSlug(bad)).toBeUndefined();
  });

  it('sort in postcode order (CA2 before CA10, a district before its sectors)', () => {
    expect(['CA10', 'CA2', 'LA1', 'CA4 9', 'CA4', 'CA4 0'].sort(comparePrefixes)).toEqual([
      'CA2',
      'CA4',
      'CA4 0',
      'CA4 9',
      'CA10',
      'LA1',
    ]);
  });
});
