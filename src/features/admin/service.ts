import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { appendAccessLog } from '../../access-log/queries.js';
import { enqueueEmail } from '../../outbox/queries.js';
import { createPasswordReset, findOrganisation, insertAccount } from '../../staff/users.js';
import { ORGANISATION_KINDS, ROLES, type OrganisationKind, type Role } from '../../db/schema/index.js';
import { messages } from '../../messages.js';
import { roleFitsOrganisation } from '../../policies/index.js';
import { messageDomain, newAccountEmail, passwordResetEmail } from '../staff-auth/emails.js';

/** Accounts as the administrator and the command line manage them: words for roles, checks, and the set-up links. */

export const ROLE_LABELS: Record<Role, string> = {
  prevent_officer: 'Prevent officer',
  prevent_supervisor: 'Prevent supervisor',
  channel_coordinator: 'Channel coordinator',
  panel_member: 'Channel panel member',
  engagement_officer: 'Engagement officer',
  analyst: 'Analyst',
  dpo: 'Data protection officer',
  administrator: 'Administrator',
};

export const ROLE_HINTS: Record<Role, string> = {
  prevent_officer: 'Works on referrals and advice requests. Police Prevent team only.',
  prevent_supervisor: 'Prevent officer who also approves decisions. Police Prevent team only.',
  channel_coordinator: 'Runs Channel for their council. Councils only.',
  panel_member: 'Sees the cases brought to a Channel panel their organisation sits on.',
  engagement_officer: 'Records community engagement work. Police Prevent team only.',
  analyst: 'Sees figures without names.',
  dpo: 'Reads the access log.',
  administrator: 'Manages accounts and organisations. Sees no case data.',
};

export const ORGANISATION_KIND_LABELS: Record<OrganisationKind, string> = {
  police_prevent: 'Police Prevent team',
  council: 'Council',
  health: 'Health',
  education: 'Education',
  childrens_services: 'Children’s services',
  adult_services: 'Adult services',
  probation: 'Probation',
  housing: 'Housing',
  channel_provider: 'Channel intervention provider',
  other: 'Other',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isOrganisationKind(value: unknown): value is OrganisationKind {
  return typeof value === 'string' && (ORGANISATION_KINDS as readonly string[]).includes(value);
}

/** Roles as a sentence's list: "Prevent officer and Administrator". */
export function rolesInWords(roles: readonly Role[]): string {
  const words = roles.map((r) => ROLE_LABELS[r]);
  if (words.length <= 1) return words[0] ?? 'No role';
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** The first role that does not fit the organisation's kind, as an error message; undefined if all fit. */
export function roleMismatch(roles: readonly Role[], kind: OrganisationKind): string | undefined {
  const unfit = roles.find((r) => !roleFitsOrganisation(r, kind));
  return unfit
    ? messages.staffAccounts.roleUnfit(ROLE_LABELS[unfit], ORGANISATION_KIND_LABELS[kind].toLowerCase())
    : undefined;
}

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function resetLink(config: Config, token: string): string {
  return `${config.baseUrl}/staff/password-reset/${token}`;
}

export type CreateAccountResult =
  | { ok: true; userId: string; token: string; outboxId: string | undefined }
  | { ok: false; field: 'email' | 'organisation' | 'roles'; message: string };

/**
 * Makes an account with its roles and a single-use link to choose a first password, in one transaction with its
 * access-log entry. With `sendEmail`, the link is queued in an e-mail to the person (the administrator's form);
 * without, the caller shows it (the command line, for the first administrator, before any e-mail is set up).
 */
export async function createAccount(
  db: Db,
  config: Config,
  input: { email: string; displayName: string; organisationCode?: string; organisationId?: string; roles: Role[] },
  actor: { type: 'staff' | 'system'; id: string | null; organisation: string | null; channel: string },
  opts: { sendEmail: boolean },
): Promise<CreateAccountResult> {
  const email = input.email.trim().toLowerCase();
  const org = await findOrganisation(
    db,
    input.organisationId ? { id: input.organisationId } : { code: input.organisationCode ?? '' },
  );
  if (!org || !org.active)
    return { ok: false, field: 'organisation', message: messages.staffAccounts.organisationMissing };
  const mismatch = roleMismatch(input.roles, org.kind);
  if (mismatch) return { ok: false, field: 'roles', message: mismatch };
  return db.transaction(async (tx) => {
    const userId = await insertAccount(tx, {
      email,
      displayName: input.displayName.trim(),
      organisationId: org.id,
      roles: input.roles,
      grantedBy: actor.type === 'staff' ? actor.id : null,
    });
    if (!userId) return { ok: false, field: 'email', message: messages.staffAccounts.emailTaken } as const;
    await appendAccessLog(tx, {
      action: 'collection',
      recordType: 'staff_user',
      recordId: userId,
      actorType: actor.type,
      actorId: actor.id,
      organisation: actor.organisation,
      channel: actor.channel,
      detail: { change: 'created', roles: input.roles, organisation: org.code },
    });
    const token = await createPasswordReset(tx, userId, config.staff.passwordResetHours);
    const outboxId = opts.sendEmail
      ? await enqueueEmail(
          tx,
          email,
          newAccountEmail(resetLink(config, token), config.staff.passwordResetHours),
          null,
          messageDomain(config.mailFrom),
        )
      : undefined;
    return { ok: true, userId, token, outboxId } as const;
  });
}

/** Queues a password-reset e-mail with a new single-use link (the caller's transaction). Returns the outbox id. */
export async function queueResetEmail(db: Db, config: Config, userId: string, email: string): Promise<string> {
  const token = await createPasswordReset(db, userId, config.staff.passwordResetHours);
  return enqueueEmail(
    db,
    email,
    passwordResetEmail(resetLink(config, token), config.staff.passwordResetHours),
    null,
    messageDomain(config.mailFrom),
  );
}
