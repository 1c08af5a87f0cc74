import { z } from 'zod';
import type { ErrorSummaryItem } from '../views/error-summary.js';
import { cleanText } from './fields.js';

/**
 * The staff form kit: the one way a staff form is read. Its sibling for the public journeys' question pages is
 * `parseFields` (src/forms/fields.ts) + `errorSummary` (src/views/error-summary.ts), built from question definitions;
 * the kit's summary items have the same shape (`ErrorSummaryItem`).
 *
 * A form is ONE zod object schema (`staffForm`): field name → rule, each rule carrying its message from
 * `src/messages.ts`, plus an optional cross-field `check` (run even when a field fails, so every message shows at
 * once). `parseForm(form, body)` reads each field of the body as one string (a missing, repeated, array or object field
 * is ''), cleans it once (`cleanText`, then trimmed; `verbatim` fields such as passwords are kept as typed), runs the
 * schema and returns either the values or the values to show again with the field → message map and the GOV.UK error
 * summary in page order (`order`, default the schema's field order; `anchors` for fields whose first input has another
 * id, such as a date's `-day`). The first message for a field wins. It never throws on hostile input.
 *
 * Rules see cleaned strings and must not transform them (use `clean` for a per-field normalisation before the rules,
 * such as collapsing spaces): the check and the values shown again are then the same strings.
 */

/** A rule for one field: a zod schema over the cleaned string (`z.string()`, `z.enum([...])`, with messages). */
export type FieldRule = z.ZodType<string, string>;
export type Shape = Record<string, FieldRule>;

export type FormValues<S extends Shape> = { [K in keyof S]: z.output<S[K]> };
export type FormInput<S extends Shape> = { [K in keyof S]: string };
export type FormErrors = Record<string, string>;

export interface StaffFormOptions<S extends Shape> {
  /** Cross-field rules: `issue(field, message)` for each problem. Sees the cleaned strings, even when a field failed. */
  check?: (values: FormInput<S>, issue: (field: string, message: string) => void) => void;
  /** Error keys in the order they appear on the page (may name keys that are not fields, such as a date's 'day'). */
  order?: readonly string[];
  /** Error key → the id of the element its summary link moves focus to (default: the key itself). */
  anchors?: Readonly<Record<string, string>>;
  /** Fields read exactly as sent (passwords: cleaning or trimming would change what was typed). */
  verbatim?: readonly (keyof S & string)[];
  /** A per-field normalisation after cleaning, before the rules (e.g. collapse spaces, cut a date part). */
  clean?: { [K in keyof S]?: (value: string) => string };
  /** A string longer than this is read as '' (the sign-in forms: nobody types 4096 characters of password). */
  inputMax?: number;
}

export interface StaffForm<S extends Shape> {
  readonly fields: readonly (keyof S & string)[];
  readonly schema: z.ZodType<FormValues<S>, FormInput<S>>;
  readonly order: readonly string[];
  readonly anchors: Readonly<Record<string, string>>;
  readonly verbatim: ReadonlySet<string>;
  readonly clean: { [K in keyof S]?: (value: string) => string };
  readonly inputMax: number;
}

export type FormFailure<V> = { ok: false; values: V; errors: FormErrors; errorSummary: ErrorSummaryItem[] };
export type FormResult<S extends Shape> = { ok: true; values: FormValues<S> } | FormFailure<FormInput<S>>;

/** Defines a staff form from its schema's fields (see the file header). */
export function staffForm<S extends Shape>(shape: S, options: StaffFormOptions<S> = {}): StaffForm<S> {
  const { check } = options;
  const object = z.object(shape);
  const schema = (check
    ? object.check(
        z.superRefine(
          (values, ctx) =>
            check(values as FormInput<S>, (field, message) => ctx.addIssue({ code: 'custom', message, path: [field] })),
          { when: () => true },
        ),
      )
    : object) as unknown as z.ZodType<FormValues<S>, FormInput<S>>;
  const fields = Object.keys(shape) as (keyof S & string)[];
  return {
    fields,
    schema,
    order: options.order ?? fields,
    anchors: options.anchors ?? {},
    verbatim: new Set(options.verbatim ?? []),
    clean: options.clean ?? {},
    inputMax: options.inputMax ?? Number.POSITIVE_INFINITY,
  };
}

/** The form's fields as strings: one value per field, cleaned once. Anything but a single string is ''. */
export function readForm<S extends Shape>(form: StaffForm<S>, body: unknown): FormInput<S> {
  const input = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const values = {} as Record<string, string>;
  for (const name of form.fields) {
    const raw = Object.hasOwn(input, name) ? input[name] : undefined;
    let value = typeof raw === 'string' && raw.length <= form.inputMax ? raw : '';
    if (!form.verbatim.has(name)) value = cleanText(value).trim();
    const clean = form.clean[name];
    values[name] = clean ? clean(value) : value;
  }
  return values as FormInput<S>;
}

/** Reads and checks a staff form (see the file header). */
export function parseForm<S extends Shape>(form: StaffForm<S>, body: unknown): FormResult<S> {
  const values = readForm(form, body);
  const parsed = form.schema.safeParse(values);
  if (parsed.success) return { ok: true, values: parsed.data };
  const errors: FormErrors = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? form.fields[0] ?? '');
    errors[key] ??= issue.message;
  }
  return formFailure(form, values, errors);
}

/** A failure with errors found after parsing (a taken e-mail address, a wrong password): the same summary. */
export function formFailure<S extends Shape, V>(form: StaffForm<S>, values: V, errors: FormErrors): FormFailure<V> {
  return { ok: false, values, errors, errorSummary: formErrorSummary(form, errors) };
}

/** The GOV.UK error summary's items for a form's errors, in page order (keys the form does not list come last). */
export function formErrorSummary(
  form: Pick<StaffForm<Shape>, 'order' | 'anchors'>,
  errors: FormErrors,
): ErrorSummaryItem[] {
  const keys = [
    ...form.order.filter((k) => errors[k]),
    ...Object.keys(errors).filter((k) => errors[k] && !form.order.includes(k)),
  ];
  return [...new Set(keys)].map((k) => ({ text: errors[k]!, href: `#${form.anchors[k] ?? k}` }));
}

/** A field that may repeat (checkboxes): every string value of at most 100 characters, at most `max` of them. */
export function readList(body: unknown, name: string, max = 50): string[] {
  const input = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const value = Object.hasOwn(input, name) ? input[name] : undefined;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string' && v.length <= 100).slice(0, max);
}
