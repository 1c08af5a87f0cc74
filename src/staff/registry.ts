import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { appendAccessLog } from '../access-log/queries.js';
import { findAccessReason } from './access-reasons.js';
import { loadSession, touchSession, type LoadedSession } from './sessions.js';
import type { SessionStage } from '../db/schema/index.js';
import {
  decide,
  isPolicyName,
  type CaseScope,
  type Decision,
  type PolicyName,
  type Principal,
} from '../policies/index.js';
import { staffNavigation } from '../views/staff-nav.js';
import { createStaffRender, type Render } from '../views/render.js';

export const STAFF_COOKIE = 'prevent_staff';
export const STAFF_PREFIX = '/staff';
/** The session's last-seen time is written at most this often (the idle limit is counted in minutes). */
const TOUCH_EVERY_MS = 60_000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The staff session named by the cookie, if it is live (any stage). */
    staffSession?: LoadedSession | null;
    /** Per-request CSP nonce on staff pages. */
    cspNonce?: string;
    /** Access-log writes started for this request; the response is not sent before they are committed. */
    staffLogWrites?: Promise<void>[];
  }
  interface FastifyInstance {
    /** Every route under /staff with its policy, in the order added (the access-matrix test walks it). */
    staffRouteTable: StaffRouteEntry[];
  }
  interface FastifyContextConfig {
    /** Every staff route names the policy that guards it (checked when the route is added). */
    policy?: PolicyName;
    staffSession?: SessionStage | 'none';
    hasScope?: boolean;
    asksReason?: boolean;
  }
}

export interface StaffRouteEntry {
  method: string;
  url: string;
  policy: PolicyName;
  /** The session stage the route needs ('none': open to anyone). */
  session: SessionStage | 'none';
  /** Whether the route is about one case (its URL names the case). */
  hasScope: boolean;
  /** The page that asks for a reason (reachable on a "reason" decision). */
  asksReason: boolean;
}

export interface StaffDeps {
  db: Db;
  render: Render;
  config: Config;
  secureCookies: boolean;
}

export interface StaffContext {
  /** The signed-in person (undefined only on routes with `session: 'none'`). */
  principal: Principal | undefined;
  session: LoadedSession | null | undefined;
  /** The case the route is about, when it has one. */
  scope: CaseScope | undefined;
  decision: Decision;
  /** The reason the person gave to open a case they are not assigned to (also written to the access log). */
  reason: string | null;
  /** Renders a staff page with the layout's context (person, navigation, CSRF token, nonce, session limits). */
  render(reply: FastifyReply, template: string, context: Record<string, unknown>): FastifyReply;
  /**
   * Writes a "consultation" entry for what the page shows when it is not one case (a list, search results): the
   * person, organisation and reason are filled in. Views of one case are logged by the registry itself. The response
   * is held until the entry is committed, whether or not the handler awaits it (a failed write fails the request).
   */
  logConsultation(entry: {
    recordType: string;
    recordId?: string | null;
    reference?: string | null;
    detail?: Record<string, unknown>;
  }): Promise<void>;
}

export interface StaffRouteDef {
  method: 'GET' | 'POST';
  url: string;
  policy: PolicyName;
  /**
   * The session the route needs: `signed_in` (default), a half-finished sign-in (`second_factor`, `totp_setup`), or
   * `none` (sign-in pages: open to anyone).
   */
  session?: SessionStage | 'none';
  /** Loads the case the route is about from the request; null answers 404. */
  scope?: (req: FastifyRequest) => Promise<CaseScope | null>;
  /**
   * Writes a "consultation" entry to the access log before the handler runs (default for GET routes with a scope). POST
   * handlers write their own entries (alteration, disclosure…) in the transaction that makes the change.
   */
  logView?: boolean;
  /** The page that asks for a reason: reachable when the decision is "reason" without one given yet. */
  asksReason?: boolean;
  rateLimit?: { max: number; timeWindow: string };
  /**
   * A page that explains a refusal better than the generic one (e.g. "already taken by …"). It is sent with status 403
   * whatever it sets; returning undefined sends the generic page. Nothing of the case beyond what the refused person
   * may know should be shown.
   */
  refused?: (
    reply: FastifyReply,
    refusal: { principal: Principal | undefined; scope: CaseScope | undefined; why: string; render: StaffRender },
  ) => Promise<FastifyReply | undefined> | FastifyReply | undefined;
  handler(req: FastifyRequest, reply: FastifyReply, ctx: StaffContext): unknown;
}

/** Where to send someone who must give a reason before opening a case. */
export function reasonUrl(scope: CaseScope): string {
  return `${STAFF_PREFIX}/${scope.recordType === 'referral' ? 'referrals' : 'advice'}/${scope.reference}/reason`;
}

/**
 * Installs the staff area's hooks: the session cookie is read on every /staff request, pages get a nonce-based CSP and
 * no-store, and any route under /staff that does not name a policy stops the app from starting.
 */
export function installStaffArea(app: FastifyInstance, deps: StaffDeps): void {
  const { db, config } = deps;
  app.decorate('staffRouteTable', []);
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith(STAFF_PREFIX)) return;
    const cfg = route.config as
      { policy?: unknown; staffSession?: SessionStage | 'none'; hasScope?: boolean; asksReason?: boolean } | undefined;
    if (!isPolicyName(cfg?.policy)) {
      throw new Error(`staff route ${String(route.method)} ${route.url} has no policy: add it through staffRoute()`);
    }
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      app.staffRouteTable.push({
        method,
        url: route.url,
        policy: cfg.policy,
        session: cfg.staffSession ?? 'signed_in',
        hasScope: cfg.hasScope ?? false,
        asksReason: cfg.asksReason ?? false,
      });
    }
  });
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith(STAFF_PREFIX)) return;
    const nonce = randomBytes(16).toString('base64');
    req.cspNonce = nonce;
    reply.header('content-security-policy', staffCsp(nonce, config.env === 'production'));
    reply.header('cache-control', 'no-store');
    reply.header('x-robots-tag', 'noindex, nofollow');
    const raw = req.cookies[STAFF_COOKIE];
    if (!raw) return;
    const unsigned = req.unsignCookie(raw);
    const session =
      unsigned.valid && unsigned.value ? await loadSession(db, unsigned.value, config.staff.idleMinutes) : null;
    req.staffSession = session;
    if (!session) {
      clearStaffCookie(reply, deps.secureCookies);
      return;
    }
    if (Date.now() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS && !isPassiveRequest(req)) {
      await touchSession(db, session.idHash);
      session.lastSeenAt = new Date();
    }
  });
}

/** Requests that must not count as activity (none yet: every staff page view is activity). */
function isPassiveRequest(_req: FastifyRequest): boolean {
  return false;
}

export function staffCsp(nonce: string, upgrade: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    ...(upgrade ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export function setStaffCookie(reply: FastifyReply, rawId: string, secure: boolean, maxAgeSeconds: number): void {
  reply.setCookie(STAFF_COOKIE, rawId, {
    path: STAFF_PREFIX,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    signed: true,
    maxAge: maxAgeSeconds,
  });
}

export function clearStaffCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(STAFF_COOKIE, { path: STAFF_PREFIX, httpOnly: true, sameSite: 'lax', secure, signed: true });
}

export function principalOf(session: LoadedSession): Principal {
  return {
    userId: session.user.id,
    email: session.user.email,
    displayName: session.user.displayName,
    organisationId: session.user.organisationId,
    organisationCode: session.user.organisationCode,
    organisationName: session.user.organisationName,
    organisationKind: session.user.organisationKind,
    roles: new Set(session.user.roles),
    sessionIdHash: session.idHash,
  };
}

/** Adds one staff route. The only way to add a route under /staff: it names its policy, which runs before the handler. */
export function staffRoute(app: FastifyInstance, deps: StaffDeps, def: StaffRouteDef): void {
  const needs = def.session ?? 'signed_in';
  // The staff layout is rendered once per navigation and kept; each page fills in its own values (staff-shell.ts).
  const pageRender = createStaffRender(deps.render);
  const logView = def.logView ?? (def.method === 'GET' && def.scope !== undefined);
  app.route({
    method: def.method,
    url: def.url,
    // No automatic HEAD: a HEAD of a case would count as a view in the access log without showing anything.
    exposeHeadRoute: false,
    config: {
      policy: def.policy,
      staffSession: needs,
      hasScope: def.scope !== undefined,
      asksReason: def.asksReason ?? false,
      ...(def.rateLimit ? { rateLimit: def.rateLimit } : {}),
    },
    ...(def.method === 'POST' ? { preHandler: app.csrfProtection } : {}),
    // Nothing is sent (not even a header) until every access-log write the request started has been committed.
    onSend: awaitLogWrites,
    handler: async (req, reply) => {
      const session = req.staffSession;
      const staffRender = (r: FastifyReply, template: string, context: Record<string, unknown>) =>
        pageRender(r, template, {
          ...layoutContext(req, r, session && session.stage === 'signed_in' ? session : undefined, deps.config),
          ...context,
        });
      if (needs !== 'none') {
        if (!session) return signInFirst(req, reply);
        if (session.stage !== needs) {
          // A half-finished sign-in goes on to its next step; a signed-in person does not need the sign-in steps.
          return reply.redirect(session.stage === 'signed_in' ? STAFF_PREFIX : stagePath(session.stage), 303);
        }
      }
      const principal = session && session.stage === 'signed_in' ? principalOf(session) : undefined;
      let scope: CaseScope | undefined;
      if (def.scope) {
        const found = await def.scope(req);
        if (!found) return notFound(reply, staffRender);
        scope = found;
      }
      const decision: Decision =
        needs === 'none' || !principal
          ? decide(def.policy, anonymousPrincipal(session), scope)
          : decide(def.policy, principal, scope);
      if (decision.outcome === 'deny') {
        req.log.info({ policy: def.policy, user: principal?.userId, why: decision.why }, 'staff access refused');
        const explained = await def.refused?.(reply.code(403), {
          principal,
          scope,
          why: decision.why,
          render: (r, template, context) => staffRender(r.code(403), template, context),
        });
        return explained ?? forbidden(reply, staffRender);
      }
      let reason: string | null = null;
      if (decision.outcome === 'reason' && scope && principal) {
        reason = await findAccessReason(db(deps), principal, scope);
        if (reason === null && !def.asksReason) return reply.redirect(reasonUrl(scope), 303);
      }
      const logConsultation = (entry: {
        recordType: string;
        recordId?: string | null;
        reference?: string | null;
        detail?: Record<string, unknown>;
      }): Promise<void> => {
        if (!principal) return Promise.resolve();
        const started = process.hrtime.bigint();
        const write = appendAccessLog(db(deps), {
          action: 'consultation',
          recordType: entry.recordType,
          recordId: entry.recordId ?? null,
          reference: entry.reference ?? null,
          actorType: 'staff',
          actorId: principal.userId,
          organisation: principal.organisationCode,
          channel: 'staff-web',
          justification: reason,
          detail: { route: def.url, basis: decision.basis, ...entry.detail },
        }).then(() => {
          // The log write's share of the request, for the benchmark and for anyone watching the service's timings.
          reply.header('server-timing', `audit;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2)}`);
        });
        // The response waits for it (awaitLogWrites) even if the handler does not.
        (req.staffLogWrites ??= []).push(write);
        write.catch(() => {}); // reported where it is awaited (the handler, onSend), never as an unhandled rejection
        return write;
      };
      if (logView && scope) {
        // The policy has allowed it: the view's entry is written while the handler reads and renders the case, and
        // the response is held until the entry is committed (awaitLogWrites). If the write fails, the page is not sent.
        void logConsultation({ recordType: scope.recordType, recordId: scope.recordId, reference: scope.reference });
      }
      return def.handler(req, reply, {
        principal,
        session,
        scope,
        decision,
        reason,
        render: staffRender,
        logConsultation,
      });
    },
  });
}

const db = (deps: StaffDeps) => deps.db;

/**
 * Route `onSend` hook: holds the response until the access-log writes the request started are committed. A failed
 * write fails the request (the error page is sent instead of the page, and it waits for nothing more).
 */
async function awaitLogWrites(req: FastifyRequest, _reply: FastifyReply, payload: unknown): Promise<unknown> {
  const writes = req.staffLogWrites;
  if (writes?.length) {
    req.staffLogWrites = undefined;
    await Promise.all(writes);
  }
  return payload;
}

function anonymousPrincipal(session: LoadedSession | null | undefined): Principal {
  return {
    userId: session?.user.id ?? '',
    email: '',
    displayName: '',
    organisationId: '',
    organisationCode: '',
    organisationName: '',
    organisationKind: 'other',
    roles: new Set(),
    sessionIdHash: session?.idHash ?? '',
  };
}

function stagePath(stage: SessionStage): string {
  return stage === 'totp_setup' ? `${STAFF_PREFIX}/sign-in/set-up-authenticator` : `${STAFF_PREFIX}/sign-in/code`;
}

function signInFirst(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (req.method !== 'GET') return reply.redirect(`${STAFF_PREFIX}/sign-in?expired=1`, 303);
  // Only the path is kept (never a query string, which could hold search terms).
  const path = req.url.split('?')[0]!;
  const next = path === STAFF_PREFIX || !/^\/staff\/[A-Za-z0-9/_.-]{1,200}$/.test(path) ? '' : path;
  return reply.redirect(`${STAFF_PREFIX}/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`, 303);
}

export type StaffRender = (reply: FastifyReply, template: string, context: Record<string, unknown>) => FastifyReply;

export function forbidden(reply: FastifyReply, render: StaffRender): FastifyReply {
  return render(reply.code(403), 'staff/error.njk', {
    pageTitle: 'You do not have permission to see this page',
    paragraphs: [
      'Your role does not give you access to this page or this case.',
      'If you think you need access, ask your supervisor or the administrator.',
    ],
  });
}

export function notFound(reply: FastifyReply, render: StaffRender): FastifyReply {
  return render(reply.code(404), 'staff/error.njk', {
    pageTitle: 'Page not found',
    paragraphs: ['Check the reference or the web address, or go back to your home page.'],
  });
}

/** What the staff layout needs on every page. */
export function layoutContext(
  req: FastifyRequest,
  reply: FastifyReply,
  session: LoadedSession | undefined,
  config: Config,
): Record<string, unknown> {
  const principal = session ? principalOf(session) : undefined;
  const idleEndsAt = session ? new Date(session.lastSeenAt.getTime() + config.staff.idleMinutes * 60_000) : undefined;
  return {
    cspNonce: req.cspNonce,
    csrfToken: reply.generateCsrf(),
    principal,
    staffNav: principal ? staffNavigation(principal, req.url.split('?')[0]!) : [],
    session: session
      ? {
          idleMinutes: config.staff.idleMinutes,
          idleEndsAt: idleEndsAt!.toISOString(),
          absoluteEndsAt: session.expiresAt.toISOString(),
        }
      : undefined,
  };
}
