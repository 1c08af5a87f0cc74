import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { activeConcernTypes, activeSectors } from '../../../db/reference-data.js';
import type { Errors, Field, Values } from '../../../forms/fields.js';
import { formatLondon } from '../../../lib/dates.js';
import {
  createEmailReferral,
  emailIntakeSections,
  loadEmailDraft,
  parseEmailIntake,
  readEml,
  saveEmailDraft,
  type ParsedEmail,
} from './service.js';
import { paragraphsOf } from '../chronology/view-model.js';
import { sizeText } from '../../../lib/format.js';
import { errorSummary } from '../../../views/error-summary.js';
import { fieldViewModel } from '../../intake/view-models/question.js';
import { registerUploads, uploadedFile } from '../attachments/routes.js';
import { notFound, STAFF_PREFIX, staffRoute, type StaffContext, type StaffDeps } from '../../../staff/registry.js';

export const EMAIL_INTAKE_URL = `${STAFF_PREFIX}/intake/from-email`;
const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;

/**
 * Referrals that arrive by e-mail (policy intake.list): step 1 uploads the .eml file; step 2 shows the original beside
 * the online form's fields and creates the referral, once per upload.
 */
export async function emailIntakeRoutes(app: FastifyInstance, deps: StaffDeps): Promise<void> {
  const { db, config } = deps;

  const uploadPage = (reply: FastifyReply, ctx: StaffContext, error?: string) =>
    ctx.render(error ? reply.code(400) : reply, 'triage/email-intake/views/upload.njk', {
      pageTitle: 'Enter a referral that came by e-mail',
      backLink: `${STAFF_PREFIX}/intake`,
      action: EMAIL_INTAKE_URL,
      maxSize: sizeText(config.attachments.maxBytes),
      error,
      errorSummary: error ? [{ text: error, href: '#eml' }] : undefined,
    });

  const sectionsFor = async () =>
    emailIntakeSections({
      concernTypes: await activeConcernTypes(db),
      sectors: await activeSectors(db),
      site: config.site,
    });

  const formPage = async (
    reply: FastifyReply,
    ctx: StaffContext,
    id: string,
    parsed: ParsedEmail,
    values: Values,
    errors: Errors,
  ) => {
    const sections = await sectionsFor();
    const all: Field[] = sections.flatMap((s) => s.fields);
    const summary = errorSummary(all, errors);
    return ctx.render(summary.length ? reply.code(400) : reply, 'triage/email-intake/views/form.njk', {
      pageTitle: 'Enter the referral from the e-mail',
      backLink: EMAIL_INTAKE_URL,
      action: `${EMAIL_INTAKE_URL}/${id}`,
      original: {
        rows: [
          { key: { text: 'From' }, value: { text: parsed.from || 'Not given' } },
          { key: { text: 'To' }, value: { text: parsed.to || 'Not given' } },
          { key: { text: 'Date' }, value: { text: parsed.date ? formatLondon(parsed.date, true) : 'Not given' } },
          { key: { text: 'Subject' }, value: { text: parsed.subject || 'No subject' } },
          {
            key: { text: 'Attachments' },
            value: {
              text: parsed.attachments.length
                ? parsed.attachments.map((a) => `${a.fileName} (${sizeText(a.size)})`).join(', ')
                : 'None',
            },
          },
        ],
        paragraphs: paragraphsOf(parsed.text),
      },
      sections: sections.map((s, i) => ({
        title: s.title,
        id: `section-${i + 1}`,
        fields: s.fields.map((f) => fieldViewModel(f, values, errors, false)),
      })),
      errorSummary: summary.length ? summary : undefined,
    });
  };

  staffRoute(app, deps, {
    method: 'GET',
    url: EMAIL_INTAKE_URL,
    policy: 'intake.list',
    handler: (_req, reply, ctx) => uploadPage(reply, ctx),
  });

  await app.register(async (scoped) => {
    await registerUploads(scoped, app, config.attachments.maxBytes);
    staffRoute(scoped, deps, {
      method: 'POST',
      url: EMAIL_INTAKE_URL,
      policy: 'intake.list',
      async handler(req, reply, ctx) {
        const file = uploadedFile(req.body, 'eml');
        const read = await readEml(file, config.attachments.maxBytes);
        if (!read.ok) return uploadPage(reply, ctx, read.error);
        const id = await saveEmailDraft(db, {
          uploadedBy: ctx.principal!.userId,
          fileName: file!.fileName,
          raw: file!.data,
          parsed: read.parsed,
        });
        req.log.info({ user: ctx.principal!.userId, draft: id }, 'e-mailed referral uploaded');
        return reply.redirect(`${EMAIL_INTAKE_URL}/${id}`, 303);
      },
    });
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${EMAIL_INTAKE_URL}/:id`,
    policy: 'intake.list',
    async handler(req, reply, ctx) {
      const id = idOf(req);
      const draft = await loadEmailDraft(db, id, ctx.principal!.userId);
      if (draft.status === 'missing') return notFound(reply, ctx.render);
      if (draft.status === 'submitted') return reply.redirect(`${STAFF_PREFIX}/referrals/${draft.reference}`, 303);
      await ctx.logConsultation({ recordType: 'email-intake', detail: { draft: id } });
      const values: Values = { referrerEmail: draft.parsed.fromAddress };
      return formPage(reply, ctx, id, draft.parsed, values, {});
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${EMAIL_INTAKE_URL}/:id`,
    policy: 'intake.list',
    async handler(req, reply, ctx) {
      const id = idOf(req);
      const draft = await loadEmailDraft(db, id, ctx.principal!.userId);
      if (draft.status === 'missing') return notFound(reply, ctx.render);
      if (draft.status === 'submitted') return reply.redirect(`${STAFF_PREFIX}/referrals/${draft.reference}`, 303);
      const fields = (await sectionsFor()).flatMap((s) => s.fields);
      const { values, errors } = parseEmailIntake(fields, req.body);
      if (Object.keys(errors).length) {
        await ctx.logConsultation({ recordType: 'email-intake', detail: { draft: id } });
        return formPage(reply, ctx, id, draft.parsed, values, errors);
      }
      const result = await createEmailReferral(db, {
        draftId: id,
        actor: { userId: ctx.principal!.userId, organisationCode: ctx.principal!.organisationCode },
        values,
        attachmentsDir: config.attachments.dir,
      });
      if (result.status === 'missing') return notFound(reply, ctx.render);
      if (result.status === 'created') {
        req.log.info({ user: ctx.principal!.userId, reference: result.reference }, 'e-mailed referral entered');
      }
      return reply.redirect(`${STAFF_PREFIX}/referrals/${result.reference}`, 303);
    },
  });
}
