import type { OrganisationKind, Role } from '../db/schema/index.js';

/**
 * Who may see and do what: every rule of the back office, in one place. Deny by default: a route names one policy, the
 * route registry (`src/staff/registry.ts`) evaluates it before the handler runs, and the app refuses to start if a
 * staff route names none.
 */

/** The signed-in person, as the session loads them (roles and organisation read fresh on every request). */
export interface Principal {
  userId: string;
  email: string;
  displayName: string;
  organisationId: string;
  organisationCode: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  roles: ReadonlySet<Role>;
  /** SHA-256 of the session id (reasons given to open a case last for the session). */
  sessionIdHash: string;
}

/** The facts about one case that decide who may open it. */
export interface CaseScope {
  recordType: 'referral' | 'advice';
  recordId: string;
  reference: string;
  /** The Prevent officer the case is assigned to (null: waiting in the intake queue). */
  assignedOfficerId: string | null;
  /** Councils the case has been handed over to (Channel), still current. */
  councilOrgIds: readonly string[];
  /** Agencies the case has been brought to at a Channel panel, still current. */
  panelOrgIds: readonly string[];
}

export type Decision =
  | { outcome: 'allow'; basis: string }
  /** Allowed once the person has given a reason (recorded in the access log with the view). */
  | { outcome: 'reason'; basis: string }
  | { outcome: 'deny'; why: string };

type Rule = (p: Principal, scope: CaseScope | undefined) => Decision;

const allow = (basis: string): Decision => ({ outcome: 'allow', basis });
const deny = (why: string): Decision => ({ outcome: 'deny', why });

/** A role counts only in the kind of organisation it belongs to (an administrator cannot make a council officer police). */
const ROLE_ORGANISATIONS: Record<Role, readonly OrganisationKind[] | 'any'> = {
  prevent_officer: ['police_prevent'],
  prevent_supervisor: ['police_prevent'],
  engagement_officer: ['police_prevent'],
  channel_coordinator: ['council'],
  panel_member: 'any',
  analyst: 'any',
  dpo: 'any',
  administrator: 'any',
};

export function roleFitsOrganisation(role: Role, kind: OrganisationKind): boolean {
  const kinds = ROLE_ORGANISATIONS[role];
  return kinds === 'any' || kinds.includes(kind);
}

export function hasRole(p: Principal, role: Role): boolean {
  return p.roles.has(role) && roleFitsOrganisation(role, p.organisationKind);
}

const PREVENT_TEAM: readonly Role[] = ['prevent_officer', 'prevent_supervisor'];

function anyRole(roles: readonly Role[], what: string): Rule {
  return (p) => (roles.some((r) => hasRole(p, r)) ? allow(`role:${roles.find((r) => hasRole(p, r))}`) : deny(what));
}

const signedIn: Rule = () => allow('signed-in');

/**
 * Opening a case. The Prevent team sees the intake queue and its own cases directly, and another officer's case after
 * giving a reason; a council's Channel coordinators see cases handed over to their council; panel members see cases
 * brought to a panel their agency sits on. Everyone else: refused (analysts get figures, never names).
 */
const openCase: Rule = (p, scope) => {
  if (!scope) return deny('no case');
  const decisions: Decision[] = [];
  if (PREVENT_TEAM.some((r) => hasRole(p, r))) {
    if (scope.recordType === 'advice') decisions.push(allow('prevent-team'));
    else if (scope.assignedOfficerId === p.userId) decisions.push(allow('assigned'));
    else if (scope.assignedOfficerId === null) decisions.push(allow('intake-queue'));
    else decisions.push({ outcome: 'reason', basis: 'not-assigned' });
  }
  if (scope.recordType === 'referral' && hasRole(p, 'channel_coordinator')) {
    if (scope.councilOrgIds.includes(p.organisationId)) decisions.push(allow('council'));
  }
  if (scope.recordType === 'referral' && hasRole(p, 'panel_member')) {
    if (scope.panelOrgIds.includes(p.organisationId)) decisions.push(allow('panel'));
  }
  return best(decisions) ?? deny('not your case');
};

/**
 * Checking and linking a referral's earlier referrals of the same person: the Prevent team only, on a referral they may
 * open (another officer's after a reason). Never councils or panels: the candidates are other people's referrals.
 */
const linkCase: Rule = (p, scope) => {
  if (!scope || scope.recordType !== 'referral') return deny('no referral');
  if (!PREVENT_TEAM.some((r) => hasRole(p, r))) return deny('not in the Prevent team');
  if (scope.assignedOfficerId === p.userId) return allow('assigned');
  if (scope.assignedOfficerId === null) return allow('intake-queue');
  return { outcome: 'reason', basis: 'not-assigned' };
};

/**
 * Working on a referral in triage (notes, files, states, re-contact, checks, assessment, decision, explanation,
 * hand-over): the officer it is assigned to, or a Prevent supervisor. Another officer must ask a supervisor to reassign
 * it; a referral still in the intake queue must be taken first (`case.take`). Advice requests: the Prevent team.
 */
const workCase: Rule = (p, scope) => {
  if (!scope) return deny('no case');
  if (!PREVENT_TEAM.some((r) => hasRole(p, r))) return deny('not in the Prevent team');
  if (scope.recordType === 'advice') return allow('prevent-team');
  if (scope.assignedOfficerId === p.userId) return allow('assigned');
  if (hasRole(p, 'prevent_supervisor')) return allow('supervisor');
  if (scope.assignedOfficerId === null) return deny('take the referral from the queue first');
  return deny('assigned to another officer');
};

/** Taking a referral from the intake queue into one's own triage: any Prevent officer or supervisor, while unassigned. */
const takeCase: Rule = (p, scope) => {
  if (!scope) return deny('no case');
  if (!PREVENT_TEAM.some((r) => hasRole(p, r))) return deny('not in the Prevent team');
  if (scope.assignedOfficerId !== null) return deny('already assigned');
  return allow('intake-queue');
};

/** A council's answer to a hand-over (accept, or return with a reason): that council's Channel coordinators only. */
const answerHandover: Rule = (p, scope) => {
  if (!scope || scope.recordType !== 'referral') return deny('no referral');
  if (!hasRole(p, 'channel_coordinator')) return deny('not a Channel coordinator');
  if (!scope.councilOrgIds.includes(p.organisationId)) return deny('not handed over to your council');
  return allow('council');
};

function best(decisions: Decision[]): Decision | undefined {
  return decisions.find((d) => d.outcome === 'allow') ?? decisions.find((d) => d.outcome === 'reason');
}

/** Every policy a route may name. Add one here, with its test in the access matrix, before adding its route. */
export const POLICIES = {
  /** Sign-in, password reset and the like: anyone, signed in or not. */
  'public.signIn': (() => allow('public')) as Rule,
  'staff.home': signedIn,
  'account.self': signedIn,
  'intake.list': anyRole(PREVENT_TEAM, 'not in the Prevent team'),
  'case.view': openCase,
  'case.link': linkCase,
  'audit.read': anyRole(['dpo'], 'not the data protection officer'),
  'audit.export': anyRole(['dpo'], 'not the data protection officer'),
  'admin.manage': anyRole(['administrator'], 'not an administrator'),
  /** The triage queue (referrals and advice requests with their states and ages; no names). */
  'triage.queue': anyRole(PREVENT_TEAM, 'not in the Prevent team'),
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
  'handover.list': anyRole(['channel_coordinator'], 'not a Channel coordinator'),
  /** Staff search: results are filtered case by case with `case.view`; every search is logged with its terms. */
  'staff.search': anyRole([...PREVENT_TEAM, 'channel_coordinator', 'panel_member'], 'not allowed to search cases'),
  /** The postcode-to-council table (reference data): the administrator, and a Prevent supervisor to correct it. */
  'reference.postcodes': anyRole(['administrator', 'prevent_supervisor'], 'not an administrator or Prevent supervisor'),
} satisfies Record<string, Rule>;

export type PolicyName = keyof typeof POLICIES;

export function isPolicyName(name: unknown): name is PolicyName {
  return typeof name === 'string' && Object.hasOwn(POLICIES, name);
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
  if (PREVENT_TEAM.some((r) => hasRole(p, r))) sections.push('intake');
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
