import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import type { Db } from '../../../db/client.js';
import { appendAccessLog } from '../../../access-log/queries.js';
import { appendCaseEvent } from '../case-events.js';
import { attachments, staffUsers, type ATTACHMENT_ROLES } from '../../../db/schema/index.js';
import { cleanText } from '../../../forms/fields.js';
import { messages } from '../../../messages.js';
import type { AttachmentListItem } from '../chronology/service.js';
import { sizeText } from '../../../lib/format.js';

/**
 * Files kept with a referral. The type is decided from the bytes (file-type), never from the name or the browser's
 * word; only PDF, Word, PNG and JPEG are kept. Bytes go in the database, or in ATTACHMENTS_DIR as a file named by the
 * attachment's id (then only the path is stored). Rows never change.
 */

export type AttachmentRole = (typeof ATTACHMENT_ROLES)[number];

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const DOC = 'application/msword';

const ACCEPTED = new Set(['application/pdf', 'image/png', 'image/jpeg', DOCX]);
/** "WordDocument" in UTF-16LE: the stream every Word 97-2003 compound file has. */
const WORD_STREAM = Buffer.from('WordDocument', 'utf16le');

/** The media type of an accepted document, decided from its content; undefined for anything else. */
export async function documentType(bytes: Buffer): Promise<string | undefined> {
  if (bytes.length === 0) return undefined;
  const found = await fileTypeFromBuffer(bytes);
  if (!found) return undefined;
  if (ACCEPTED.has(found.mime)) return found.mime;
  // A compound file (.doc, .xls, .msi…) is a Word document only if it holds the WordDocument stream.
  if (found.ext === 'cfb' && bytes.includes(WORD_STREAM)) return DOC;
  return undefined;
}

/** A file name safe to show and to offer for download: no folders, control or reserved characters; at most 255. */
export function sanitiseFileName(raw: string | undefined, fallback = 'attachment'): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  let name = cleanText(base)
    .replace(/[\n\t]/g, ' ')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (name.length > 255) {
    const ext = /\.[A-Za-z0-9]{1,8}$/.exec(name)?.[0] ?? '';
    name = name.slice(0, 255 - ext.length) + ext;
  }
  return name || fallback;
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export interface UploadedFile {
  fileName: string | undefined;
  data: Buffer;
  truncated: boolean;
}

export type CheckedFile = { ok: true; mediaType: string } | { ok: false; error: string };

/** Refuses a missing, empty, too large or unaccepted file with the message to show. */
export async function checkDocument(file: UploadedFile | undefined, maxBytes: number): Promise<CheckedFile> {
  const m = messages.chronology;
  if (!file || (file.data.length === 0 && !file.fileName)) return { ok: false, error: m.fileMissing };
  if (file.truncated || file.data.length > maxBytes) return { ok: false, error: m.fileTooLarge(sizeText(maxBytes)) };
  if (file.data.length === 0) return { ok: false, error: m.fileEmpty };
  const mediaType = await documentType(file.data);
  return mediaType ? { ok: true, mediaType } : { ok: false, error: m.fileType };
}

export interface NewAttachment {
  referralId: string;
  role: AttachmentRole;
  fileName: string;
  mediaType: string;
  bytes: Buffer;
  uploadedBy: string;
  description?: string | null;
}

/**
 * Where one transaction's attachments go: the database (no folder) or ATTACHMENTS_DIR, with the files written so far,
 * so that they can be removed if the transaction does not commit (see `withAttachmentFiles`).
 */
export interface AttachmentStore {
  dir: string | undefined;
  written: string[];
}

/**
 * Runs `work` (which opens and commits a transaction) with an attachment store, and removes the files it wrote if the
 * work fails, the commit included: a file of personal data must never outlive its record, where no retention review or
 * subject access request would find it. (A process killed between the write and the commit can still leave one: the
 * file is named by an id no row holds.)
 */
export async function withAttachmentFiles<T>(
  dir: string | undefined,
  work: (store: AttachmentStore) => Promise<T>,
): Promise<T> {
  const store: AttachmentStore = { dir, written: [] };
  try {
    return await work(store);
  } catch (err) {
    await Promise.all(store.written.map((file) => rm(file, { force: true })));
    throw err;
  }
}

/** Stores one attachment (in the caller's transaction) and returns its id. */
export async function storeAttachment(db: Db, store: AttachmentStore, a: NewAttachment): Promise<string> {
  const id = randomUUID();
  let storedPath: string | null = null;
  if (store.dir) {
    await mkdir(store.dir, { recursive: true, mode: 0o700 });
    storedPath = path.join(store.dir, id);
    const tmp = `${storedPath}.tmp`;
    store.written.push(tmp, storedPath);
    await writeFile(tmp, a.bytes, { mode: 0o600 });
    await rename(tmp, storedPath);
  }
  await db.insert(attachments).values({
    id,
    referralId: a.referralId,
    role: a.role,
    fileName: a.fileName,
    mediaType: a.mediaType,
    sizeBytes: a.bytes.length,
    sha256: createHash('sha256').update(a.bytes).digest('hex'),
    content: storedPath ? null : a.bytes,
    storedPath,
    description: a.description ?? null,
    uploadedBy: a.uploadedBy,
  });
  return id;
}

/**
 * An officer attaches a file to a referral: the row, its chronology entry and an "alteration" in the access log, in
 * one transaction. The file must already have passed `checkDocument`.
 */
export async function addAttachment(
  db: Db,
  opts: {
    dir: string | undefined;
    referral: { id: string; reference: string };
    actor: { userId: string; organisationCode: string };
    justification: string | null;
    fileName: string | undefined;
    mediaType: string;
    bytes: Buffer;
  },
): Promise<string> {
  return withAttachmentFiles(opts.dir, (store) =>
    db.transaction(async (tx) => {
      const fileName = sanitiseFileName(opts.fileName);
      const id = await storeAttachment(tx, store, {
        referralId: opts.referral.id,
        role: 'attachment',
        fileName,
        mediaType: opts.mediaType,
        bytes: opts.bytes,
        uploadedBy: opts.actor.userId,
      });
      await appendCaseEvent(tx, {
        record: { referralId: opts.referral.id },
        kind: 'attachment',
        author: { kind: 'staff', id: opts.actor.userId },
        data: { attachmentId: id, role: 'attachment' },
      });
      await appendAccessLog(tx, {
        action: 'alteration',
        recordType: 'referral',
        recordId: opts.referral.id,
        reference: opts.referral.reference,
        actorType: 'staff',
        actorId: opts.actor.userId,
        organisation: opts.actor.organisationCode,
        channel: 'staff-web',
        justification: opts.justification,
        detail: { change: 'attachment-added', attachment: id, mediaType: opts.mediaType, size: opts.bytes.length },
      });
      return id;
    }),
  );
}

/** A referral's attachments (without their bytes), oldest first. */
export async function listAttachments(db: Db, referralId: string): Promise<AttachmentListItem[]> {
  const rows = await db
    .select({
      id: attachments.id,
      role: attachments.role,
      fileName: attachments.fileName,
      mediaType: attachments.mediaType,
      sizeBytes: attachments.sizeBytes,
      createdAt: attachments.createdAt,
      uploadedByName: staffUsers.displayName,
    })
    .from(attachments)
    .leftJoin(staffUsers, eq(staffUsers.id, attachments.uploadedBy))
    .where(eq(attachments.referralId, referralId))
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
  return rows;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One attachment of this referral with its bytes; undefined for an unknown id or another referral's. */
export async function readAttachment(
  db: Db,
  referralId: string,
  id: string,
): Promise<{ id: string; fileName: string; mediaType: string; bytes: Buffer } | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await db
    .select({
      id: attachments.id,
      fileName: attachments.fileName,
      mediaType: attachments.mediaType,
      content: attachments.content,
      storedPath: attachments.storedPath,
    })
    .from(attachments)
    .where(and(eq(attachments.id, id), eq(attachments.referralId, referralId)));
  if (!row) return undefined;
  const bytes = row.content ? Buffer.from(row.content) : await readFile(row.storedPath!);
  return { id: row.id, fileName: row.fileName, mediaType: row.mediaType, bytes };
}
