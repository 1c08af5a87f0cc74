/**
 * Plain string builders for the govuk-frontend components the busiest staff pages repeat per row: the table and the
 * summary list. Nunjucks macros cost tens of microseconds per cell (each call sets up frames, the attributes macro,
 * filters); these cost about a microsecond and give the same markup, byte for byte, as `govukTable` and
 * `govukSummaryList` rendered in our environment (trimBlocks, lstripBlocks, our `trim`) for the options listed in the
 * types below. `test/unit/govuk-html.test.ts` checks that with random parameters against the real macros.
 *
 * Templates call them as Nunjucks globals with the macros' own parameters (see `nunjucks.ts`):
 * `{{ appTable({ head: …, rows: … }) }}`, `{{ appSummaryList({ rows: … }) }}`. An option they do not support (for
 * example `attributes`, `actions` or `card`) throws, so nobody gets a silently different component: use the govuk
 * macro for those.
 */
import nunjucks from 'nunjucks';
import { escapeHtml } from '../lib/html.js';

/** A value as `{{ value }}` prints it with autoescape: nothing for null or undefined, escaped text otherwise. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return isSafe(value) ? String(value) : escapeHtml(String(value));
}

/** Nunjucks' SafeString (`| safe`, a macro's output) is printed as it is. */
function isSafe(value: unknown): boolean {
  return value instanceof nunjucks.runtime.SafeString;
}

/** `html | safe if html else text`: HTML when there is any, else the escaped text. */
function content(cell: { html?: unknown; text?: unknown }): string {
  return cell.html ? String(cell.html) : text(cell.text);
}

/** ` classes` when there are some (the macros' `{%- if x.classes %} {{ x.classes }}{% endif %}`). */
function classes(value: unknown): string {
  return value ? ` ${text(value)}` : '';
}

function refuse(component: string, object: object, allowed: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw new Error(`${component}: option "${key}" is not supported; use the govuk macro`);
  }
}

export interface TableCell {
  text?: string | number | null;
  html?: string | null;
  format?: string;
  classes?: string;
}

export interface TableParams {
  caption?: string;
  captionClasses?: string;
  firstCellIsHeader?: boolean;
  head?: TableCell[];
  rows: (TableCell[] | null | undefined | false)[];
  classes?: string;
}

const TABLE_KEYS = ['caption', 'captionClasses', 'firstCellIsHeader', 'head', 'rows', 'classes'] as const;
const CELL_KEYS = ['text', 'html', 'format', 'classes'] as const;

/** The markup of `govukTable(params)`. */
export function tableHtml(params: TableParams): string {
  refuse('appTable', params, TABLE_KEYS);
  let out = `<table class="govuk-table${classes(params.classes)}">\n`;
  if (params.caption) {
    out += `  <caption class="govuk-table__caption${classes(params.captionClasses)}">${text(params.caption)}</caption>\n`;
  }
  if (params.head) {
    out += '  <thead class="govuk-table__head">\n    <tr class="govuk-table__row">\n';
    for (const item of params.head) {
      refuse('appTable head', item, CELL_KEYS);
      out +=
        `      <th scope="col" class="govuk-table__header` +
        `${item.format ? ` govuk-table__header--${text(item.format)}` : ''}${classes(item.classes)}">` +
        `${content(item)}</th>\n`;
    }
    out += '    </tr>\n  </thead>\n';
  }
  out += '  <tbody class="govuk-table__body">\n';
  for (const row of params.rows ?? []) {
    if (!row) continue;
    out += '    <tr class="govuk-table__row">\n';
    for (let i = 0; i < row.length; i++) {
      const cell = row[i]!;
      refuse('appTable cell', cell, CELL_KEYS);
      if (i === 0 && params.firstCellIsHeader) {
        out += `      <th scope="row" class="govuk-table__header${classes(cell.classes)}">${content(cell)}</th>\n`;
      } else {
        out +=
          `      <td class="govuk-table__cell` +
          `${cell.format ? ` govuk-table__cell--${text(cell.format)}` : ''}${classes(cell.classes)}">` +
          `${content(cell)}</td>\n`;
      }
    }
    out += '    </tr>\n';
  }
  return `${out}  </tbody>\n</table>\n`;
}

export interface SummaryListPart {
  text?: string | number | null;
  html?: string | null;
  classes?: string;
}

export interface SummaryListRow {
  key: SummaryListPart;
  value: SummaryListPart;
  classes?: string;
}

export interface SummaryListParams {
  rows: (SummaryListRow | null | undefined | false)[];
  classes?: string;
}

const SUMMARY_KEYS = ['rows', 'classes'] as const;
const ROW_KEYS = ['key', 'value', 'classes'] as const;
const PART_KEYS = ['text', 'html', 'classes'] as const;

/** `html | safe | trim | indent(6) if html else text`, as in the summary list's key and value. */
function indented(part: SummaryListPart | undefined): string {
  if (!part) return '';
  refuse('appSummaryList key or value', part, PART_KEYS);
  if (!part.html) return text(part.text);
  return String(part.html).trim().split('\n').join('\n      ');
}

/** The markup of `govukSummaryList(params)` (without actions or a card). */
export function summaryListHtml(params: SummaryListParams): string {
  refuse('appSummaryList', params, SUMMARY_KEYS);
  let out = `<dl class="govuk-summary-list${classes(params.classes)}">\n`;
  for (const row of params.rows ?? []) {
    if (!row) continue;
    refuse('appSummaryList row', row, ROW_KEYS);
    out +=
      `  <div class="govuk-summary-list__row${classes(row.classes)}">\n` +
      `    <dt class="govuk-summary-list__key${classes(row.key?.classes)}">\n      ${indented(row.key)}\n    </dt>\n` +
      `    <dd class="govuk-summary-list__value${classes(row.value?.classes)}">\n      ${indented(row.value)}\n    </dd>\n` +
      '  </div>\n';
  }
  // The macro trims its whole output.
  return `${out}</dl>`;
}
