import { describe, expect, it } from 'vitest';
import type { TriageSummary } from '../../src/features/cases/queries/triage-summary.js';
import type { Role } from '../../src/db/schema/index.js';
import { decideReview, type CaseScope, type Principal } from '../../src/policies/index.js';
import { caseActions } from '../../src/features/cases/view-models/case-actions.js';

const OFFICER = '00000000-0000-4000-8000-00000000000a';
const SUPERVISOR = '00000000-0000-4000-8000-00000000000b';
const POLICE = '00000000-0000-4000-8000-0000000000f0';
const CUMBERLAND = '00000000-0000-4000-8000-0000000000f1';

function principal(userId: string, roles: Role[], council = false): Principal {
  return {
    userId,
    email: 'someone@example.test',
    displayName: 'Someone',
    organisationId: council ? CUMBERLAND : POLICE,
    organisationCode: council ? 'cumberland' : 'cumbria-police-prevent',
    organisationName: council ? 'Cumberland Council' : 'Prevent team',
    organisationKind: council ? 'council' : 'police_prevent',
    roles: new Set(roles),
    sessionIdHash: 'x',
  };
}

function summary(overrides: Partial<TriageSummary> = {}): TriageSummary {
  return {
    status: 'in_triage',
    dueOn: '2026-12-01',
    onHoldUntil: null,
    assignedOfficerId: OFFICER,
    assignedOfficerName: 'Alex Officer',
    isRepeat: false,
    referrerAnonymous: false,
    referrerHasEmail: true,
    decision: null,
    handover: null,
    ...overrides,
  };
}

function scope(overrides: Partial<CaseScope> = {}): CaseScope {
  return {
    recordType: 'referral',
    recordId: '00000000-0000-4000-8000-000000000001',
    reference: 'ABCD2345',
    assignedOfficerId: OFFICER,
    councilOrgIds: [],
    panelOrgIds: [],
    ...overrides,
  };
}

const texts = (v: ReturnType<typeof caseActions>) => v.links.map((l) => l.text);

describe('the referral page’s triage panel', () => {
  it('offers the assigned officer the next steps of triage, and marks an overdue target', () => {
    const v = caseActions(summary(), scope(), principal(OFFICER, ['prevent_officer']), '2026-12-02');
    expect(texts(v)).toEqual([
      'Chronology, notes and files',
      'Earlier referrals of this person',
      'Ask the referrer for more information',
      'Checks with partners and systems',
      'Record an assessment',
      'Record the threshold decision',
    ]);
    expect(v.links[5]!.href).toBe('/staff/referrals/ABCD2345/decision');
    expect(v.takeUrl).toBeNull();
    expect(v.rows[2]!.value.html).toBe('1 December 2026 <strong class="govuk-tag govuk-tag--red">Overdue</strong>');
    expect(
      caseActions(summary(), scope(), principal(OFFICER, ['prevent_officer']), '2026-12-01').rows[2]!.value.html,
    ).toBe('1 December 2026');
  });

  it('does not offer re-contact when the referrer is anonymous, and says why', () => {
    const v = caseActions(
      summary({ referrerAnonymous: true }),
      scope(),
      principal(OFFICER, ['prevent_officer']),
      '2026-11-01',
    );
    expect(texts(v)).not.toContain('Ask the referrer for more information');
    expect(v.note).toMatch(/cannot be contacted/);
  });

  it('lets an officer take an unassigned referral, and nothing else but reading', () => {
    const v = caseActions(
      summary({ status: 'new', assignedOfficerId: null, assignedOfficerName: null }),
      scope({ assignedOfficerId: null }),
      principal(OFFICER, ['prevent_officer']),
      '2026-11-01',
    );
    expect(v.takeUrl).toBe('/staff/referrals/ABCD2345/take');
    expect(texts(v)).toEqual(['Chronology, notes and files', 'Earlier referrals of this person']);
    expect(v.rows[1]!.value.text).toBe('Not assigned');
  });

  it('offers a supervisor the approval of someone else’s decision, never of their own', () => {
    const pending = summary({
      status: 'awaiting_approval',
      decision: { outcome: 'no_further_action', approval: 'pending', madeBy: OFFICER },
    });
    const v = caseActions(pending, scope(), principal(SUPERVISOR, ['prevent_supervisor']), '2026-11-01');
    expect(texts(v)).toContain('Approve or return the decision');
    expect(texts(v)).toContain('Assign to an officer');
    const own = caseActions(
      { ...pending, decision: { ...pending.decision!, madeBy: SUPERVISOR } },
      scope({ assignedOfficerId: SUPERVISOR }),
      principal(SUPERVISOR, ['prevent_supervisor']),
      '2026-11-01',
    );
    expect(texts(own)).not.toContain('Approve or return the decision');
    expect(own.note).toMatch(/waiting for a supervisor/);
    // The officer sees that it waits.
    expect(caseActions(pending, scope(), principal(OFFICER, ['prevent_officer']), '2026-11-01').note).toMatch(
      /waiting/,
    );
  });

  it('after the decision: an explanation for "not met", a hand-over for Channel, reopening for both', () => {
    const nfa = summary({
      status: 'decided',
      decision: { outcome: 'signposted', approval: 'approved', madeBy: OFFICER },
    });
    expect(texts(caseActions(nfa, scope(), principal(OFFICER, ['prevent_officer']), '2026-11-01'))).toEqual([
      'Chronology, notes and files',
      'Earlier referrals of this person',
      'Explain the decision to the referrer',
      'Reopen',
    ]);
    const channel = summary({
      status: 'decided',
      decision: { outcome: 'channel', approval: 'not_required', madeBy: OFFICER },
      handover: { status: 'returned', organisationName: 'Westmorland and Furness Council' },
    });
    const v = caseActions(channel, scope(), principal(OFFICER, ['prevent_officer']), '2026-11-01');
    expect(texts(v)).toContain('Hand over to the council');
    expect(v.rows.at(-1)).toEqual({
      key: { text: 'Hand-over' },
      value: { text: 'Westmorland and Furness Council: returned by the council' },
    });
    // A decided referral is never overdue.
    expect(v.rows[2]!.value.html).toBe('1 December 2026');
  });

  it('offers a council coordinator the answer to a hand-over to their council, and no police work', () => {
    const offered = summary({
      status: 'decided',
      decision: { outcome: 'channel', approval: 'not_required', madeBy: OFFICER },
      handover: { status: 'offered', organisationName: 'Cumberland Council' },
    });
    const v = caseActions(
      offered,
      scope({ councilOrgIds: [CUMBERLAND] }),
      principal('00000000-0000-4000-8000-00000000000c', ['channel_coordinator'], true),
      '2026-11-01',
    );
    expect(texts(v)).toEqual(['Chronology, notes and files', 'Accept or return this hand-over']);
    expect(v.takeUrl).toBeNull();
  });
});

describe('reviewing a decision (decideReview)', () => {
  it('allows a Prevent supervisor to review another person’s decision', () => {
    expect(decideReview(principal(SUPERVISOR, ['prevent_supervisor']), { madeBy: OFFICER }).outcome).toBe('allow');
  });

  it('never lets anyone review their own decision, supervisor or not', () => {
    const own = decideReview(principal(SUPERVISOR, ['prevent_supervisor', 'prevent_officer']), { madeBy: SUPERVISOR });
    expect(own).toEqual({ outcome: 'deny', why: 'your own decision' });
  });

  it('refuses officers, and a supervisor role held outside the Prevent team', () => {
    expect(decideReview(principal(OFFICER, ['prevent_officer']), { madeBy: SUPERVISOR }).outcome).toBe('deny');
    expect(decideReview(principal(SUPERVISOR, ['prevent_supervisor'], true), { madeBy: OFFICER }).outcome).toBe('deny');
  });
});
