/**
 * The one HTML escaper: exactly as Nunjucks' autoescape does (`&"'<>` and the backslash), so HTML built in code (the
 * govuk-html builders, view models' `html:` cells and labels) is byte for byte what `{{ value }}` prints in a template.
 * `test/unit/govuk-html.test.ts` checks the builders that use it against the real govuk-frontend macros.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&#39;',
  '<': '&lt;',
  '>': '&gt;',
  '\\': '&#92;',
};

/** Escapes text for HTML content or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return /[&"'<>\\]/.test(value) ? value.replace(/[&"'<>\\]/g, (c) => ESCAPES[c]!) : value;
}
