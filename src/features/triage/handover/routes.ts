import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { referralScope } from '../../../policies/case-scope.js';
import { listCouncils } from '../../postcodes/queries.js';
import { suggestCouncil } from '../../postcodes/service.js';
import { effectiveDecision, listDecisions, referralStatus } from '../decision/service.js';
import {
  answerHandover,
  currentHandover,
  listHandovers,
  offeredToCouncil,
  offerHandover,
  personPostcode,
} from './service.js';
import { WorkflowError } from '../workflow.js';
import { formErrorSummary } from '../../../forms/kit.js';
import {
  COMMENT_MAX,
  answerForm,
  handoverForm,
  handoverRows,
  offeredTable,
  parseAnswerForm,
  parseHandoverForm,
  suggestionText,
  type FormErrors,
} from '../decision/view-model.js';
import { STAFF_PREFIX, staffRoute, type StaffContext, type StaffDeps } from '../../../staff/registry.js';

const referenceOf = (req: FastifyRequest) => (req.params as { reference: string }).reference;
const caseUrl = (reference: string) => `${STAFF_PREFIX}/referrals/${reference}`;
const handoverUrl = (reference: string) => `${caseUrl(reference)}/handover`;
export const COUNCIL_HANDOVERS_URL = `${STAFF_PREFIX}/channel/handovers`;

/**
 * The hand-over of a referral that meets the threshold for Channel to the council (the officer), and the council's
 * answer (its Channel coordinators): accept, or return with a reason. The services are in src/features/triage/handover/service.ts.
 */
export function handoverRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db } = deps;
  const scope = (req: FastifyRequest) => referralScope(db, referenceOf(req));

  async function handoverPage(
    reply: FastifyReply,
    ctx: StaffContext,
    opts: { values?: Record<string, string>; errors?: FormErrors; banner?: string; problem?: string } = {},
  ) {
    const s = ctx.scope!;
    const status = await referralStatus(db, s.recordId);
    const effective = status === 'decided' ? effectiveDecision(await listDecisions(db, s.recordId)) : undefined;
    const applies = effective?.outcome === 'channel';
    const history = await listHandovers(db, s.recordId);
    const current = currentHandover(history);
    const suggestion = await suggestCouncil(db, await personPostcode(db, s.recordId));
    const suggestedId = suggestion.kind === 'council' ? suggestion.organisation.id : null;
    const councils = await listCouncils(db, { activeOnly: true });
    const errors = opts.errors ?? {};
    const values = opts.values ?? { council: suggestedId ?? '', overrideReason: '' };
    return ctx.render(Object.keys(errors).length ? reply.code(400) : reply, 'triage/handover/views/handover.njk', {
      pageTitle: `Hand over to the council – referral ${s.reference}`,
      backLink: `${caseUrl(s.reference)}/decision`,
      reference: s.reference,
      caseHref: caseUrl(s.reference),
      applies,
      canHandOver: applies && !current,
      banner: opts.banner,
      problem: opts.problem,
      suggestion: suggestionText(suggestion),
      mustChoose: suggestion.kind !== 'council',
      councils: councils.map((c) => ({
        value: c.id,
        text: c.name,
        checked: values.council === c.id,
        hint: c.id === suggestedId ? { text: 'Suggested from the postcode' } : undefined,
      })),
      history: history.map((h) => ({ title: h.organisationName, rows: handoverRows(h) })),
      values,
      errors,
      errorSummary: formErrorSummary(handoverForm([], null), errors),
      reasonMax: COMMENT_MAX,
    });
  }

  staffRoute(app, deps, {
    method: 'GET',
    url: `${STAFF_PREFIX}/referrals/:reference/handover`,
    policy: 'case.work',
    scope,
    handler(req, reply, ctx) {
      const done = (req.query as Record<string, unknown>).done;
      return handoverPage(reply, ctx, {
        banner: done === 'offered' ? 'Referral handed over: the council can now open it' : undefined,
      });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${STAFF_PREFIX}/referrals/:reference/handover`,
    policy: 'case.work',
    scope,
    async handler(req, reply, ctx) {
      const s = ctx.scope!;
      const status = await referralStatus(db, s.recordId);
      const effective = status === 'decided' ? effectiveDecision(await listDecisions(db, s.recordId)) : undefined;
      if (effective?.outcome !== 'channel') return handoverPage(reply.code(409), ctx);
      const suggestion = await suggestCouncil(db, await personPostcode(db, s.recordId));
      const suggestedId = suggestion.kind === 'council' ? suggestion.organisation.id : null;
      const councils = await listCouncils(db, { activeOnly: true });
      const parsed = parseHandoverForm(req.body, councils, suggestedId);
      if (!parsed.ok) return handoverPage(reply, ctx, { values: parsed.values, errors: parsed.errors });
      const council = councils.find((c) => c.id === parsed.value.councilId)!;
      try {
        await offerHandover(db, {
          referralId: s.recordId,
          reference: s.reference,
          principal: ctx.principal!,
          council: { id: council.id, code: council.code },
          suggestedOrganisationId: suggestedId,
          overrideReason: parsed.value.overrideReason,
        });
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return handoverPage(reply.code(409), ctx, { problem: 'The referral has already been handed over.' });
      }
      req.log.info({ user: ctx.principal!.userId, reference: s.reference, council: council.code }, 'handed over');
      return reply.redirect(`${handoverUrl(s.reference)}?done=offered`, 303);
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: COUNCIL_HANDOVERS_URL,
    policy: 'handover.list',
    async handler(req, reply, ctx) {
      const rows = await offeredToCouncil(db, ctx.principal!);
      await ctx.logConsultation({ recordType: 'handover-list', detail: { shown: rows.length } });
      const q = req.query as Record<string, unknown>;
      const returned = typeof q.returned === 'string' && /^[0-9A-Z]{8}$/.test(q.returned) ? q.returned : undefined;
      return ctx.render(reply, 'triage/handover/views/list.njk', {
        pageTitle: 'Referrals handed over to your council',
        backLink: STAFF_PREFIX,
        council: ctx.principal!.organisationName,
        banner: returned ? `Referral ${returned} returned to the Prevent team` : undefined,
        count: rows.length,
        table: offeredTable(rows),
      });
    },
  });

  async function answerPage(
    reply: FastifyReply,
    ctx: StaffContext,
    opts: { values?: Record<string, string>; errors?: FormErrors; banner?: string } = {},
  ) {
    const s = ctx.scope!;
    const history = (await listHandovers(db, s.recordId)).filter(
      (h) => h.organisationId === ctx.principal!.organisationId,
    );
    const latest = history[0];
    const errors = opts.errors ?? {};
    return ctx.render(Object.keys(errors).length ? reply.code(400) : reply, 'triage/handover/views/answer.njk', {
      pageTitle: `Accept or return the hand-over – referral ${s.reference}`,
      backLink: COUNCIL_HANDOVERS_URL,
      reference: s.reference,
      caseHref: caseUrl(s.reference),
      banner: opts.banner,
      offered: latest?.status === 'offered',
      rows: latest ? handoverRows(latest) : undefined,
      values: opts.values ?? { answer: '', reason: '' },
      errors,
      errorSummary: formErrorSummary(answerForm, errors),
      reasonMax: COMMENT_MAX,
    });
  }

  staffRoute(app, deps, {
    method: 'GET',
    url: `${STAFF_PREFIX}/referrals/:reference/handover/answer`,
    policy: 'handover.answer',
    scope,
    handler(req, reply, ctx) {
      const done = (req.query as Record<string, unknown>).done;
      return answerPage(reply, ctx, {
        banner: done === 'accepted' ? 'You accepted the referral for Channel' : undefined,
      });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${STAFF_PREFIX}/referrals/:reference/handover/answer`,
    policy: 'handover.answer',
    scope,
    async handler(req, reply, ctx) {
      const s = ctx.scope!;
      const parsed = parseAnswerForm(req.body);
      if (!parsed.ok) return answerPage(reply, ctx, { values: parsed.values, errors: parsed.errors });
      try {
        await answerHandover(db, { referralId: s.recordId, principal: ctx.principal!, ...parsed.value });
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return answerPage(reply.code(409), ctx, {});
      }
      req.log.info(
        { user: ctx.principal!.userId, reference: s.reference, answer: parsed.value.answer },
        'hand-over answered',
      );
      return parsed.value.answer === 'accept'
        ? reply.redirect(`${caseUrl(s.reference)}/handover/answer?done=accepted`, 303)
        : reply.redirect(`${COUNCIL_HANDOVERS_URL}?returned=${s.reference}`, 303);
    },
  });
}
