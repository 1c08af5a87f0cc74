import { messages } from '../messages.js';
import { londonDate } from '../lib/dates.js';

/** A field on a question page. Kept as data so that rendering, validation and check-answers text come from one place. */
export type Field = TextField | TextareaField | RadiosField | CheckboxesField | DateField;

interface BaseField {
  name: string;
  /** The label or legend shown to the user. */
  label: string;
  /** Lower-case noun phrase for error messages ("their full name"). */
  errorName: string;
  /** Label in check-your-answers; defaults to `label`. */
  summaryLabel?: string;
  hint?: string;
  optional?: boolean;
  /** Staff-facing wording, where staff need other words than the public's (read through `src/forms/questions.ts`). */
  staff?: StaffWording;
  /** The printable blank form's wording, where paper needs other words ("write", "tick"); default `label`, `hint`. */
  paper?: { label?: string; hint?: string };
}

export interface StaffWording {
  /** The row's label on the case page (and the team's PDF summary); default `summaryLabel ?? label`. */
  label?: string;
  /** The question as an officer types a referral in (e-mail intake); default `label`. */
  entryLabel?: string;
  entryErrorName?: string;
  /** The officer's hint; `null` for none; default `hint`. */
  entryHint?: string | null;
}

export interface TextField extends BaseField {
  kind: 'text';
  format?: 'email' | 'phone' | 'postcode' | 'age';
  maxLength: number;
  autocomplete?: string;
  width?:
    | 'govuk-input--width-5'
    | 'govuk-input--width-10'
    | 'govuk-input--width-20'
    | 'govuk-input--width-30'
    | 'govuk-!-width-two-thirds';
  spellcheck?: boolean;
}

export interface TextareaField extends BaseField {
  kind: 'textarea';
  maxLength: number;
  rows?: number;
}

export interface Option {
  value: string;
  text: string;
  hint?: string;
  /** Fields revealed when this option is chosen (shown without JavaScript too). */
  conditional?: Field[];
  /** Draws a divider ("or") before this option. */
  dividerBefore?: boolean;
  exclusive?: boolean;
  /** The answer as staff read it on the case page; default `text`. */
  staffText?: string;
  /** The option as an officer enters it (e-mail intake); default `text` and `hint` (`null`: no hint). */
  entryText?: string;
  entryHint?: string | null;
}

export interface RadiosField extends BaseField {
  kind: 'radios';
  options: Option[];
  inline?: boolean;
}

export interface CheckboxesField extends BaseField {
  kind: 'checkboxes';
  options: Option[];
}

export interface DateField extends BaseField {
  kind: 'date';
  /** Dates of birth: real, not in the future, not before 1900. */
  rule: 'past';
}

export type Values = Record<string, unknown>;
export type Errors = Record<string, string>;

export interface DateValue {
  day: string;
  month: string;
  year: string;
}

/** Removes control characters (except tab and newline) and the NUL byte PostgreSQL refuses; normalises newlines. */
export function cleanText(raw: string): string {
  return (
    raw
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      .normalize('NFC')
  );
}

function single(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw) && raw.length > 0 && typeof raw[0] === 'string') return undefined; // repeated field: refuse
  return undefined;
}

// No spaces and no characters that are special in a mail header (<>()[]\,;:"): an address such as "x<victim@other.org>" or
// "a,b@c.org" passes a looser check, then the mailer reads it as a different recipient.
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;
const PHONE = /^\+?[0-9 ()-]{7,20}$/;
// UK postcodes, including BFPO-free special cases such as GIR 0AA.
const POSTCODE =
  /^(GIR ?0AA|[A-PR-UWYZ][0-9]{1,2} ?[0-9][ABD-HJLNP-UW-Z]{2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2} ?[0-9][ABD-HJLNP-UW-Z]{2}|[A-PR-UWYZ][0-9][A-HJKPSTUW] ?[0-9][ABD-HJLNP-UW-Z]{2}|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRV-Y] ?[0-9][ABD-HJLNP-UW-Z]{2})$/;

/** "ca11aa" → "CA1 1AA". Returns undefined when it is not a UK postcode. */
export function normalisePostcode(raw: string): string | undefined {
  const compact = raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (compact.length < 5 || compact.length > 7) return undefined;
  const formatted = `${compact.slice(0, -3)} ${compact.slice(-3)}`;
  return POSTCODE.test(formatted) ? formatted : undefined;
}

export interface ParseResult {
  values: Values;
  errors: Errors;
}

/** Parses one page's fields from a form body. Never throws on hostile input: every problem becomes a message. */
export function parseFields(fields: Field[], body: Record<string, unknown>, today = new Date()): ParseResult {
  const values: Values = {};
  const errors: Errors = {};
  for (const field of fields) parseField(field, body, values, errors, today);
  return { values, errors };
}

function parseField(field: Field, body: Record<string, unknown>, values: Values, errors: Errors, today: Date): void {
  switch (field.kind) {
    case 'text':
    case 'textarea': {
      const raw = single(body[field.name]);
      const text = raw === undefined ? '' : cleanText(raw).trim();
      values[field.name] = text;
      if (text === '') {
        if (!field.optional) errors[field.name] = messages.required.text(field.errorName);
        return;
      }
      if (text.length > field.maxLength) {
        errors[field.name] = messages.tooLong(field.errorName, field.maxLength);
        return;
      }
      if (field.kind === 'text' && field.format) {
        const formatted = formatValue(field.format, text);
        if (formatted.error) errors[field.name] = formatted.error;
        else values[field.name] = formatted.value;
      }
      return;
    }
    case 'radios': {
      const raw = single(body[field.name]);
      const option = field.options.find((o) => o.value === raw);
      if (!option) {
        values[field.name] = '';
        if (!field.optional || (raw !== undefined && raw !== '')) {
          errors[field.name] = raw
            ? messages.invalidChoice(field.errorName)
            : messages.required.radios(field.errorName);
        }
        return;
      }
      values[field.name] = option.value;
      for (const sub of option.conditional ?? []) parseField(sub, body, values, errors, today);
      return;
    }
    case 'checkboxes': {
      const raw = body[field.name];
      const chosen = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
        (v): v is string => typeof v === 'string' && v !== '',
      );
      const allowed = new Set(field.options.map((o) => o.value));
      const valid = [...new Set(chosen)].filter((v) => allowed.has(v)).slice(0, field.options.length);
      values[field.name] = valid;
      if (chosen.some((v) => !allowed.has(v))) errors[field.name] = messages.invalidChoice(field.errorName);
      else if (valid.length === 0 && !field.optional)
        errors[field.name] = messages.required.checkboxes(field.errorName);
      for (const option of field.options) {
        if (valid.includes(option.value)) {
          for (const sub of option.conditional ?? []) parseField(sub, body, values, errors, today);
        }
      }
      return;
    }
    case 'date': {
      const part = (p: string) => {
        const raw = single(body[`${field.name}-${p}`]);
        return raw === undefined ? '' : cleanText(raw).trim().slice(0, 10);
      };
      const value: DateValue = { day: part('day'), month: part('month'), year: part('year') };
      values[field.name] = value;
      const error = validateDate(field, value, today);
      if (error) errors[field.name] = error;
      return;
    }
  }
}

function formatValue(format: NonNullable<TextField['format']>, text: string): { value?: string; error?: string } {
  switch (format) {
    case 'email': {
      const value = text.replace(/\s+/g, '');
      return EMAIL.test(value) && value.length <= 254 ? { value } : { error: messages.email };
    }
    case 'phone':
      return PHONE.test(text) && text.replace(/\D/g, '').length >= 7 ? { value: text } : { error: messages.phone };
    case 'postcode': {
      const value = normalisePostcode(text);
      return value ? { value } : { error: messages.postcode };
    }
    case 'age': {
      if (!/^\d{1,3}$/.test(text)) return { error: messages.age.notNumber };
      const n = Number(text);
      return n >= 0 && n <= 120 ? { value: String(n) } : { error: messages.age.range };
    }
  }
}

/** Validates a day/month/year date (GOV.UK date input rules). */
export function validateDate(
  field: Pick<DateField, 'errorName' | 'optional'>,
  v: DateValue,
  today: Date,
): string | undefined {
  const label = field.errorName;
  const missing = (['day', 'month', 'year'] as const).filter((p) => v[p] === '');
  if (missing.length === 3) return field.optional ? undefined : messages.date.missing(label);
  if (missing.length > 0) return messages.date.missingPart(label, missing.join(' and '));
  if (!/^\d{1,2}$/.test(v.day) || !/^\d{1,2}$/.test(v.month) || !/^\d{4}$/.test(v.year))
    return messages.date.notReal(label);
  const iso = toIsoDate(v);
  if (!iso) return messages.date.notReal(label);
  if (Number(v.year) < 1900) return messages.date.tooOld(label);
  if (iso > londonDate(today)) return messages.date.future(label);
  return undefined;
}

export { londonDate };

/**
 * A real calendar date (years 0001 to 9999) as YYYY-MM-DD, or undefined: "2000-02-31" is not a date. Only digits are
 * accepted ("0x1F", "1e1" and " 3" are not numbers a person typed).
 */
export function toIsoDate(v: DateValue): string | undefined {
  if (!/^\d{1,2}$/.test(v.day) || !/^\d{1,2}$/.test(v.month) || !/^\d{4}$/.test(v.year)) return undefined;
  const y = Number(v.year);
  const m = Number(v.month);
  const d = Number(v.day);
  if (y < 1) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d); // not Date.UTC, which reads years 0-99 as 1900-1999
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Every field of a list, conditionals included (for summaries and clearing). */
export function allFields(fields: Field[]): Field[] {
  const out: Field[] = [];
  for (const f of fields) {
    out.push(f);
    if (f.kind === 'radios' || f.kind === 'checkboxes') {
      for (const o of f.options) out.push(...allFields(o.conditional ?? []));
    }
  }
  return out;
}

/** The fields currently shown given the values (a conditional is shown when its option is chosen). */
export function activeFields(fields: Field[], values: Values): Field[] {
  const out: Field[] = [];
  for (const f of fields) {
    out.push(f);
    if (f.kind === 'radios') {
      const o = f.options.find((x) => x.value === values[f.name]);
      out.push(...activeFields(o?.conditional ?? [], values));
    } else if (f.kind === 'checkboxes') {
      const chosen = Array.isArray(values[f.name]) ? (values[f.name] as string[]) : [];
      for (const o of f.options) if (chosen.includes(o.value)) out.push(...activeFields(o.conditional ?? [], values));
    }
  }
  return out;
}
