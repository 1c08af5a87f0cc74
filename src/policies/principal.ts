import type { OrganisationKind, Role } from '../db/schema/index.js';

/**
 * The vocabulary every policy file shares: who is asking (the Principal), the facts about one case (CaseScope), what a
 * policy answers (Decision), and the roles that count in each kind of organisation. Re-exported by `index.ts`; the
 * policy areas (`cases.ts`, `handovers.ts`) import it from here so that neither depends on the table in `index.ts`.
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

export type Rule = (p: Principal, scope: CaseScope | undefined) => Decision;

export const allow = (basis: string): Decision => ({ outcome: 'allow', basis });
export const deny = (why: string): Decision => ({ outcome: 'deny', why });
export const needsReason = (basis: string): Decision => ({ outcome: 'reason', basis });

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

export const PREVENT_TEAM: readonly Role[] = ['prevent_officer', 'prevent_supervisor'];

export const inPreventTeam = (p: Principal): boolean => PREVENT_TEAM.some((r) => hasRole(p, r));

export function anyRole(roles: readonly Role[], what: string): Rule {
  return (p) => (roles.some((r) => hasRole(p, r)) ? allow(`role:${roles.find((r) => hasRole(p, r))}`) : deny(what));
}

/** The first allow among several grounds, else the first "reason"; undefined when there is neither. */
export function best(decisions: Decision[]): Decision | undefined {
  return decisions.find((d) => d.outcome === 'allow') ?? decisions.find((d) => d.outcome === 'reason');
}
