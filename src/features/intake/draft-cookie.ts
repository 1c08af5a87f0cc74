import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The `prevent_draft` cookie: which drafts this browser is filling in, one per journey, as random ids (never answers).
 * Signed, HttpOnly, SameSite=Lax, and a browser-session cookie so it goes when the browser closes.
 */
export const DRAFT_COOKIE = 'prevent_draft';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type DraftIds = Partial<Record<'referral' | 'advice', string>>;

export function readDraftIds(request: FastifyRequest): DraftIds {
  const raw = request.cookies[DRAFT_COOKIE];
  if (!raw) return {};
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return {};
  const ids: DraftIds = {};
  for (const part of unsigned.value.split('|')) {
    const [kind, id] = part.split(':');
    if ((kind === 'referral' || kind === 'advice') && id && UUID.test(id)) ids[kind] = id;
  }
  return ids;
}

export function writeDraftIds(reply: FastifyReply, ids: DraftIds, secure: boolean): void {
  const value = Object.entries(ids)
    .filter(([, id]) => id)
    .map(([k, id]) => `${k}:${id}`)
    .join('|');
  if (!value) {
    reply.clearCookie(DRAFT_COOKIE, { path: '/' });
    return;
  }
  reply.setCookie(DRAFT_COOKIE, value, { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true });
}
