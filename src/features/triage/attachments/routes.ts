import multipart from '@fastify/multipart';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { referralScope } from '../../../policies/case-scope.js';
import { withoutNul } from '../../../lib/form-body.js';
import { addAttachment, checkDocument, contentDisposition, readAttachment, type UploadedFile } from './service.js';
import { chronologyHref } from '../chronology/view-model.js';
import { renderChronologyPage } from '../chronology/routes.js';
import { notFound, STAFF_PREFIX, staffRoute, type StaffDeps } from '../../../staff/registry.js';

const referenceOf = (req: FastifyRequest) => (req.params as { reference: string }).reference;

/**
 * Registers @fastify/multipart in the given (encapsulated) instance for form uploads: every part is read before the
 * route's preHandler, so the CSRF check finds `_csrf` as a plain string in `req.body`, and a file arrives as
 * `{ fileName, data, truncated }` (a file over the limit is cut short and marked, then refused with a GOV.UK error).
 * A request without a signed-in session is sent to sign in before its body is parsed, and its connection closed: only
 * signed-in staff can make the service read an upload.
 */
export async function registerUploads(
  instance: FastifyInstance,
  parent: FastifyInstance,
  maxBytes: number,
): Promise<void> {
  // Requests whose body was read to the end (the fields are set, without NUL characters, as for urlencoded forms).
  const read = new WeakSet<FastifyRequest>();
  // Errors in this scope (a refused CSRF token, an unreadable body) go to the app's error pages, whenever they are set.
  instance.setErrorHandler((err: FastifyError, req, reply) => {
    // A body the multipart parser could not read to the end fails with no status of its own (busboy's errors, even
    // after some fields were read): the sender's fault, answered 400 like any unreadable form, never 500.
    const unreadable = !read.has(req) && typeof err.statusCode !== 'number';
    const answered = unreadable
      ? Object.assign(new Error('unreadable upload'), { statusCode: 400, code: 'APP_UNREADABLE_UPLOAD' })
      : err;
    return parent.errorHandler.call(parent, answered, req, reply);
  });
  instance.addHook('preParsing', async (req, reply) => {
    if (req.method !== 'POST' || req.staffSession?.stage === 'signed_in') return;
    return reply.header('connection', 'close').redirect(`${STAFF_PREFIX}/sign-in?expired=1`, 303);
  });
  await instance.register(multipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: { files: 1, fields: 40, parts: 50, fileSize: maxBytes, fieldSize: 20_000, headerPairs: 100 },
    async onFile(part: MultipartFile) {
      const data = await part.toBuffer();
      (part as unknown as { value: UploadedFile }).value = {
        fileName: part.filename || undefined,
        data,
        truncated: part.file.truncated,
      };
    },
  });
  // After the parser's own preValidation hook, which reads the parts into the body (@fastify/multipart with
  // attachFieldsToBody): the body was read to the end.
  instance.addHook('preValidation', async (req) => {
    read.add(req);
    withoutNul(req.body);
  });
}

/** The uploaded file in a body read by `registerUploads` (undefined when the form had none, or was not multipart). */
export function uploadedFile(body: unknown, name: string): UploadedFile | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'object' || value === null || !('data' in value)) return undefined;
  const file = value as UploadedFile;
  return Buffer.isBuffer(file.data) ? file : undefined;
}

/**
 * A referral's attachments: upload (POST, case.work, multipart) and download (GET, case.view; one consultation entry
 * naming the attachment).
 */
export async function attachmentRoutes(app: FastifyInstance, deps: StaffDeps): Promise<void> {
  const { db } = deps;
  const base = `${STAFF_PREFIX}/referrals/:reference/attachments`;
  const scope = (req: FastifyRequest) => referralScope(db, referenceOf(req));

  await app.register(async (scoped) => {
    await registerUploads(scoped, app, deps.config.attachments.maxBytes);
    staffRoute(scoped, deps, {
      method: 'POST',
      url: base,
      policy: 'case.work',
      scope,
      async handler(req, reply, ctx) {
        const s = ctx.scope!;
        const file = uploadedFile(req.body, 'file');
        const checked = await checkDocument(file, deps.config.attachments.maxBytes);
        if (!checked.ok) {
          await ctx.logConsultation({ recordType: s.recordType, recordId: s.recordId, reference: s.reference });
          return renderChronologyPage(deps, reply, ctx, { upload: { error: checked.error } });
        }
        const id = await addAttachment(db, {
          dir: deps.config.attachments.dir,
          referral: { id: s.recordId, reference: s.reference },
          actor: { userId: ctx.principal!.userId, organisationCode: ctx.principal!.organisationCode },
          justification: ctx.reason,
          fileName: file!.fileName,
          mediaType: checked.mediaType,
          bytes: file!.data,
        });
        req.log.info({ user: ctx.principal!.userId, reference: s.reference, attachment: id }, 'attachment added');
        return reply.redirect(`${chronologyHref('referral', s.reference)}#attachments`, 303);
      },
    });
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${base}/:id`,
    policy: 'case.view',
    scope,
    // Logged below, once the attachment is found, naming it.
    logView: false,
    async handler(req, reply, ctx) {
      const s = ctx.scope!;
      const file = await readAttachment(db, s.recordId, (req.params as { id: string }).id);
      if (!file) return notFound(reply, ctx.render);
      await ctx.logConsultation({
        recordType: 'referral',
        recordId: s.recordId,
        reference: s.reference,
        detail: { attachment: file.id },
      });
      return reply
        .type(file.mediaType)
        .header('content-disposition', contentDisposition(file.fileName))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(file.bytes);
    },
  });
}
