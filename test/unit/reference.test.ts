import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  generateReference,
  normaliseReference,
  REFERENCE_ALPHABET,
  REFERENCE_LENGTH,
  REFERENCE_PATTERN,
} from '../../src/cases/reference.js';

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

describe('reference generator', () => {
  it('uses 8 characters from an alphabet without 0, O, 1, I or L', () => {
    expect(REFERENCE_LENGTH).toBe(8);
    expect(REFERENCE_ALPHABET).toBe(ALPHABET);
    expect(new Set(REFERENCE_ALPHABET).size).toBe(REFERENCE_ALPHABET.length);
    for (const confusable of '0O1IL') expect(REFERENCE_ALPHABET).not.toContain(confusable);
    for (let i = 0; i < 2000; i++) {
      const ref = generateReference();
      expect(ref).toHaveLength(8);
      expect(ref).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
      expect(ref).toMatch(REFERENCE_PATTERN);
    }
  });

  it('the pattern accepts exactly the alphabet', () => {
    for (let code = 0; code < 128; code++) {
      const ch = String.fromCharCode(code);
      expect(REFERENCE_PATTERN.test(ch.repeat(8)), JSON.stringify(ch)).toBe(ALPHABET.includes(ch));
    }
    expect(REFERENCE_PATTERN.test('2345678')).toBe(false);
    expect(REFERENCE_PATTERN.test('234567892')).toBe(false);
  });

  it('draws every character with about equal probability, in every position', () => {
    const draws = 31 * 400;
    const counts = Array.from({ length: REFERENCE_LENGTH }, () => new Map<string, number>());
    for (let i = 0; i < draws; i++) {
      const ref = generateReference();
      for (let p = 0; p < REFERENCE_LENGTH; p++) counts[p]!.set(ref[p]!, (counts[p]!.get(ref[p]!) ?? 0) + 1);
    }
    // Chi-squared with 30 degrees of freedom, per position: 80 is far beyond the 99.999th percentile (about 71).
    for (const position of counts) {
      expect(position.size).toBe(31);
      const expected = draws / 31;
      const chi2 = [...position.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
      expect(chi2).toBeLessThan(80);
    }
  });

  it('maps each random draw to the alphabet in order (so an injected source is used faithfully)', () => {
    const seq = [0, 1, 2, 3, 27, 28, 29, 30];
    let i = 0;
    const ref = generateReference((max) => {
      expect(max).toBe(31);
      return seq[i++]!;
    });
    expect(ref).toBe('2345WXYZ');
  });

  it('normalises what a person might type', () => {
    expect(normaliseReference('ABCD2345')).toBe('ABCD2345');
    expect(normaliseReference('abcd2345')).toBe('ABCD2345');
    expect(normaliseReference(' abcd 2345 ')).toBe('ABCD2345');
    expect(normaliseReference('abcd-2345')).toBe('ABCD2345');
    expect(normaliseReference('AB\tCD 23-45')).toBe('ABCD2345');
  });

  it('refuses anything that cannot be a reference', () => {
    for (const bad of ['', 'ABCD234', 'ABCD23456', 'ABCD_2345', 'ABCD.2345', '<script>', "' OR '1'='1", 'ÀBCD2345']) {
      expect(normaliseReference(bad), bad).toBeUndefined();
    }
    // O, I and L are read as 0 and 1, which are not in the alphabet either: still refused, never silently changed.
    expect(normaliseReference('ABCDO345')).toBeUndefined();
    expect(normaliseReference('ABCDI345')).toBeUndefined();
    expect(normaliseReference('ABCDL345')).toBeUndefined();
  });

  it('property: every generated reference survives normalisation, in any case and spacing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 8, maxLength: 8 }),
        fc.boolean(),
        fc.constantFrom('', ' ', '-'),
        (draws, lower, sep) => {
          let i = 0;
          const ref = generateReference(() => draws[i++]!);
          expect(normaliseReference(ref)).toBe(ref);
          const typed = (lower ? ref.toLowerCase() : ref).slice(0, 4) + sep + ref.slice(4);
          expect(normaliseReference(typed)).toBe(ref);
        },
      ),
    );
    for (let n = 0; n < 500; n++) {
      const ref = generateReference();
      expect(normaliseReference(ref)).toBe(ref);
    }
  });

  it('property: normaliseReference returns only canonical references, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (input) => {
        const out = normaliseReference(input);
        if (out !== undefined) {
          expect(out).toMatch(REFERENCE_PATTERN);
          expect(normaliseReference(out)).toBe(out);
        }
      }),
      { numRuns: 500 },
    );
  });
});
