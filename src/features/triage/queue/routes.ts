import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { adviceScope, referralScope } from '../../../policies/case-scope.js';
import { staffDisplayName } from '../../cases/queries/cases.js';
import { activeConcernTypes } from '../../../db/reference-data.js';
import { londonDate } from '../../../lib/dates.js';
import { messages } from '../../../messages.js';
import { decide, listAccess, type CaseScope } from '../../../policies/index.js';
import { CASE_ALIASES } from '../../../db/case-aliases.js';
import {
  assignAdvice,
  closeAdvice,
  findAdviceContact,
  personalDataInReply,
  replyToAdvice,
  type AdviceContact,
} from './advice-reply.js';
import { adviceWorkload, bankHolidayDays, referralWorkload, staffNames, triageQueue } from './service.js';
import { referralStatus as findReferralStatus } from './queries/reopen.js';
import {
  assignReferral,
  listPreventOfficers,
  reopenReferral,
  takeAdvice,
  takeReferral,
  WorkflowError,
} from '../workflow.js';
import { caseHref } from '../../cases/view-models/intake.js';
import {
  anyFilter,
  filterSelects,
  filtersForLog,
  parseAssignBody,
  parseQueueQuery,
  parseReopenBody,
  parseReplyBody,
  queueBanner,
  queueCountText,
  queueFilters,
  queuePagination,
  queueHref,
  queueTable,
  QUEUE_PAGE_SIZE,
  QUEUE_URL,
  REASON_MAX,
  REOPEN_MIN,
  REPLY_MAX,
  summaryOf,
  workloadTable,
  WORKLOAD_URL,
} from './view-model.js';
import { notFound, STAFF_PREFIX, staffRoute, type StaffContext, type StaffDeps } from '../../../staff/registry.js';

const M = messages.triageQueue;
const T = 'triage/queue/views';
const referenceOf = (req: FastifyRequest) => (req.params as { reference: string }).reference;
type Kind = 'referral' | 'advice';
const segment = (kind: Kind) => (kind === 'referral' ? 'referrals' : 'advice');
const kindLabel = (kind: Kind) => (kind === 'referral' ? 'Referral' : 'Advice request');

/**
 * The Prevent team's triage queue (referrals not yet decided, advice requests not yet answered), taking work from it,
 * assignment by a supervisor, the supervisor's workload view, reopening a decided referral, and answering advice
 * requests. Every POST changes the case and writes its chronology entry in one transaction, then redirects (PRG).
 */
export function triageQueueRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db } = deps;
  const messageDomain = /@([^>\s]+)/.exec(deps.config.mailFrom)?.[1] ?? 'localhost';
  const scopeByReference = (kind: Kind, reference: string) =>
    kind === 'referral' ? referralScope(db, reference) : adviceScope(db, reference);
  const scopeOf = (kind: Kind) => (req: FastifyRequest) => scopeByReference(kind, referenceOf(req));

  // ---------------------------------------------------------------------------------------------- the queue
  staffRoute(app, deps, {
    method: 'GET',
    url: QUEUE_URL,
    policy: 'triage.queue',
    async handler(req, reply, { principal, render, logConsultation }) {
      const query = req.query as Record<string, unknown>;
      const parsed = parseQueueQuery(query);
      if (!parsed) return notFound(reply, render);
      const { form, page } = parsed;
      const today = londonDate(new Date());
      const [result, officers, concernTypes, holidays] = await Promise.all([
        triageQueue(db, listAccess('triage.queue', principal!, CASE_ALIASES), queueFilters(form, principal!.userId), {
          page,
          perPage: QUEUE_PAGE_SIZE,
          today,
        }),
        listPreventOfficers(db),
        activeConcernTypes(db),
        bankHolidayDays(db),
      ]);
      const pages = Math.max(1, Math.ceil(result.total / QUEUE_PAGE_SIZE));
      if (page > pages) return reply.redirect(queueHref(form, pages), 303);
      // A list of references and states, not a view of any one case; one entry per page seen, with the filters.
      await logConsultation({
        recordType: 'triage_queue',
        detail: {
          filters: filtersForLog(form),
          page,
          shown: result.items.length,
          total: result.total,
          ...(result.more ? { more: true } : {}),
        },
      });
      const banner = await bannerFor(query);
      const canAssign = decide('triage.assign', principal!).outcome === 'allow';
      return render(reply, `${T}/queue.njk`, {
        pageTitle: pages > 1 ? `Triage queue (page ${page} of ${pages})` : 'Triage queue',
        banner,
        countText: queueCountText(result.total, page, result.items.length, anyFilter(form), result.more),
        table: queueTable(result.items, today, holidays, { canAssign }),
        selects: filterSelects(form, officers, concernTypes),
        filtered: anyFilter(form),
        page,
        pages,
        paginationParams: queuePagination(form, page, pages),
        workloadHref: canAssign ? WORKLOAD_URL : undefined,
      });
    },
  });

  /** The banner after an action names the officer a case went to (looked up: names never travel in the URL). */
  async function bannerFor(query: Record<string, unknown>): Promise<string | undefined> {
    const ref = typeof query.ref === 'string' ? query.ref : '';
    let officer: string | null = null;
    if (query.done === 'assigned' || query.done === 'advice-assigned') {
      const scope = query.done === 'assigned' ? await referralScope(db, ref) : await adviceScope(db, ref);
      officer = scope?.assignedOfficerId ? await staffDisplayName(db, scope.assignedOfficerId) : null;
    }
    return queueBanner(query, officer);
  }

  // ---------------------------------------------------------------------------------------------- workload
  staffRoute(app, deps, {
    method: 'GET',
    url: WORKLOAD_URL,
    policy: 'triage.assign',
    async handler(_req, reply, { render, logConsultation }) {
      const today = londonDate(new Date());
      const [rows, advice, officers] = await Promise.all([
        referralWorkload(db, today),
        adviceWorkload(db),
        listPreventOfficers(db),
      ]);
      const known = new Set(officers.map((o) => o.id));
      const others = [...new Set([...rows.map((r) => r.officerId), ...advice.keys()])].filter(
        (id): id is string => id !== null && !known.has(id),
      );
      await logConsultation({ recordType: 'triage_workload', detail: { officers: officers.length } });
      return render(reply, `${T}/workload.njk`, {
        pageTitle: 'Workload by officer',
        backLink: QUEUE_URL,
        table: workloadTable(rows, advice, officers, await staffNames(db, others), today),
      });
    },
  });

  for (const kind of ['referral', 'advice'] as const) {
    const base = `${STAFF_PREFIX}/${segment(kind)}/:reference`;

    // -------------------------------------------------------------------------------------------- take
    staffRoute(app, deps, {
      method: 'POST',
      url: `${base}/take`,
      policy: 'case.take',
      scope: scopeOf(kind),
      refused: (reply, { principal, scope, why, render }) =>
        why === 'already assigned' ? alreadyTaken(reply, { principal, scope, render }, kind) : undefined,
      async handler(req, reply, ctx) {
        const scope = ctx.scope!;
        // The queue's form says what it does; a POST without it (a stray or replayed request) changes nothing.
        if ((req.body as Record<string, unknown> | undefined)?.confirm !== 'take') {
          return reply.redirect(QUEUE_URL, 303);
        }
        try {
          if (kind === 'referral') await takeReferral(db, ctx.principal!.userId, scope.recordId);
          else await takeAdvice(db, ctx.principal!.userId, scope.recordId);
        } catch (err) {
          if (err instanceof WorkflowError && err.code === 'already_assigned') return alreadyTaken(reply, ctx, kind);
          throw err;
        }
        req.log.info({ user: ctx.principal!.userId, reference: scope.reference }, 'case taken from the queue');
        return reply.redirect(caseHref(kind, scope.reference), 303);
      },
    });

    // -------------------------------------------------------------------------------------------- assign
    const assignPage = async (
      reply: FastifyReply,
      ctx: StaffContext,
      form: { officerId: string; reason: string; errors: Record<string, string> },
    ) => {
      const scope = ctx.scope!;
      const officers = await listPreventOfficers(db);
      const current = scope.assignedOfficerId;
      const currentName = current ? await staffDisplayName(db, current) : null;
      const failed = Object.keys(form.errors).length > 0;
      return ctx.render(failed ? reply.code(400) : reply, `${T}/assign.njk`, {
        pageTitle: `${current ? 'Reassign' : 'Assign'} ${kindLabel(kind).toLowerCase()} ${scope.reference}`,
        backLink: QUEUE_URL,
        caption: `${kindLabel(kind)} ${scope.reference}`,
        heading: current ? 'Reassign to another officer' : 'Assign to an officer',
        currentName,
        reassigning: current !== null,
        formAction: `${STAFF_PREFIX}/${segment(kind)}/${scope.reference}/assign`,
        officerItems: officers.map((o) => ({
          value: o.id,
          text: o.id === current ? `${o.displayName} (has it now)` : o.displayName,
          checked: o.id === form.officerId,
        })),
        reason: form.reason,
        reasonMax: REASON_MAX,
        errors: form.errors,
        errorSummary: failed ? summaryOf(form.errors, ['officer', 'reason']) : undefined,
      });
    };

    staffRoute(app, deps, {
      method: 'GET',
      url: `${base}/assign`,
      policy: 'triage.assign',
      scope: scopeOf(kind),
      handler(_req, reply, ctx) {
        return assignPage(reply, ctx, { officerId: ctx.scope!.assignedOfficerId ?? '', reason: '', errors: {} });
      },
    });

    staffRoute(app, deps, {
      method: 'POST',
      url: `${base}/assign`,
      policy: 'triage.assign',
      scope: scopeOf(kind),
      async handler(req, reply, ctx) {
        const scope = ctx.scope!;
        const officers = await listPreventOfficers(db);
        const parsed = parseAssignBody(req.body, {
          officerIds: officers.map((o) => o.id),
          currentOfficerId: scope.assignedOfficerId,
        });
        if (!parsed.ok) return assignPage(reply, ctx, parsed);
        try {
          if (kind === 'referral') {
            await assignReferral(db, ctx.principal!.userId, scope.recordId, parsed.officerId, parsed.reason);
          } else {
            await assignAdvice(db, ctx.principal!.userId, scope.recordId, parsed.officerId, parsed.reason);
          }
        } catch (err) {
          if (!(err instanceof WorkflowError)) throw err;
          // Someone assigned it meanwhile (a reason is now needed), or the officer left the team: say so on the form.
          const errors: Record<string, string> =
            err.code === 'reason_required'
              ? { reason: M.reassignReasonMissing }
              : err.code === 'not_an_officer'
                ? { officer: M.officerUnknown }
                : { officer: err.message };
          const fresh = (await scopeByReference(kind, scope.reference)) ?? scope;
          return assignPage(
            reply,
            { ...ctx, scope: fresh },
            { officerId: parsed.officerId, reason: parsed.reason ?? '', errors },
          );
        }
        req.log.info({ user: ctx.principal!.userId, reference: scope.reference }, 'case assigned');
        const done = kind === 'referral' ? 'assigned' : 'advice-assigned';
        return reply.redirect(`${QUEUE_URL}?done=${done}&ref=${scope.reference}`, 303);
      },
    });
  }

  /**
   * The case is already assigned: taken a moment before (409, from the workflow's lock) or long before (403, from the
   * policy's refusal). Only ever shown to the Prevent team, who may know who holds a case.
   */
  async function alreadyTaken(
    reply: FastifyReply,
    ctx: Pick<StaffContext, 'principal' | 'scope' | 'render'>,
    kind: Kind,
  ): Promise<FastifyReply> {
    const scope = (await scopeByReference(kind, ctx.scope!.reference)) ?? ctx.scope!;
    const officerName = scope.assignedOfficerId ? await staffDisplayName(db, scope.assignedOfficerId) : null;
    const mine = scope.assignedOfficerId === ctx.principal?.userId;
    const what = kindLabel(kind).toLowerCase();
    const justNow = reply.statusCode !== 403;
    return ctx.render(justNow ? reply.code(409) : reply, `${T}/taken.njk`, {
      justNow,
      pageTitle: mine ? M.alreadyYours(what) : M.alreadyTaken(what),
      backLink: QUEUE_URL,
      caption: `${kindLabel(kind)} ${scope.reference}`,
      officerName,
      mine,
      caseHref: caseHref(kind, scope.reference),
      queueHref: QUEUE_URL,
    });
  }

  // ------------------------------------------------------------------------------------------------ reopen
  const reopenUrl = `${STAFF_PREFIX}/referrals/:reference/reopen`;
  const reopenPage = async (reply: FastifyReply, ctx: StaffContext, form: { reason: string; error?: string }) => {
    const scope = ctx.scope!;
    const status = await referralStatus(scope);
    return ctx.render(form.error ? reply.code(400) : reply, `${T}/reopen.njk`, {
      pageTitle: `Reopen referral ${scope.reference}`,
      backLink: caseHref('referral', scope.reference),
      caption: `Referral ${scope.reference}`,
      decided: status === 'decided',
      notDecided: M.notDecided,
      caseHref: caseHref('referral', scope.reference),
      formAction: `${STAFF_PREFIX}/referrals/${scope.reference}/reopen`,
      reason: form.reason,
      reasonMax: REASON_MAX,
      minLength: REOPEN_MIN,
      error: form.error,
      errorSummary: form.error ? [{ text: form.error, href: '#reason' }] : undefined,
    });
  };
  const referralStatus = (scope: CaseScope) => findReferralStatus(db, scope.recordId);

  staffRoute(app, deps, {
    method: 'GET',
    url: reopenUrl,
    policy: 'case.work',
    scope: scopeOf('referral'),
    handler(_req, reply, ctx) {
      return reopenPage(reply, ctx, { reason: '' });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: reopenUrl,
    policy: 'case.work',
    scope: scopeOf('referral'),
    async handler(req, reply, ctx) {
      const scope = ctx.scope!;
      const parsed = parseReopenBody(req.body);
      if (!parsed.ok) return reopenPage(reply, ctx, parsed);
      try {
        await reopenReferral(db, ctx.principal!.userId, scope.recordId, parsed.reason);
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return reopenPage(reply, ctx, {
          reason: parsed.reason,
          error: err.code === 'state_changed' ? M.notDecided : M.reopenReasonTooShort(REOPEN_MIN),
        });
      }
      req.log.info({ user: ctx.principal!.userId, reference: scope.reference }, 'referral reopened');
      return reply.redirect(`${QUEUE_URL}?done=reopened&ref=${scope.reference}`, 303);
    },
  });

  // ------------------------------------------------------------------------------------------------ advice replies
  const replyUrl = `${STAFF_PREFIX}/advice/:reference/reply`;
  const channelsOf = (a: AdviceContact): ('email' | 'phone')[] => [
    ...(a.askerEmail ? (['email'] as const) : []),
    ...(a.askerPhone ? (['phone'] as const) : []),
  ];
  const replyPage = async (
    reply: FastifyReply,
    ctx: StaffContext,
    form: { channel: string; text: string; errors: Record<string, string> },
  ) => {
    const advice = await findAdviceContact(db, ctx.scope!.reference);
    if (!advice) return notFound(reply, ctx.render);
    const failed = Object.keys(form.errors).length > 0;
    const channels = channelsOf(advice);
    return ctx.render(failed ? reply.code(400) : reply, `${T}/reply.njk`, {
      pageTitle: `Answer advice request ${advice.reference}`,
      backLink: caseHref('advice', advice.reference),
      caption: `Advice request ${advice.reference}`,
      status: advice.status,
      answeredByName: advice.answeredByName,
      answeredAt: advice.answeredAt,
      question: advice.question,
      channels,
      channel: channels.length === 1 ? channels[0] : form.channel,
      text: form.text,
      replyMax: REPLY_MAX,
      errors: form.errors,
      formAction: `${STAFF_PREFIX}/advice/${advice.reference}/reply`,
      closeAction: `${STAFF_PREFIX}/advice/${advice.reference}/close`,
      caseHref: caseHref('advice', advice.reference),
      errorSummary: failed ? summaryOf(form.errors, ['channel', 'reply', 'close']) : undefined,
    });
  };

  staffRoute(app, deps, {
    method: 'GET',
    url: replyUrl,
    policy: 'case.work',
    scope: scopeOf('advice'),
    handler(_req, reply, ctx) {
      return replyPage(reply, ctx, { channel: '', text: '', errors: {} });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: replyUrl,
    policy: 'case.work',
    scope: scopeOf('advice'),
    async handler(req, reply, ctx) {
      const scope = ctx.scope!;
      const advice = await findAdviceContact(db, scope.reference);
      if (!advice) return notFound(reply, ctx.render);
      if (advice.status !== 'new') {
        return replyPage(reply, ctx, { channel: '', text: '', errors: { reply: M.alreadyAnswered } });
      }
      const parsed = parseReplyBody(req.body, channelsOf(advice), (text) =>
        personalDataInReply(text, { name: advice.askerName, email: advice.askerEmail, phone: advice.askerPhone }),
      );
      if (!parsed.ok) return replyPage(reply, ctx, parsed);
      let outboxId: string | undefined;
      try {
        const result = await replyToAdvice(db, {
          adviceId: scope.recordId,
          reference: scope.reference,
          officer: { id: ctx.principal!.userId, organisationCode: ctx.principal!.organisationCode },
          channel: parsed.channel,
          text: parsed.text,
          site: deps.config.site,
          messageDomain,
        });
        if (result.channel === 'email') outboxId = result.outboxId;
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return replyPage(reply, ctx, { channel: '', text: parsed.text, errors: { reply: M.alreadyAnswered } });
      }
      if (outboxId) app.notifyOutbox([outboxId]);
      req.log.info({ user: ctx.principal!.userId, reference: scope.reference }, 'advice request answered');
      return reply.redirect(`${QUEUE_URL}?done=answered&ref=${scope.reference}`, 303);
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${STAFF_PREFIX}/advice/:reference/close`,
    policy: 'case.work',
    scope: scopeOf('advice'),
    async handler(req, reply, ctx) {
      const scope = ctx.scope!;
      try {
        await closeAdvice(db, ctx.principal!.userId, scope.recordId);
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return replyPage(reply, ctx, { channel: '', text: '', errors: { close: M.notAnswered } });
      }
      req.log.info({ user: ctx.principal!.userId, reference: scope.reference }, 'advice request closed');
      return reply.redirect(`${QUEUE_URL}?done=closed&ref=${scope.reference}`, 303);
    },
  });
}
