import { allFields, type DateValue, type Errors, type Field, type Option, type Values } from '../../../forms/fields.js';
import type { Journey, QuestionPage } from '../../../forms/journey.js';
import { escapeHtml } from '../../../lib/html.js';
import { errorSummary, type ErrorSummaryItem } from '../../../views/error-summary.js';

/** Parameters for one govuk-frontend macro, plus the nested fields shown by an option. */
export interface FieldViewModel {
  kind: Field['kind'] | 'character-count';
  params: Record<string, unknown>;
  /** For radios and checkboxes: per option, the fields revealed by it (rendered inside `conditional`). */
  conditionals?: FieldViewModel[][];
}

export interface QuestionViewModel {
  pageTitle: string;
  heading: string | undefined;
  caption: string | undefined;
  guidance: string | undefined;
  fields: FieldViewModel[];
  errorSummary: ErrorSummaryItem[];
  action: string;
  backLink: string | undefined;
  buttonText: string;
}

function errorMessage(errors: Errors, name: string): { text: string } | undefined {
  return errors[name] ? { text: errors[name] } : undefined;
}

export function fieldViewModel(
  field: Field,
  values: Values,
  errors: Errors,
  asHeading: boolean,
  caption?: string,
): FieldViewModel {
  const headingLabel = asHeading
    ? { isPageHeading: true, classes: 'govuk-label--l' }
    : { classes: field.kind === 'text' || field.kind === 'textarea' ? 'govuk-label--s' : undefined };
  const captionHtml = asHeading && caption ? `<span class="govuk-caption-l">${escapeHtml(caption)}</span>` : '';
  const hint = field.hint ? { text: field.hint } : undefined;
  switch (field.kind) {
    case 'text': {
      const inputType = field.format === 'email' ? 'email' : field.format === 'phone' ? 'tel' : 'text';
      return {
        kind: 'text',
        params: {
          id: field.name,
          name: field.name,
          type: inputType,
          inputmode: field.format === 'age' ? 'numeric' : undefined,
          value: typeof values[field.name] === 'string' ? values[field.name] : '',
          label: asHeading
            ? { html: captionHtml + escapeHtml(field.label), ...headingLabel }
            : { text: field.label, ...headingLabel },
          hint,
          errorMessage: errorMessage(errors, field.name),
          autocomplete: field.autocomplete,
          spellcheck: field.spellcheck,
          classes: field.width,
          attributes: { maxlength: String(Math.max(field.maxLength * 2, 20)) },
        },
      };
    }
    case 'textarea': {
      return {
        kind: 'character-count',
        params: {
          id: field.name,
          name: field.name,
          value: typeof values[field.name] === 'string' ? values[field.name] : '',
          label: asHeading
            ? { html: captionHtml + escapeHtml(field.label), ...headingLabel }
            : { text: field.label, ...headingLabel },
          hint,
          errorMessage: errorMessage(errors, field.name),
          maxlength: field.maxLength,
          // govuk-frontend would print the limit as "10000"; GOV.UK style writes "10,000".
          textareaDescriptionText: `You can enter up to ${field.maxLength.toLocaleString('en-GB')} characters`,
          rows: field.rows ?? 5,
        },
      };
    }
    case 'radios':
    case 'checkboxes': {
      const chosen = values[field.name];
      const isChosen = (o: Option) => (Array.isArray(chosen) ? chosen.includes(o.value) : chosen === o.value);
      const items: Record<string, unknown>[] = [];
      const conditionals: FieldViewModel[][] = [];
      for (const o of field.options) {
        if (o.dividerBefore) {
          items.push({ divider: 'or' });
          conditionals.push([]);
        }
        items.push({
          value: o.value,
          text: o.text,
          hint: o.hint ? { text: o.hint } : undefined,
          checked: isChosen(o),
          behaviour: o.exclusive ? 'exclusive' : undefined,
        });
        conditionals.push((o.conditional ?? []).map((sub) => fieldViewModel(sub, values, errors, false)));
      }
      return {
        kind: field.kind,
        params: {
          idPrefix: field.name,
          name: field.name,
          classes: field.kind === 'radios' && field.inline ? 'govuk-radios--inline' : undefined,
          fieldset: {
            legend: asHeading
              ? {
                  html: captionHtml + escapeHtml(field.label),
                  isPageHeading: true,
                  classes: 'govuk-fieldset__legend--l',
                }
              : { text: field.label, classes: 'govuk-fieldset__legend--s' },
          },
          hint,
          errorMessage: errorMessage(errors, field.name),
          items,
        },
        conditionals,
      };
    }
    case 'date': {
      const v = (values[field.name] as DateValue | undefined) ?? { day: '', month: '', year: '' };
      const err = errors[field.name];
      const invalid = (part: keyof DateValue) =>
        err && (v[part] === '' || !err.includes('must include')) ? ' govuk-input--error' : '';
      return {
        kind: 'date',
        params: {
          id: field.name,
          namePrefix: field.name,
          fieldset: {
            legend: asHeading
              ? {
                  html: captionHtml + escapeHtml(field.label),
                  isPageHeading: true,
                  classes: 'govuk-fieldset__legend--l',
                }
              : { text: field.label, classes: 'govuk-fieldset__legend--s' },
          },
          hint,
          errorMessage: err ? { text: err } : undefined,
          items: [
            {
              name: 'day',
              label: 'Day',
              classes: `govuk-input--width-2${invalid('day')}`,
              value: v.day,
              autocomplete: field.name === 'personDob' ? 'off' : undefined,
            },
            { name: 'month', label: 'Month', classes: `govuk-input--width-2${invalid('month')}`, value: v.month },
            { name: 'year', label: 'Year', classes: `govuk-input--width-4${invalid('year')}`, value: v.year },
          ],
        },
      };
    }
  }
}

export function questionViewModel(
  journey: Journey,
  page: QuestionPage,
  values: Values,
  errors: Errors,
  opts: { backLink?: string; change?: boolean },
): QuestionViewModel {
  const single = page.fields.length === 1 && page.fields[0]!.label === page.title;
  return {
    pageTitle: page.title,
    heading: single ? undefined : page.title,
    caption: page.caption,
    guidance: page.guidance,
    fields: page.fields.map((f) => fieldViewModel(f, values, errors, single, page.caption)),
    errorSummary: errorSummary(page.fields, errors),
    action: `${journey.basePath}/${page.slug}${opts.change ? '?change=1' : ''}`,
    backLink: opts.backLink,
    buttonText: 'Continue',
  };
}

/**
 * A cache key for a question page as it will show, when nothing a person typed shows on it: the page's chosen
 * options only. Undefined when any text, textarea or date field of the page holds a value (the page must be rendered
 * afresh, and never cached, because it shows what was typed).
 */
export function pageChoiceKey(page: QuestionPage, values: Values): string | undefined {
  const chosen: unknown[] = [];
  for (const field of allFields(page.fields)) {
    const v = values[field.name];
    if (field.kind === 'radios' || field.kind === 'checkboxes') chosen.push(v ?? null);
    else if (field.kind === 'date') {
      const d = v as DateValue | undefined;
      if (d && (d.day || d.month || d.year)) return undefined;
    } else if (typeof v === 'string' && v !== '') return undefined;
  }
  return JSON.stringify(chosen);
}
