import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CHECK } from '../../forms/journey.js';
import { readDraftIds, writeDraftIds } from './draft-cookie.js';
import type { JourneyService } from './service.js';
import { confirmationFacts } from './queries/submissions.js';
import type { Db } from '../../db/client.js';
import { questionViewModel } from './view-models/question.js';
import { checkAnswersSections } from './view-models/check-answers.js';
import { messages } from '../../messages.js';
import type { Render, SlotRenderer } from '../../views/render.js';
import { pageChoiceKey as choiceKey } from './view-models/question.js';

interface JourneyRouteDeps {
  service: JourneyService;
  db: Db;
  render: Render;
  slots: SlotRenderer;
  secureCookies: boolean;
  rateLimit: { max: number; timeWindow: string };
}

type Body = Record<string, unknown>;
const SLUG = /^[a-z0-9-]{1,40}$/;

/** The routes of one public journey (referral or advice). Thin: parse, call the service, render or redirect. */
export function journeyRoutes(app: FastifyInstance, deps: JourneyRouteDeps): void {
  const { service, render } = deps;
  const { basePath, kind } = service.journey;
  const nav = kind === 'referral' ? '/refer' : '/advice';
  const post = { preHandler: app.csrfProtection, config: { rateLimit: deps.rateLimit } };

  const draftId = (req: FastifyRequest) => readDraftIds(req)[kind];
  const common = (reply: FastifyReply, extra: Record<string, unknown>) => ({
    kind,
    basePath,
    activeNav: nav,
    csrfToken: reply.generateCsrf(),
    ...extra,
  });
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');
  const go = (reply: FastifyReply, slug: string) => reply.redirect(`${basePath}/${slug}`, 303);
  const expired = (reply: FastifyReply) =>
    render(
      noStore(reply),
      'intake/views/expired.njk',
      common(reply, { pageTitle: 'Your answers have been deleted', message: messages.draftExpired }),
    );

  app.get(basePath, (_req, reply) =>
    render(noStore(reply), 'intake/views/start.njk', common(reply, { pageTitle: service.journey.name })),
  );

  app.post(`${basePath}/start`, post, async (req, reply) => {
    const draft = await service.start(draftId(req));
    writeDraftIds(reply, { ...readDraftIds(req), [kind]: draft.id }, deps.secureCookies);
    return draft.submittedReference ? go(reply, 'confirmation') : go(reply, service.firstOpen(draft));
  });

  app.post(`${basePath}/start-again`, post, async (req, reply) => {
    const draft = await service.startAgain();
    writeDraftIds(reply, { ...readDraftIds(req), [kind]: draft.id }, deps.secureCookies);
    return go(reply, service.firstOpen(draft));
  });

  app.post(`${basePath}/keep-alive`, post, async (req, reply) => {
    const draft = await service.load(draftId(req));
    if (!draft || draft.submittedReference) return expired(reply);
    await service.keepAlive(draft);
    const returnTo = (req.body as Body | undefined)?.returnTo;
    const slug = typeof returnTo === 'string' && SLUG.test(returnTo) ? returnTo : service.firstOpen(draft);
    return go(reply, slug);
  });

  app.get(`${basePath}/resume`, async (req, reply) => {
    const draft = await service.load(draftId(req));
    if (!draft) return reply.redirect(basePath, 303);
    return draft.submittedReference ? go(reply, 'confirmation') : go(reply, service.firstOpen(draft));
  });

  app.get(`${basePath}/delete`, async (req, reply) => {
    return render(noStore(reply), 'intake/views/delete.njk', common(reply, { pageTitle: 'Delete your answers' }));
  });

  app.post(`${basePath}/delete`, post, async (req, reply) => {
    const draft = await service.load(draftId(req));
    if (draft && !draft.submittedReference) await service.remove(draft);
    const ids = readDraftIds(req);
    delete ids[kind];
    writeDraftIds(reply, ids, deps.secureCookies);
    return reply.redirect('/', 303);
  });

  app.get(`${basePath}/confirmation`, async (req, reply) => {
    const draft = await service.load(draftId(req));
    if (!draft?.submittedReference) return draft ? go(reply, service.firstOpen(draft)) : expired(reply);
    const facts = await confirmationFacts(deps.db, kind, draft.submittedReference);
    return render(
      noStore(reply),
      'intake/views/confirmation.njk',
      common(reply, {
        pageTitle: kind === 'referral' ? 'Referral sent' : 'Request for advice sent',
        reference: draft.submittedReference,
        ...facts,
      }),
    );
  });

  app.get(`${basePath}/${CHECK}`, async (req, reply) => {
    const draft = await service.load(draftId(req));
    if (!draft) return expired(reply);
    if (draft.submittedReference) return alreadySent(reply, draft.submittedReference);
    if (!service.canVisit(draft, CHECK)) return go(reply, service.firstOpen(draft));
    const sections = checkAnswersSections(service.journey, service.path(draft), draft.answers.values);
    const back = service.previous(draft, CHECK);
    return render(
      noStore(reply),
      'intake/views/check-answers.njk',
      common(reply, {
        pageTitle: 'Check your answers before sending',
        sections,
        backLink: back ? `${basePath}/${back}` : undefined,
        expiresAt: draft.expiresAt.toISOString(),
        returnTo: CHECK,
      }),
    );
  });

  app.post(`${basePath}/${CHECK}`, post, async (req, reply) => {
    const id = draftId(req);
    if (!id) return expired(reply);
    const result = await service.submit(id); // reads the draft itself: one read, one write
    switch (result.status) {
      case 'submitted':
        app.notifyOutbox(result.outboxIds);
        return go(reply, 'confirmation');
      case 'already-submitted':
        return go(reply, 'confirmation');
      case 'incomplete':
        return go(reply, result.slug);
      case 'expired':
        return expired(reply);
    }
  });

  function alreadySent(reply: FastifyReply, reference: string) {
    return render(
      noStore(reply),
      'intake/views/already-sent.njk',
      common(reply, { pageTitle: 'You have already sent this', reference }),
    );
  }

  app.get<{ Params: { slug: string }; Querystring: { change?: string } }>(`${basePath}/:slug`, async (req, reply) => {
    const { slug } = req.params;
    const stop = service.journey.stops.get(slug);
    const page = service.page(slug);
    if (!page && !stop) return reply.callNotFound();
    const draft = await service.load(draftId(req));
    if (!draft) return expired(reply);
    if (draft.submittedReference) return alreadySent(reply, draft.submittedReference);
    if (!service.canVisit(draft, slug)) return go(reply, service.firstOpen(draft));
    const previous = service.previous(draft, slug);
    if (stop) {
      return render(
        noStore(reply),
        stop.template,
        common(reply, { pageTitle: stop.title, backLink: `${basePath}/${previous ?? service.journey.firstSlug}` }),
      );
    }
    const change = req.query.change === '1';
    const backLink = change ? `${basePath}/${CHECK}` : previous ? `${basePath}/${previous}` : basePath;
    const values = draft.answers.values;
    const slots = { csrfToken: reply.generateCsrf(), expiresAt: draft.expiresAt.toISOString() };
    const choices = choiceKey(page!, values);
    const vm = () => questionViewModel(service.journey, page!, values, {}, { backLink, change });
    if (choices !== undefined) {
      // Nothing typed shows on this page: render it once per combination of choices, then fill in the token and time.
      const key = `${kind}|${slug}|${backLink}|${change}|${choices}`;
      return deps.slots.render(
        noStore(reply),
        'intake/views/question.njk',
        key,
        () => {
          const model = vm();
          return { kind, basePath, activeNav: nav, vm: model, pageTitle: model.pageTitle, returnTo: slug };
        },
        slots,
      );
    }
    const model = vm();
    return render(noStore(reply), 'intake/views/question.njk', {
      kind,
      basePath,
      activeNav: nav,
      ...slots,
      vm: model,
      pageTitle: model.pageTitle,
      returnTo: slug,
    });
  });

  app.post<{ Params: { slug: string }; Querystring: { change?: string } }>(
    `${basePath}/:slug`,
    post,
    async (req, reply) => {
      const page = service.page(req.params.slug);
      if (!page) return reply.callNotFound();
      const draft = await service.load(draftId(req));
      if (!draft) return expired(reply);
      if (draft.submittedReference) return alreadySent(reply, draft.submittedReference);
      if (!service.canVisit(draft, page.slug)) return go(reply, service.firstOpen(draft));
      const change = req.query.change === '1';
      const body = (req.body ?? {}) as Body;
      const outcome = await service.answer(draft, page, body, change);
      if (outcome.kind === 'gone') return expired(reply);
      if (outcome.kind === 'next') return go(reply, outcome.slug);
      const previous = service.previous(draft, page.slug);
      const vm = questionViewModel(service.journey, page, outcome.values, outcome.errors, {
        backLink: change ? `${basePath}/${CHECK}` : previous ? `${basePath}/${previous}` : basePath,
        change,
      });
      return render(noStore(reply.code(400)), 'intake/views/question.njk', {
        ...common(reply, {
          vm,
          pageTitle: vm.pageTitle,
          expiresAt: draft.expiresAt.toISOString(),
          returnTo: page.slug,
        }),
        errorSummary: vm.errorSummary,
      });
    },
  );
}
