import path from 'node:path';
import nunjucks from 'nunjucks';
import { rootDir, type Site } from '../config.js';
import { formatLondon } from '../lib/dates.js';

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
