import path from 'node:path';
import nunjucks from 'nunjucks';
import { rootDir, type Site } from '../config.js';

/**
 * Nunjucks' built-in `trim` uses a regular expression that is quadratic on long runs of whitespace, and govuk-frontend's
 * macros call it on every component. This one is linear (String.prototype.trim) and keeps the input's "safe" marking.
 */
export function linearTrim(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  const text = String(value);
  const runtime = nunjucks.runtime as unknown as { copySafeness(dest: unknown, target: string): unknown };
  return runtime.copySafeness(value, text.trim());
}

export function createViewEnvironment(site: Site, opts: { watch?: boolean } = {}): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader(
    [path.join(rootDir, 'src', 'views'), path.join(rootDir, 'node_modules', 'govuk-frontend', 'dist')],
    { noCache: false, watch: opts.watch ?? false },
  );
  const env = new nunjucks.Environment(loader, {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addFilter('trim', linearTrim);
  env.addGlobal('site', site);
  env.addFilter('londonDateTime', (d: Date | string) => formatLondon(d, true));
  env.addFilter('londonDate', (d: Date | string) => formatLondon(d, false));
  return env;
}

const dateFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const timeFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h12',
});

/** "25 November 2026 at 10:04pm" (GOV.UK style), always in UK time. */
export function formatLondon(value: Date | string, withTime: boolean): string {
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return '';
  const date = dateFmt.format(d);
  if (!withTime) return date;
  const time = timeFmt.format(d).replace(' ', '').replace(':00', '').toLowerCase();
  return `${date} at ${time}`;
}
