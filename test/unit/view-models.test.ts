import { describe, expect, it } from 'vitest';
import { loadSite } from '../../src/config.js';
import { allFields, type Errors, type Field, type Values } from '../../src/forms/fields.js';
import {
  answerPage,
  applyAnswers,
  firstOpenPage,
  route,
  type DraftAnswers,
  type Journey,
} from '../../src/forms/journey.js';
import { referralJourney } from '../../src/forms/referral/index.js';
import { adviceJourney } from '../../src/forms/advice/index.js';
import type { JourneyContext } from '../../src/forms/context.js';
import { errorSummary, fieldAnchor } from '../../src/views/error-summary.js';
import { escapeHtml } from '../../src/lib/html.js';
import { questionViewModel, type FieldViewModel } from '../../src/features/intake/view-models/question.js';
import { checkAnswersSections, multiline } from '../../src/features/intake/view-models/check-answers.js';
import { displayValue, plainSections } from '../../src/forms/answers.js';
import { createViewEnvironment } from '../../src/views/nunjucks.js';
import { navigation } from '../../src/views/render.js';
import { adviceRequest, publicReferral, type Answers } from '../helpers/journeys.js';

const site = loadSite();
const ctx: JourneyContext = {
  concernTypes: [
    { code: 'islamist', label: 'Islamist' },
    { code: 'not-sure', label: 'Not sure' },
  ],
  sectors: [
    { code: 'education', label: 'Education' },
    { code: 'health', label: 'Health' },
  ],
  site,
};
const referral = referralJourney(ctx);
const advice = adviceJourney(ctx);
const env = createViewEnvironment(site);
const TODAY = new Date('2024-06-15T12:00:00Z');

const page = (journey: Journey, slug: string) => journey.pages.get(slug)!;

function walk(journey: Journey, fixture: Answers): DraftAnswers {
  let answers: DraftAnswers = { values: {}, completed: [] };
  for (let i = 0; i < 40; i++) {
    const p = journey.pages.get(firstOpenPage(journey, answers));
    if (!p) return answers;
    const { values, errors } = answerPage(p, fixture[p.slug]!, TODAY);
    expect(errors).toEqual({});
    answers = applyAnswers(p, answers, values);
  }
  throw new Error('walk did not finish');
}

/** Renders a question page exactly as the route does. */
function renderQuestion(journey: Journey, slug: string, values: Values, errors: Errors): string {
  const vm = questionViewModel(journey, page(journey, slug), values, errors, { backLink: journey.basePath });
  return env.render('intake/views/question.njk', {
    navigation: navigation(journey.basePath),
    kind: journey.kind,
    basePath: journey.basePath,
    csrfToken: 'token',
    vm,
    pageTitle: vm.pageTitle,
    expiresAt: new Date().toISOString(),
    returnTo: slug,
    errorSummary: vm.errorSummary,
  });
}

interface FormControl {
  tag: string;
  id: string | undefined;
  name: string | undefined;
  type: string | undefined;
}

function controls(html: string): FormControl[] {
  return [...html.matchAll(/<(input|textarea|select)\b([^>]*)>/g)].map((m) => {
    const attr = (a: string) => new RegExp(`\\s${a}="([^"]*)"`).exec(m[2]!)?.[1];
    return { tag: m[1]!, id: attr('id'), name: attr('name'), type: attr('type') };
  });
}

function findField(fields: Field[], name: string): Field {
  const f = allFields(fields).find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name}`);
  return f;
}

describe('errorSummary and fieldAnchor', () => {
  it('lists errors in the order the fields appear, conditionals after their question, whatever the errors’ order', () => {
    const p = page(referral, 'person-address');
    const errors: Errors = {
      personPostcode: 'Enter a full UK postcode, like CA1 1AA',
      personTown: 'Enter their town or city',
      personAddressLine1: 'Enter the first line of their address',
    };
    expect(errorSummary(p.fields, errors)).toEqual([
      { text: 'Enter the first line of their address', href: '#personAddressLine1' },
      { text: 'Enter their town or city', href: '#personTown' },
      { text: 'Enter a full UK postcode, like CA1 1AA', href: '#personPostcode' },
    ]);
  });

  it('links dates to the day input, radios and checkboxes to their first input, text to itself', () => {
    const dobPage = page(referral, 'person-dob');
    expect(fieldAnchor(findField(dobPage.fields, 'personDob'))).toBe('personDob-day');
    expect(fieldAnchor(findField(dobPage.fields, 'personDobKnown'))).toBe('personDobKnown');
    expect(fieldAnchor(findField(page(referral, 'vulnerabilities').fields, 'vulnerabilities'))).toBe('vulnerabilities');
    expect(fieldAnchor(findField(page(referral, 'concern').fields, 'concernText'))).toBe('concernText');
    expect(
      errorSummary(dobPage.fields, { personDob: 'Their date of birth must be a real date', personDobKnown: 'x' }),
    ).toEqual([
      { text: 'x', href: '#personDobKnown' },
      { text: 'Their date of birth must be a real date', href: '#personDob-day' },
    ]);
  });

  it('keeps errors for names that are not fields (cross-field rules), after the others', () => {
    const p = page(referral, 'concern');
    expect(errorSummary(p.fields, { other: 'A rule', concernText: 'Enter it' })).toEqual([
      { text: 'Enter it', href: '#concernText' },
      { text: 'A rule', href: '#other' },
    ]);
    expect(errorSummary(p.fields, {})).toEqual([]);
  });

  // The real check: every link in the error summary lands on an element govuk-frontend 6 renders, and for a group
  // (radios, checkboxes, a date) on its first input, for every page of both journeys.
  for (const journey of [referral, advice]) {
    for (const p of journey.pages.values()) {
      it(`${journey.basePath}/${p.slug}: every error link targets the first input of its field`, () => {
        const fields = allFields(p.fields);
        const errors: Errors = Object.fromEntries(fields.map((f) => [f.name, `Problem with ${f.errorName}`]));
        const html = renderQuestion(journey, p.slug, {}, errors);
        const all = controls(html);
        const summary = errorSummary(p.fields, errors);
        expect(summary).toHaveLength(fields.length);
        for (const [i, item] of summary.entries()) {
          const field = fields[i]!;
          expect(item.text).toBe(`Problem with ${field.errorName}`);
          const id = item.href.slice(1);
          const target = all.find((c) => c.id === id);
          expect(target, `${p.slug}: no element with id ${id}`).toBeDefined();
          const name = field.kind === 'date' ? `${field.name}-day` : field.name;
          const first = all.find((c) => c.name === name);
          expect(target, `${p.slug}: ${item.href} is not the first input of ${field.name}`).toBe(first);
          if (field.kind === 'radios') expect(target!.type).toBe('radio');
          if (field.kind === 'checkboxes') expect(target!.type).toBe('checkbox');
          if (field.kind === 'textarea') expect(target!.tag).toBe('textarea');
          // Each id is unique on the page.
          expect(all.filter((c) => c.id === id)).toHaveLength(1);
          expect(html).toContain(`href="${item.href}"`);
          expect(html).toContain(`Problem with ${escapeHtml(field.errorName)}`);
        }
        expect(html).toContain('<title>Error: ');
      });
    }
  }
});

describe('questionViewModel', () => {
  it('a one-question page uses the question as the heading, with the caption inside it', () => {
    const vm = questionViewModel(referral, page(referral, 'person-dob'), {}, {}, { backLink: '/refer/person-name' });
    expect(vm.heading).toBeUndefined();
    expect(vm.pageTitle).toBe('Do you know their date of birth?');
    expect(vm.action).toBe('/refer/person-dob');
    expect(vm.backLink).toBe('/refer/person-name');
    expect(vm.errorSummary).toEqual([]);
    const legend = (vm.fields[0]!.params.fieldset as { legend: Record<string, unknown> }).legend;
    expect(legend).toMatchObject({ isPageHeading: true });
    expect(legend.html).toBe('<span class="govuk-caption-l">About the person</span>Do you know their date of birth?');
  });

  it('a page of several questions has its own heading; the change flag is kept in the form action', () => {
    const vm = questionViewModel(referral, page(referral, 'person-name'), {}, {}, { change: true });
    expect(vm.heading).toBe('What is the name of the person you are worried about?');
    expect(vm.action).toBe('/refer/person-name?change=1');
    expect(vm.fields.map((f) => f.params.id)).toEqual(['personFullName', 'personOtherNames']);
    for (const f of vm.fields) expect(f.params.errorMessage).toBeUndefined();
  });

  it('shows each error next to its field and keeps what was typed, as text for the template to escape', () => {
    const values = { personFullName: '', personOtherNames: '<b>kept</b>' };
    const errors = { personFullName: 'Enter their full name' };
    const vm = questionViewModel(referral, page(referral, 'person-name'), values, errors, {});
    expect(vm.errorSummary).toEqual([{ text: 'Enter their full name', href: '#personFullName' }]);
    expect(vm.fields[0]!.params.errorMessage).toEqual({ text: 'Enter their full name' });
    expect(vm.fields[1]!.params.errorMessage).toBeUndefined();
    expect(vm.fields[1]!.params.value).toBe('<b>kept</b>');
    const html = renderQuestion(referral, 'person-name', values, errors);
    expect(html).toContain('value="&lt;b&gt;kept&lt;/b&gt;"');
    expect(html).not.toContain('<b>kept</b>');
  });

  it('non-string values (a tampered draft) are never shown as text', () => {
    const vm = questionViewModel(
      referral,
      page(referral, 'person-name'),
      { personFullName: ['a', 'b'], personOtherNames: { toString: 'x' } },
      {},
      {},
    );
    expect(vm.fields.map((f) => f.params.value)).toEqual(['', '']);
  });

  it('radios and checkboxes mark the chosen options and carry their conditional fields, with errors', () => {
    const vm = questionViewModel(
      referral,
      page(referral, 'person-dob'),
      { personDobKnown: 'yes', personDob: { day: '31', month: '2', year: '2000' } },
      { personDob: 'Their date of birth must be a real date' },
      {},
    );
    const radios = vm.fields[0]!;
    expect(radios.kind).toBe('radios');
    expect(radios.params.idPrefix).toBe('personDobKnown');
    expect((radios.params.items as { value: string; checked: boolean }[]).map((i) => [i.value, i.checked])).toEqual([
      ['yes', true],
      ['no', false],
    ]);
    const [dateVm] = radios.conditionals![0]!;
    expect(dateVm!.params.errorMessage).toEqual({ text: 'Their date of birth must be a real date' });
    expect(vm.errorSummary).toEqual([{ text: 'Their date of birth must be a real date', href: '#personDob-day' }]);

    const boxes = questionViewModel(
      referral,
      page(referral, 'vulnerabilities'),
      { vulnerabilities: ['sen', 'family'] },
      {},
      {},
    ).fields[0]!;
    const items = boxes.params.items as { value?: string; checked?: boolean; divider?: string; behaviour?: string }[];
    expect(items.filter((i) => i.checked).map((i) => i.value)).toEqual(['sen', 'family']);
    expect(items.find((i) => i.divider)).toEqual({ divider: 'or' });
    expect(items.at(-1)).toMatchObject({ value: 'none-known', behaviour: 'exclusive' });
    // One conditionals entry per item, dividers included, so that the template can pair them by index.
    expect(boxes.conditionals).toHaveLength(items.length);
  });

  const dateInputs = (vm: FieldViewModel) =>
    (vm.params.items as { name: string; classes: string }[]).map((i) => [
      i.name,
      i.classes.includes('govuk-input--error'),
    ]);

  it('a date marks only the missing parts when a part is missing, and every part otherwise', () => {
    const p = page(referral, 'person-dob');
    const dateOf = (day: string, month: string, year: string, error: string) =>
      questionViewModel(
        referral,
        p,
        { personDobKnown: 'yes', personDob: { day, month, year } },
        { personDob: error },
        {},
      ).fields[0]!.conditionals![0]![0]!;
    expect(dateInputs(dateOf('14', '', '2009', 'Their date of birth must include a month'))).toEqual([
      ['day', false],
      ['month', true],
      ['year', false],
    ]);
    expect(dateInputs(dateOf('', '', '2009', 'Their date of birth must include a day and month'))).toEqual([
      ['day', true],
      ['month', true],
      ['year', false],
    ]);
    expect(dateInputs(dateOf('31', '2', '2000', 'Their date of birth must be a real date'))).toEqual([
      ['day', true],
      ['month', true],
      ['year', true],
    ]);
    const ok = questionViewModel(referral, p, { personDobKnown: 'yes' }, {}, {}).fields[0]!.conditionals![0]![0]!;
    expect(dateInputs(ok)).toEqual([
      ['day', false],
      ['month', false],
      ['year', false],
    ]);
    expect((ok.params.items as { value: string }[]).map((i) => i.value)).toEqual(['', '', '']);
  });
});

describe('escapeHtml and multiline', () => {
  it('escapes the five HTML-special characters and the backslash, as Nunjucks does', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;\\</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&#92;&lt;/a&gt;',
    );
  });

  it('multiline escapes first, then turns newlines into <br>', () => {
    expect(multiline('<script>alert(1)</script>\nline 2')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;<br>line 2');
  });
});

describe('checkAnswersSections', () => {
  const done = walk(referral, publicReferral);
  const path = route(referral, done).pages;

  it('groups rows by caption, in path order, without the safety question', () => {
    const sections = checkAnswersSections(referral, path, done.values);
    expect(sections.map((s) => s.title)).toEqual(['About you', 'About the person', 'Your concern']);
    const keys = sections.flatMap((s) => s.rows.map((r) => r.key.text));
    expect(keys).not.toContain('Is anyone in immediate danger?');
    // Later "About you" pages join the first "About you" section rather than starting a second one.
    expect(sections[0]!.rows.map((r) => r.key.text)).toEqual([
      'Referring as',
      'Can we contact you',
      'Your full name',
      'How you know the person',
      'Your email address',
      'Your telephone number',
      'How to contact you',
    ]);
  });

  it('each row has a change link to its own page, with the label for screen readers', () => {
    const sections = checkAnswersSections(referral, path, done.values);
    const rows = sections.flatMap((s) => s.rows);
    const byKey = (k: string) => rows.find((r) => r.key.text === k)!;
    expect(byKey('Their full name').actions!.items).toEqual([
      { href: '/refer/person-name?change=1', text: 'Change', visuallyHiddenText: 'their full name' },
    ]);
    expect(byKey('Their date of birth').actions!.items[0]!.href).toBe('/refer/person-dob?change=1');
    expect(byKey('How to contact you').actions!.items[0]!.href).toBe('/refer/contact-details?change=1');
    for (const r of rows) {
      const slug = r.actions!.items[0]!.href.replace(/^\/refer\/|\?change=1$/g, '');
      expect(referral.pages.has(slug), r.key.text).toBe(true);
    }
    expect(
      checkAnswersSections(referral, path, done.values, false).flatMap((s) => s.rows.map((r) => r.actions)),
    ).toEqual(rows.map(() => undefined));
  });

  it('shows answers as people say them: option texts, dates in words, lists on lines, "Not given" for blanks', () => {
    const rows = checkAnswersSections(referral, path, done.values).flatMap((s) => s.rows);
    const value = (k: string) => rows.find((r) => r.key.text === k)!.value.html;
    expect(value('Referring as')).toBe('No, I am a member of the public');
    expect(value('Their date of birth')).toBe('14 March 2009');
    expect(value('Vulnerabilities or complex needs')).toBe(
      'Mental health needs<br>Autism, ADHD or other neurodivergence',
    );
    expect(value('Their gender')).toBe('Male');
    expect(value('Your telephone number')).toBe('Not given');
    expect(value('Postcode')).toBe('CA1 1AA');
  });

  it('escapes everything people typed, keeping their line breaks', () => {
    const values = {
      ...done.values,
      personFullName: '"><img src=x onerror=alert(1)>',
      concernText: "<script>alert(1)</script>\n'; DROP TABLE referrals; --",
    };
    const rows = checkAnswersSections(referral, path, values).flatMap((s) => s.rows);
    const value = (k: string) => rows.find((r) => r.key.text === k)!.value.html;
    expect(value('Their full name')).toBe('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(value('What happened and why you are worried')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt;<br>&#39;; DROP TABLE referrals; --',
    );
    const html = env.render('intake/views/check-answers.njk', {
      navigation: navigation('/refer'),
      kind: 'referral',
      basePath: '/refer',
      csrfToken: 'token',
      pageTitle: 'Check your answers before sending',
      sections: checkAnswersSections(referral, path, values),
      expiresAt: new Date().toISOString(),
      returnTo: 'check-answers',
    });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;<br>');
  });

  it('a tampered value that is not an option, or not a date, is shown as "Not given"', () => {
    const radios = findField(page(referral, 'about-you').fields, 'referrerType');
    expect(displayValue(radios, '<script>')).toBe('Not given');
    const dobField = findField(page(referral, 'person-dob').fields, 'personDob');
    expect(displayValue(dobField, { day: '31', month: '2', year: '2000' })).toBe('Not given');
    expect(displayValue(dobField, undefined)).toBe('Not given');
    const boxes = findField(page(referral, 'vulnerabilities').fields, 'vulnerabilities');
    expect(displayValue(boxes, 'sen')).toBe('Not given');
    expect(displayValue(boxes, ['invented'])).toBe('Not given');
    const text = findField(page(referral, 'concern').fields, 'concernText');
    expect(displayValue(text, ['a'])).toBe('Not given');
  });

  it('the advice journey has one section per caption too, and plainSections has the same rows as text', () => {
    const a = walk(advice, adviceRequest);
    const p = route(advice, a).pages;
    const sections = checkAnswersSections(advice, p, a.values);
    expect(sections.map((s) => s.title)).toEqual(['Your question', 'About you']);
    const plain = plainSections(p, a.values);
    expect(plain.map((s) => s.rows.map((r) => r.label))).toEqual(sections.map((s) => s.rows.map((r) => r.key.text)));
    expect(plain[0]!.rows[0]!.value).toBe(adviceRequest.question!.adviceQuestion);
  });
});
