import type { FastifyInstance } from 'fastify';
import { endSession } from '../../staff/sessions.js';
import { homeSections } from '../../policies/index.js';
import { staffHomeSections } from './view-model.js';
import { intakeCounts } from '../cases/queries/intake.js';
import { clearStaffCookie, STAFF_PREFIX, staffRoute, type StaffDeps } from '../../staff/registry.js';

/** The staff home page (one per role), sign-out, "Hide screen" and keeping a session alive. */
export function homeRoutes(app: FastifyInstance, deps: StaffDeps): void {
  staffRoute(app, deps, {
    method: 'GET',
    url: STAFF_PREFIX,
    policy: 'staff.home',
    async handler(_req, reply, { principal, render }) {
      const sections = homeSections(principal!);
      const counts = sections.includes('intake') ? await intakeCounts(deps.db) : undefined;
      return render(reply, 'staff-home/views/home.njk', {
        pageTitle: 'Home',
        sections: staffHomeSections(sections, counts),
      });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${STAFF_PREFIX}/sign-out`,
    policy: 'account.self',
    async handler(req, reply, { session }) {
      await endSession(deps.db, session!.idHash, 'signed-out');
      clearStaffCookie(reply, deps.secureCookies);
      req.log.info({ user: session!.user.id }, 'staff signed out');
      return reply.redirect(`${STAFF_PREFIX}/signed-out`, 303);
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${STAFF_PREFIX}/signed-out`,
    policy: 'public.signIn',
    session: 'none',
    handler(_req, reply, { render }) {
      return render(reply, 'staff-home/views/signed-out.njk', { pageTitle: 'You have signed out' });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${STAFF_PREFIX}/session/keep-alive`,
    policy: 'account.self',
    handler(req, reply) {
      // The session hook has already counted this request as activity; go back to the page the person was on.
      const back = safeStaffPath(req.headers.referer, deps.config.baseUrl);
      return reply.redirect(back, 303);
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${STAFF_PREFIX}/screen-hidden`,
    policy: 'public.signIn',
    session: 'none',
    handler(req, reply, { render }) {
      return render(reply, 'staff-home/views/screen-hidden.njk', {
        pageTitle: 'Screen hidden',
        returnTo: safeStaffPath(req.headers.referer, deps.config.baseUrl),
      });
    },
  });
}

/** A path under /staff taken from a Referer header of our own origin (never a query string); /staff otherwise. */
export function safeStaffPath(referer: string | undefined, baseUrl: string): string {
  if (!referer) return STAFF_PREFIX;
  try {
    const url = new URL(referer, baseUrl);
    const base = new URL(baseUrl);
    if (url.host !== base.host && url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') return STAFF_PREFIX;
    return /^\/staff(\/[A-Za-z0-9/_.-]{0,200})?$/.test(url.pathname) ? url.pathname : STAFF_PREFIX;
  } catch {
    return STAFF_PREFIX;
  }
}
