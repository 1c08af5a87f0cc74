import {
  linkCase,
  linkCaseRows,
  openCase,
  openCaseRows,
  preventTeamList,
  preventTeamListRows,
  searchCases,
  searchCasesRows,
  takeCase,
  takeCaseRows,
  workCase,
  workCaseRows,
  type CaseTwin,
} from './cases.js';
import { answerHandover, answerHandoverRows, listHandovers, listHandoversRows } from './handovers.js';
import {
  allow,
  anyRole,
  deny,
  hasRole,
  inPreventTeam,
  type CaseScope,
  type Decision,
  type Principal,
  type Rule,
} from './principal.js';
import type { CaseListAccess, CaseRows } from './rows.js';

/**
 * Who may see and do what: every rule of the back office, named in one table. Deny by default: a route names one
 * policy, the route registry (`src/staff/registry.ts`) evaluates it before the handler runs, and the app refuses to
 * start if a staff route names none. The rules about cases live by area (`cases.ts`, `handovers.ts`), each beside its
 * list twin (`LIST_TWINS` below): lists and search select their rows with the twin instead of restating the rule.
 */

export { hasRole, roleFitsOrganisation } from './principal.js';
export type { CaseScope, Decision, Principal } from './principal.js';
export type { CaseListAccess, CaseRows, RowAccess } from './rows.js';

const signedIn: Rule = () => allow('signed-in');

/** Every policy a route may name. Add one here, with its test in the access matrix, before adding its route. */
export const POLICIES = {
  /** Sign-in, password reset and the like: anyone, signed in or not. */
  'public.signIn': (() => allow('public')) as Rule,
  'staff.home': signedIn,
  'account.self': signedIn,
  'intake.list': preventTeamList,
  'case.view': openCase,
  'case.link': linkCase,
  'audit.read': anyRole(['dpo'], 'not the data protection officer'),
  'audit.export': anyRole(['dpo'], 'not the data protection officer'),
  'admin.manage': anyRole(['administrator'], 'not an administrator'),
  /** The triage queue (referrals and advice requests with their states and ages; no names). */
  'triage.queue': preventTeamList,
  /** Assigning and reassigning referrals to officers, and the workload per officer. */
  'triage.assign': anyRole(['prevent_supervisor'], 'not a Prevent supervisor'),
  /** The approvals list and page. Each decision's review is `decideReview` (never one's own). */
  'triage.approve': anyRole(['prevent_supervisor'], 'not a Prevent supervisor'),
  /** The wording of explanations sent to referrers. */
  'triage.templates': anyRole(['prevent_supervisor'], 'not a Prevent supervisor'),
  /** The target for threshold decisions and the bank holidays that working days skip. */
  'triage.settings': anyRole(['prevent_supervisor'], 'not a Prevent supervisor'),
  'case.work': workCase,
  'case.take': takeCase,
  'handover.answer': answerHandover,
  /** A council's list of hand-overs waiting for its answer (references and dates; the case opens with `case.view`). */
  'handover.list': listHandovers,
  /** Staff search: results are what `case.view` allows (its list twin); every search is logged with its terms. */
  'staff.search': searchCases,
  /** The postcode-to-council table (reference data): the administrator, and a Prevent supervisor to correct it. */
  'reference.postcodes': anyRole(['administrator', 'prevent_supervisor'], 'not an administrator or Prevent supervisor'),
} satisfies Record<string, Rule>;

export type PolicyName = keyof typeof POLICIES;

export function isPolicyName(name: unknown): name is PolicyName {
  return typeof name === 'string' && Object.hasOwn(POLICIES, name);
}

/**
 * The list twin of each policy that can be asked about a case: the same rule as a Drizzle condition over the case
 * tables (`referrals`, `advice_requests`, or aliases of them), so that a list shows exactly the cases the policy allows
 * and marks those that open only after a reason. Lists and search ask `listAccess`; they never restate a rule in SQL.
 */
export const LIST_TWINS = {
  'case.view': openCaseRows,
  'case.link': linkCaseRows,
  'case.work': workCaseRows,
  'case.take': takeCaseRows,
  'handover.answer': answerHandoverRows,
  'intake.list': preventTeamListRows,
  'triage.queue': preventTeamListRows,
  'handover.list': listHandoversRows,
  'staff.search': searchCasesRows,
} satisfies Partial<Record<PolicyName, CaseTwin>>;

export type ListPolicyName = keyof typeof LIST_TWINS;

/** The rows of the case tables a policy lets this person see, and which of them need a reason first. */
export function listAccess(
  policy: ListPolicyName,
  principal: Principal,
  tables?: { referrals?: CaseRows; advice?: CaseRows },
): CaseListAccess {
  return LIST_TWINS[policy](principal, tables);
}

/** Decides one request. Policies that are about a case get its scope; the others ignore it. */
export function decide(policy: PolicyName, principal: Principal, scope?: CaseScope): Decision {
  return POLICIES[policy](principal, scope);
}

/**
 * Reviewing one decision that waits for approval (approve it, or return it with comments): a Prevent supervisor who
 * did not make it. Four eyes: the decision service and the database's CHECK on `decisions` hold the same rule.
 */
export function decideReview(p: Principal, decision: { madeBy: string }): Decision {
  const asSupervisor = decide('triage.approve', p);
  if (asSupervisor.outcome !== 'allow') return asSupervisor;
  if (decision.madeBy === p.userId) return deny('your own decision');
  return allow('supervisor:another-officer’s-decision');
}

/** The home page sections a person sees, from their roles (the page shows only what their role allows). */
export function homeSections(p: Principal): string[] {
  const sections: string[] = [];
  if (inPreventTeam(p)) sections.push('intake');
  if (hasRole(p, 'channel_coordinator')) sections.push('channel');
  if (hasRole(p, 'panel_member')) sections.push('panel');
  if (hasRole(p, 'engagement_officer')) sections.push('engagement');
  if (hasRole(p, 'analyst')) sections.push('figures');
  if (hasRole(p, 'dpo')) sections.push('audit');
  if (hasRole(p, 'administrator')) sections.push('admin');
  if (decide('reference.postcodes', p).outcome === 'allow') sections.push('postcodes');
  if (decide('triage.approve', p).outcome === 'allow') sections.push('approvals');
  if (decide('staff.search', p).outcome === 'allow') sections.push('search');
  return sections;
}
