import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLondon, formatLondonUncached, londonDate } from '../../src/lib/dates.js';

/** The cached UK dates (per UTC hour) and times (per UTC minute) must always be what Intl says. */

const MINUTE = 60_000;
const uncachedYmd = (d: Date) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);

/** Every minute (and a few odd seconds in each) of a UK day, from 22:00 UTC the day before to 02:00 UTC the day after. */
function everyMinuteAround(day: string): Date[] {
  const start = Date.parse(`${day}T00:00:00Z`) - 2 * 3_600_000;
  const out: Date[] = [];
  for (let t = start; t < start + 28 * 3_600_000; t += MINUTE) {
    out.push(new Date(t), new Date(t + 59_999), new Date(t + 30_500));
  }
  return out;
}

describe('UK dates and times, cached', () => {
  it.each([
    ['2026-03-29', 'clocks go forward (GMT to BST at 01:00 UTC)'],
    ['2026-10-25', 'clocks go back (BST to GMT at 01:00 UTC)'],
    ['2025-03-30', 'clocks go forward'],
    ['2025-10-26', 'clocks go back'],
    ['2026-06-21', 'summer'],
    ['2026-12-31', 'new year (GMT)'],
  ])('agree with Intl for every minute around %s (%s)', (day) => {
    for (const d of everyMinuteAround(day)) {
      expect(formatLondon(d, true)).toBe(formatLondonUncached(d, true));
      expect(formatLondon(d, false)).toBe(formatLondonUncached(d, false));
      expect(londonDate(d)).toBe(uncachedYmd(d));
    }
  });

  it('show the changeover hours as people read them', () => {
    // 00:59 UTC on 29 March 2026 is 00:59 GMT; 01:00 UTC is 02:00 BST.
    expect(formatLondon(new Date('2026-03-29T00:59:00Z'), true)).toBe('29 March 2026 at 12:59am');
    expect(formatLondon(new Date('2026-03-29T01:00:00Z'), true)).toBe('29 March 2026 at 2:00am');
    // 00:30 UTC on 25 October 2026 is 01:30 BST; 01:30 UTC is 01:30 GMT.
    expect(formatLondon(new Date('2026-10-25T00:30:00Z'), true)).toBe('25 October 2026 at 1:30am');
    expect(formatLondon(new Date('2026-10-25T01:30:00Z'), true)).toBe('25 October 2026 at 1:30am');
    // 23:30 UTC in summer is already the next day in the UK.
    expect(formatLondon(new Date('2026-07-01T23:30:00Z'), false)).toBe('2 July 2026');
    expect(londonDate(new Date('2026-07-01T23:30:00Z'))).toBe('2026-07-02');
    expect(formatLondon(new Date('2026-12-01T23:30:00Z'), false)).toBe('1 December 2026');
  });

  it('agree with Intl for any instant (dates of birth from 1890 to times in 2100), strings included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1890, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.boolean(),
        (ms, withTime) => {
          const d = new Date(ms);
          expect(formatLondon(d, withTime)).toBe(formatLondonUncached(d, withTime));
          expect(formatLondon(d.toISOString(), withTime)).toBe(formatLondonUncached(d, withTime));
          expect(londonDate(d)).toBe(uncachedYmd(d));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('give nothing for an invalid date', () => {
    expect(formatLondon('not a date', true)).toBe('');
    expect(formatLondon(new Date(Number.NaN), false)).toBe('');
  });
});
