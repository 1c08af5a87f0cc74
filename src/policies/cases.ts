import { eq, isNull, or } from 'drizzle-orm';
import { adviceRequests, referrals } from '../db/schema/index.js';
import {
  allow,
  anyRole,
  best,
  deny,
  hasRole,
  inPreventTeam,
  needsReason,
  PREVENT_TEAM,
  type Decision,
  type Principal,
  type Rule,
} from './principal.js';
import { rowAccess, sharedWith, type CaseListAccess, type CaseRows, type Ground } from './rows.js';

/**
 * Opening, working on, taking and linking cases, and the Prevent team's lists: each rule for one case, and beside it its
 * list twin (the same rule as a Drizzle condition over the case tables, for lists and search). Change both together:
 * test/integration/policies/list-twins.test.ts fails when a twin selects other cases than its rule allows.
 */

/** A twin: from the person (and the case tables as the list's query names them) to the rows the rule allows. */
export interface CaseTwin {
  (p: Principal, tables?: { referrals?: CaseRows; advice?: CaseRows }): CaseListAccess;
}

const tablesOf = (tables?: { referrals?: CaseRows; advice?: CaseRows }) => ({
  r: tables?.referrals ?? referrals,
  a: tables?.advice ?? adviceRequests,
});

/** Referrals assigned to the person, or to nobody yet (waiting in the intake queue). */
const ownOrQueued = (r: CaseRows, p: Principal) => or(eq(r.assignedOfficerId, p.userId), isNull(r.assignedOfficerId))!;

// ---------------------------------------------------------------------------------------------------- case.view

/**
 * Opening a case. The Prevent team sees the intake queue and its own cases directly, and another officer's case after
 * giving a reason; a council's Channel coordinators see cases handed over to their council; panel members see cases
 * brought to a panel their agency sits on. Everyone else: refused (analysts get figures, never names).
 */
export const openCase: Rule = (p, scope) => {
  if (!scope) return deny('no case');
  const decisions: Decision[] = [];
  if (inPreventTeam(p)) {
    if (scope.recordType === 'advice') decisions.push(allow('prevent-team'));
    else if (scope.assignedOfficerId === p.userId) decisions.push(allow('assigned'));
    else if (scope.assignedOfficerId === null) decisions.push(allow('intake-queue'));
    else decisions.push(needsReason('not-assigned'));
  }
  if (scope.recordType === 'referral' && hasRole(p, 'channel_coordinator')) {
    if (scope.councilOrgIds.includes(p.organisationId)) decisions.push(allow('council'));
  }
  if (scope.recordType === 'referral' && hasRole(p, 'panel_member')) {
    if (scope.panelOrgIds.includes(p.organisationId)) decisions.push(allow('panel'));
  }
  return best(decisions) ?? deny('not your case');
};

/** `case.view` as a list: the same grounds, row by row. */
export const openCaseRows: CaseTwin = (p, tables) => {
  const { r } = tablesOf(tables);
  const referralGrounds: Ground[] = [];
  const adviceGrounds: Ground[] = [];
  if (inPreventTeam(p)) {
    adviceGrounds.push({ rows: 'all', outcome: 'allow' });
    // Any other referral (another officer's): after a reason, unless another ground allows it.
    referralGrounds.push({ rows: ownOrQueued(r, p), outcome: 'allow' }, { rows: 'all', outcome: 'reason' });
  }
  if (hasRole(p, 'channel_coordinator'))
    referralGrounds.push({ rows: sharedWith(r, p.organisationId, 'council'), outcome: 'allow' });
  if (hasRole(p, 'panel_member'))
    referralGrounds.push({ rows: sharedWith(r, p.organisationId, 'panel'), outcome: 'allow' });
  return { referrals: rowAccess(referralGrounds), advice: rowAccess(adviceGrounds) };
};

// ---------------------------------------------------------------------------------------------------- case.link

/**
 * Checking and linking a referral's earlier referrals of the same person: the Prevent team only, on a referral they may
 * open (another officer's after a reason). Never councils or panels: the candidates are other people's referrals.
 */
export const linkCase: Rule = (p, scope) => {
  if (!scope || scope.recordType !== 'referral') return deny('no referral');
  if (!inPreventTeam(p)) return deny('not in the Prevent team');
  if (scope.assignedOfficerId === p.userId) return allow('assigned');
  if (scope.assignedOfficerId === null) return allow('intake-queue');
  return needsReason('not-assigned');
};

export const linkCaseRows: CaseTwin = (p, tables) => {
  const { r } = tablesOf(tables);
  if (!inPreventTeam(p)) return { referrals: null, advice: null };
  return {
    referrals: rowAccess([
      { rows: ownOrQueued(r, p), outcome: 'allow' },
      { rows: 'all', outcome: 'reason' },
    ]),
    advice: null,
  };
};

// ---------------------------------------------------------------------------------------------------- case.work

/**
 * Working on a referral in triage (notes, files, states, re-contact, checks, assessment, decision, explanation,
 * hand-over): the officer it is assigned to, or a Prevent supervisor. Another officer must ask a supervisor to reassign
 * it; a referral still in the intake queue must be taken first (`case.take`). Advice requests: the Prevent team.
 */
export const workCase: Rule = (p, scope) => {
  if (!scope) return deny('no case');
  if (!inPreventTeam(p)) return deny('not in the Prevent team');
  if (scope.recordType === 'advice') return allow('prevent-team');
  if (scope.assignedOfficerId === p.userId) return allow('assigned');
  if (hasRole(p, 'prevent_supervisor')) return allow('supervisor');
  if (scope.assignedOfficerId === null) return deny('take the referral from the queue first');
  return deny('assigned to another officer');
};

export const workCaseRows: CaseTwin = (p, tables) => {
  const { r } = tablesOf(tables);
  if (!inPreventTeam(p)) return { referrals: null, advice: null };
  return {
    referrals: rowAccess([
      { rows: eq(r.assignedOfficerId, p.userId), outcome: 'allow' },
      ...(hasRole(p, 'prevent_supervisor') ? [{ rows: 'all', outcome: 'allow' } as const] : []),
    ]),
    advice: rowAccess([{ rows: 'all', outcome: 'allow' }]),
  };
};

// ---------------------------------------------------------------------------------------------------- case.take

/** Taking a referral from the intake queue into one's own triage: any Prevent officer or supervisor, while unassigned. */
export const takeCase: Rule = (p, scope) => {
  if (!scope) return deny('no case');
  if (!inPreventTeam(p)) return deny('not in the Prevent team');
  if (scope.assignedOfficerId !== null) return deny('already assigned');
  return allow('intake-queue');
};

export const takeCaseRows: CaseTwin = (p, tables) => {
  const { r, a } = tablesOf(tables);
  if (!inPreventTeam(p)) return { referrals: null, advice: null };
  return {
    referrals: rowAccess([{ rows: isNull(r.assignedOfficerId), outcome: 'allow' }]),
    advice: rowAccess([{ rows: isNull(a.assignedOfficerId), outcome: 'allow' }]),
  };
};

// ---------------------------------------------------------------------------------------- the Prevent team's lists

/**
 * The intake list and the triage queue (references, states, officers and dates; no names): the Prevent team, every
 * referral and advice request (which ones each list is about, new or still open, is the list's own question). Decided
 * without a case, the route's question: may this person open the list at all.
 */
export const preventTeamList: Rule = anyRole(PREVENT_TEAM, 'not in the Prevent team');

export const preventTeamListRows: CaseTwin = (p) =>
  inPreventTeam(p)
    ? {
        referrals: rowAccess([{ rows: 'all', outcome: 'allow' }]),
        advice: rowAccess([{ rows: 'all', outcome: 'allow' }]),
      }
    : { referrals: null, advice: null };

// --------------------------------------------------------------------------------------------------- staff.search

const mayUseSearch = anyRole([...PREVENT_TEAM, 'channel_coordinator', 'panel_member'], 'not allowed to search cases');

/**
 * Staff search. Without a case (the route): the roles that may search. With a case: whether it may be among the
 * results, which is whether the person may open it (`case.view`, "reason" cases shown marked).
 */
export const searchCases: Rule = (p, scope) => (scope ? openCase(p, scope) : mayUseSearch(p, scope));

export const searchCasesRows: CaseTwin = openCaseRows;
