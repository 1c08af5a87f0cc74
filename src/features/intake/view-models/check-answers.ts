import { activeFields, toIsoDate, type DateValue, type Field, type Values } from '../../../forms/fields.js';
import type { Journey, QuestionPage } from '../../../forms/journey.js';
import { formatLondon } from '../../../lib/dates.js';
import { escapeHtml } from './question.js';

export interface SummaryRow {
  key: { text: string };
  value: { html: string };
  actions?: { items: { href: string; text: string; visuallyHiddenText: string }[] };
}

export interface SummarySection {
  title: string;
  rows: SummaryRow[];
}

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

/** Escaped text with line breaks kept (what people type into a textarea). */
export function multiline(text: string): string {
  return escapeHtml(text).replace(/\n/g, '<br>');
}

/** The check-your-answers sections: one per caption, a row per answered field, each with its change link. */
export function checkAnswersSections(
  journey: Journey,
  path: QuestionPage[],
  values: Values,
  withChangeLinks = true,
): SummarySection[] {
  const sections: SummarySection[] = [];
  for (const page of path) {
    if (page.hideInSummary) continue;
    const title = page.caption ?? 'Your answers';
    let section = sections.find((s) => s.title === title);
    if (!section) {
      section = { title, rows: [] };
      sections.push(section);
    }
    for (const field of activeFields(page.fields, values)) {
      const label = field.summaryLabel ?? field.label;
      const row: SummaryRow = {
        key: { text: label },
        value: { html: multiline(displayValue(field, values[field.name])) },
      };
      if (withChangeLinks) {
        row.actions = {
          items: [
            {
              href: `${journey.basePath}/${page.slug}?change=1`,
              text: 'Change',
              visuallyHiddenText: label.toLowerCase(),
            },
          ],
        };
      }
      section.rows.push(row);
    }
  }
  return sections;
}

/** Plain-text sections (for the PDF summary). */
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
