import { and, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import type { OidcConfig } from '../../config.js';
import type { Db } from '../../db/client.js';
import { appendAccessLog } from '../../access-log/queries.js';
import { createSession, endSession } from '../../staff/sessions.js';
import { organisations, ROLES, staffRoles, staffUsers, type Role } from '../../db/schema/index.js';
import { roleFitsOrganisation } from '../../policies/index.js';
import { SsoError, type Identity } from './oidc.js';

/**
 * Who a single sign-on person is here: their groups at the identity provider give their organisation and roles
 * (OIDC_GROUP_MAP), and the identity provider is the source of truth for them, so their roles are replaced at each
 * sign-in. Accounts are found by issuer and subject, linked by e-mail address once, or created just in time. Disabled
 * people are refused and never re-enabled here.
 */

export interface GroupMapping {
  organisation: string;
  /** Role names as configured (checked against ROLES and the organisation's kind at sign-in). */
  roles: string[];
}

/** What the person's groups map to, before the organisation and roles are checked against the database. */
export function mapGroups(groups: readonly string[], groupMap: OidcConfig['groupMap']): GroupMapping {
  const mapped = groups.filter((g) => Object.hasOwn(groupMap, g)).map((g) => groupMap[g]!);
  if (mapped.length === 0) throw new SsoError('no-mapped-group');
  const organisationCodes = new Set(mapped.map((m) => m.organisation));
  if (organisationCodes.size > 1) throw new SsoError('several-organisations');
  return {
    organisation: mapped[0]!.organisation,
    roles: [...new Set(mapped.flatMap((m) => m.roles))].sort(),
  };
}

export function isRole(name: string): name is Role {
  return (ROLES as readonly string[]).includes(name);
}

/** Role names in the group map that are not roles at all (reported at start-up). */
export function unknownRoleNames(groupMap: OidcConfig['groupMap']): string[] {
  return [...new Set(Object.values(groupMap).flatMap((m) => m.roles))].filter((r) => !isRole(r)).sort();
}

export interface SsoSignIn {
  userId: string;
  /** The new session's id, for the cookie. */
  sessionId: string;
  roles: Role[];
  /** Role names from the map that were ignored (unknown, or not fitting the organisation): for the log. */
  ignoredRoles: string[];
  created: boolean;
  linked: boolean;
}

/**
 * Signs a person in from their identity, in one transaction: finds, links or creates their account, sets their
 * organisation, name and roles from the provider (writing the change to the access log), ends the session the browser
 * had and starts a signed-in one. Throws SsoError (and changes nothing) when the person may not sign in.
 */
export async function signInWithIdentity(
  db: Db,
  identity: Identity,
  groupMap: OidcConfig['groupMap'],
  opts: { absoluteHours: number; userAgent?: string | undefined; previousSessionHash?: string | undefined },
): Promise<SsoSignIn> {
  const mapping = mapGroups(identity.groups, groupMap);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [organisation] = await t
      .select({ id: organisations.id, code: organisations.code, kind: organisations.kind })
      .from(organisations)
      .where(and(eq(organisations.code, mapping.organisation), eq(organisations.active, true)));
    if (!organisation) throw new SsoError('unknown-organisation');
    const roles = mapping.roles.filter((r): r is Role => isRole(r) && roleFitsOrganisation(r, organisation.kind));
    const ignoredRoles = mapping.roles.filter((r) => !(roles as string[]).includes(r));
    if (roles.length === 0) throw new SsoError('no-valid-roles');

    const columns = {
      id: staffUsers.id,
      email: staffUsers.email,
      displayName: staffUsers.displayName,
      status: staffUsers.status,
      organisationId: staffUsers.organisationId,
      oidcIssuer: staffUsers.oidcIssuer,
    };
    let [user] = await t
      .select(columns)
      .from(staffUsers)
      .where(and(eq(staffUsers.oidcIssuer, identity.issuer), eq(staffUsers.oidcSubject, identity.subject)))
      .for('update');
    let linked = false;
    let created = false;
    if (!user && identity.email) {
      // An account made by an administrator before single sign-on: linked once, by e-mail address, when it has no
      // identity yet and the provider does not say the address is unverified.
      const [byEmail] = await t
        .select(columns)
        .from(staffUsers)
        .where(eq(staffUsers.email, identity.email))
        .for('update');
      if (byEmail) {
        if (byEmail.oidcIssuer !== null || identity.emailVerified === false) throw new SsoError('email-taken');
        if (byEmail.status === 'disabled') throw new SsoError('disabled');
        await t
          .update(staffUsers)
          .set({ oidcIssuer: identity.issuer, oidcSubject: identity.subject })
          .where(and(eq(staffUsers.id, byEmail.id), isNull(staffUsers.oidcIssuer)));
        user = byEmail;
        linked = true;
      }
    }
    if (user && user.status === 'disabled') throw new SsoError('disabled');
    const displayName = identity.name ?? user?.displayName ?? identity.email?.split('@')[0] ?? 'Unnamed';
    if (!user) {
      if (!identity.email) throw new SsoError('no-email');
      const [row] = await t
        .insert(staffUsers)
        .values({
          email: identity.email,
          displayName,
          organisationId: organisation.id,
          oidcIssuer: identity.issuer,
          oidcSubject: identity.subject,
        })
        .returning(columns);
      user = row!;
      created = true;
    }
    const userId = user.id;
    await t
      .update(staffUsers)
      .set({ organisationId: organisation.id, displayName, lastSignInAt: sql`now()` })
      .where(eq(staffUsers.id, userId));

    // Roles: exactly the mapped ones (roles kept keep their grant time).
    const before = (await t.select({ role: staffRoles.role }).from(staffRoles).where(eq(staffRoles.userId, userId)))
      .map((r) => r.role)
      .sort();
    await t.delete(staffRoles).where(and(eq(staffRoles.userId, userId), notInArray(staffRoles.role, roles)));
    const added = roles.filter((r) => !before.includes(r));
    if (added.length) await t.insert(staffRoles).values(added.map((role) => ({ userId, role })));
    const changed =
      created || user.organisationId !== organisation.id || before.join(',') !== [...roles].sort().join(',');
    if (changed) {
      await appendAccessLog(t, {
        action: 'alteration',
        recordType: 'staff_user',
        recordId: userId,
        actorType: 'system',
        organisation: organisation.code,
        channel: 'sso',
        detail: {
          change: 'roles-from-identity-provider',
          roles,
          previousRoles: before,
          ...(user.organisationId !== organisation.id && !created ? { organisationChanged: true } : {}),
          ...(created ? { accountCreated: true } : {}),
          ...(linked ? { identityLinked: true } : {}),
        },
      });
    }

    if (opts.previousSessionHash) await endSession(t, opts.previousSessionHash, 'signed-in-again');
    const sessionId = await createSession(t, {
      userId,
      stage: 'signed_in',
      method: 'oidc',
      absoluteHours: opts.absoluteHours,
      userAgent: opts.userAgent,
    });
    return { userId, sessionId, roles, ignoredRoles, created, linked };
  });
}

/** Organisation codes in the group map that do not exist (reported at start-up; sign-in refuses them). */
export async function unknownOrganisations(db: Db, groupMap: OidcConfig['groupMap']): Promise<string[]> {
  const codes = [...new Set(Object.values(groupMap).map((m) => m.organisation))];
  if (!codes.length) return [];
  const found = await db
    .select({ code: organisations.code })
    .from(organisations)
    .where(inArray(organisations.code, codes));
  return codes.filter((c) => !found.some((f) => f.code === c)).sort();
}
