import { activeFields, type Values } from '../../../forms/fields.js';
import { displayValue } from '../../../forms/answers.js';
import type { Journey, QuestionPage } from '../../../forms/journey.js';
import { escapeHtml } from '../../../lib/html.js';

export interface SummaryRow {
  key: { text: string };
  value: { html: string };
  actions?: { items: { href: string; text: string; visuallyHiddenText: string }[] };
}

export interface SummarySection {
  title: string;
  rows: SummaryRow[];
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
