/**
 * One definition per question: the wording of every field of both journeys (the referral and the advice request),
 * found by name, for the pages that show or ask the same questions elsewhere: the case page and the team's PDF summary
 * (`staffLabel`, `staffOptionText`), e-mail intake (`entryField`) and the printable blank form (`paperLabel`,
 * `paperHint`, `optionText`). Where staff or paper need other words than the public form's, those words are a property
 * of the definition (`staff`, `paper`, an option's `staffText` / `entryText`), never retyped in the page.
 *
 * Conditional sub-fields are found too. A name used on two pages (the referrer's name) has one definition; the first
 * page's wins. The options of the reference-data questions (kind of concern, sector) come from the reference data
 * given; without it they are empty, and their labels come from the reference tables (the same source the form uses).
 */
import type { ReferenceData } from './context.js';
import { allFields, type Field, type Option } from './fields.js';
import type { Journey } from './journey.js';
import { adviceJourney } from './advice/index.js';
import { referralJourney } from './referral/index.js';

export interface Questions {
  /** The definition of a field; throws for a name no journey has (a typo must fail, not show nothing). */
  field(name: string): Field;
  /** Every field of a journey (conditional sub-fields included), once each, in the journey's page order. */
  fieldsOf(kind: Journey['kind']): Field[];
}

function fieldsOfJourney(journey: Journey): Field[] {
  const seen = new Map<string, Field>();
  for (const page of journey.pages.values()) {
    for (const field of allFields(page.fields)) if (!seen.has(field.name)) seen.set(field.name, field);
  }
  return [...seen.values()];
}

/** The questions of both journeys, built with the given reference data. */
export function questions(data: ReferenceData = { concernTypes: [], sectors: [] }): Questions {
  const byKind = {
    referral: fieldsOfJourney(referralJourney(data)),
    advice: fieldsOfJourney(adviceJourney(data)),
  };
  const byName = new Map<string, Field>();
  for (const field of [...byKind.referral, ...byKind.advice])
    if (!byName.has(field.name)) byName.set(field.name, field);
  return {
    field(name) {
      const field = byName.get(name);
      if (!field) throw new Error(`No question is called ${name}`);
      return field;
    },
    fieldsOf: (kind) => byKind[kind],
  };
}

/** The wording of both journeys (no reference data: the wording does not depend on it). */
export const definitions: Questions = questions();

function optionsOf(field: Field): Option[] {
  return field.kind === 'radios' || field.kind === 'checkboxes' ? field.options : [];
}

/** The row label staff read on the case page: the definition's staff label, else its check-answers label. */
export function staffLabel(name: string): string {
  const field = definitions.field(name);
  return field.staff?.label ?? field.summaryLabel ?? field.label;
}

/** An option's text as the public form shows it; undefined for a value the field does not offer. */
export function optionText(field: Field, value: string): string | undefined {
  return optionsOf(field).find((o) => o.value === value)?.text;
}

/** A stored code as staff read it; undefined for a value the field does not offer. */
export function staffOptionText(name: string, value: string): string | undefined {
  const option = optionsOf(definitions.field(name)).find((o) => o.value === value);
  return option && (option.staffText ?? option.text);
}

/** The question as the printable blank form asks it. */
export function paperLabel(field: Field): string {
  return field.paper?.label ?? field.label;
}

/** The printable form's hint, as a sentence (the screen's hints have no full stop). */
export function paperHint(field: Field): string | undefined {
  const hint = field.paper?.hint ?? field.hint;
  return hint && (/[.?!]$/.test(hint) ? hint : `${hint}.`);
}

/** The field as an officer enters it (e-mail intake): the staff wording, its options' staff wording, rules unchanged. */
export function entryField(field: Field): Field {
  const staff = field.staff;
  const entry = { ...field };
  if (staff?.entryLabel !== undefined) entry.label = staff.entryLabel;
  if (staff?.entryErrorName !== undefined) entry.errorName = staff.entryErrorName;
  if (staff?.entryHint !== undefined) entry.hint = staff.entryHint ?? undefined;
  if (entry.kind === 'radios' || entry.kind === 'checkboxes') {
    entry.options = entry.options.map((o) => {
      const option = { ...o };
      if (o.entryText !== undefined) option.text = o.entryText;
      if (o.entryHint !== undefined) option.hint = o.entryHint ?? undefined;
      return option;
    });
  }
  return entry;
}
