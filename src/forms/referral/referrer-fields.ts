import type { TextField } from '../fields.js';

/** The referrer's name: asked of the public and of professionals alike. */
export const referrerNameField: TextField = {
  kind: 'text',
  name: 'referrerName',
  label: 'Your full name',
  errorName: 'your full name',
  staff: { label: 'Name', entryLabel: 'Referrer’s full name', entryErrorName: 'the referrer’s full name' },
  maxLength: 200,
  autocomplete: 'name',
  spellcheck: false,
  width: 'govuk-!-width-two-thirds',
};

/** How the referrer knows the person, with an example that fits who they are. */
export function relationshipField(hint: string): TextField {
  return {
    kind: 'text',
    name: 'referrerRelationship',
    label: 'How do you know the person?',
    summaryLabel: 'How you know the person',
    errorName: 'how you know the person',
    hint,
    staff: { label: 'Relationship to the person' },
    paper: { hint: 'For example, I am their aunt, their form tutor or their neighbour.' },
    maxLength: 200,
  };
}
