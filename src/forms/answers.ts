import { activeFields, toIsoDate, type DateValue, type Field, type Values } from './fields.js';
import type { QuestionPage } from './journey.js';
import { formatLondon } from '../lib/dates.js';

/**
 * Answers in words, from the questions that asked them: the check-your-answers page, the team's summary PDF and every
 * other place that shows a stored answer take the wording from the definition, never a copy.
 */

/** The answer as the person would say it: option texts, dates in words, "Not given" for blanks. */
export function displayValue(field: Field, value: unknown): string {
  if (field.kind === 'radios') return field.options.find((o) => o.value === value)?.text ?? 'Not given';
  if (field.kind === 'checkboxes') {
    const chosen = Array.isArray(value) ? value : [];
    const texts = field.options.filter((o) => chosen.includes(o.value)).map((o) => o.text);
    return texts.length ? texts.join('\n') : 'Not given';
  }
  if (field.kind === 'date') {
    const iso = value ? toIsoDate(value as DateValue) : undefined;
    return iso ? formatLondon(`${iso}T12:00:00Z`, false) : 'Not given';
  }
  return typeof value === 'string' && value !== '' ? value : 'Not given';
}

/** Plain-text sections, a row per answered field (the team's summary PDF). */
export function plainSections(
  path: QuestionPage[],
  values: Values,
): { title: string; rows: { label: string; value: string }[] }[] {
  const out: { title: string; rows: { label: string; value: string }[] }[] = [];
  for (const page of path) {
    if (page.hideInSummary) continue;
    const title = page.caption ?? 'Answers';
    let section = out.find((s) => s.title === title);
    if (!section) out.push((section = { title, rows: [] }));
    for (const field of activeFields(page.fields, values)) {
      section.rows.push({ label: field.summaryLabel ?? field.label, value: displayValue(field, values[field.name]) });
    }
  }
  return out;
}
