import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordAccessReason } from '../../staff/access-reasons.js';
import { adviceScope, referralScope } from '../../policies/case-scope.js';
import { findAdviceRecord, findReferralRecord, staffDisplayName, type ReferralRecord } from './queries/cases.js';
import { intakeQueue } from './queries/intake.js';
import { loadTriageSummary } from './queries/triage-summary.js';
import { londonDate } from '../../lib/dates.js';
import { adviceActions, caseActions } from './view-models/case-actions.js';
import { activeConcernTypes, activeSectors } from '../../db/reference-data.js';
import type { Journey } from '../../forms/journey.js';
import { referralJourney } from '../../forms/referral/index.js';
import { decide, listAccess, type CaseScope, type Principal } from '../../policies/index.js';
import { CASE_ALIASES } from '../../db/case-aliases.js';
import type { ReferralSummary } from './referral-summary-pdf.js';
import { referralSummary } from './referral-summary.js';
import {
  adviceView,
  caseTemplateView,
  parseReasonBody,
  plainSummarySections,
  reasonField,
  REASON_MIN,
  referralView,
} from './view-models/case-view.js';
import {
  caseHref,
  CHANNEL_LABELS,
  INTAKE_PAGE_SIZE,
  intakeCountText,
  intakeTable,
  lastPage,
  pagination,
  parsePage,
} from './view-models/intake.js';
import {
  notFound,
  reasonUrl,
  STAFF_PREFIX,
  staffRoute,
  type StaffContext,
  type StaffDeps,
} from '../../staff/registry.js';

const INTAKE_URL = `${STAFF_PREFIX}/intake`;

const referenceOf = (req: FastifyRequest) => (req.params as { reference: string }).reference;

/**
 * The intake list and the read-only case pages (referral, its PDF summary, advice request), and the page that asks for
 * a reason before opening another officer's case. Every route names its policy; the case routes load the case's scope,
 * so the registry refuses before anything is read and writes the one "consultation" entry for each view.
 */
export function casesRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db } = deps;
  const journey = lazyReferralJourney(deps);

  staffRoute(app, deps, {
    method: 'GET',
    url: INTAKE_URL,
    policy: 'intake.list',
    async handler(req, reply, { principal, render, logConsultation }) {
      const page = parsePage((req.query as Record<string, unknown>).page);
      if (page === undefined) return notFound(reply, render);
      const access = listAccess('intake.list', principal!, CASE_ALIASES);
      const { items, total } = await intakeQueue(db, access, { page, perPage: INTAKE_PAGE_SIZE });
      const pages = lastPage(total, INTAKE_PAGE_SIZE);
      if (page > pages) return reply.redirect(pages === 1 ? INTAKE_URL : `${INTAKE_URL}?page=${pages}`, 303);
      // A list of references is not a view of any one case, but it is a look at the queue: one entry per page seen.
      // It is written while the page renders; the registry holds the response until it is committed.
      void logConsultation({ recordType: 'intake-list', detail: { page, shown: items.length } });
      return render(reply, 'cases/views/intake.njk', {
        pageTitle:
          pages > 1
            ? `New referrals and advice requests (page ${page} of ${pages})`
            : 'New referrals and advice requests',
        countText: intakeCountText(total, page, items.length, INTAKE_PAGE_SIZE),
        table: intakeTable(items, new Date()),
        page,
        pages,
        paginationParams: pagination(INTAKE_URL, page, pages),
      });
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${STAFF_PREFIX}/referrals/:reference`,
    policy: 'case.view',
    scope: (req) => referralScope(db, referenceOf(req)),
    async handler(_req, reply, { principal, scope, reason, render }) {
      const [record, triage] = await Promise.all([
        findReferralRecord(db, scope!.reference),
        loadTriageSummary(db, scope!.recordId),
      ]);
      if (!record || !triage) return notFound(reply, render);
      const now = new Date();
      const view = referralView(record, now);
      return render(reply, 'cases/views/case.njk', {
        pageTitle: view.title,
        backLink: backFor(principal),
        view: caseTemplateView(view),
        reason,
        pdfHref: `${caseHref('referral', scope!.reference)}/summary.pdf`,
        actions: caseActions(triage, scope!, principal!, londonDate(now)),
      });
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${STAFF_PREFIX}/referrals/:reference/summary.pdf`,
    policy: 'case.view',
    scope: (req) => referralScope(db, referenceOf(req)),
    async handler(_req, reply, { scope, render }) {
      const record = await findReferralRecord(db, scope!.reference);
      if (!record) return notFound(reply, render);
      // The PDF code (and pdfkit) is loaded on the first download, not at start.
      const { renderReferralSummaryPdf } = await import('./referral-summary-pdf.js');
      const pdf = await renderReferralSummaryPdf(await pdfSummaryOf(record, journey), deps.config.site);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="referral-${scope!.reference}.pdf"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${STAFF_PREFIX}/advice/:reference`,
    policy: 'case.view',
    scope: (req) => adviceScope(db, referenceOf(req)),
    async handler(_req, reply, { principal, scope, render }) {
      const row = await findAdviceRecord(db, scope!.reference);
      if (!row) return notFound(reply, render);
      const view = adviceView(row);
      const officer = row.assignedOfficerId ? await staffDisplayName(db, row.assignedOfficerId) : null;
      return render(reply, 'cases/views/case.njk', {
        pageTitle: view.title,
        backLink: backFor(principal),
        view: caseTemplateView(view),
        actions: adviceActions(row.status, scope!, principal!, officer),
      });
    },
  });

  // The page that asks why someone opens a case they are not assigned to (the registry sends them here).
  for (const kind of ['referral', 'advice'] as const) {
    const loadScope = (req: FastifyRequest) =>
      kind === 'referral' ? referralScope(db, referenceOf(req)) : adviceScope(db, referenceOf(req));
    const url = `${STAFF_PREFIX}/${kind === 'referral' ? 'referrals' : 'advice'}/:reference/reason`;
    const reasonPage = async (
      reply: Parameters<StaffContext['render']>[0],
      ctx: StaffContext,
      form: { value: string; error?: string; errorSummary?: unknown[] },
    ) => {
      const scope = ctx.scope!;
      const officerName = scope.assignedOfficerId ? await staffDisplayName(db, scope.assignedOfficerId) : null;
      return ctx.render(form.error ? reply.code(400) : reply, 'cases/views/reason.njk', {
        pageTitle: 'This case is assigned to another officer',
        backLink: backFor(ctx.principal),
        cancelHref: backFor(ctx.principal),
        caseLabel: kind === 'referral' ? 'Referral' : 'Advice request',
        reference: scope.reference,
        officerName,
        formAction: reasonUrl(scope),
        field: reasonField,
        minLength: REASON_MIN,
        value: form.value,
        error: form.error,
        errorSummary: form.errorSummary,
      });
    };

    staffRoute(app, deps, {
      method: 'GET',
      url,
      policy: 'case.view',
      scope: loadScope,
      asksReason: true,
      logView: false,
      handler(_req, reply, ctx) {
        if (!needsReason(ctx)) return reply.redirect(caseHref(kind, ctx.scope!.reference), 303);
        return reasonPage(reply, ctx, { value: '' });
      },
    });

    staffRoute(app, deps, {
      method: 'POST',
      url,
      policy: 'case.view',
      scope: loadScope,
      asksReason: true,
      logView: false,
      async handler(req, reply, ctx) {
        const scope: CaseScope = ctx.scope!;
        if (!needsReason(ctx)) return reply.redirect(caseHref(kind, scope.reference), 303);
        const parsed = parseReasonBody(req.body);
        if (!parsed.ok) return reasonPage(reply, ctx, parsed);
        await recordAccessReason(db, ctx.principal!, scope, parsed.reason);
        req.log.info({ user: ctx.principal!.userId, reference: scope.reference }, 'reason given to open a case');
        return reply.redirect(caseHref(kind, scope.reference), 303);
      },
    });
  }
}

/**
 * What the PDF says: an online referral as the referrer answered it (the questions as they were asked, from the saved
 * answers); one the team typed in from an e-mail, a call or a letter from its stored columns.
 */
async function pdfSummaryOf(record: ReferralRecord, journey: () => Promise<Journey>): Promise<ReferralSummary> {
  const r = record.referral;
  const answers = r.answers as { values?: unknown };
  if (r.source === 'online' && typeof answers.values === 'object' && answers.values !== null) {
    return referralSummary(await journey(), r);
  }
  const view = referralView(record, new Date());
  return {
    reference: r.reference,
    receivedAt: r.receivedAt,
    source: CHANNEL_LABELS[r.source],
    sections: plainSummarySections(view),
  };
}

/** Where "Back" goes from a case: the intake list for those who may see it, the home page for everyone else. */
function backFor(principal: Principal | undefined): string {
  return principal && decide('intake.list', principal).outcome === 'allow' ? INTAKE_URL : STAFF_PREFIX;
}

/** A reason is asked for only when the policy wants one and none has been given in this session. */
function needsReason(ctx: StaffContext): boolean {
  return ctx.decision.outcome === 'reason' && ctx.reason === null;
}

/** The referral journey (for the PDF summary's questions), built once from the reference data on first use. */
function lazyReferralJourney(deps: StaffDeps): () => Promise<Journey> {
  let pending: Promise<Journey> | undefined;
  return () => {
    if (!pending) {
      const building = (async () =>
        referralJourney({
          concernTypes: await activeConcernTypes(deps.db),
          sectors: await activeSectors(deps.db),
          site: deps.config.site,
        }))();
      pending = building;
      building.catch(() => {
        if (pending === building) pending = undefined;
      });
    }
    return pending;
  };
}
