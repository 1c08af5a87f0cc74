import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formErrorSummary } from '../../../forms/kit.js';
import { referralScope } from '../../../policies/case-scope.js';
import { formatLondon } from '../../../lib/dates.js';
import { messages } from '../../../messages.js';
import { expiryFrom, recontactFacts, sendRecontact, withdrawRecontact, type RecontactFacts } from './service.js';
import { WorkflowError } from '../workflow.js';
import {
  addInformationStatus,
  dateValueOf,
  londonDatePlus,
  parseRecontactBody,
  recontactForm,
  QUESTION_MAX,
  requestRows,
  type RecontactForm,
} from './view-model.js';
import { notFound, STAFF_PREFIX, staffRoute, type StaffContext, type StaffDeps } from '../../../staff/registry.js';

const PAGE_URL = `${STAFF_PREFIX}/referrals/:reference/recontact`;
const referenceOf = (req: FastifyRequest) => (req.params as { reference: string }).reference;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const STATE_LABELS: Record<string, string> = {
  new: 'new (not yet taken from the intake queue)',
  in_triage: 'in triage',
  awaiting_information: 'waiting for information',
  awaiting_approval: 'waiting for a supervisor’s approval',
  decided: 'decided',
};

export function recontactHref(reference: string): string {
  return `${STAFF_PREFIX}/referrals/${reference}/recontact`;
}

/**
 * Re-contacting the referrer (policy case.work): the officer writes what they need to know; the referrer gets an
 * e-mail with a single-use link (no personal data, not even the question) and the referral waits on hold. A pending
 * request can be withdrawn. Anonymous referrers cannot be contacted; a referrer with only a phone number is phoned.
 */
export function recontactRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db, config } = deps;
  const messageDomain = /@([^>\s]+)/.exec(config.mailFrom)?.[1] ?? 'localhost';
  const scope = (req: FastifyRequest) => referralScope(db, referenceOf(req));

  function page(
    reply: FastifyReply,
    ctx: StaffContext,
    facts: RecontactFacts,
    opts: { form?: RecontactForm; errors?: Record<string, string>; banner?: string; status?: number } = {},
  ) {
    const now = new Date();
    const form = opts.form ?? { question: '', hold: dateValueOf(londonDatePlus(now, config.recontact.days)) };
    const errors = opts.errors ?? {};
    const canEmail = !facts.anonymous && !!facts.email;
    return ctx.render(opts.status ? reply.code(opts.status) : reply, 'triage/recontact/views/index.njk', {
      pageTitle: `Ask the referrer for more information – referral ${facts.reference}`,
      backLink: `${STAFF_PREFIX}/referrals/${facts.reference}`,
      reference: facts.reference,
      anonymous: facts.anonymous,
      phoneOnly: !facts.anonymous && !facts.email,
      phone: facts.phone,
      inTriage: facts.status === 'in_triage',
      stateLabel: STATE_LABELS[facts.status] ?? facts.status,
      onHoldUntil:
        facts.status === 'awaiting_information' && facts.onHoldUntil ? formatLondon(facts.onHoldUntil, false) : null,
      showForm: canEmail && facts.status === 'in_triage',
      expires: formatLondon(expiryFrom(now, config.recontact.days), false),
      days: config.recontact.days,
      form,
      errors,
      errorSummary: formErrorSummary(recontactForm(now), errors),
      questionMax: QUESTION_MAX,
      requests: requestRows(facts.requests, now),
      addInformation: addInformationStatus(facts.requests, now),
      banner: opts.banner,
    });
  }

  staffRoute(app, deps, {
    method: 'GET',
    url: PAGE_URL,
    policy: 'case.work',
    scope,
    async handler(req, reply, ctx) {
      const facts = await recontactFacts(db, ctx.scope!.recordId);
      if (!facts) return notFound(reply, ctx.render);
      const q = req.query as Record<string, unknown>;
      const banner =
        q.sent === '1'
          ? 'Your request has been sent to the referrer. The referral is on hold.'
          : q.withdrawn === '1'
            ? 'The request has been withdrawn. Its link no longer works.'
            : undefined;
      return page(reply, ctx, facts, { banner });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: PAGE_URL,
    policy: 'case.work',
    scope,
    async handler(req, reply, ctx) {
      const s = ctx.scope!;
      const facts = await recontactFacts(db, s.recordId);
      if (!facts) return notFound(reply, ctx.render);
      // Refused outright for a referrer we cannot e-mail: the page says why (and what to do instead).
      if (facts.anonymous || !facts.email) return page(reply, ctx, facts, { status: 409 });
      const parsed = parseRecontactBody(req.body, new Date());
      if (!parsed.ok) return page(reply, ctx, facts, { form: parsed.values, errors: parsed.errors, status: 400 });
      try {
        const { outboxId } = await sendRecontact(db, {
          referralId: s.recordId,
          reference: s.reference,
          officerId: ctx.principal!.userId,
          question: parsed.value.question,
          holdUntil: parsed.value.holdUntil,
          days: config.recontact.days,
          baseUrl: config.baseUrl,
          site: config.site,
          messageDomain,
        });
        app.notifyOutbox([outboxId]);
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        const fresh = (await recontactFacts(db, s.recordId)) ?? facts;
        return page(reply, ctx, fresh, {
          form: parsed.values,
          errors: { state: messages.triageGathering.notInTriage },
          status: 409,
        });
      }
      req.log.info({ user: ctx.principal!.userId, reference: s.reference }, 'referrer re-contacted');
      return reply.redirect(`${recontactHref(s.reference)}?sent=1`, 303);
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${PAGE_URL}/:id/withdraw`,
    policy: 'case.work',
    scope,
    async handler(req, reply, ctx) {
      const s = ctx.scope!;
      const id = (req.params as { id: string }).id;
      if (!UUID.test(id)) return notFound(reply, ctx.render);
      const done = await withdrawRecontact(db, {
        referralId: s.recordId,
        requestId: id,
        officerId: ctx.principal!.userId,
      });
      if (!done) return notFound(reply, ctx.render);
      req.log.info({ user: ctx.principal!.userId, reference: s.reference }, 're-contact request withdrawn');
      return reply.redirect(`${recontactHref(s.reference)}?withdrawn=1`, 303);
    },
  });
}
