import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formErrorSummary } from '../../../forms/kit.js';
import type { Site } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import { answerLink, lookupLink, REFERRER_PATH } from './service.js';
import { ANSWER_MAX, brokenLinkPage, paragraphs, answerForm, parseAnswerBody, type BrokenLink } from './view-model.js';
import type { Render } from '../../../views/render.js';

interface ReferrerDeps {
  db: Db;
  render: Render;
  site: Site;
  rateLimit: { max: number; timeWindow: string };
}

const PAGE = `${REFERRER_PATH}/:token`;
const SENT = `${REFERRER_PATH}/sent`;

/**
 * The referrer's page behind the link in our e-mail (no account): the officer's question, or "add information", and a
 * box to answer once. A link that no longer works gets a page that says so and what to do instead, and nothing else.
 */
export function referrerRoutes(app: FastifyInstance, deps: ReferrerDeps): void {
  const { db, render, site } = deps;
  const tokenOf = (req: FastifyRequest) => (req.params as { token: string }).token;
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  const broken = (reply: FastifyReply, state: BrokenLink) => {
    const page = brokenLinkPage(state, site);
    return render(noStore(reply.code(page.status)), 'triage/recontact/views/referrer-broken.njk', {
      pageTitle: page.title,
      paragraphs: page.paragraphs,
    });
  };

  const form = (
    reply: FastifyReply,
    link: { purpose: 'question' | 'add_information'; question?: string | null | undefined },
    values: { answer: string },
    errors: Record<string, string> = {},
  ) => {
    const asking = link.purpose === 'question';
    const errorSummary = formErrorSummary(answerForm, errors);
    return render(
      noStore(errorSummary.length ? reply.code(400) : reply),
      'triage/recontact/views/referrer-answer.njk',
      {
        pageTitle: asking
          ? 'The Prevent team would like more information'
          : 'Tell us anything you would like to add to your referral',
        asking,
        question: paragraphs(link.question),
        answer: values.answer,
        error: errors.answer,
        errorSummary,
        maxLength: ANSWER_MAX,
        csrfToken: reply.generateCsrf(),
      },
    );
  };

  app.get(SENT, (_req, reply) =>
    render(noStore(reply), 'triage/recontact/views/referrer-sent.njk', {
      pageTitle: 'We have received your information',
    }),
  );

  app.get(PAGE, async (req, reply) => {
    const link = await lookupLink(db, tokenOf(req));
    if (link.state !== 'open') return broken(reply, link.state);
    return form(reply, { purpose: link.purpose!, question: link.question }, { answer: '' });
  });

  app.post(PAGE, { preHandler: app.csrfProtection, config: { rateLimit: deps.rateLimit } }, async (req, reply) => {
    const token = tokenOf(req);
    const parsed = parseAnswerBody(req.body);
    if (!parsed.ok) {
      const link = await lookupLink(db, token);
      if (link.state !== 'open') return broken(reply, link.state);
      return form(reply, { purpose: link.purpose!, question: link.question }, parsed.values, parsed.errors);
    }
    const result = await answerLink(db, token, parsed.value);
    if (result.state !== 'done') return broken(reply, result.state);
    req.log.info({ referralId: result.referralId }, 'referrer answered through a link');
    return reply.redirect(SENT, 303);
  });
}
