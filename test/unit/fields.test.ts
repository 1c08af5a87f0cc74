import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  allFields,
  cleanText,
  londonDate,
  normalisePostcode,
  parseFields,
  toIsoDate,
  validateDate,
  type DateField,
  type Field,
  type TextField,
} from '../../src/forms/fields.js';
import { messages } from '../../src/messages.js';
import { loadSite } from '../../src/config.js';
import { referralJourney } from '../../src/forms/referral/index.js';
import { adviceJourney } from '../../src/forms/advice/index.js';
import { personDobPage } from '../../src/forms/referral/person-dob.js';
import { vulnerabilitiesPage } from '../../src/forms/referral/vulnerabilities.js';

/** C0 controls other than tab and newline, and DEL: what cleanText must never let through. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const TODAY = new Date('2024-06-15T12:00:00Z');
const dob: Pick<DateField, 'errorName' | 'optional'> = { errorName: 'their date of birth' };
const date = (day: string, month: string, year: string) => ({ day, month, year });

function textField(overrides: Partial<TextField> = {}): TextField {
  return { kind: 'text', name: 'f', label: 'Field', errorName: 'the field', maxLength: 254, ...overrides };
}

/** Parses one value through a text field of the given format: the formatted value, or the error. */
function formatOf(format: TextField['format'], raw: string): { value?: unknown; error?: string } {
  const { values, errors } = parseFields([textField({ format, maxLength: 300 })], { f: raw });
  return errors.f ? { error: errors.f } : { value: values.f };
}

describe('normalisePostcode', () => {
  it.each([
    ['CA1 1AA', 'CA1 1AA'],
    ['ca11aa', 'CA1 1AA'],
    ['  ca1   1aa ', 'CA1 1AA'],
    ['Ca1 1aA', 'CA1 1AA'],
    ['CA10 1AA', 'CA10 1AA'],
    ['LA9 4XX', 'LA9 4XX'],
    ['M1 1AE', 'M1 1AE'],
    ['B33 8TH', 'B33 8TH'],
    ['CR2 6XH', 'CR2 6XH'],
    ['DN55 1PT', 'DN55 1PT'],
    ['W1A 0AX', 'W1A 0AX'],
    ['w1a0ax', 'W1A 0AX'],
    ['EC1A 1BB', 'EC1A 1BB'],
    ['SW1A 2AA', 'SW1A 2AA'],
    ['GIR 0AA', 'GIR 0AA'],
    ['gir0aa', 'GIR 0AA'],
  ])('accepts %j as %s', (raw, expected) => {
    expect(normalisePostcode(raw)).toBe(expected);
  });

  it.each([
    '',
    'CA1',
    'CA1 1A',
    'CA1 1AAA',
    'CA101 1AA',
    'Q1 1AA', // Q is never a first letter
    'CA1 1AC', // C is never in the inward code
    'CA1 1CA',
    'VA1 1AA', // V is never a first letter
    '12345',
    'ABCDEF',
    'CA1 AAA',
    'GIR 1AA',
    '<script>',
    "' OR '1'='1",
  ])('refuses %j', (raw) => {
    expect(normalisePostcode(raw)).toBeUndefined();
  });

  it('through a postcode field: stored in the canonical form, or the postcode message', () => {
    expect(formatOf('postcode', 'ca1 1aa')).toEqual({ value: 'CA1 1AA' });
    expect(formatOf('postcode', 'not a postcode')).toEqual({ error: messages.postcode });
  });

  it('property: output is always a canonical postcode and normalising it again changes nothing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (raw) => {
        const out = normalisePostcode(raw);
        if (out !== undefined) {
          expect(out).toMatch(/^[A-Z0-9]{2,4} [0-9][A-Z]{2}$/);
          expect(normalisePostcode(out)).toBe(out);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('email addresses', () => {
  it.each([
    'name@example.com',
    'first.last+tag@sub.example.co.uk',
    "o'brien@example.ie",
    'UPPER@EXAMPLE.ORG',
    'x@example.museum',
  ])('accepts %s', (email) => {
    expect(formatOf('email', email)).toEqual({ value: email });
  });

  it('removes spaces people type by mistake', () => {
    expect(formatOf('email', ' name @ example.com ')).toEqual({ value: 'name@example.com' });
  });

  it.each([
    'name',
    'name@',
    '@example.com',
    'name@example',
    'name@example.c',
    'a@b@example.com',
    `${'a'.repeat(65)}@example.com`,
    `a@${'b'.repeat(250)}.com`,
    // Accepted by a loose check, but a mail header parser reads another recipient out of each of these.
    'x<victim@other.example>',
    'a,victim@example.org',
    'a;victim@example.org',
    '"a"@example.org',
    'a(comment)@example.org',
    'a@example.org:25',
    '<script>alert(1)</script>@example.org',
  ])('refuses %j', (email) => {
    expect(formatOf('email', email)).toEqual({ error: messages.email });
  });
});

describe('telephone numbers and ages', () => {
  it.each(['01632 960 001', '07700 900 982', '+44 808 157 0192', '(01632) 960001', '020-7946-0000', '0163296'])(
    'accepts %s',
    (phone) => {
      expect(formatOf('phone', phone)).toEqual({ value: phone });
    },
  );

  it.each([
    '123',
    '012345', // six digits
    'phone me',
    '--- --- ---',
    '+44 808 157 0192 ext 3',
    '0123456789012345678901',
    '+44+808',
    '<script>',
    "'; DROP TABLE referrals; --",
  ])('refuses %j', (phone) => {
    expect(formatOf('phone', phone)).toEqual({ error: messages.phone });
  });

  it('ages are whole numbers from 0 to 120', () => {
    expect(formatOf('age', '15')).toEqual({ value: '15' });
    expect(formatOf('age', '015')).toEqual({ value: '15' });
    expect(formatOf('age', '0')).toEqual({ value: '0' });
    expect(formatOf('age', '120')).toEqual({ value: '120' });
    expect(formatOf('age', '121')).toEqual({ error: messages.age.range });
    for (const bad of ['fifteen', '-1', '1.5', '1e2', '0x10', '1000']) {
      expect(formatOf('age', bad), bad).toEqual({ error: messages.age.notNumber });
    }
  });
});

describe('validateDate and toIsoDate', () => {
  it('31/02/2000 is not a real date; 29/02/2000 is, 29/02/2001 and 29/02/1900 are not', () => {
    expect(validateDate(dob, date('31', '02', '2000'), TODAY)).toBe('Their date of birth must be a real date');
    expect(validateDate(dob, date('29', '2', '2000'), TODAY)).toBeUndefined();
    expect(validateDate(dob, date('29', '2', '2001'), TODAY)).toBe('Their date of birth must be a real date');
    expect(validateDate(dob, date('29', '2', '1900'), TODAY)).toBe('Their date of birth must be a real date');
    expect(validateDate(dob, date('31', '4', '2000'), TODAY)).toBe('Their date of birth must be a real date');
    expect(validateDate(dob, date('0', '1', '2000'), TODAY)).toBe('Their date of birth must be a real date');
    expect(validateDate(dob, date('1', '13', '2000'), TODAY)).toBe('Their date of birth must be a real date');
  });

  it('refuses future dates and dates before 1900', () => {
    expect(validateDate(dob, date('16', '6', '2024'), TODAY)).toBe('Their date of birth must be today or in the past');
    expect(validateDate(dob, date('1', '1', '3000'), TODAY)).toBe('Their date of birth must be today or in the past');
    expect(validateDate(dob, date('15', '6', '2024'), TODAY)).toBeUndefined();
    expect(validateDate(dob, date('31', '12', '1899'), TODAY)).toBe('Their date of birth must be after 1900');
    expect(validateDate(dob, date('1', '1', '0099'), TODAY)).toBe('Their date of birth must be after 1900');
    expect(validateDate(dob, date('1', '1', '1900'), TODAY)).toBeUndefined();
  });

  it('"today" is the date in the UK, not in UTC', () => {
    const justAfterMidnightBst = new Date('2024-06-01T23:30:00Z'); // 00:30 on 2 June in London
    expect(londonDate(justAfterMidnightBst)).toBe('2024-06-02');
    expect(validateDate(dob, date('2', '6', '2024'), justAfterMidnightBst)).toBeUndefined();
    expect(validateDate(dob, date('3', '6', '2024'), justAfterMidnightBst)).toBe(
      'Their date of birth must be today or in the past',
    );
    const justAfterMidnightGmt = new Date('2024-01-01T00:30:00Z');
    expect(londonDate(justAfterMidnightGmt)).toBe('2024-01-01');
    expect(validateDate(dob, date('2', '1', '2024'), justAfterMidnightGmt)).toBe(
      'Their date of birth must be today or in the past',
    );
  });

  it.each([
    [date('', '3', '2009'), 'Their date of birth must include a day'],
    [date('14', '', '2009'), 'Their date of birth must include a month'],
    [date('14', '3', ''), 'Their date of birth must include a year'],
    [date('', '', '2009'), 'Their date of birth must include a day and month'],
    [date('14', '', ''), 'Their date of birth must include a month and year'],
    [date('', '3', ''), 'Their date of birth must include a day and year'],
    [date('', '', ''), 'Enter their date of birth'],
  ])('a partial date %j says what is missing', (value, message) => {
    expect(validateDate(dob, value, TODAY)).toBe(message);
  });

  it('an optional date may be left blank, but not half filled', () => {
    expect(validateDate({ ...dob, optional: true }, date('', '', ''), TODAY)).toBeUndefined();
    expect(validateDate({ ...dob, optional: true }, date('1', '', ''), TODAY)).toBe(
      'Their date of birth must include a month and year',
    );
  });

  it('only digits are numbers: words, signs, exponents, hex and two-digit years are not real dates', () => {
    for (const v of [
      date('a', '1', '2000'),
      date('1', 'March', '2000'),
      date('1', '1', '99'),
      date('1', '1', '20000'),
      date('-1', '1', '2000'),
      date('1e1', '1', '2000'),
      date('0x1', '1', '2000'),
      date('1', '1', '2e03'),
      date('1.', '1', '2000'),
      date('١', '1', '2000'), // Arabic-Indic digit one
    ]) {
      expect(validateDate(dob, v, TODAY), JSON.stringify(v)).toBe('Their date of birth must be a real date');
      expect(toIsoDate(v), JSON.stringify(v)).toBeUndefined();
    }
  });

  it('toIsoDate pads to YYYY-MM-DD and reads every year literally', () => {
    expect(toIsoDate(date('14', '3', '2009'))).toBe('2009-03-14');
    expect(toIsoDate(date('01', '01', '2000'))).toBe('2000-01-01');
    expect(toIsoDate(date('29', '2', '2000'))).toBe('2000-02-29');
    expect(toIsoDate(date('31', '2', '2000'))).toBeUndefined();
    expect(toIsoDate(date('31', '12', '0099'))).toBe('0099-12-31'); // not 1999
    expect(toIsoDate(date('29', '2', '0004'))).toBe('0004-02-29');
    expect(toIsoDate(date('1', '1', '0000'))).toBeUndefined();
    expect(toIsoDate(date('31', '12', '9999'))).toBe('9999-12-31');
  });

  it('property: toIsoDate accepts exactly the real calendar dates', () => {
    const daysIn = (y: number, m: number) =>
      [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.boolean(),
        (y, m, d, pad) => {
          const p = (n: number) => (pad ? String(n).padStart(2, '0') : String(n));
          const iso = toIsoDate(date(p(d), p(m), String(y).padStart(4, '0')));
          const real = m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
          if (!real) expect(iso).toBeUndefined();
          else
            expect(iso).toBe(
              `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
            );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('property: validateDate never throws, and accepts only real past dates from 1900', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), (d, m, y) => {
        const error = validateDate(dob, date(d, m, y), TODAY);
        if (error === undefined) {
          const iso = toIsoDate(date(d, m, y));
          expect(iso).toBeDefined();
          expect(iso! >= '1900-01-01' && iso! <= '2024-06-15').toBe(true);
        } else expect(error).toMatch(/^(Enter their date of birth|Their date of birth must )/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('cleanText', () => {
  it('normalises CRLF and CR to LF', () => {
    expect(cleanText('a\r\nb\rc\nd')).toBe('a\nb\nc\nd');
  });

  it('removes NUL, other C0 controls and DEL, keeping tab and newline', () => {
    expect(cleanText('a\u0000b')).toBe('ab');
    expect(cleanText('\u0001\u0007\u0008bell\u001b[31mred\u007f')).toBe('bell[31mred');
    expect(cleanText('\u000b\u000cvt')).toBe('vt');
    expect(cleanText('col1\tcol2\nline')).toBe('col1\tcol2\nline');
  });

  it('replaces lone surrogates (which PostgreSQL refuses) and keeps real pairs', () => {
    expect(cleanText('a\uD800b')).toBe('a\uFFFDb');
    expect(cleanText('a\uDC00b')).toBe('a\uFFFDb');
    expect(cleanText('\uDC00\uD800')).toBe('\uFFFD\uFFFD');
    expect(cleanText('end\uD83D')).toBe('end\uFFFD');
    expect(cleanText('smile 😀')).toBe('smile 😀');
  });

  it('composes characters (NFC), so the same text is always stored the same way', () => {
    expect(cleanText('Zoe\u0301')).toBe('Zoé');
  });

  it('leaves markup and quotes alone: escaping is the templates’ job', () => {
    const s = `<script>alert(1)</script> "><img src=x onerror=alert(1)> '; DROP TABLE referrals; --`;
    expect(cleanText(s)).toBe(s);
  });

  const hostileString = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.string({
      unit: fc.constantFrom('\u0000', '\r', '\n', '\t', '\u001b', '\u007f', '\uD800', '\uDC00', 'a', '😀', 'e\u0301'),
      maxLength: 40,
    }),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes)),
  );

  it('property: never leaves a C0 control other than \\t and \\n, a CR, or a lone surrogate; idempotent', () => {
    fc.assert(
      fc.property(hostileString, (raw) => {
        const out = cleanText(raw);
        expect(out).not.toMatch(FORBIDDEN_CONTROLS);
        expect(out).not.toContain('\r');
        expect(out).not.toMatch(LONE_SURROGATE);
        expect(cleanText(out)).toBe(out);
        // Whatever is left survives a round trip through UTF-8 (what the database stores) unchanged.
        expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseFields', () => {
  const name = textField({ name: 'personFullName', errorName: 'their full name', maxLength: 200 });
  const optionalText = textField({ name: 'other', errorName: 'other names', maxLength: 500, optional: true });
  const concern: Field = {
    kind: 'textarea',
    name: 'concernText',
    label: 'Concern',
    errorName: 'what has happened',
    maxLength: 10000,
  };

  it('text: trimmed and cleaned; blank, repeated or non-string values are "Enter …"', () => {
    expect(parseFields([name], { personFullName: '  Jamie\u0000 Example \r\n' })).toEqual({
      values: { personFullName: 'Jamie Example' },
      errors: {},
    });
    for (const raw of [undefined, '', '   ', '\u0000\u0001', ['Jamie', 'Other'], { a: 'b' }, 5, null, true]) {
      const { values, errors } = parseFields([name], { personFullName: raw });
      expect(errors, JSON.stringify(raw)).toEqual({ personFullName: 'Enter their full name' });
      expect(values.personFullName).toBe('');
    }
  });

  it('text: an optional field may be blank; a long answer gets the "must be N characters or fewer" message', () => {
    expect(parseFields([optionalText], {})).toEqual({ values: { other: '' }, errors: {} });
    expect(parseFields([name], { personFullName: 'x'.repeat(200) }).errors).toEqual({});
    expect(parseFields([name], { personFullName: 'x'.repeat(201) }).errors).toEqual({
      personFullName: 'Their full name must be 200 characters or fewer',
    });
    expect(parseFields([concern], { concernText: 'x'.repeat(1024 * 1024) }).errors).toEqual({
      concernText: 'What has happened must be 10,000 characters or fewer',
    });
    // Control characters are removed before counting.
    expect(parseFields([name], { personFullName: 'x'.repeat(200) + '\u0000'.repeat(50) }).errors).toEqual({});
  });

  it('radios: the chosen option, "Select …" when none, "… from the list" for an unknown value', () => {
    const [known] = personDobPage.fields;
    expect(parseFields([known!], { personDobKnown: 'no' })).toEqual({
      values: { personDobKnown: 'no', personAgeApprox: '' },
      errors: {},
    });
    for (const raw of [undefined, '', ['yes', 'no'], { yes: 'no' }, 1]) {
      expect(parseFields([known!], { personDobKnown: raw }).errors, JSON.stringify(raw)).toEqual({
        personDobKnown: 'Select whether you know their date of birth',
      });
    }
    for (const raw of ['maybe', '<script>alert(1)</script>', 'YES', ' yes', 'toString', '__proto__']) {
      const { values, errors } = parseFields([known!], { personDobKnown: raw });
      expect(errors, raw).toEqual({ personDobKnown: 'Select whether you know their date of birth from the list' });
      expect(values).toEqual({ personDobKnown: '' });
    }
  });

  it('radios: optional radios may be left unanswered but not answered with an unknown value', () => {
    const gender: Field = {
      kind: 'radios',
      name: 'g',
      label: 'Gender',
      errorName: 'their gender',
      optional: true,
      options: [{ value: 'female', text: 'Female' }],
    };
    expect(parseFields([gender], {})).toEqual({ values: { g: '' }, errors: {} });
    expect(parseFields([gender], { g: 'other' }).errors).toEqual({ g: 'Select their gender from the list' });
  });

  it('radios: only the chosen option’s conditional fields are read', () => {
    const fields = personDobPage.fields;
    const body = { 'personDob-day': '31', 'personDob-month': '2', 'personDob-year': '2000', personAgeApprox: 'x' };
    expect(parseFields(fields, { ...body, personDobKnown: 'yes' }, TODAY)).toEqual({
      values: { personDobKnown: 'yes', personDob: { day: '31', month: '2', year: '2000' } },
      errors: { personDob: 'Their date of birth must be a real date' },
    });
    expect(parseFields(fields, { ...body, personDobKnown: 'no' }, TODAY)).toEqual({
      values: { personDobKnown: 'no', personAgeApprox: 'x' },
      errors: { personAgeApprox: messages.age.notNumber },
    });
  });

  it('checkboxes: one value or many, de-duplicated; unknown values refused; none is "Select …"', () => {
    const [needs] = vulnerabilitiesPage.fields;
    expect(parseFields([needs!], { vulnerabilities: 'sen' }).values).toEqual({ vulnerabilities: ['sen'] });
    expect(parseFields([needs!], { vulnerabilities: ['sen', 'family', 'sen'] }).values).toEqual({
      vulnerabilities: ['sen', 'family'],
    });
    expect(parseFields([needs!], { vulnerabilities: ['sen', 'hacked'] })).toEqual({
      values: { vulnerabilities: ['sen'] },
      errors: { vulnerabilities: `Select ${needs!.errorName} from the list` },
    });
    for (const raw of [undefined, '', [], [''], [{ a: 1 }], 7]) {
      expect(parseFields([needs!], { vulnerabilities: raw }).errors, JSON.stringify(raw)).toEqual({
        vulnerabilities: `Select ${needs!.errorName}`,
      });
    }
  });

  it('checkboxes: reads the conditional fields of each chosen option only', () => {
    const field: Field = {
      kind: 'checkboxes',
      name: 'c',
      label: 'C',
      errorName: 'c',
      options: [
        { value: 'a', text: 'A', conditional: [textField({ name: 'aText', errorName: 'more about a' })] },
        { value: 'b', text: 'B', conditional: [textField({ name: 'bText', errorName: 'more about b' })] },
      ],
    };
    expect(parseFields([field], { c: 'a', bText: 'ignored' })).toEqual({
      values: { c: ['a'], aText: '' },
      errors: { aText: 'Enter more about a' },
    });
  });

  it('dates: read from name-day, name-month and name-year, cleaned, trimmed and cut short', () => {
    const field: DateField = { kind: 'date', name: 'd', label: 'D', errorName: 'the date', rule: 'past' };
    expect(parseFields([field], { 'd-day': ' 14 ', 'd-month': '\u00003', 'd-year': '2009' }, TODAY)).toEqual({
      values: { d: { day: '14', month: '3', year: '2009' } },
      errors: {},
    });
    const long = parseFields([field], { 'd-day': '1'.repeat(100000), 'd-month': ['1', '2'], 'd-year': {} }, TODAY);
    expect(long.values.d).toEqual({ day: '1111111111', month: '', year: '' });
    expect(long.errors).toEqual({ d: 'The date must include a month and year' });
  });

  const journeys = (() => {
    const ctx = {
      concernTypes: [
        { code: 'islamist', label: 'Islamist' },
        { code: 'not-sure', label: 'Not sure' },
      ],
      sectors: [{ code: 'education', label: 'Education' }],
      site: loadSite(),
    };
    return [referralJourney(ctx), adviceJourney(ctx)];
  })();
  const pages = journeys.flatMap((j) => [...j.pages.values()]);
  const fieldNames = [
    ...new Set(
      pages.flatMap((p) =>
        allFields(p.fields).flatMap((f) =>
          f.kind === 'date' ? [`${f.name}-day`, `${f.name}-month`, `${f.name}-year`] : [f.name],
        ),
      ),
    ),
  ];

  it('property: never throws for arbitrary bodies; values are clean strings or known choices', () => {
    const key = fc.oneof(fc.constantFrom(...fieldNames, '__proto__', 'constructor', '_csrf'), fc.string());
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constantFrom('yes', 'no', 'professional', 'public', 'sen', 'none-known', '29', '2', '2000'),
      fc.array(fc.oneof(fc.string(), fc.constantFrom('sen', 'family', 'yes'))),
      fc.object(),
      fc.anything(),
    );
    fc.assert(
      fc.property(fc.constantFrom(...pages), fc.dictionary(key, value, { maxKeys: 30 }), (page, body) => {
        const { values, errors } = parseFields(page.fields, body, TODAY);
        const names = new Set(allFields(page.fields).map((f) => f.name));
        for (const [k, message] of Object.entries(errors)) {
          expect(names.has(k)).toBe(true);
          expect(typeof message).toBe('string');
          expect(message.length).toBeGreaterThan(0);
        }
        for (const field of allFields(page.fields)) {
          if (!(field.name in values)) continue;
          const v = values[field.name];
          if (field.kind === 'text' || field.kind === 'textarea') {
            expect(typeof v).toBe('string');
            expect(v as string).not.toMatch(FORBIDDEN_CONTROLS);
            expect(v as string).not.toMatch(LONE_SURROGATE);
          } else if (field.kind === 'radios') {
            expect(['', ...field.options.map((o) => o.value)]).toContain(v);
          } else if (field.kind === 'checkboxes') {
            for (const c of v as string[]) expect(field.options.map((o) => o.value)).toContain(c);
          } else {
            for (const part of Object.values(v as Record<string, string>)) {
              expect(typeof part).toBe('string');
              expect(part.length).toBeLessThanOrEqual(10);
            }
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
