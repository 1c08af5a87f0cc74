import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from 'pino';
import { rootDir, type Config } from './config.js';
import type { Database } from './db/client.js';
import { activeConcernTypes, activeSectors } from './db/reference-data.js';
import { referralJourney } from './forms/referral/index.js';
import { adviceJourney } from './forms/advice/index.js';
import type { JourneyContext } from './forms/context.js';
import { JourneyService } from './features/intake/service.js';
import { cookieSecret } from './lib/secrets.js';
import { securityHeaders } from './lib/security-headers.js';
import { createViewEnvironment } from './views/nunjucks.js';
import { createRender, SlotRenderer } from './views/render.js';
import { journeyRoutes } from './features/intake/routes.js';
import { publicRoutes } from './features/site/routes.js';
import { frameworkErrorPage, registerErrorHandlers } from './http/errors.js';
import { healthRoutes } from './http/health.js';
import { registerStaffRoutes } from './features/staff-routes.js';
import { referrerRoutes } from './features/triage/recontact/referrer-routes.js';
import { withoutNul } from './lib/form-body.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Hands committed outbox messages to the worker (a no-op when none runs: the sweep delivers them later). */
    notifyOutbox(ids: string[]): void;
  }
}

export interface AppDeps {
  config: Config;
  database: Database;
  /** A pino logger, or false for none (benchmarks). */
  logger?: Logger | false;
  notify?: (ids: string[]) => Promise<void>;
}

/** The largest form body accepted: a few fields of the most generous size, with room for hostile input to be refused kindly. */
export const BODY_LIMIT = 2 * 1024 * 1024;
/** The most fields one form post may carry (the longest page has about 10). */
const MAX_FIELDS = 200;

/** govuk-frontend's one inline script (it marks <body> as JS-enabled): allowed by its hash, so no page needs a nonce. */
function inlineScriptHash(): string {
  const template = readFileSync(path.join(rootDir, 'node_modules/govuk-frontend/dist/govuk/template.njk'), 'utf8');
  const match = /<script[^>]*>([\s\S]*?)<\/script>/.exec(template);
  if (!match) throw new Error('govuk-frontend template has no inline script: update the CSP');
  return `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`;
}

/** Builds the whole application. Tests build it exactly as production does. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database } = deps;
  const isProd = config.env === 'production';
  const opts: FastifyServerOptions = {
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 100 },
    return503OnClosing: true,
  };
  const env = createViewEnvironment(config.site);
  const render = createRender(env);
  opts.frameworkErrors = frameworkErrorPage(render);
  const app: FastifyInstance = deps.logger
    ? Fastify({ ...opts, loggerInstance: deps.logger as unknown as FastifyBaseLogger })
    : Fastify({ ...opts, logger: false });

  const notify = deps.notify;
  app.decorate('notifyOutbox', (ids: string[]) => {
    if (notify && ids.length)
      notify(ids).catch((err: Error) =>
        app.log.warn({ err: { message: err.message } }, 'outbox hand-over failed; the sweep will deliver'),
      );
  });

  const headers = securityHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", inlineScriptHash()],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: isProd ? [] : null,
      },
    },
    hsts: { maxAge: 31536000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
  await app.register(cookie, { secret: cookieSecret(config.cookieSecret, config.dataDir) });
  // Only HTML form posts are read: JSON, text and anything else get a 415 page (a smaller surface for hostile input).
  app.removeAllContentTypeParsers();
  await app.register(formbody, {
    bodyLimit: BODY_LIMIT,
    parser: (body: string) => withoutNul(parseQuery(body, '&', '=', { maxKeys: MAX_FIELDS })),
  });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'prevent_csrf',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: isProd, signed: true },
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      return typeof body?._csrf === 'string' ? body._csrf : undefined;
    },
  });
  await app.register(rateLimit, { global: false });
  await app.register(fastifyStatic, {
    root: path.join(rootDir, 'public'),
    prefix: '/assets/',
    maxAge: '1h',
    index: false,
  });

  const ctx: JourneyContext = {
    concernTypes: await activeConcernTypes(database.db),
    sectors: await activeSectors(database.db),
    site: config.site,
  };
  const submitDeps = {
    site: config.site,
    baseUrl: config.baseUrl,
    teamInbox: config.teamInbox,
    messageDomain: /@([^>\s]+)/.exec(config.mailFrom)?.[1] ?? 'localhost',
    addInformationDays: config.recontact.addInformationDays,
  };
  const rate = { max: config.rateLimitPublicPost, timeWindow: '1 minute' };
  const ttl = config.site.retention.draftHours;
  const slots = new SlotRenderer(env);
  // Error pages first: a route takes the error handler in force when it is built, and awaiting a plugin (the staff
  // area's upload scope) builds the routes added before it.
  registerErrorHandlers(app, render);
  for (const journey of [referralJourney(ctx), adviceJourney(ctx)]) {
    const service = new JourneyService(database.db, journey, ttl, submitDeps);
    journeyRoutes(app, { service, db: database.db, render, slots, secureCookies: isProd, rateLimit: rate });
  }
  publicRoutes(app, {
    env,
    render,
    site: config.site,
    choices: { concernTypes: ctx.concernTypes.map((c) => c.label), sectors: ctx.sectors.map((s) => s.label) },
  });
  referrerRoutes(app, { db: database.db, render, site: config.site, rateLimit: rate });
  await registerStaffRoutes(app, { db: database.db, render, config, secureCookies: isProd });
  healthRoutes(app, database);
  return app;
}
