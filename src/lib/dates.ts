/** Dates as people in the UK read them, whatever the server's time zone. One place for every page, e-mail and PDF. */

const LONDON_YMD = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

const HOUR_MS = 3_600_000;
/** Before 1900 London kept its own mean time (a minute and a quarter behind GMT), so earlier dates are not cached. */
const CACHED_FROM = Date.UTC(1900, 0, 1);
const MINUTE_MS = 60_000;

/**
 * Intl formatting costs several microseconds a call, and lists format the same days over and over. UK time changes
 * only on a whole UTC hour (01:00 UTC, both ways), so a UK date is the same all through one UTC hour and a UK time to
 * the minute is the same all through one UTC minute (from 1900 on): results are kept per hour (dates) and per minute
 * (times).
 * Bounded: a cache that fills up is emptied.
 */
class Memo {
  private readonly map = new Map<number, string>();
  constructor(private readonly max: number) {}
  get(key: number, make: () => string): string {
    let value = this.map.get(key);
    if (value === undefined) {
      value = make();
      if (this.map.size >= this.max) this.map.clear();
      this.map.set(key, value);
    }
    return value;
  }
}

const ymdByHour = new Memo(5_000);
const dayByHour = new Memo(5_000);
const dateTimeByMinute = new Memo(20_000);

/** Today's date in the UK as YYYY-MM-DD (not UTC's: from midnight to 1am in summer, UTC is still on yesterday). */
export function londonDate(now: Date): string {
  const ms = now.getTime();
  if (Number.isNaN(ms) || ms < CACHED_FROM) return LONDON_YMD.format(now); // an invalid date throws, as it did
  return ymdByHour.get(Math.floor(ms / HOUR_MS), () => LONDON_YMD.format(now));
}

const LONDON_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  // Not hour12: true, which in en-GB means 0 to 11 ("0:30pm").
  hourCycle: 'h12',
});

/** "25 November 2026", or with the time "25 November 2026 at 10:04pm", in UK time (GMT or BST as it was then). */
export function formatLondon(value: Date | string, withTime: boolean): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (!(date instanceof Date)) return '';
  const ms = date.getTime();
  if (Number.isNaN(ms)) return '';
  if (ms < CACHED_FROM) return formatLondonUncached(date, withTime);
  return withTime
    ? dateTimeByMinute.get(Math.floor(ms / MINUTE_MS), () => formatLondonUncached(date, true))
    : dayByHour.get(Math.floor(ms / HOUR_MS), () => formatLondonUncached(date, false));
}

/** The same as `formatLondon`, straight from Intl (for tests, and to fill the caches). */
export function formatLondonUncached(value: Date | string, withTime: boolean): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return '';
  const parts: Record<string, string> = {};
  for (const part of LONDON_PARTS.formatToParts(date)) parts[part.type] = part.value;
  const day = `${parts.day} ${parts.month} ${parts.year}`;
  if (!withTime) return day;
  const period = (parts.dayPeriod ?? '').toLowerCase().replace(/[^a-z]/g, '');
  return `${day} at ${parts.hour}:${parts.minute}${period}`;
}
