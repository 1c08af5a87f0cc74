import { describe, expect, it } from 'vitest';
import { testConfig } from '../helpers/app.js';
import { formErrorSummary } from '../../src/forms/kit.js';
import {
  approvalsTable,
  decisionRows,
  defaultSignposting,
  decisionForm,
  handoverRows,
  offeredTable,
  parseAnswerForm,
  parseDecisionForm,
  parseExplanationForm,
  parseHandoverForm,
  parseReviewForm,
  parseTemplateForm,
  suggestionText,
} from '../../src/features/triage/decision/view-model.js';
import { fillTemplate, namesIn } from '../../src/features/triage/decision/explanation.js';
import type { DecisionRow } from '../../src/features/triage/decision/service.js';
import type { HandoverRow } from '../../src/features/triage/handover/service.js';

const when = new Date('2026-06-01T09:30:00Z');

const decision: DecisionRow = {
  id: 'd1',
  referralId: 'r1',
  outcome: 'signposted',
  referredTo: 'Adult social care',
  rationale: 'Reasons enough.',
  madeBy: 'u1',
  madeByName: 'Olive Officer',
  madeAt: when,
  onRepeat: false,
  requiresApproval: true,
  approval: 'returned',
  reviewedBy: 'u2',
  reviewedByName: 'Sam Supervisor',
  reviewedAt: when,
  reviewComment: 'Check again',
};

describe('the decision form', () => {
  it('accepts each outcome, keeping the service only when signposted', () => {
    expect(parseDecisionForm({ outcome: 'channel', referredTo: 'x', rationale: '  long enough reasons ' })).toEqual({
      ok: true,
      value: { outcome: 'channel', referredTo: null, rationale: 'long enough reasons' },
    });
    expect(
      parseDecisionForm({ outcome: 'signposted', referredTo: ' MASH ', rationale: 'long enough reasons' }),
    ).toEqual({
      ok: true,
      value: { outcome: 'signposted', referredTo: 'MASH', rationale: 'long enough reasons' },
    });
  });

  it('says what is missing, and never throws on hostile input', () => {
    const r = parseDecisionForm({ outcome: 'signposted', rationale: ' 123456789 ' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      referredTo: 'Enter which service the person is signposted or referred to',
      rationale: 'The reasons for the decision must be 10 characters or more',
    });
    for (const body of [null, undefined, 'x', 42, { outcome: ['channel'], rationale: { a: 1 } }]) {
      const p = parseDecisionForm(body);
      expect(p.ok).toBe(false);
      if (!p.ok) expect(Object.keys(p.errors).sort()).toEqual(['outcome', 'rationale']);
    }
    const long = parseDecisionForm({ outcome: 'channel', rationale: 'a'.repeat(5001) });
    expect(long.ok ? '' : long.errors.rationale).toBe('The reasons for the decision must be 5,000 characters or fewer');
  });

  it('orders the error summary as the page does', () => {
    expect(formErrorSummary(decisionForm, { rationale: 'R', outcome: 'O' })).toEqual([
      { text: 'O', href: '#outcome' },
      { text: 'R', href: '#rationale' },
    ]);
  });
});

describe('the decision as shown', () => {
  it('lists what was decided, by whom, and the review', () => {
    const rows = decisionRows(decision).map((r) => [r.key.text, r.value.text]);
    expect(rows).toEqual([
      ['Decision', 'Does not meet the threshold: signposted or referred to another service'],
      ['Signposted or referred to', 'Adult social care'],
      ['Reasons', 'Reasons enough.'],
      ['Made by', 'Olive Officer, 1 June 2026 at 10:30am'],
      ['Repeat referral', 'No'],
      ['Approval', 'Returned to the officer'],
      ['Reviewed by', 'Sam Supervisor, 1 June 2026 at 10:30am'],
      ['Supervisor’s comments', 'Check again'],
    ]);
  });

  it('the approvals table holds references, outcomes, names of staff and dates only', () => {
    const table = approvalsTable([
      {
        reference: 'ABCD2345',
        outcome: 'no_further_action',
        madeByName: '<b>Olive</b>',
        madeBy: 'u1',
        madeAt: when,
        onRepeat: true,
      },
    ]);
    expect(table.rows[0]).toEqual([
      { html: '<a class="govuk-link" href="/staff/referrals/ABCD2345/approval">ABCD2345</a>' },
      { text: 'Does not meet the threshold: no further action' },
      { text: '<b>Olive</b>' },
      { text: '1 June 2026 at 10:30am' },
      { text: 'Yes' },
    ]);
  });

  it('a review needs a verdict, and comments to return', () => {
    expect(parseReviewForm({ verdict: 'approve' })).toEqual({ ok: true, value: { verdict: 'approve', comment: null } });
    const r = parseReviewForm({ verdict: 'return', comment: '  ' });
    expect(r.ok ? {} : r.errors).toEqual({ comment: 'Enter why you are returning the decision' });
    const n = parseReviewForm({});
    expect(n.ok ? {} : n.errors).toEqual({ verdict: 'Select whether you approve the decision or return it' });
  });
});

describe('the explanation', () => {
  const site = testConfig().site;

  it('fills the placeholders and tidies blank lines', () => {
    expect(
      fillTemplate('Ref {{reference}}.\n\n{{ reasons }}\n\n{{signposting}}\n\nEnd', {
        reference: 'ABCD2345',
        reasons: ' Because. ',
        signposting: '',
      }),
    ).toBe('Ref ABCD2345.\n\nBecause.\n\nEnd');
  });

  it('finds names whatever their case or spacing', () => {
    expect(namesIn('Dear ROBIN  testperson,', ['Robin Testperson', 'Casey Referrer', null])).toEqual([
      'Robin Testperson',
    ]);
    expect(namesIn('Nothing here', ['Robin Testperson', ''])).toEqual([]);
  });

  it('starts the signposting from the decision and the help lines', () => {
    const text = defaultSignposting('Adult social care', site);
    expect(text).toContain('Adult social care');
    expect(text).toContain(site.helplines.actEarly.number);
    expect(defaultSignposting(null, site)).not.toContain('passed the concern');
  });

  it('allows e-mail only when the referrer gave an address', () => {
    const body = { audience: 'public', channel: 'email', reasons: 'Reasons long enough', signposting: '' };
    expect(parseExplanationForm(body, { emailAllowed: true }).ok).toBe(true);
    const r = parseExplanationForm(body, { emailAllowed: false });
    expect(r.ok ? {} : r.errors).toEqual({ channel: 'Select how to send the explanation' });
    const e = parseExplanationForm({}, { emailAllowed: true });
    expect(e.ok ? [] : Object.keys(e.errors)).toEqual(['audience', 'reasons', 'channel']);
  });

  it('a template needs a subject and a body', () => {
    const r = parseTemplateForm({ subject: '', body: ' ' });
    expect(r.ok ? {} : r.errors).toEqual({ subject: 'Enter the subject', body: 'Enter the text of the explanation' });
    expect(parseTemplateForm({ subject: 'S', body: 'B' })).toEqual({ ok: true, value: { subject: 'S', body: 'B' } });
  });
});

describe('the hand-over', () => {
  const councils = [{ id: 'c1' }, { id: 'c2' }];

  it('explains the suggestion', () => {
    expect(
      suggestionText({
        kind: 'council',
        organisation: { id: 'c1', code: 'cumberland', name: 'Cumberland Council' },
        prefix: 'CA1',
        note: null,
      }),
    ).toBe('CA1 is in Cumberland.');
    expect(suggestionText({ kind: 'choose', options: [], prefix: 'CA4', note: 'Check the address.' })).toBe(
      'CA4 is split between councils: you must choose the council where the person lives. Check the address.',
    );
    expect(suggestionText({ kind: 'unknown', postcode: null })).toContain('choose the council');
    expect(suggestionText({ kind: 'outside', prefix: 'NE1', note: null })).toContain('outside Cumbria');
  });

  it('needs a reason only to choose another council than the suggested one', () => {
    expect(parseHandoverForm({ council: 'c1' }, councils, 'c1')).toEqual({
      ok: true,
      value: { councilId: 'c1', overrideReason: null },
    });
    const r = parseHandoverForm({ council: 'c2' }, councils, 'c1');
    expect(r.ok ? {} : r.errors).toEqual({
      overrideReason: 'Enter why you chose a different council from the one suggested',
    });
    expect(parseHandoverForm({ council: 'c2', overrideReason: 'Moved' }, councils, 'c1')).toEqual({
      ok: true,
      value: { councilId: 'c2', overrideReason: 'Moved' },
    });
    expect(parseHandoverForm({ council: 'c2', overrideReason: 'ignored' }, councils, null)).toEqual({
      ok: true,
      value: { councilId: 'c2', overrideReason: null },
    });
    const bad = parseHandoverForm({ council: 'elsewhere' }, councils, 'c1');
    expect(bad.ok ? {} : bad.errors).toEqual({ council: 'Select the council to hand the referral over to' });
  });

  it('a return needs a reason', () => {
    expect(parseAnswerForm({ answer: 'accept', reason: 'x' })).toEqual({
      ok: true,
      value: { answer: 'accept', reason: null },
    });
    const r = parseAnswerForm({ answer: 'return' });
    expect(r.ok ? {} : r.errors).toEqual({ reason: 'Enter why you are returning the referral' });
  });

  it('shows a hand-over and the council’s list', () => {
    const h: HandoverRow = {
      id: 'h1',
      organisationId: 'c1',
      organisationCode: 'cumberland',
      organisationName: 'Cumberland Council',
      suggestedOrganisationId: 'c1',
      overrideReason: null,
      status: 'returned',
      createdByName: 'Olive Officer',
      createdAt: when,
      respondedByName: 'Cory Coordinator',
      respondedAt: when,
      returnReason: 'Lives elsewhere',
    };
    expect(handoverRows(h).map((r) => r.key.text)).toEqual([
      'Council',
      'Status',
      'Handed over by',
      'Answered by',
      'Why it was returned',
    ]);
    const table = offeredTable([{ reference: 'ABCD2345', createdAt: when, createdByName: 'Olive Officer' }]);
    expect(table.rows[0]![0]).toEqual({ html: '<a class="govuk-link" href="/staff/referrals/ABCD2345">ABCD2345</a>' });
    expect(table.rows[0]![3]!.html).toContain('/staff/referrals/ABCD2345/handover/answer');
  });
});
