import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { referralScope } from '../../../policies/case-scope.js';
import { londonDate } from '../../../lib/dates.js';
import { decide } from '../../../policies/index.js';
import {
  activeFramework,
  frameworksOf,
  latestAssessment,
  listAssessments,
  saveAssessment,
  type Framework,
} from './service.js';
import {
  addCheck,
  CHECK_OUTCOMES,
  CHECK_SOURCES,
  findCheck,
  listChecks,
  OUTCOME_LABELS,
  recordCheckResponse,
  type CheckRow,
} from './checks.js';
import {
  assessmentFormView,
  assessmentHistory,
  checksTable,
  formValuesFrom,
  LONG_TEXT_MAX,
  parseAssessmentBody,
  parseCheckBody,
  parseResponseBody,
  RATIONALE_MAX,
  REQUEST_MAX,
  SOURCE_MAX,
  type CheckForm,
  type ResponseForm,
} from './view-model.js';
import { dateValueOf } from '../recontact/view-model.js';
import type { ErrorSummaryItem } from '../../../views/error-summary.js';
import { notFound, STAFF_PREFIX, staffRoute, type StaffContext, type StaffDeps } from '../../../staff/registry.js';

const BASE = `${STAFF_PREFIX}/referrals/:reference`;
const referenceOf = (req: FastifyRequest) => (req.params as { reference: string }).reference;
const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;

export const checksHref = (reference: string) => `${STAFF_PREFIX}/referrals/${reference}/checks`;
export const assessmentHref = (reference: string) => `${STAFF_PREFIX}/referrals/${reference}/assessment`;
export const assessmentsHref = (reference: string) => `${STAFF_PREFIX}/referrals/${reference}/assessments`;

/**
 * Information gathering: checks with partners and systems (list: case.view; recording: case.work) and the assessment
 * against the active framework (case.work), with the history of assessments and what changed each time (case.view).
 */
export function assessmentRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db } = deps;
  const scope = (req: FastifyRequest) => referralScope(db, referenceOf(req));
  const caseHref = (reference: string) => `${STAFF_PREFIX}/referrals/${reference}`;

  // ---- Checks -------------------------------------------------------------------------------------------------------

  async function checksPage(
    reply: FastifyReply,
    ctx: StaffContext,
    opts: {
      form?: CheckForm;
      errors?: Record<string, string>;
      errorSummary?: ErrorSummaryItem[];
      banner?: string;
    } = {},
  ) {
    const s = ctx.scope!;
    const canWork = !!ctx.principal && decide('case.work', ctx.principal, s).outcome === 'allow';
    const checks = await listChecks(db, s.recordId);
    return ctx.render(opts.errors ? reply.code(400) : reply, 'triage/assessment/views/checks.njk', {
      pageTitle: `Information checks – referral ${s.reference}`,
      backLink: caseHref(s.reference),
      reference: s.reference,
      checks: checksTable(checks, s.reference, canWork),
      canWork,
      form: opts.form ?? { source: '', request: '', asked: dateValueOf(londonDate(new Date())) },
      errors: opts.errors ?? {},
      errorSummary: opts.errorSummary,
      sources: CHECK_SOURCES,
      sourceMax: SOURCE_MAX,
      requestMax: REQUEST_MAX,
      banner: opts.banner,
    });
  }

  staffRoute(app, deps, {
    method: 'GET',
    url: `${BASE}/checks`,
    policy: 'case.view',
    scope,
    handler(req, reply, ctx) {
      const q = req.query as Record<string, unknown>;
      const banner =
        q.done === 'added'
          ? 'The check has been added.'
          : q.done === 'response'
            ? 'The reply has been recorded.'
            : undefined;
      return checksPage(reply, ctx, { banner });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${BASE}/checks`,
    policy: 'case.work',
    scope,
    async handler(req, reply, ctx) {
      const s = ctx.scope!;
      const parsed = parseCheckBody(req.body, new Date());
      if (!parsed.ok) {
        return checksPage(reply, ctx, {
          form: parsed.values,
          errors: parsed.errors,
          errorSummary: parsed.errorSummary,
        });
      }
      await addCheck(db, {
        referralId: s.recordId,
        officerId: ctx.principal!.userId,
        source: parsed.source,
        askedOn: parsed.askedOn,
        request: parsed.request,
      });
      req.log.info({ user: ctx.principal!.userId, reference: s.reference }, 'information check added');
      return reply.redirect(`${checksHref(s.reference)}?done=added`, 303);
    },
  });

  function checkPage(
    reply: FastifyReply,
    ctx: StaffContext,
    check: CheckRow,
    opts: { form?: ResponseForm; errors?: Record<string, string>; errorSummary?: ErrorSummaryItem[] } = {},
  ) {
    const s = ctx.scope!;
    const form: ResponseForm = opts.form ?? {
      outcome: check.outcome === 'pending' ? '' : check.outcome,
      response: check.response ?? '',
      responded: dateValueOf(check.respondedOn ?? londonDate(new Date())),
    };
    const [table] = checksTable([check], s.reference, false);
    return ctx.render(opts.errors ? reply.code(400) : reply, 'triage/assessment/views/check.njk', {
      pageTitle: `Record what came back from ${check.source} – referral ${s.reference}`,
      backLink: checksHref(s.reference),
      reference: s.reference,
      check: table,
      form,
      errors: opts.errors ?? {},
      errorSummary: opts.errorSummary,
      outcomes: CHECK_OUTCOMES.map((o) => ({ value: o, text: OUTCOME_LABELS[o], checked: form.outcome === o })),
      responseMax: LONG_TEXT_MAX,
    });
  }

  staffRoute(app, deps, {
    method: 'GET',
    url: `${BASE}/checks/:id`,
    policy: 'case.work',
    scope,
    async handler(req, reply, ctx) {
      const check = await findCheck(db, ctx.scope!.recordId, idOf(req));
      if (!check) return notFound(reply, ctx.render);
      return checkPage(reply, ctx, check);
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${BASE}/checks/:id`,
    policy: 'case.work',
    scope,
    async handler(req, reply, ctx) {
      const s = ctx.scope!;
      const check = await findCheck(db, s.recordId, idOf(req));
      if (!check) return notFound(reply, ctx.render);
      const parsed = parseResponseBody(req.body, check.askedOn, new Date());
      if (!parsed.ok) {
        return checkPage(reply, ctx, check, {
          form: parsed.values,
          errors: parsed.errors,
          errorSummary: parsed.errorSummary,
        });
      }
      const done = await recordCheckResponse(db, {
        referralId: s.recordId,
        checkId: check.id,
        officerId: ctx.principal!.userId,
        outcome: parsed.outcome,
        response: parsed.response,
        respondedOn: parsed.respondedOn,
      });
      if (!done) return notFound(reply, ctx.render);
      req.log.info({ user: ctx.principal!.userId, reference: s.reference }, 'information check answered');
      return reply.redirect(`${checksHref(s.reference)}?done=response`, 303);
    },
  });

  // ---- Assessment ---------------------------------------------------------------------------------------------------

  function noFramework(reply: FastifyReply, ctx: StaffContext) {
    return ctx.render(reply.code(503), 'staff/error.njk', {
      pageTitle: 'No assessment framework is available',
      paragraphs: ['No version of the assessment framework is active. Ask the administrator to activate one.'],
    });
  }

  function formPage(
    reply: FastifyReply,
    ctx: StaffContext,
    framework: Framework,
    values: Record<string, string>,
    opts: { errors?: Record<string, string>; errorSummary?: ErrorSummaryItem[]; hasPrevious: boolean },
  ) {
    const s = ctx.scope!;
    return ctx.render(opts.errors ? reply.code(400) : reply, 'triage/assessment/views/form.njk', {
      pageTitle: `Assessment – referral ${s.reference}`,
      backLink: caseHref(s.reference),
      reference: s.reference,
      form: assessmentFormView(framework, values, opts.errors ?? {}),
      errorSummary: opts.errorSummary,
      hasPrevious: opts.hasPrevious,
      historyHref: assessmentsHref(s.reference),
      rationaleMax: RATIONALE_MAX,
      longMax: LONG_TEXT_MAX,
    });
  }

  staffRoute(app, deps, {
    method: 'GET',
    url: `${BASE}/assessment`,
    policy: 'case.work',
    scope,
    async handler(_req, reply, ctx) {
      const framework = await activeFramework(db);
      if (!framework) return noFramework(reply, ctx);
      const latest = await latestAssessment(db, ctx.scope!.recordId);
      // A new assessment starts from the latest one made with this framework (summary left for the officer to write).
      const start = latest && latest.frameworkCode === framework.code ? latest.answers : null;
      return formPage(reply, ctx, framework, formValuesFrom(framework, start), { hasPrevious: !!latest });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${BASE}/assessment`,
    policy: 'case.work',
    scope,
    async handler(req, reply, ctx) {
      const s = ctx.scope!;
      const framework = await activeFramework(db);
      if (!framework) return noFramework(reply, ctx);
      const parsed = parseAssessmentBody(framework, req.body);
      if (!parsed.ok) {
        const latest = await latestAssessment(db, s.recordId);
        return formPage(reply, ctx, framework, parsed.values, {
          errors: parsed.errors,
          errorSummary: parsed.errorSummary,
          hasPrevious: !!latest,
        });
      }
      await saveAssessment(db, {
        referralId: s.recordId,
        officerId: ctx.principal!.userId,
        framework,
        answers: parsed.answers,
        summary: parsed.summary,
      });
      req.log.info({ user: ctx.principal!.userId, reference: s.reference }, 'assessment saved');
      return reply.redirect(`${assessmentsHref(s.reference)}?saved=1`, 303);
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${BASE}/assessments`,
    policy: 'case.view',
    scope,
    async handler(req, reply, ctx) {
      const s = ctx.scope!;
      const rows = await listAssessments(db, s.recordId);
      const frameworks = await frameworksOf(
        db,
        rows.map((r) => ({ code: r.frameworkCode, version: r.frameworkVersion })),
      );
      const canWork = !!ctx.principal && decide('case.work', ctx.principal, s).outcome === 'allow';
      return ctx.render(reply, 'triage/assessment/views/history.njk', {
        pageTitle: `Assessments – referral ${s.reference}`,
        backLink: caseHref(s.reference),
        reference: s.reference,
        // Oldest first, each compared with the one before it.
        assessments: assessmentHistory(rows, frameworks),
        newHref: canWork ? assessmentHref(s.reference) : undefined,
        banner: (req.query as Record<string, unknown>).saved === '1' ? 'The assessment has been saved.' : undefined,
      });
    },
  });
}
