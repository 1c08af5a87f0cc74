import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { adviceScope, referralScope } from '../../../policies/case-scope.js';
import { decide } from '../../../policies/index.js';
import { listAttachments } from '../attachments/service.js';
import { addEntry, findCaseEvent, loadChronology } from './service.js';
import {
  attachmentRows,
  chronologyHref,
  chronologyView,
  entryTitle,
  paragraphsOf,
  parseEntryText,
  type CaseKind,
} from './view-model.js';
import { sizeText } from '../../../lib/format.js';
import { formatLondon } from '../../../lib/dates.js';
import { notFound, STAFF_PREFIX, staffRoute, type StaffContext, type StaffDeps } from '../../../staff/registry.js';

const referenceOf = (req: FastifyRequest) => (req.params as { reference: string }).reference;
const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;

const caseHrefOf = (kind: CaseKind, reference: string) =>
  `${STAFF_PREFIX}/${kind === 'referral' ? 'referrals' : 'advice'}/${reference}`;

export interface ChronologyPageForm {
  note?: { value: string; error?: string };
  upload?: { error: string };
}

/**
 * Renders a case's chronology page (entries, the note form, and for a referral its attachments and the upload form).
 * Used by the GET and by the POSTs that come back with an error (status 400).
 */
export async function renderChronologyPage(
  deps: StaffDeps,
  reply: FastifyReply,
  ctx: StaffContext,
  form: ChronologyPageForm = {},
): Promise<FastifyReply> {
  const scope = ctx.scope!;
  const kind: CaseKind = scope.recordType;
  const canWork = ctx.principal ? decide('case.work', ctx.principal, scope).outcome !== 'deny' : false;
  const files = kind === 'referral' ? await listAttachments(deps.db, scope.recordId) : [];
  const { events, lookups } = await loadChronology(deps.db, scope, files);
  const href = chronologyHref(kind, scope.reference);
  const errorSummary = [
    ...(form.note?.error ? [{ text: form.note.error, href: '#note' }] : []),
    ...(form.upload ? [{ text: form.upload.error, href: '#file' }] : []),
  ];
  return ctx.render(errorSummary.length ? reply.code(400) : reply, 'triage/chronology/views/index.njk', {
    pageTitle: `Chronology – ${kind === 'referral' ? 'referral' : 'advice request'} ${scope.reference}`,
    backLink: caseHrefOf(kind, scope.reference),
    caption: `${kind === 'referral' ? 'Referral' : 'Advice request'} ${scope.reference}`,
    caseHref: caseHrefOf(kind, scope.reference),
    entries: chronologyView(events, lookups, { kind, reference: scope.reference, canWork }),
    canWork,
    isReferral: kind === 'referral',
    noteAction: `${caseHrefOf(kind, scope.reference)}/notes`,
    note: form.note ?? { value: '' },
    uploadAction: `${caseHrefOf(kind, scope.reference)}/attachments`,
    uploadError: form.upload?.error,
    maxSize: sizeText(deps.config.attachments.maxBytes),
    attachments: attachmentRows(files, scope.reference),
    chronologyHref: href,
    errorSummary: errorSummary.length ? errorSummary : undefined,
  });
}

/**
 * A case's chronology (GET, case.view; the registry logs the consultation), notes (POST, case.work) and corrections
 * (GET/POST per entry, case.work), for referrals and advice requests alike.
 */
export function chronologyRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db } = deps;
  for (const kind of ['referral', 'advice'] as const) {
    const base = `${STAFF_PREFIX}/${kind === 'referral' ? 'referrals' : 'advice'}/:reference`;
    const scope = (req: FastifyRequest) =>
      kind === 'referral' ? referralScope(db, referenceOf(req)) : adviceScope(db, referenceOf(req));

    staffRoute(app, deps, {
      method: 'GET',
      url: `${base}/chronology`,
      policy: 'case.view',
      scope,
      handler: (_req, reply, ctx) => renderChronologyPage(deps, reply, ctx),
    });

    staffRoute(app, deps, {
      method: 'POST',
      url: `${base}/notes`,
      policy: 'case.work',
      scope,
      async handler(req, reply, ctx) {
        const s = ctx.scope!;
        const parsed = parseEntryText(req.body, 'note');
        if (!parsed.ok) {
          // The page shows the case's chronology again: logged as the GET would be.
          await ctx.logConsultation({ recordType: s.recordType, recordId: s.recordId, reference: s.reference });
          return renderChronologyPage(deps, reply, ctx, { note: parsed });
        }
        const id = await addEntry(db, {
          scope: s,
          actor: { userId: ctx.principal!.userId, organisationCode: ctx.principal!.organisationCode },
          justification: ctx.reason,
          text: parsed.value,
        });
        req.log.info({ user: ctx.principal!.userId, reference: s.reference }, 'chronology note added');
        return reply.redirect(`${chronologyHref(kind, s.reference)}#entry-${id}`, 303);
      },
    });

    const correctPage = async (
      reply: FastifyReply,
      ctx: StaffContext,
      rawId: string,
      form: { value: string; error?: string },
    ) => {
      const s = ctx.scope!;
      const entry = await findCaseEvent(db, s, rawId);
      if (!entry) return notFound(reply, ctx.render);
      const { events, lookups } = await loadChronology(
        db,
        s,
        kind === 'referral' ? await listAttachments(db, s.recordId) : [],
      );
      const byId = new Map(events.map((e) => [e.id, e]));
      const when = formatLondon(entry.createdAt, true);
      return ctx.render(form.error ? reply.code(400) : reply, 'triage/chronology/views/correct.njk', {
        pageTitle: `Correct the entry of ${when} – ${kind === 'referral' ? 'referral' : 'advice request'} ${s.reference}`,
        backLink: `${chronologyHref(kind, s.reference)}#entry-${entry.id}`,
        caption: `${kind === 'referral' ? 'Referral' : 'Advice request'} ${s.reference}`,
        when,
        original: {
          title: entryTitle(entry, lookups, byId),
          author: entry.authorKind === 'staff' ? (entry.authorName ?? 'A member of staff') : undefined,
          paragraphs: paragraphsOf(entry.body),
        },
        action: `${chronologyHref(kind, s.reference)}/${entry.id}/correct`,
        cancelHref: `${chronologyHref(kind, s.reference)}#entry-${entry.id}`,
        value: form.value,
        error: form.error,
        errorSummary: form.error ? [{ text: form.error, href: '#correction' }] : undefined,
      });
    };

    staffRoute(app, deps, {
      method: 'GET',
      url: `${base}/chronology/:id/correct`,
      policy: 'case.work',
      scope,
      handler: (req, reply, ctx) => correctPage(reply, ctx, idOf(req), { value: '' }),
    });

    staffRoute(app, deps, {
      method: 'POST',
      url: `${base}/chronology/:id/correct`,
      policy: 'case.work',
      scope,
      async handler(req, reply, ctx) {
        const s = ctx.scope!;
        const entry = await findCaseEvent(db, s, idOf(req));
        if (!entry) return notFound(reply, ctx.render);
        const parsed = parseEntryText(req.body, 'correction');
        if (!parsed.ok) {
          await ctx.logConsultation({ recordType: s.recordType, recordId: s.recordId, reference: s.reference });
          return correctPage(reply, ctx, String(entry.id), parsed);
        }
        const id = await addEntry(db, {
          scope: s,
          actor: { userId: ctx.principal!.userId, organisationCode: ctx.principal!.organisationCode },
          justification: ctx.reason,
          text: parsed.value,
          correctsId: entry.id,
        });
        if (id === undefined) return notFound(reply, ctx.render);
        req.log.info({ user: ctx.principal!.userId, reference: s.reference }, 'chronology entry corrected');
        return reply.redirect(`${chronologyHref(kind, s.reference)}#entry-${id}`, 303);
      },
    });
  }
}
