import { z } from 'zod';
import type { CaseEventRow } from '../case-events.js';
import { cleanText } from '../../../forms/fields.js';
import { formatLondon } from '../../../lib/dates.js';
import { messages } from '../../../messages.js';
import { REFERRAL_STATUS_LABELS } from '../../cases/view-models/case-view.js';
import { sizeText } from '../../../lib/format.js';
import type { AttachmentListItem, ChronologyLookups } from './service.js';

export type { AttachmentListItem, ChronologyLookups };

/**
 * A case's chronology as people read it: each entry of `case_events` turned into words from its kind, its body and
 * the facts in `data` this module knows. `data` is never printed raw: a shape we do not know falls back to the kind's
 * label and the body.
 */

export type CaseKind = 'referral' | 'advice';

export interface ChronologyEntryView {
  id: number;
  anchor: string;
  when: string;
  title: string;
  author: string;
  body: string | null;
  /** The body as paragraphs of lines (blank lines part paragraphs), for the template to print escaped. */
  paragraphs: string[][];
  attachment?: { text: string; href: string };
  corrects?: { text: string; href: string };
  correctedBy: { text: string; href: string }[];
  correctHref?: string;
}

const KIND_LABELS: Record<CaseEventRow['kind'], string> = {
  received: 'Received',
  assigned: 'Assigned',
  status: 'Status changed',
  note: 'Note',
  correction: 'Correction',
  attachment: 'File attached',
  recontact_sent: 'Message sent to the referrer',
  recontact_withdrawn: 'Question to the referrer withdrawn',
  referrer_answer: 'Reply from the referrer',
  referrer_added: 'Information added by the referrer',
  check: 'Information check',
  assessment: 'Assessment recorded',
  decision: 'Decision recorded',
  approval: 'Decision approved',
  approval_returned: 'Decision returned',
  explanation: 'Explanation sent',
  handover: 'Handed over',
  handover_accepted: 'Hand-over accepted',
  handover_returned: 'Hand-over returned',
  link: 'Linked with an earlier referral',
  advice_reply: 'Reply to the advice request',
};

const SOURCE_WORDS: Record<string, string> = {
  online: 'Received through the online form',
  email: 'Received by e-mail',
  phone: 'Received by phone',
  post: 'Received by post',
};

const OUTCOME_LABELS: Record<string, string> = {
  no_further_action: 'no further action',
  signposted: 'signposted to other support',
  police_led: 'police-led support',
  channel: 'referred to Channel',
};

const CHECK_OUTCOMES: Record<string, string> = {
  pending: 'waiting for an answer',
  nothing_known: 'nothing known',
  information_held: 'information held',
  declined: 'declined',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** "3 March 2027" from "2027-03-03" (a calendar day, read at noon UTC so no time zone moves it). */
export function dayText(iso: string): string {
  return ISO_DAY.test(iso) ? formatLondon(new Date(`${iso}T12:00:00Z`), false) : '';
}

function stateLabel(v: unknown): string | undefined {
  const s = str(v);
  return s && Object.hasOwn(REFERRAL_STATUS_LABELS, s)
    ? REFERRAL_STATUS_LABELS[s as keyof typeof REFERRAL_STATUS_LABELS]
    : undefined;
}

function authorText(e: CaseEventRow): string {
  if (e.authorKind === 'referrer') return 'The referrer';
  if (e.authorKind === 'system') return 'The system';
  return e.authorName ?? 'A member of staff';
}

/** The words for one entry's heading. `byId` is every entry of the case (for corrections). */
export function entryTitle(e: CaseEventRow, lookups: ChronologyLookups, byId: Map<number, CaseEventRow>): string {
  const d = e.data ?? {};
  const staffName = (v: unknown) => {
    const id = str(v);
    return id ? lookups.staff[id] : undefined;
  };
  const orgName = (...vs: unknown[]) => {
    for (const v of vs) {
      const id = str(v);
      if (id && lookups.organisations[id]) return lookups.organisations[id];
    }
    return str(d.organisationName) ?? str(d.councilName);
  };
  switch (e.kind) {
    case 'received':
      return SOURCE_WORDS[str(d.source) ?? ''] ?? KIND_LABELS.received;
    case 'assigned': {
      const to = staffName(d.to);
      const from = staffName(d.from);
      if (d.taken === true && to) return `Taken from the queue by ${to}`;
      if (from && to) return `Reassigned from ${from} to ${to}`;
      if (to) return `Assigned to ${to}`;
      return KIND_LABELS.assigned;
    }
    case 'status': {
      const from = stateLabel(d.from);
      const to = stateLabel(d.to);
      if (!to) return KIND_LABELS.status;
      const until = str(d.onHoldUntil) && dayText(String(d.onHoldUntil));
      const moved = from ? `Moved from ${from} to ${to}` : `Moved to ${to}`;
      if (d.reopened === true) return `Reopened: ${moved.charAt(0).toLowerCase()}${moved.slice(1)}`;
      return until ? `${moved} until ${until}` : moved;
    }
    case 'correction': {
      const original = e.correctsId === null ? undefined : byId.get(e.correctsId);
      return original ? `Correction of the entry of ${formatLondon(original.createdAt, true)}` : KIND_LABELS.correction;
    }
    case 'attachment': {
      const id = str(d.attachmentId);
      const file = id ? lookups.attachments[id] : undefined;
      return file ? `File attached: ${file.fileName}` : KIND_LABELS.attachment;
    }
    case 'decision': {
      const outcome = OUTCOME_LABELS[str(d.outcome) ?? ''];
      return outcome ? `Decision recorded: ${outcome}` : KIND_LABELS.decision;
    }
    case 'approval':
      return `Approved by ${authorText(e)}`;
    case 'approval_returned':
      return `Returned by ${authorText(e)} with comments`;
    case 'check': {
      const outcome = CHECK_OUTCOMES[str(d.outcome) ?? ''];
      return outcome ? `Information check: ${outcome}` : KIND_LABELS.check;
    }
    case 'handover': {
      const org = orgName(d.organisationId, d.councilId, d.to);
      return org ? `Handed over to ${org}` : KIND_LABELS.handover;
    }
    case 'handover_accepted': {
      const org = orgName(d.organisationId, d.councilId);
      return org ? `Hand-over accepted by ${org}` : KIND_LABELS.handover_accepted;
    }
    case 'handover_returned': {
      const org = orgName(d.organisationId, d.councilId);
      return org ? `Hand-over returned by ${org}` : KIND_LABELS.handover_returned;
    }
    case 'recontact_sent':
      return d.purpose === 'question' ? 'Question sent to the referrer' : KIND_LABELS.recontact_sent;
    default:
      return KIND_LABELS[e.kind] ?? 'Entry';
  }
}

/** Where a case's chronology lives. */
export function chronologyHref(kind: CaseKind, reference: string): string {
  return `/staff/${kind === 'referral' ? 'referrals' : 'advice'}/${reference}/chronology`;
}

/** Every entry in time order, in words, with corrections linked both ways. */
export function chronologyView(
  events: CaseEventRow[],
  lookups: ChronologyLookups,
  opts: { kind: CaseKind; reference: string; canWork: boolean },
): ChronologyEntryView[] {
  const base = chronologyHref(opts.kind, opts.reference);
  const byId = new Map(events.map((e) => [e.id, e]));
  const whenOf = (id: number) => {
    const e = byId.get(id);
    return e ? formatLondon(e.createdAt, true) : '';
  };
  return events.map((e) => {
    const d = e.data ?? {};
    const attachmentId = e.kind === 'attachment' ? str(d.attachmentId) : undefined;
    const file = attachmentId ? lookups.attachments[attachmentId] : undefined;
    const view: ChronologyEntryView = {
      id: e.id,
      anchor: `entry-${e.id}`,
      when: formatLondon(e.createdAt, true),
      title: entryTitle(e, lookups, byId),
      author: authorText(e),
      body: e.body,
      paragraphs: paragraphsOf(e.body),
      correctedBy: e.correctedBy
        .filter((id) => byId.has(id))
        .map((id) => ({ text: `Corrected: see the entry of ${whenOf(id)}`, href: `#entry-${id}` })),
    };
    if (file) view.attachment = { text: `Download ${file.fileName}`, href: file.href };
    if (e.correctsId !== null && byId.has(e.correctsId)) {
      view.corrects = { text: `See the entry it corrects (${whenOf(e.correctsId)})`, href: `#entry-${e.correctsId}` };
    }
    if (opts.canWork) view.correctHref = `${base}/${e.id}/correct`;
    return view;
  });
}

/** Text as paragraphs of lines: blank lines part paragraphs. */
export function paragraphsOf(text: string | null): string[][] {
  if (!text) return [];
  return text
    .split(/\n\s*\n/)
    .map((p) => p.split('\n').map((l) => l.trimEnd()))
    .filter((lines) => lines.some((l) => l.trim() !== ''));
}

export const TEXT_MAX = 10_000;

export type TextParse = { ok: true; value: string } | { ok: false; value: string; error: string };

const textBody = z.object({ text: z.string().optional() });

/** A note or a correction from a form body: required, at most 10,000 characters, cleaned. */
export function parseEntryText(body: unknown, field: 'note' | 'correction'): TextParse {
  const parsed = textBody.safeParse(
    typeof body === 'object' && body !== null ? { text: (body as Record<string, unknown>)[field] } : {},
  );
  const raw = parsed.success ? (parsed.data.text ?? '') : '';
  const value = cleanText(raw).trim();
  const m = messages.chronology;
  if (value === '') return { ok: false, value, error: field === 'note' ? m.noteMissing : m.correctionMissing };
  if (value.length > TEXT_MAX)
    return { ok: false, value, error: field === 'note' ? m.noteTooLong : m.correctionTooLong };
  return { ok: true, value };
}

const MEDIA_LABELS: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'application/msword': 'Word document',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'message/rfc822': 'E-mail',
};

const ROLE_LABELS: Record<string, string> = {
  attachment: 'Attachment',
  original_email: 'The original e-mail',
  original_form: 'Referral form sent with the e-mail',
};

/** The attachments table: file (a download link), what it is, size, added when and by whom. */
export function attachmentRows(items: AttachmentListItem[], reference: string) {
  return items.map((a) => ({
    href: `/staff/referrals/${reference}/attachments/${a.id}`,
    fileName: a.fileName,
    kind: `${ROLE_LABELS[a.role] ?? 'Attachment'} (${MEDIA_LABELS[a.mediaType] ?? 'file'})`,
    size: sizeText(a.sizeBytes),
    added: `${formatLondon(a.createdAt, true)}${a.uploadedByName ? ` by ${a.uploadedByName}` : ''}`,
  }));
}
