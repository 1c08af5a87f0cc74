import type { Errors, Field } from '../forms/fields.js';
import { allFields } from '../forms/fields.js';

export interface ErrorSummaryItem {
  text: string;
  href: string;
}

/** The id of the element an error summary link should move focus to (the first input of a date or a radios group). */
export function fieldAnchor(field: Field): string {
  switch (field.kind) {
    case 'date':
      return `${field.name}-day`;
    case 'radios':
    case 'checkboxes':
      return field.name;
    default:
      return field.name;
  }
}

/** One helper for every form: validation failures → the GOV.UK error summary, in the order fields appear on the page. */
export function errorSummary(fields: Field[], errors: Errors): ErrorSummaryItem[] {
  const ordered: ErrorSummaryItem[] = [];
  const seen = new Set<string>();
  for (const field of allFields(fields)) {
    const message = errors[field.name];
    if (message && !seen.has(field.name)) {
      seen.add(field.name);
      ordered.push({ text: message, href: `#${fieldAnchor(field)}` });
    }
  }
  for (const [name, message] of Object.entries(errors)) {
    if (!seen.has(name)) ordered.push({ text: message, href: `#${name}` });
  }
  return ordered;
}
