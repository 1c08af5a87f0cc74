import path from 'node:path';
import nunjucks from 'nunjucks';
import { rootDir, type Site } from '../config.js';
import { formatLondon } from '../lib/dates.js';
import { summaryListHtml, tableHtml, type SummaryListParams, type TableParams } from './govuk-html.js';

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

/**
 * Where templates are found: the kernel's layouts and components (`src/views`), then each feature's own `views/`
 * folder, named from `src/features` (for example `triage/decision/views/decision.njk`), then govuk-frontend.
 */
export function viewRoots(): string[] {
  return [
    path.join(rootDir, 'src', 'views'),
    path.join(rootDir, 'src', 'features'),
    path.join(rootDir, 'node_modules', 'govuk-frontend', 'dist'),
  ];
}

export function createViewEnvironment(site: Site, opts: { watch?: boolean } = {}): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader(viewRoots(), { noCache: false, watch: opts.watch ?? false });
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
  addComponentGlobals(env);
  return env;
}

/**
 * Fast stand-ins for govuk-frontend macros on the busiest staff pages (same parameters, same markup):
 * `appTable` and `appSummaryList` are string builders (`govuk-html.ts`); `appPagination` renders the real
 * `govukPagination` once per set of parameters (page numbers and links, nothing personal) and keeps the result.
 */
function addComponentGlobals(env: nunjucks.Environment): void {
  const safe = (html: string) => new nunjucks.runtime.SafeString(html);
  env.addGlobal('appTable', (params: TableParams) => safe(tableHtml(params)));
  env.addGlobal('appSummaryList', (params: SummaryListParams) => safe(summaryListHtml(params)));
  const pagination = new nunjucks.Template(
    '{% from "govuk/components/pagination/macro.njk" import govukPagination %}{{ govukPagination(params) }}',
    env,
  );
  const rendered = new Map<string, string>();
  env.addGlobal('appPagination', (params: unknown) => {
    const key = JSON.stringify(params);
    let html = rendered.get(key);
    if (html === undefined) {
      html = pagination.render({ params });
      if (rendered.size >= 1000) rendered.clear();
      rendered.set(key, html);
    }
    return safe(html);
  });
}
