import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendAccessLog } from '../../access-log/queries.js';
import { endAllSessions, listActiveSessions } from '../../staff/sessions.js';
import {
  endOtherSessions,
  findAccountById,
  recordSignInFailure,
  setPasswordHash,
  unusedRecoveryCodes,
} from '../../staff/users.js';
import { cookieSecret } from '../../lib/secrets.js';
import { messages } from '../../messages.js';
import { ROLE_LABELS } from '../admin/service.js';
import { formErrorSummary, parseForm } from '../../forms/kit.js';
import { changePasswordForm } from './forms.js';
import { hashPassword, PASSWORD_MIN, verifyPassword } from './passwords.js';
import { keyPrefix, throttleKeyer } from './throttle.js';
import { clearStaffCookie, STAFF_PREFIX, staffRoute, type StaffContext, type StaffDeps } from '../../staff/registry.js';

const m = messages.staffAccounts;
const ACCOUNT = `${STAFF_PREFIX}/account`;

/** A person's own account: who they are, their roles and sessions, signing out everywhere, changing their password. */
export function accountRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db, config } = deps;
  const keyFor = throttleKeyer(cookieSecret(config.cookieSecret, config.dataDir));

  const renderAccount = async (
    req: FastifyRequest,
    reply: FastifyReply,
    ctx: StaffContext,
    errors: Record<string, string> = {},
  ) => {
    const principal = ctx.principal!;
    const account = await findAccountById(db, principal.userId);
    const sessions = await listActiveSessions(db, principal.userId, config.staff.idleMinutes);
    const q = (req.query ?? {}) as Record<string, unknown>;
    return ctx.render(reply.code(Object.keys(errors).length ? 400 : 200), 'staff-auth/views/account.njk', {
      pageTitle: 'Your account',
      account,
      roles: (account?.roles ?? []).map((r) => ROLE_LABELS[r]),
      sessions: sessions.map((s) => ({ ...s, current: s.idHash === ctx.session!.idHash })),
      hasPassword: Boolean(account?.passwordHash),
      recoveryCodesLeft: account?.totpSecret ? await unusedRecoveryCodes(db, principal.userId) : undefined,
      changed: q.changed === '1',
      errors,
      errorSummary: formErrorSummary(changePasswordForm(''), errors),
      minLength: PASSWORD_MIN,
      idleMinutes: config.staff.idleMinutes,
      absoluteHours: config.staff.absoluteHours,
    });
  };

  staffRoute(app, deps, {
    method: 'GET',
    url: ACCOUNT,
    policy: 'account.self',
    handler(req, reply, ctx) {
      return renderAccount(req, reply, ctx);
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${ACCOUNT}/sign-out-everywhere`,
    policy: 'account.self',
    async handler(req, reply, { principal }) {
      const ended = await endAllSessions(db, principal!.userId, 'signed-out-everywhere');
      clearStaffCookie(reply, deps.secureCookies);
      req.log.info({ user: principal!.userId, sessions: ended }, 'staff signed out everywhere');
      return reply.redirect(`${STAFF_PREFIX}/signed-out`, 303);
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${ACCOUNT}/password`,
    policy: 'account.self',
    rateLimit: { max: config.staff.rateLimitSignIn, timeWindow: '1 minute' },
    async handler(req, reply, ctx) {
      const principal = ctx.principal!;
      const account = await findAccountById(db, principal.userId);
      if (!account?.passwordHash) return reply.redirect(ACCOUNT, 303);
      const form = parseForm(changePasswordForm(account.email), req.body);
      const errors: Record<string, string> = form.ok ? {} : { ...form.errors };
      if (form.values.currentPassword && !(await verifyPassword(account.passwordHash, form.values.currentPassword))) {
        errors.currentPassword = m.currentPasswordWrong;
        // Guessing through this form counts towards the same lockout as signing in.
        const key = keyFor(account.email);
        const { failures } = await recordSignInFailure(
          db,
          key,
          config.staff.lockoutFailures,
          config.staff.lockoutMinutes,
        );
        req.log.info({ key: keyPrefix(key), step: 'change-password', failures }, 'staff sign-in failed');
      }
      if (Object.keys(errors).length) return renderAccount(req, reply, ctx, errors);
      const passwordHash = await hashPassword(form.values.password);
      await db.transaction(async (tx) => {
        await setPasswordHash(tx, account.id, passwordHash);
        // Every other session ends; this one goes on.
        await endOtherSessions(tx, account.id, ctx.session!.idHash, 'password-changed');
        await appendAccessLog(tx, {
          action: 'alteration',
          recordType: 'staff_user',
          recordId: account.id,
          actorType: 'staff',
          actorId: account.id,
          organisation: principal.organisationCode,
          channel: 'staff-web',
          detail: { change: 'password' },
        });
      });
      req.log.info({ user: account.id }, 'staff password changed; other sessions ended');
      return reply.redirect(`${ACCOUNT}?changed=1`, 303);
    },
  });
}
