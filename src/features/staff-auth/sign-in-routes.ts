import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendAccessLog } from '../../access-log/queries.js';
import { createSession, endAllSessions, endSession } from '../../staff/sessions.js';
import {
  consumePasswordReset,
  findAccountByEmail,
  findAccountById,
  findUsableReset,
  setPasswordHash,
  type StaffAccount,
} from '../../staff/users.js';
import { cookieSecret } from '../../lib/secrets.js';
import { messages } from '../../messages.js';
import { EMAIL_PATTERN, queueResetEmail } from '../admin/service.js';
import { z } from 'zod';
import { formErrorSummary, parseForm, readForm, staffForm } from '../../forms/kit.js';
import { codeForm, newPasswordForm, nextForm, recoveryCodeForm, safeNext, signInForm, withNext } from './forms.js';
import { hashPassword, PASSWORD_MIN, prepareDummyHash } from './passwords.js';
import {
  checkPassword,
  checkRecoveryCode,
  checkTotpCode,
  completeSignIn,
  confirmAuthenticator,
  type CodeOutcome,
  type SignInDeps,
} from './sign-in.js';
import { throttleKeyer } from './throttle.js';
import { otpauthUri, pendingTotpSecret, qrCodeDataUri, recoveryCodesFor, secretGroups } from './totp.js';
import {
  clearStaffCookie,
  setStaffCookie,
  STAFF_COOKIE,
  STAFF_PREFIX,
  staffRoute,
  type StaffContext,
  type StaffDeps,
} from '../../staff/registry.js';

const m = messages.staffAccounts;

/** The set-up page's code with where to go next; the reset request's work e-mail address (staff form kit). */
const codeAndNextForm = staffForm(
  { code: z.string(), next: z.string() },
  { verbatim: ['code', 'next'], inputMax: 4096 },
);
const resetRequestForm = staffForm(
  {
    email: z
      .string()
      .min(1, m.emailMissing)
      .refine((e) => !e || (EMAIL_PATTERN.test(e) && e.length <= 320), messages.email),
  },
  { inputMax: 4096 },
);
const SIGN_IN = `${STAFF_PREFIX}/sign-in`;
const CODE = `${SIGN_IN}/code`;
const RECOVERY = `${SIGN_IN}/recovery-code`;
const SET_UP = `${SIGN_IN}/set-up-authenticator`;
const SAVE_CODES = `${SIGN_IN}/recovery-codes`;
const RESET = `${STAFF_PREFIX}/password-reset`;

/**
 * Signing in with a password and a second factor (GOV.UK sign-in patterns, every page without JavaScript): the
 * password, then a code from the authenticator (or a recovery code), or the authenticator's set-up at a first sign-in;
 * and resetting a forgotten password by a single-use link.
 */
export function signInRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db, config } = deps;
  const keyFor = throttleKeyer(cookieSecret(config.cookieSecret, config.dataDir));
  const signInDeps = (req: FastifyRequest): SignInDeps => ({ db, config, keyFor, log: req.log });
  const rateLimit = { max: config.staff.rateLimitSignIn, timeWindow: '1 minute' };
  const failedMessage = m.signInFailed(config.staff.lockoutFailures, config.staff.lockoutMinutes);
  const absoluteSeconds = config.staff.absoluteHours * 3600;
  prepareDummyHash().catch(() => undefined);

  const query = (req: FastifyRequest) => (req.query ?? {}) as Record<string, unknown>;

  /** The person of the half-finished sign-in (their credentials, read fresh). */
  const accountOf = async (ctx: StaffContext): Promise<StaffAccount | undefined> =>
    ctx.session ? findAccountById(db, ctx.session.user.id) : undefined;

  /** Ends a half-finished sign-in (locked out, or no longer possible) and goes back to the start. */
  const restart = async (req: FastifyRequest, reply: FastifyReply, ctx: StaffContext, why: 'locked' | 'expired') => {
    if (ctx.session) await endSession(db, ctx.session.idHash, why === 'locked' ? 'locked-out' : 'sign-in-restarted');
    clearStaffCookie(reply, deps.secureCookies);
    if (why === 'locked') req.log.info({ user: ctx.session?.user.id }, 'staff sign-in ended: locked out');
    return reply.redirect(`${SIGN_IN}?${why}=1`, 303);
  };

  /** The last step of every route: the signed-in session gets a new id, and the person goes where they were going. */
  const finish = async (req: FastifyRequest, reply: FastifyReply, ctx: StaffContext, account: StaffAccount) => {
    const rawId = await completeSignIn(signInDeps(req), account, ctx.session!.idHash);
    if (!rawId) return restart(req, reply, ctx, 'expired');
    setStaffCookie(reply, rawId, deps.secureCookies, absoluteSeconds);
    return reply.redirect(safeNext(readForm(nextForm, req.body).next) || STAFF_PREFIX, 303);
  };

  const codeError = (outcome: CodeOutcome): string =>
    outcome === 'missing'
      ? m.codeMissing
      : outcome === 'format'
        ? m.codeFormat
        : outcome === 'used'
          ? m.codeUsed
          : m.codeWrong;

  // --- Email address and password -------------------------------------------------------------------------------------

  const renderSignIn = (
    req: FastifyRequest,
    reply: FastifyReply,
    ctx: StaffContext,
    opts: { email?: string; next: string; errors?: Record<string, string> },
  ) => {
    const q = query(req);
    const errors = opts.errors ?? {};
    return ctx.render(reply.code(Object.keys(errors).length ? 400 : 200), 'staff-auth/views/sign-in.njk', {
      pageTitle: 'Sign in',
      email: opts.email ?? '',
      next: opts.next,
      errors,
      errorSummary: formErrorSummary(signInForm, errors),
      notice: q.expired === '1' ? 'expired' : q.locked === '1' ? 'locked' : q.reset === '1' ? 'reset' : undefined,
      idleMinutes: config.staff.idleMinutes,
      lockoutMessage: m.lockedOut(config.staff.lockoutMinutes),
      sso: config.oidc ? { displayName: config.oidc.displayName } : undefined,
    });
  };

  staffRoute(app, deps, {
    method: 'GET',
    url: SIGN_IN,
    policy: 'public.signIn',
    session: 'none',
    handler(req, reply, ctx) {
      if (ctx.session?.stage === 'signed_in') return reply.redirect(STAFF_PREFIX, 303);
      return renderSignIn(req, reply, ctx, { next: safeNext(query(req).next) });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: SIGN_IN,
    policy: 'public.signIn',
    session: 'none',
    rateLimit,
    async handler(req, reply, ctx) {
      const form = parseForm(signInForm, req.body);
      const next = safeNext(form.values.next);
      const { email, password } = form.values;
      if (!form.ok) return renderSignIn(req, reply, ctx, { email, next, errors: form.errors });
      const outcome = await checkPassword(signInDeps(req), email, password);
      if (!outcome.ok) return renderSignIn(req, reply, ctx, { email, next, errors: { email: failedMessage } });
      const { account } = outcome;
      // A new session id at every sign-in: whatever session this browser had ends here.
      if (ctx.session) await endSession(db, ctx.session.idHash, 'replaced');
      const stage = account.totpSecret ? 'second_factor' : 'totp_setup';
      const rawId = await createSession(db, {
        userId: account.id,
        stage,
        method: 'password',
        absoluteHours: config.staff.absoluteHours,
        userAgent: req.headers['user-agent'],
      });
      setStaffCookie(reply, rawId, deps.secureCookies, absoluteSeconds);
      req.log.info({ user: account.id, next: stage }, 'staff password accepted');
      return reply.redirect(withNext(stage === 'second_factor' ? CODE : SET_UP, next), 303);
    },
  });

  // --- Code from the authenticator app --------------------------------------------------------------------------------

  const renderCode = (req: FastifyRequest, reply: FastifyReply, ctx: StaffContext, error?: string) =>
    ctx.render(reply.code(error ? 400 : 200), 'staff-auth/views/code.njk', {
      pageTitle: 'Enter the code from your authenticator app',
      next: safeNext(req.method === 'GET' ? query(req).next : readForm(nextForm, req.body).next),
      error,
      errorSummary: error ? [{ text: error, href: '#code' }] : [],
    });

  staffRoute(app, deps, {
    method: 'GET',
    url: CODE,
    policy: 'public.signIn',
    session: 'second_factor',
    async handler(req, reply, ctx) {
      const account = await accountOf(ctx);
      if (!account?.totpSecret) return restart(req, reply, ctx, 'expired');
      return renderCode(req, reply, ctx);
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: CODE,
    policy: 'public.signIn',
    session: 'second_factor',
    rateLimit,
    async handler(req, reply, ctx) {
      const account = await accountOf(ctx);
      if (!account?.totpSecret) return restart(req, reply, ctx, 'expired');
      const outcome = await checkTotpCode(signInDeps(req), account, readForm(codeForm, req.body).code);
      if (outcome === 'locked') return restart(req, reply, ctx, 'locked');
      if (outcome !== 'ok') return renderCode(req, reply, ctx, codeError(outcome));
      return finish(req, reply, ctx, account);
    },
  });

  // --- Recovery code --------------------------------------------------------------------------------------------------

  const renderRecovery = (req: FastifyRequest, reply: FastifyReply, ctx: StaffContext, error?: string) =>
    ctx.render(reply.code(error ? 400 : 200), 'staff-auth/views/recovery-code.njk', {
      pageTitle: 'Enter a recovery code',
      next: safeNext(req.method === 'GET' ? query(req).next : readForm(nextForm, req.body).next),
      error,
      errorSummary: error ? [{ text: error, href: '#recoveryCode' }] : [],
    });

  staffRoute(app, deps, {
    method: 'GET',
    url: RECOVERY,
    policy: 'public.signIn',
    session: 'second_factor',
    handler(req, reply, ctx) {
      return renderRecovery(req, reply, ctx);
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: RECOVERY,
    policy: 'public.signIn',
    session: 'second_factor',
    rateLimit,
    async handler(req, reply, ctx) {
      const account = await accountOf(ctx);
      if (!account) return restart(req, reply, ctx, 'expired');
      const outcome = await checkRecoveryCode(
        signInDeps(req),
        account,
        readForm(recoveryCodeForm, req.body).recoveryCode,
      );
      if (outcome === 'locked') return restart(req, reply, ctx, 'locked');
      if (outcome !== 'ok')
        return renderRecovery(req, reply, ctx, outcome === 'missing' ? m.recoveryMissing : m.recoveryWrong);
      return finish(req, reply, ctx, account);
    },
  });

  // --- Setting up the authenticator at a first sign-in ---------------------------------------------------------------

  /** The sign-in cookie's random id: the pending secret and recovery codes are derived from it (see totp.ts). */
  const rawSessionId = (req: FastifyRequest): string | undefined => {
    const raw = req.cookies[STAFF_COOKIE];
    const unsigned = raw ? req.unsignCookie(raw) : undefined;
    return unsigned?.valid && unsigned.value ? unsigned.value : undefined;
  };

  /** Where the set-up stands for this sign-in: not done, done in this session, or done elsewhere meanwhile. */
  const setUpState = (req: FastifyRequest, account: StaffAccount | undefined) => {
    const raw = rawSessionId(req);
    if (!account || !raw) return { state: 'gone' as const };
    if (!account.totpSecret) return { state: 'pending' as const, raw };
    return account.totpSecret === pendingTotpSecret(raw) ? { state: 'done' as const, raw } : { state: 'gone' as const };
  };

  const renderSetUp = async (
    req: FastifyRequest,
    reply: FastifyReply,
    ctx: StaffContext,
    account: StaffAccount,
    raw: string,
    error?: string,
  ) => {
    const secret = pendingTotpSecret(raw);
    return ctx.render(reply.code(error ? 400 : 200), 'staff-auth/views/set-up-authenticator.njk', {
      pageTitle: 'Set up an authenticator app',
      qrCode: await qrCodeDataUri(otpauthUri(secret, `${config.site.forceName} Prevent`, account.email)),
      secretGroups: secretGroups(secret),
      next: safeNext(req.method === 'GET' ? query(req).next : readForm(nextForm, req.body).next),
      error,
      errorSummary: error ? [{ text: error, href: '#code' }] : [],
    });
  };

  staffRoute(app, deps, {
    method: 'GET',
    url: SET_UP,
    policy: 'public.signIn',
    session: 'totp_setup',
    async handler(req, reply, ctx) {
      const account = await accountOf(ctx);
      const s = setUpState(req, account);
      if (s.state === 'gone') return restart(req, reply, ctx, 'expired');
      if (s.state === 'done') return reply.redirect(withNext(SAVE_CODES, safeNext(query(req).next)), 303);
      return renderSetUp(req, reply, ctx, account!, s.raw);
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: SET_UP,
    policy: 'public.signIn',
    session: 'totp_setup',
    rateLimit,
    async handler(req, reply, ctx) {
      const account = await accountOf(ctx);
      const s = setUpState(req, account);
      const form = readForm(codeAndNextForm, req.body);
      if (s.state === 'gone') return restart(req, reply, ctx, 'expired');
      if (s.state === 'pending') {
        const outcome = await confirmAuthenticator(signInDeps(req), account!, s.raw, form.code);
        if (outcome === 'locked') return restart(req, reply, ctx, 'locked');
        if (outcome !== 'ok') return renderSetUp(req, reply, ctx, account!, s.raw, codeError(outcome));
      }
      return reply.redirect(withNext(SAVE_CODES, safeNext(form.next)), 303);
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: SAVE_CODES,
    policy: 'public.signIn',
    session: 'totp_setup',
    async handler(req, reply, ctx) {
      const s = setUpState(req, await accountOf(ctx));
      if (s.state === 'gone') return restart(req, reply, ctx, 'expired');
      if (s.state === 'pending') return reply.redirect(withNext(SET_UP, safeNext(query(req).next)), 303);
      return ctx.render(reply, 'staff-auth/views/recovery-codes.njk', {
        pageTitle: 'Save your recovery codes',
        codes: recoveryCodesFor(s.raw),
        next: safeNext(query(req).next),
      });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: SAVE_CODES,
    policy: 'public.signIn',
    session: 'totp_setup',
    async handler(req, reply, ctx) {
      const account = await accountOf(ctx);
      const s = setUpState(req, account);
      if (s.state === 'gone') return restart(req, reply, ctx, 'expired');
      if (s.state === 'pending')
        return reply.redirect(withNext(SET_UP, safeNext(readForm(nextForm, req.body).next)), 303);
      return finish(req, reply, ctx, account!);
    },
  });

  // --- Forgotten password ---------------------------------------------------------------------------------------------

  const renderResetRequest = (reply: FastifyReply, ctx: StaffContext, email = '', error?: string) =>
    ctx.render(reply.code(error ? 400 : 200), 'staff-auth/views/reset-request.njk', {
      pageTitle: 'Reset your password',
      email,
      error,
      errorSummary: error ? [{ text: error, href: '#email' }] : [],
      hours: config.staff.passwordResetHours,
    });

  staffRoute(app, deps, {
    method: 'GET',
    url: RESET,
    policy: 'public.signIn',
    session: 'none',
    handler(_req, reply, ctx) {
      return renderResetRequest(reply, ctx);
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: RESET,
    policy: 'public.signIn',
    session: 'none',
    rateLimit,
    async handler(req, reply, ctx) {
      const form = parseForm(resetRequestForm, req.body);
      const { email } = form.values;
      if (!form.ok) return renderResetRequest(reply, ctx, email, form.errors.email!);
      const account = await findAccountByEmail(db, email);
      // Only for an active account that signs in with a password (or has not chosen one yet); the answer is the same.
      if (
        account &&
        account.status === 'active' &&
        account.organisationActive &&
        (account.passwordHash || !account.oidcIssuer)
      ) {
        const id = await db.transaction((tx) => queueResetEmail(tx, config, account.id, account.email));
        app.notifyOutbox([id]);
        req.log.info({ user: account.id }, 'staff password reset link sent');
      } else {
        req.log.info('staff password reset asked for an address with no usable account');
      }
      return reply.redirect(`${RESET}/sent`, 303);
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${RESET}/sent`,
    policy: 'public.signIn',
    session: 'none',
    handler(_req, reply, ctx) {
      return ctx.render(reply, 'staff-auth/views/reset-sent.njk', {
        pageTitle: 'Check your email',
        hours: config.staff.passwordResetHours,
      });
    },
  });

  // A link's token is a credential: the logger never writes it (TOKEN_PATHS in src/lib/logger.ts).
  const tokenOf = (req: FastifyRequest) => String((req.params as { token?: string }).token ?? '');

  const linkGone = (reply: FastifyReply, ctx: StaffContext) =>
    ctx.render(reply.code(404), 'staff-auth/views/reset-expired.njk', {
      pageTitle: 'This link has expired or has already been used',
      hours: config.staff.passwordResetHours,
    });

  const renderResetForm = (
    req: FastifyRequest,
    reply: FastifyReply,
    ctx: StaffContext,
    errors: Record<string, string> = {},
  ) =>
    ctx.render(reply.code(Object.keys(errors).length ? 400 : 200), 'staff-auth/views/reset-form.njk', {
      pageTitle: 'Choose a new password',
      action: `${RESET}/${tokenOf(req)}`,
      errors,
      errorSummary: formErrorSummary(newPasswordForm(''), errors),
      minLength: PASSWORD_MIN,
    });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${RESET}/:token`,
    policy: 'public.signIn',
    session: 'none',
    async handler(req, reply, ctx) {
      if (!(await findUsableReset(db, tokenOf(req)))) return linkGone(reply, ctx);
      return renderResetForm(req, reply, ctx);
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${RESET}/:token`,
    policy: 'public.signIn',
    session: 'none',
    rateLimit,
    async handler(req, reply, ctx) {
      const token = tokenOf(req);
      const userId = await findUsableReset(db, token);
      const account = userId ? await findAccountById(db, userId) : undefined;
      if (!account) return linkGone(reply, ctx);
      const form = parseForm(newPasswordForm(account.email), req.body);
      if (!form.ok) return renderResetForm(req, reply, ctx, form.errors);
      const passwordHash = await hashPassword(form.values.password);
      const done = await db.transaction(async (tx) => {
        // Used once, atomically: a second request with the same link finds it used.
        if ((await consumePasswordReset(tx, token)) !== account.id) return false;
        await setPasswordHash(tx, account.id, passwordHash);
        await endAllSessions(tx, account.id, 'password-reset');
        await appendAccessLog(tx, {
          action: 'alteration',
          recordType: 'staff_user',
          recordId: account.id,
          actorType: 'staff',
          actorId: account.id,
          organisation: account.organisationCode,
          channel: 'staff-web',
          detail: { change: 'password-reset' },
        });
        return true;
      });
      if (!done) return linkGone(reply, ctx);
      if (ctx.session) await endSession(db, ctx.session.idHash, 'password-reset');
      clearStaffCookie(reply, deps.secureCookies);
      req.log.info({ user: account.id }, 'staff password set by a reset link; all sessions ended');
      return reply.redirect(`${SIGN_IN}?reset=1`, 303);
    },
  });
}
