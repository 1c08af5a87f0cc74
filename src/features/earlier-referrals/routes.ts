import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { referralScope } from '../../policies/case-scope.js';
import { confirmedLinks, decideLink, referralIdByReference } from './queries.js';
import { findEarlierReferralsWithProbe } from './service.js';
import { bannerText, earlierReferralsHref, earlierReferralsView, parseDecisionBody } from './view-model.js';
import { notFound, STAFF_PREFIX, staffRoute, type StaffContext, type StaffDeps } from '../../staff/registry.js';

const PAGE_URL = `${STAFF_PREFIX}/referrals/:reference/earlier-referrals`;
const referenceOf = (req: FastifyRequest) => (req.params as { reference: string }).reference;

/**
 * Earlier referrals of the same person (ADR 0016): the ranked candidates with their reasons, side by side with this
 * referral, and the officer's decision on each (confirm: a "combination" in the access log; reject). Nothing is merged.
 * Both routes use the policy `case.link`: the Prevent team on a referral they may open. The candidates are other
 * people's referrals, so councils and panels, who may see only the cases given to them, never see this page.
 */
export function earlierReferralsRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db } = deps;

  async function page(
    reply: FastifyReply,
    ctx: StaffContext,
    opts: { banner?: string | undefined; form?: { other: string; note: string; error: string } },
  ) {
    const scope = ctx.scope!;
    const found = await findEarlierReferralsWithProbe(db, scope.recordId, { limit: 10 });
    if (!found) return notFound(reply, ctx.render);
    const history = await confirmedLinks(db, scope.recordId);
    const view = earlierReferralsView(found.probe, found.candidates, history, opts.form);
    // Each candidate's details are shown too: one consultation entry per candidate, as a candidate of this referral.
    for (const c of found.candidates)
      await ctx.logConsultation({
        recordType: 'referral',
        recordId: c.id,
        reference: c.reference,
        detail: { as: 'earlier-referral-candidate', for: scope.reference },
      });
    const other = opts.form?.other;
    return ctx.render(opts.form ? reply.code(400) : reply, 'earlier-referrals/views/index.njk', {
      pageTitle: `Earlier referrals of the same person – referral ${scope.reference}`,
      backLink: `${STAFF_PREFIX}/referrals/${scope.reference}`,
      view,
      banner: opts.banner,
      errorSummary: opts.form ? [{ text: opts.form.error, href: `#note-${other}` }] : undefined,
    });
  }

  staffRoute(app, deps, {
    method: 'GET',
    url: PAGE_URL,
    policy: 'case.link',
    scope: (req) => referralScope(db, referenceOf(req)),
    handler(req, reply, ctx) {
      return page(reply, ctx, { banner: bannerText(req.query as Record<string, unknown>) });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${PAGE_URL}/:other`,
    policy: 'case.link',
    scope: (req) => referralScope(db, referenceOf(req)),
    async handler(req, reply, ctx) {
      const scope = ctx.scope!;
      const otherReference = (req.params as { other: string }).other;
      const otherId = await referralIdByReference(db, otherReference);
      if (!otherId || otherId === scope.recordId) return notFound(reply, ctx.render);
      const parsed = parseDecisionBody(req.body);
      if (!parsed.ok && parsed.kind === 'bad-request') {
        return ctx.render(reply.code(400), 'staff/error.njk', {
          pageTitle: 'Sorry, there is a problem with the service',
          paragraphs: ['Choose “Confirm same person” or “Not the same person” on the page and try again.'],
        });
      }
      if (!parsed.ok) {
        // The registry did not log this view (a POST); the page is the same list, so log it as the GET would.
        await ctx.logConsultation({ recordType: 'referral', recordId: scope.recordId, reference: scope.reference });
        return page(reply, ctx, { form: { other: otherReference, note: parsed.note, error: parsed.error } });
      }
      const result = await decideLink(db, {
        referralId: scope.recordId,
        earlierReferralId: otherId,
        status: parsed.decision,
        note: parsed.note,
        actor: { userId: ctx.principal!.userId, organisationCode: ctx.principal!.organisationCode },
        justification: ctx.reason,
      });
      if (!result.ok) return notFound(reply, ctx.render);
      req.log.info(
        { user: ctx.principal!.userId, reference: scope.reference, status: parsed.decision },
        'link decided',
      );
      return reply.redirect(
        `${earlierReferralsHref(scope.reference)}?done=${parsed.decision}&other=${result.linkedReference}`,
        303,
      );
    },
  });
}
