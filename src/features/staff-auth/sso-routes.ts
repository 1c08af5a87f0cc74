import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { messages } from '../../messages.js';
import { OidcClient, SsoError, asSsoError, type PendingSignIn, type SsoFailure } from './oidc.js';
import { signInWithIdentity, unknownOrganisations, unknownRoleNames } from './oidc-accounts.js';
import {
  notFound,
  setStaffCookie,
  STAFF_PREFIX,
  staffRoute,
  type StaffContext,
  type StaffDeps,
} from '../../staff/registry.js';

/** The cookie that carries state, nonce and PKCE verifier from the redirect to the provider to its callback. */
export const SSO_COOKIE = 'prevent_sso';
export const SSO_PATH = `${STAFF_PREFIX}/sign-in/sso`;
export const SSO_CALLBACK_PATH = `${SSO_PATH}/callback`;
/** A sign-in at the provider must be finished within this time. */
const SSO_MAX_AGE_SECONDS = 600;
/** Where a person may be sent after signing in: a path under /staff, nothing else. */
const NEXT_PATTERN = /^\/staff(\/[A-Za-z0-9/_.-]{0,200})?$/;

const startBody = z.object({ next: z.string().max(300).optional() });
const callbackQuery = z.object({ state: z.string().max(2000).optional() });
const savedSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  codeVerifier: z.string().min(43),
  next: z.string().regex(NEXT_PATTERN),
  startedAt: z.number().int(),
});

/**
 * Staff single sign-on (OpenID Connect, authorisation code + PKCE). The routes are always registered (every staff route
 * is in the access matrix) and answer 404 when no identity provider is configured.
 */
export async function ssoRoutes(app: FastifyInstance, deps: StaffDeps): Promise<void> {
  const settings = deps.config.oidc;
  const client = settings ? new OidcClient(settings, `${deps.config.baseUrl}${SSO_CALLBACK_PATH}`) : undefined;
  const rateLimit = { max: deps.config.staff.rateLimitSignIn, timeWindow: '1 minute' };
  const cookieOptions = { path: SSO_PATH, httpOnly: true, sameSite: 'lax' as const, secure: deps.secureCookies };

  if (settings && client) {
    const roles = unknownRoleNames(settings.groupMap);
    if (roles.length) app.log.warn({ roles }, 'OIDC_GROUP_MAP names roles that do not exist: they are ignored');
    const organisations = await unknownOrganisations(deps.db, settings.groupMap);
    if (organisations.length)
      app.log.warn({ organisations }, 'OIDC_GROUP_MAP names organisations that do not exist: their groups are refused');
    allowFormPostToProvider(app, client);
  }

  staffRoute(app, deps, {
    method: 'POST',
    url: SSO_PATH,
    policy: 'public.signIn',
    session: 'none',
    rateLimit,
    async handler(req, reply, { render }) {
      if (!client) return notFound(reply, render);
      const body = startBody.safeParse(req.body ?? {});
      const query = startBody.safeParse(req.query ?? {});
      const next = safeNext(
        (body.success ? body.data.next : undefined) ?? (query.success ? query.data.next : undefined),
      );
      let started: Awaited<ReturnType<OidcClient['begin']>>;
      try {
        started = await client.begin();
      } catch (err) {
        const failure = asSsoError(err);
        return refuse(req, reply, render, failure.kind, failure.code);
      }
      const saved: z.infer<typeof savedSchema> = { ...started.pending, next, startedAt: Date.now() };
      reply.setCookie(SSO_COOKIE, JSON.stringify(saved), {
        ...cookieOptions,
        signed: true,
        maxAge: SSO_MAX_AGE_SECONDS,
      });
      return reply.redirect(started.url.href, 303);
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: SSO_CALLBACK_PATH,
    policy: 'public.signIn',
    session: 'none',
    rateLimit,
    async handler(req, reply, { render }) {
      if (!client || !settings) return notFound(reply, render);
      const saved = readSaved(req);
      // The sign-in in progress is used once, whatever happens next.
      reply.clearCookie(SSO_COOKIE, { ...cookieOptions, signed: true });
      if (!saved) return refuse(req, reply, render, 'expired');
      const query = callbackQuery.safeParse(req.query ?? {});
      if (!query.success || query.data.state !== saved.state) return refuse(req, reply, render, 'state-mismatch');
      const search = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      let identity;
      try {
        identity = await client.finish(new URL(`${client.redirectUri}${search}`), saved);
      } catch (err) {
        const failure = asSsoError(err);
        return refuse(req, reply, render, failure.kind, failure.code);
      }
      let signedIn;
      try {
        signedIn = await signInWithIdentity(deps.db, identity, settings.groupMap, {
          absoluteHours: deps.config.staff.absoluteHours,
          userAgent: req.headers['user-agent'],
          previousSessionHash: req.staffSession?.idHash,
        });
      } catch (err) {
        // A refusal (no group, disabled…) changes nothing; anything else is a fault of ours, answered with a 500.
        if (err instanceof SsoError) return refuse(req, reply, render, err.kind);
        throw err;
      }
      if (signedIn.ignoredRoles.length)
        req.log.warn(
          { roles: signedIn.ignoredRoles },
          'OIDC_GROUP_MAP roles ignored: unknown or not for the organisation',
        );
      setStaffCookie(reply, signedIn.sessionId, deps.secureCookies, deps.config.staff.absoluteHours * 3600);
      req.log.info({ user: signedIn.userId, method: 'oidc', created: signedIn.created }, 'staff signed in');
      return reply.redirect(saved.next, 303);
    },
  });
}

/** A path under /staff to go to after signing in; the home page otherwise (never the sign-in pages themselves). */
export function safeNext(next: string | undefined): string {
  if (!next || !NEXT_PATTERN.test(next)) return STAFF_PREFIX;
  if (next.startsWith(`${STAFF_PREFIX}/sign-in`) || next.startsWith(`${STAFF_PREFIX}/sign-out`)) return STAFF_PREFIX;
  return next;
}

function readSaved(req: FastifyRequest): (PendingSignIn & { next: string }) | undefined {
  const raw = req.cookies[SSO_COOKIE];
  if (!raw) return undefined;
  const unsigned = req.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(unsigned.value);
  } catch {
    return undefined;
  }
  const saved = savedSchema.safeParse(parsed);
  if (!saved.success) return undefined;
  const age = Date.now() - saved.data.startedAt;
  if (age < 0 || age > SSO_MAX_AGE_SECONDS * 1000) return undefined;
  return saved.data;
}

const PAGES: Record<SsoFailure, { status: number; page: keyof typeof messages.staffSso.pages }> = {
  'provider-unreachable': { status: 502, page: 'unavailable' },
  'provider-error': { status: 400, page: 'notCompleted' },
  'invalid-response': { status: 400, page: 'notCompleted' },
  'state-mismatch': { status: 400, page: 'notCompleted' },
  expired: { status: 400, page: 'notCompleted' },
  'access-denied': { status: 403, page: 'cancelled' },
  'no-mapped-group': { status: 403, page: 'noAccess' },
  'unknown-organisation': { status: 403, page: 'noAccess' },
  'no-valid-roles': { status: 403, page: 'noAccess' },
  'several-organisations': { status: 403, page: 'severalOrganisations' },
  disabled: { status: 403, page: 'disabled' },
  'no-email': { status: 403, page: 'notMatched' },
  'email-taken': { status: 403, page: 'notMatched' },
};

/** The refusal page. Only the kind of failure is logged: never tokens, codes, names or e-mail addresses. */
function refuse(
  req: FastifyRequest,
  reply: FastifyReply,
  render: StaffContext['render'],
  kind: SsoFailure,
  code?: string,
): FastifyReply {
  const { status, page } = PAGES[kind];
  req.log[status >= 500 ? 'warn' : 'info']({ kind, ...(code ? { code } : {}) }, 'staff single sign-on refused');
  const text = messages.staffSso.pages[page];
  return render(reply.code(status), 'staff-auth/views/sso-problem.njk', {
    pageTitle: text.title,
    paragraphs: text.paragraphs,
    linkText: messages.staffSso.signInAgain,
  });
}

/**
 * The sign-in page's button posts to us and we answer with a redirect to the identity provider. Browsers apply the
 * page's CSP `form-action` to that redirect too (Chromium refuses it otherwise), so the sign-in page (only that one)
 * also allows the provider's origin. Opening it also starts discovery in the background, so that the authorisation
 * endpoint's origin is known by the time the button is pressed.
 */
function allowFormPostToProvider(app: FastifyInstance, client: OidcClient): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.split('?')[0] !== `${STAFF_PREFIX}/sign-in`) return payload;
    const csp = reply.getHeader('content-security-policy');
    if (typeof csp !== 'string' || !csp.includes("form-action 'self'")) return payload;
    reply.header(
      'content-security-policy',
      csp.replace("form-action 'self'", `form-action 'self' ${client.providerOrigins().join(' ')}`),
    );
    if (req.method === 'GET') client.configuration().catch(() => undefined);
    return payload;
  });
}
