import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formErrorSummary, formFailure, parseForm, staffForm } from '../../src/forms/kit.js';

const form = staffForm(
  {
    choice: z.enum(['a', 'b'], { message: 'Choose a or b' }),
    detail: z.string().max(10, 'Detail is too long'),
    'when-day': z.string(),
    password: z.string().min(1, 'Enter a password'),
  },
  {
    check(v, issue) {
      if (v.choice === 'b' && !v.detail) issue('detail', 'Give the detail');
      if (!v['when-day']) issue('when', 'Enter the day');
    },
    order: ['choice', 'detail', 'when', 'password'],
    anchors: { when: 'when-day' },
    verbatim: ['password'],
    clean: { 'when-day': (s) => s.slice(0, 2) },
  },
);

describe('parseForm', () => {
  it('cleans text once (control characters removed, trimmed), keeps verbatim fields as typed', () => {
    const parsed = parseForm(form, { choice: ' a ', detail: ' x\u0007y ', 'when-day': '123', password: ' p\u0007 ' });
    expect(parsed).toEqual({
      ok: true,
      values: { choice: 'a', detail: 'xy', 'when-day': '12', password: ' p\u0007 ' },
    });
  });

  it('gives every message at once, cross-field ones too, with the summary in page order and anchors', () => {
    const parsed = parseForm(form, { choice: 'b', detail: '', password: '' });
    expect(parsed).toEqual({
      ok: false,
      values: { choice: 'b', detail: '', 'when-day': '', password: '' },
      errors: { detail: 'Give the detail', when: 'Enter the day', password: 'Enter a password' },
      errorSummary: [
        { text: 'Give the detail', href: '#detail' },
        { text: 'Enter the day', href: '#when-day' },
        { text: 'Enter a password', href: '#password' },
      ],
    });
  });

  it("keeps a field's first message", () => {
    const parsed = parseForm(form, { choice: 'c', detail: '12345678901', 'when-day': '1', password: 'x' });
    expect(parsed.ok || parsed.errors).toEqual({ choice: 'Choose a or b', detail: 'Detail is too long' });
  });

  it('reads a repeated, array, object or missing field as empty', () => {
    const parsed = parseForm(form, { choice: ['a', 'b'], detail: { x: 1 }, 'when-day': 3, password: ['p'] });
    expect(parsed.values).toEqual({ choice: '', detail: '', 'when-day': '', password: '' });
  });

  it('reads a string longer than inputMax as empty', () => {
    const short = staffForm({ a: z.string().min(1, 'Enter a') }, { inputMax: 5 });
    expect(parseForm(short, { a: '123456' })).toMatchObject({ ok: false, errors: { a: 'Enter a' } });
    expect(parseForm(short, { a: '12345' })).toEqual({ ok: true, values: { a: '12345' } });
  });

  it('property: any body never throws; errors and summary agree, in page order', () => {
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary', maxLength: 20000 }),
      fc.array(fc.string()),
      fc.object(),
      fc.constantFrom('a', 'b', ' b '),
    );
    const body = fc.oneof(
      fc.record({ choice: value, detail: value, 'when-day': value, password: value }, { requiredKeys: [] }),
      fc.anything(),
    );
    fc.assert(
      fc.property(body, (b) => {
        const parsed = parseForm(form, b);
        for (const v of Object.values(parsed.values)) expect(typeof v).toBe('string');
        if (parsed.ok) return;
        const keys = Object.keys(parsed.errors);
        expect(keys.length).toBeGreaterThan(0);
        expect(parsed.errorSummary.map((e) => e.text)).toEqual(
          form.order.filter((k) => parsed.errors[k]).map((k) => parsed.errors[k]),
        );
        expect(parsed.errorSummary.map((e) => e.href)).toEqual(
          form.order.filter((k) => parsed.errors[k]).map((k) => `#${form.anchors[k] ?? k}`),
        );
        expect(keys.every((k) => form.order.includes(k))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('formFailure and formErrorSummary', () => {
  it('adds errors found after parsing, keys the form does not list last', () => {
    expect(formFailure(form, { x: '1' }, { other: 'Later', choice: 'First' })).toEqual({
      ok: false,
      values: { x: '1' },
      errors: { other: 'Later', choice: 'First' },
      errorSummary: [
        { text: 'First', href: '#choice' },
        { text: 'Later', href: '#other' },
      ],
    });
    expect(formErrorSummary(form, {})).toEqual([]);
  });
});
