import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { referralScope } from '../../../policies/case-scope.js';
import {
  effectiveDecision,
  listDecisions,
  pendingApprovals,
  recordDecision,
  referralStatus,
  reviewDecision,
  type DecisionRow,
} from './service.js';
import {
  explanationReferral,
  fillTemplate,
  findExplanation,
  findTemplate,
  listExplanations,
  listTemplates,
  namesIn,
  sendExplanation,
  TEMPLATE_FOR,
  updateTemplate,
  type Audience,
} from './explanation.js';
import { WorkflowError } from '../workflow.js';
import { messages } from '../../../messages.js';
import { decideReview } from '../../../policies/index.js';
import { formatLondon } from '../../../lib/dates.js';
import { formErrorSummary } from '../../../forms/kit.js';
import {
  approvalsTable,
  COMMENT_MAX,
  decisionRows,
  defaultSignposting,
  decisionForm,
  explanationForm,
  reviewForm,
  templateForm,
  OUTCOME_LABELS,
  OUTCOMES,
  parseDecisionForm,
  parseExplanationForm,
  parseReviewForm,
  parseTemplateForm,
  RATIONALE_MAX,
  REFERRED_TO_MAX,
  SUBJECT_MAX,
  TEXT_MAX,
  type FormErrors,
} from './view-model.js';
import { notFound, STAFF_PREFIX, staffRoute, type StaffContext, type StaffDeps } from '../../../staff/registry.js';

const m = messages.thresholdDecision;
const referenceOf = (req: FastifyRequest) => (req.params as { reference: string }).reference;
const caseUrl = (reference: string) => `${STAFF_PREFIX}/referrals/${reference}`;
const decisionUrl = (reference: string) => `${caseUrl(reference)}/decision`;
const approvalUrl = (reference: string) => `${caseUrl(reference)}/approval`;
const explanationUrl = (reference: string) => `${caseUrl(reference)}/explanation`;
export const APPROVALS_URL = `${STAFF_PREFIX}/triage/approvals`;
export const TEMPLATES_URL = `${STAFF_PREFIX}/triage/templates`;

const STATUS_TEXT: Record<string, string> = {
  new: 'waiting in the intake queue',
  in_triage: 'in triage',
  awaiting_information: 'waiting for information',
  awaiting_approval: 'waiting for a supervisor to approve the decision',
  decided: 'decided',
};

const NOT_MET = new Set(['no_further_action', 'signposted']);

/**
 * The threshold decision (the officer), its approval (a supervisor, never their own), the explanation to the referrer
 * when the threshold is not met (with its PDF letter) and the explanation templates. Every change and its chronology
 * entries are one transaction in the feature services under src/features/triage/.
 */
export function decisionRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db } = deps;
  const scope = (req: FastifyRequest) => referralScope(db, referenceOf(req));

  // ------------------------------------------------------------------------------------------------------------------
  // The decision

  async function decisionPage(
    reply: FastifyReply,
    ctx: StaffContext,
    opts: { values?: Record<string, string>; errors?: FormErrors; banner?: string; problem?: string } = {},
  ) {
    const s = ctx.scope!;
    const status = (await referralStatus(db, s.recordId)) ?? 'new';
    const list = await listDecisions(db, s.recordId);
    const latest = list[0];
    const effective = status === 'decided' ? effectiveDecision(list) : undefined;
    const errors = opts.errors ?? {};
    const values = opts.values ?? { outcome: '', referredTo: '', rationale: '' };
    return ctx.render(Object.keys(errors).length ? reply.code(400) : reply, 'triage/decision/views/decision.njk', {
      pageTitle: `Threshold decision – referral ${s.reference}`,
      backLink: caseUrl(s.reference),
      reference: s.reference,
      caseHref: caseUrl(s.reference),
      inTriage: status === 'in_triage',
      statusText: STATUS_TEXT[status] ?? status,
      banner: opts.banner,
      problem: opts.problem,
      returned: status === 'in_triage' && latest?.approval === 'returned' ? latest : undefined,
      returnedRows: status === 'in_triage' && latest?.approval === 'returned' ? decisionRows(latest) : undefined,
      latestRows: status !== 'in_triage' && latest ? decisionRows(latest) : undefined,
      explanationHref: effective && NOT_MET.has(effective.outcome) ? explanationUrl(s.reference) : undefined,
      handoverHref: effective?.outcome === 'channel' ? `${caseUrl(s.reference)}/handover` : undefined,
      outcomes: OUTCOMES.map((value) => ({ value, text: OUTCOME_LABELS[value] })),
      values,
      errors,
      errorSummary: formErrorSummary(decisionForm, errors),
      referredToMax: REFERRED_TO_MAX,
      rationaleMax: RATIONALE_MAX,
    });
  }

  staffRoute(app, deps, {
    method: 'GET',
    url: `${STAFF_PREFIX}/referrals/:reference/decision`,
    policy: 'case.work',
    scope,
    handler(req, reply, ctx) {
      const done = (req.query as Record<string, unknown>).done;
      const banner =
        done === 'pending' ? 'Sent to a supervisor for approval' : done === 'decided' ? 'Decision recorded' : undefined;
      return decisionPage(reply, ctx, { banner });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${STAFF_PREFIX}/referrals/:reference/decision`,
    policy: 'case.work',
    scope,
    async handler(req, reply, ctx) {
      const s = ctx.scope!;
      if ((await referralStatus(db, s.recordId)) !== 'in_triage') {
        return decisionPage(reply.code(409), ctx, { problem: m.notInTriage });
      }
      const parsed = parseDecisionForm(req.body);
      if (!parsed.ok) return decisionPage(reply, ctx, { values: parsed.values, errors: parsed.errors });
      try {
        const result = await recordDecision(db, {
          referralId: s.recordId,
          officerId: ctx.principal!.userId,
          ...parsed.value,
        });
        req.log.info(
          { user: ctx.principal!.userId, reference: s.reference, approval: result.approval },
          'decision recorded',
        );
        return reply.redirect(
          `${decisionUrl(s.reference)}?done=${result.approval === 'pending' ? 'pending' : 'decided'}`,
          303,
        );
      } catch (err) {
        if (err instanceof WorkflowError) return decisionPage(reply.code(409), ctx, { problem: m.notInTriage });
        throw err;
      }
    },
  });

  // ------------------------------------------------------------------------------------------------------------------
  // Approval

  staffRoute(app, deps, {
    method: 'GET',
    url: APPROVALS_URL,
    policy: 'triage.approve',
    async handler(_req, reply, ctx) {
      const pending = await pendingApprovals(db);
      await ctx.logConsultation({ recordType: 'approvals-list', detail: { shown: pending.length } });
      return ctx.render(reply, 'triage/decision/views/approvals.njk', {
        pageTitle: 'Decisions waiting for approval',
        backLink: STAFF_PREFIX,
        count: pending.length,
        table: approvalsTable(pending),
      });
    },
  });

  async function approvalPage(
    reply: FastifyReply,
    ctx: StaffContext,
    opts: { values?: Record<string, string>; errors?: FormErrors; banner?: string } = {},
  ) {
    const s = ctx.scope!;
    const list = await listDecisions(db, s.recordId);
    const pending: DecisionRow | undefined = list[0]?.approval === 'pending' ? list[0] : undefined;
    const own = pending !== undefined && decideReview(ctx.principal!, pending).outcome !== 'allow';
    const errors = opts.errors ?? {};
    return ctx.render(Object.keys(errors).length ? reply.code(400) : reply, 'triage/decision/views/approval.njk', {
      pageTitle: `Approve the decision – referral ${s.reference}`,
      backLink: APPROVALS_URL,
      reference: s.reference,
      caseHref: caseUrl(s.reference),
      banner: opts.banner,
      pending: pending !== undefined,
      own,
      rows: pending ? decisionRows(pending) : list[0] ? decisionRows(list[0]) : undefined,
      values: opts.values ?? { verdict: '', comment: '' },
      errors,
      errorSummary: formErrorSummary(reviewForm, errors),
      commentMax: COMMENT_MAX,
      ownText: m.ownDecision,
      nothingText: m.nothingPending,
    });
  }

  staffRoute(app, deps, {
    method: 'GET',
    url: `${STAFF_PREFIX}/referrals/:reference/approval`,
    policy: 'triage.approve',
    scope,
    handler(req, reply, ctx) {
      const done = (req.query as Record<string, unknown>).done;
      const banner =
        done === 'approved'
          ? 'Decision approved: the referral is decided'
          : done === 'returned'
            ? 'Decision returned to the officer with your comments'
            : undefined;
      return approvalPage(reply, ctx, { banner });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${STAFF_PREFIX}/referrals/:reference/approval`,
    policy: 'triage.approve',
    scope,
    async handler(req, reply, ctx) {
      const s = ctx.scope!;
      const list = await listDecisions(db, s.recordId);
      const pending = list[0]?.approval === 'pending' ? list[0] : undefined;
      // Nothing to review, or one's own decision: the page says so (the form is not shown).
      if (!pending) return approvalPage(reply.code(409), ctx);
      if (decideReview(ctx.principal!, pending).outcome !== 'allow') return approvalPage(reply.code(403), ctx);
      const parsed = parseReviewForm(req.body);
      if (!parsed.ok) return approvalPage(reply, ctx, { values: parsed.values, errors: parsed.errors });
      try {
        await reviewDecision(db, {
          referralId: s.recordId,
          supervisorId: ctx.principal!.userId,
          ...parsed.value,
        });
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return approvalPage(reply.code(err.code === 'not_allowed' ? 403 : 409), ctx);
      }
      req.log.info(
        { user: ctx.principal!.userId, reference: s.reference, verdict: parsed.value.verdict },
        'decision reviewed',
      );
      return reply.redirect(
        `${approvalUrl(s.reference)}?done=${parsed.value.verdict === 'approve' ? 'approved' : 'returned'}`,
        303,
      );
    },
  });

  // ------------------------------------------------------------------------------------------------------------------
  // The explanation to the referrer

  async function explanationPage(
    reply: FastifyReply,
    ctx: StaffContext,
    opts: { values?: Record<string, string>; errors?: FormErrors; sent?: string } = {},
  ) {
    const s = ctx.scope!;
    const referral = await explanationReferral(db, s.recordId);
    if (!referral) return notFound(reply, ctx.render);
    const list = await listDecisions(db, s.recordId);
    const effective = referral.status === 'decided' ? effectiveDecision(list) : undefined;
    const applies = effective !== undefined && NOT_MET.has(effective.outcome);
    const emailAllowed = Boolean(referral.referrerEmail);
    const values = opts.values ?? {
      audience: referral.referrerType,
      channel: emailAllowed ? 'email' : 'letter',
      reasons: '',
      signposting: defaultSignposting(effective?.referredTo ?? null, deps.config.site),
    };
    const audience: Audience = values.audience === 'public' ? 'public' : 'professional';
    const template = await findTemplate(db, TEMPLATE_FOR[audience]);
    const sent = await listExplanations(db, s.recordId);
    const errors = opts.errors ?? {};
    return ctx.render(Object.keys(errors).length ? reply.code(400) : reply, 'triage/decision/views/explanation.njk', {
      pageTitle: `Explain the decision to the referrer – referral ${s.reference}`,
      backLink: decisionUrl(s.reference),
      reference: s.reference,
      applies,
      anonymous: referral.referrerAnonymous,
      emailAllowed,
      outcomeText: effective ? OUTCOME_LABELS[effective.outcome] : undefined,
      templateParagraphs: template ? template.body.split(/\n\s*\n/) : [],
      templateSubject: template?.subject,
      sentBanner: opts.sent ? sent.find((e) => e.id === opts.sent) : undefined,
      sent: sent.map((e) => ({
        when: formatLondon(e.sentAt, true),
        by: e.sentByName,
        channel: e.channel === 'email' ? 'E-mail' : 'Letter (PDF)',
        letterHref: `${caseUrl(s.reference)}/explanations/${e.id}/letter.pdf`,
      })),
      values,
      errors,
      errorSummary: formErrorSummary(explanationForm({ emailAllowed: true }), errors),
      textMax: TEXT_MAX,
    });
  }

  staffRoute(app, deps, {
    method: 'GET',
    url: `${STAFF_PREFIX}/referrals/:reference/explanation`,
    policy: 'case.work',
    scope,
    handler(req, reply, ctx) {
      const sent = (req.query as Record<string, unknown>).sent;
      return explanationPage(reply, ctx, { sent: typeof sent === 'string' ? sent : undefined });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${STAFF_PREFIX}/referrals/:reference/explanation`,
    policy: 'case.work',
    scope,
    async handler(req, reply, ctx) {
      const s = ctx.scope!;
      const referral = await explanationReferral(db, s.recordId);
      if (!referral) return notFound(reply, ctx.render);
      const effective =
        referral.status === 'decided' ? effectiveDecision(await listDecisions(db, s.recordId)) : undefined;
      if (!effective || !NOT_MET.has(effective.outcome) || referral.referrerAnonymous) {
        return explanationPage(reply.code(409), ctx);
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      const parsed = parseExplanationForm(body, { emailAllowed: Boolean(referral.referrerEmail) });
      if (body.action === 'switch') {
        // "Show this wording": the page again with the other template, keeping what was typed.
        const values = parsed.ok ? { ...parsed.value } : parsed.values;
        return explanationPage(reply, ctx, { values: values as Record<string, string> });
      }
      if (!parsed.ok) return explanationPage(reply, ctx, { values: parsed.values, errors: parsed.errors });
      const code = TEMPLATE_FOR[parsed.value.audience];
      const template = await findTemplate(db, code);
      if (!template) return notFound(reply, ctx.render);
      const fill = { reference: s.reference, reasons: parsed.value.reasons, signposting: parsed.value.signposting };
      const result = await sendExplanation(db, deps.config, {
        referral,
        decisionId: effective.id,
        principal: ctx.principal!,
        audience: parsed.value.audience,
        channel: parsed.value.channel,
        templateCode: code,
        subject: fillTemplate(template.subject, fill),
        body: fillTemplate(template.body, fill),
        justification: ctx.reason,
      });
      if (!result.ok) {
        const values = { ...parsed.value } as Record<string, string>;
        const errors: FormErrors = {};
        if (result.problem === 'names') {
          const names = [referral.personFullName, referral.referrerName];
          if (namesIn(parsed.value.signposting, names).length) errors.signposting = m.namesPresent;
          if (namesIn(parsed.value.reasons, names).length || !errors.signposting) errors.reasons = m.namesPresent;
        } else {
          errors.channel = m.channelMissing;
        }
        return explanationPage(reply, ctx, { values, errors });
      }
      req.log.info(
        { user: ctx.principal!.userId, reference: s.reference, channel: parsed.value.channel },
        'explanation sent',
      );
      return reply.redirect(`${explanationUrl(s.reference)}?sent=${result.explanationId}`, 303);
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${STAFF_PREFIX}/referrals/:reference/explanations/:id/letter.pdf`,
    policy: 'case.view',
    scope,
    async handler(req, reply, ctx) {
      const s = ctx.scope!;
      const explanation = await findExplanation(db, s.recordId, (req.params as { id: string }).id);
      if (!explanation) return notFound(reply, ctx.render);
      const referral = await explanationReferral(db, s.recordId);
      // The PDF code (and pdfkit) is loaded on the first letter, not at start.
      const { renderExplanationLetterPdf } = await import('./explanation-letter-pdf.js');
      const pdf = await renderExplanationLetterPdf(
        {
          reference: s.reference,
          addressee: referral?.referrerName ?? null,
          subject: explanation.subject,
          body: explanation.body,
          sentAt: explanation.sentAt,
        },
        deps.config.site,
      );
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="letter-${s.reference}.pdf"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  });

  // ------------------------------------------------------------------------------------------------------------------
  // The templates

  staffRoute(app, deps, {
    method: 'GET',
    url: TEMPLATES_URL,
    policy: 'triage.templates',
    async handler(req, reply, ctx) {
      const saved = (req.query as Record<string, unknown>).saved;
      const templates = await listTemplates(db);
      const savedTemplate = templates.find((t) => t.code === saved);
      return ctx.render(reply, 'triage/decision/views/templates.njk', {
        pageTitle: 'Explanation templates',
        backLink: STAFF_PREFIX,
        banner: savedTemplate ? `Template “${savedTemplate.title}” saved` : undefined,
        templates: templates.map((t) => ({
          title: t.title,
          audience: t.audience === 'public' ? 'Member of the public' : 'Professional',
          updated: formatLondon(t.updatedAt, true),
          href: `${TEMPLATES_URL}/${t.code}`,
        })),
      });
    },
  });

  async function templatePage(
    reply: FastifyReply,
    ctx: StaffContext,
    code: string,
    opts: { values?: Record<string, string>; errors?: FormErrors } = {},
  ) {
    const template = await findTemplate(db, code);
    if (!template) return notFound(reply, ctx.render);
    const errors = opts.errors ?? {};
    return ctx.render(Object.keys(errors).length ? reply.code(400) : reply, 'triage/decision/views/template.njk', {
      pageTitle: `Change the template: ${template.title}`,
      backLink: TEMPLATES_URL,
      title: template.title,
      action: `${TEMPLATES_URL}/${template.code}`,
      values: opts.values ?? { subject: template.subject, body: template.body },
      errors,
      errorSummary: formErrorSummary(templateForm, errors),
      subjectMax: SUBJECT_MAX,
      textMax: TEXT_MAX,
    });
  }

  const codeOf = (req: FastifyRequest) => (req.params as { code: string }).code;

  staffRoute(app, deps, {
    method: 'GET',
    url: `${TEMPLATES_URL}/:code`,
    policy: 'triage.templates',
    handler(req, reply, ctx) {
      return templatePage(reply, ctx, codeOf(req));
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${TEMPLATES_URL}/:code`,
    policy: 'triage.templates',
    async handler(req, reply, ctx) {
      const code = codeOf(req);
      if (!(await findTemplate(db, code))) return notFound(reply, ctx.render);
      const parsed = parseTemplateForm(req.body);
      if (!parsed.ok) return templatePage(reply, ctx, code, { values: parsed.values, errors: parsed.errors });
      if (!(await updateTemplate(db, ctx.principal!, code, parsed.value))) return notFound(reply, ctx.render);
      req.log.info({ user: ctx.principal!.userId, template: code }, 'explanation template changed');
      return reply.redirect(`${TEMPLATES_URL}?saved=${encodeURIComponent(code)}`, 303);
    },
  });
}
