import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Render } from '../views/render.js';
import { safeError } from '../lib/logger.js';

interface ErrorPage {
  status: number;
  title: string;
  paragraphs: string[];
}

const PAGES: Record<string, ErrorPage> = {
  notFound: {
    status: 404,
    title: 'Page not found',
    paragraphs: [
      'If you typed the web address, check it is correct.',
      'If you pasted the web address, check you copied the entire address.',
    ],
  },
  tooLarge: {
    status: 413,
    title: 'What you sent was too long',
    paragraphs: ['Go back and shorten your answer. Each answer box shows how many characters it takes.'],
  },
  csrf: {
    status: 403,
    title: 'Sorry, we could not save that',
    paragraphs: [
      'This can happen if the form was open for a long time, or cookies are switched off in your browser.',
      'Go back, refresh the page and try again. Your saved answers have not been lost.',
    ],
  },
  tooMany: {
    status: 429,
    title: 'Too many attempts',
    paragraphs: ['You have sent the form too many times in a short time. Wait a minute, then try again.'],
  },
  badRequest: { status: 400, title: 'Sorry, we could not read what you sent', paragraphs: ['Go back and try again.'] },
  server: {
    status: 500,
    title: 'Sorry, there is a problem with the service',
    paragraphs: ['Try again later. Your saved answers have not been lost.'],
  },
};

export function pageFor(err: FastifyError): ErrorPage {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return PAGES.tooLarge!;
  if (err.code?.startsWith('FST_CSRF')) return PAGES.csrf!;
  if (err.statusCode === 429) return PAGES.tooMany!;
  // Keeps the precise status (415 for a body type we do not read, 400 for one we cannot parse) with the same kind page.
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
    return { ...PAGES.badRequest!, status: err.statusCode };
  return PAGES.server!;
}

/** Errors become GOV.UK-style pages; the log gets the error's kind and codes, never its message or the request body. */
export function registerErrorHandlers(app: FastifyInstance, render: Render): void {
  app.setNotFoundHandler((_req, reply) => {
    const p = PAGES.notFound!;
    return render(reply.code(p.status), 'errors/error.njk', { pageTitle: p.title, paragraphs: p.paragraphs });
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const p = pageFor(err);
    if (p.status >= 500) req.log.error({ err: safeError(err) }, 'request failed');
    else req.log.info({ code: err.code, status: p.status }, 'request refused');
    const headers = (err as FastifyError & { headers?: Record<string, string> }).headers;
    if (err.statusCode === 429 && headers) reply.headers(headers);
    return render(reply.code(p.status).header('cache-control', 'no-store'), 'errors/error.njk', {
      pageTitle: p.title,
      paragraphs: p.paragraphs,
    });
  });
}

/** The strictest headers for a page sent before any hook ran (Fastify's own refusals of unreadable addresses). */
const FRAMEWORK_ERROR_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * For Fastify's `frameworkErrors` option: an address that is not UTF-8, or a path segment too long, is refused before
 * routing. It still gets our HTML page (never Fastify's JSON, which echoes the address).
 */
export function frameworkErrorPage(render: Render) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const p = pageFor(err);
    req.log.info({ code: err.code, status: p.status }, 'request refused');
    return render(reply.code(p.status).headers(FRAMEWORK_ERROR_HEADERS), 'errors/error.njk', {
      pageTitle: p.title,
      paragraphs: p.paragraphs,
    });
  };
}
