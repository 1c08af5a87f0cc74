import type { FastifyError, FastifyInstance } from 'fastify';
import type { Render } from '../views/render.js';

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

function pageFor(err: FastifyError): ErrorPage {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return PAGES.tooLarge!;
  if (err.code?.startsWith('FST_CSRF')) return PAGES.csrf!;
  if (err.statusCode === 429) return PAGES.tooMany!;
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return PAGES.badRequest!;
  return PAGES.server!;
}

/** Errors become GOV.UK-style pages; the log gets the error's kind and message, never the request body. */
export function registerErrorHandlers(app: FastifyInstance, render: Render): void {
  app.setNotFoundHandler((_req, reply) => {
    const p = PAGES.notFound!;
    return render(reply.code(p.status), 'errors/error.njk', { pageTitle: p.title, paragraphs: p.paragraphs });
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const p = pageFor(err);
    if (p.status >= 500)
      req.log.error(
        { err: { type: err.name, message: err.message, code: err.code, stack: err.stack } },
        'request failed',
      );
    else req.log.info({ code: err.code, status: p.status }, 'request refused');
    const headers = (err as FastifyError & { headers?: Record<string, string> }).headers;
    if (err.statusCode === 429 && headers) reply.headers(headers);
    return render(reply.code(p.status).header('cache-control', 'no-store'), 'errors/error.njk', {
      pageTitle: p.title,
      paragraphs: p.paragraphs,
    });
  });
}
