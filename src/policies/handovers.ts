import { referrals } from '../db/schema/index.js';
import { allow, anyRole, deny, hasRole, type Principal, type Rule } from './principal.js';
import { rowAccess, sharedWith, type CaseListAccess, type CaseRows } from './rows.js';

/**
 * A council's side of the hand-over to Channel: answering one, and the list of those waiting. Each rule for one case
 * with its list twin beside it (see `rows.ts`); test/integration/policies/list-twins.test.ts holds them together.
 */

/** A council's answer to a hand-over (accept, or return with a reason): that council's Channel coordinators only. */
export const answerHandover: Rule = (p, scope) => {
  if (!scope || scope.recordType !== 'referral') return deny('no referral');
  if (!hasRole(p, 'channel_coordinator')) return deny('not a Channel coordinator');
  if (!scope.councilOrgIds.includes(p.organisationId)) return deny('not handed over to your council');
  return allow('council');
};

export function answerHandoverRows(p: Principal, tables?: { referrals?: CaseRows; advice?: CaseRows }): CaseListAccess {
  const r = tables?.referrals ?? referrals;
  if (!hasRole(p, 'channel_coordinator')) return { referrals: null, advice: null };
  return {
    referrals: rowAccess([{ rows: sharedWith(r, p.organisationId, 'council'), outcome: 'allow' }]),
    advice: null,
  };
}

const coordinators = anyRole(['channel_coordinator'], 'not a Channel coordinator');

/**
 * A council's list of hand-overs waiting for its answer. Without a case (the route): Channel coordinators. With a case:
 * whether it may be on the list, which is whether the person may answer its hand-over (which hand-overs the list is
 * about, those offered to the council and not answered yet, is the list's own question).
 */
export const listHandovers: Rule = (p, scope) => (scope ? answerHandover(p, scope) : coordinators(p, scope));

export const listHandoversRows = answerHandoverRows;
