/**
 * The "Case reference" text input of a search or filter form (staff search, the access-log filters): one wording and
 * one set of input attributes, as govukInput parameters.
 */
export function referenceInputModel(value: string, error: string | undefined) {
  return {
    id: 'reference',
    name: 'reference',
    label: { text: 'Case reference', classes: 'govuk-label--s' },
    hint: { text: '8 letters and numbers, like 7KM3PQ2D' },
    value,
    classes: 'govuk-input--width-10',
    spellcheck: false,
    autocomplete: 'off',
    errorMessage: error ? { text: error } : undefined,
  };
}
