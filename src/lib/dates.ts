/** Dates as people in the UK read them, whatever the server's time zone. One place for every page, e-mail and PDF. */

const LONDON_YMD = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date in the UK as YYYY-MM-DD (not UTC's: from midnight to 1am in summer, UTC is still on yesterday). */
export function londonDate(now: Date): string {
  return LONDON_YMD.format(now);
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
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return '';
  const parts: Record<string, string> = {};
  for (const part of LONDON_PARTS.formatToParts(date)) parts[part.type] = part.value;
  const day = `${parts.day} ${parts.month} ${parts.year}`;
  if (!withTime) return day;
  const period = (parts.dayPeriod ?? '').toLowerCase().replace(/[^a-z]/g, '');
  return `${day} at ${parts.hour}:${parts.minute}${period}`;
}
