import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSite } from '../../src/config.js';
import { escapeHtml } from '../../src/lib/html.js';
import { summaryListHtml, tableHtml, type TableCell } from '../../src/views/govuk-html.js';
import { createViewEnvironment } from '../../src/views/nunjucks.js';

/** The string builders must give the markup of the real govuk-frontend macros, rendered in our environment. */

const env = createViewEnvironment(loadSite());
const macros = (call: string, params: unknown) =>
  env.renderString(
    `{% from "govuk/components/table/macro.njk" import govukTable %}` +
      `{% from "govuk/components/summary-list/macro.njk" import govukSummaryList %}` +
      `{% from "govuk/components/pagination/macro.njk" import govukPagination %}{{ ${call}(params) }}`,
    { params },
  );
const globals = (call: string, params: unknown) => env.renderString(`{{ ${call}(params) }}`, { params });

/** Whitespace only: runs of it become one space. */
const normalise = (html: string) => html.replace(/\s+/g, ' ').trim();

// Text with the characters that matter: markup, quotes, the backslash, line breaks, spaces at the ends.
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', ' ', 'a & b', '<b>x</b>', '"q"', "it's", 'back\\slash', ' pad ', 'two\nlines', '0'),
);
const html = fc.oneof(
  fc.constantFrom('<a href="/x">A</a>', 'a<br>b', ' <strong>x</strong>\n<em>y</em> ', 'line\n\nother'),
  text.map(escapeHtml),
);
const classes = fc.option(fc.constantFrom('k', 'a b', 'govuk-!-width-one-half', 'x&y'), { nil: undefined });
const cell: fc.Arbitrary<TableCell> = fc.record(
  {
    text: fc.oneof(text, fc.integer({ min: 0, max: 999 })),
    html: fc.option(html, { nil: undefined }),
    format: fc.option(fc.constantFrom('numeric'), { nil: undefined }),
    classes,
  },
  { requiredKeys: [] },
);

describe('tableHtml (appTable)', () => {
  it('gives the markup of govukTable', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            caption: fc.option(text, { nil: undefined }),
            captionClasses: classes,
            firstCellIsHeader: fc.boolean(),
            head: fc.option(fc.array(cell, { maxLength: 4 }), { nil: undefined }),
            rows: fc.array(fc.oneof(fc.array(cell, { maxLength: 5 }), fc.constant(null)), { maxLength: 5 }),
            classes,
          },
          { requiredKeys: ['rows'] },
        ),
        (params) => {
          const expected = macros('govukTable', params);
          expect(normalise(tableHtml(params))).toBe(normalise(expected));
          // in fact byte for byte, and the same through the Nunjucks global
          expect(tableHtml(params)).toBe(expected);
          expect(globals('appTable', params)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses options it does not support', () => {
    expect(() => tableHtml({ rows: [[{ text: 'a', colspan: 2 } as TableCell]] })).toThrow(/colspan/);
    expect(() => tableHtml({ rows: [], attributes: {} } as never)).toThrow(/attributes/);
  });
});

describe('summaryListHtml (appSummaryList)', () => {
  const part = fc.record(
    { text: fc.oneof(text, fc.integer({ min: 0, max: 99 })), html: fc.option(html, { nil: undefined }), classes },
    { requiredKeys: [] },
  );
  it('gives the markup of govukSummaryList', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            rows: fc.array(
              fc.oneof(
                fc.record({ key: part, value: part, classes }, { requiredKeys: ['key', 'value'] }),
                fc.constant(null),
              ),
              { maxLength: 6 },
            ),
            classes,
          },
          { requiredKeys: ['rows'] },
        ),
        (params) => {
          const expected = macros('govukSummaryList', params);
          expect(normalise(summaryListHtml(params))).toBe(normalise(expected));
          expect(summaryListHtml(params)).toBe(expected);
          expect(globals('appSummaryList', params)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses rows with actions (use the macro)', () => {
    expect(() =>
      summaryListHtml({ rows: [{ key: { text: 'a' }, value: { text: 'b' }, actions: {} } as never] }),
    ).toThrow(/actions/);
  });
});

describe('appPagination', () => {
  it('gives the markup of govukPagination (rendered once per set of parameters)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 30 }), (pages, at) => {
        const page = Math.min(pages, Math.max(1, at));
        const params = {
          ...(page > 1 ? { previous: { href: `/x?page=${page - 1}` } } : {}),
          ...(page < pages ? { next: { href: `/x?page=${page + 1}` } } : {}),
          items: [{ number: String(page), href: `/x?page=${page}`, current: true }, { ellipsis: true }],
          landmarkLabel: 'Pages & more',
        };
        const expected = macros('govukPagination', params);
        expect(globals('appPagination', params)).toBe(expected);
        expect(globals('appPagination', params)).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });
});

describe('escapeHtml', () => {
  it('escapes as Nunjucks does', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(escapeHtml(s)).toBe(env.renderString('{{ s }}', { s }));
      }),
    );
  });
});
