import { describe, expect, it } from 'vitest';
import type { CaseEventRow } from '../../src/features/triage/case-events.js';
import {
  attachmentRows,
  chronologyView,
  dayText,
  paragraphsOf,
  parseEntryText,
  type ChronologyLookups,
} from '../../src/features/triage/chronology/view-model.js';
import { sizeText } from '../../src/lib/format.js';

const ALEX = '11111111-1111-4111-8111-111111111111';
const SAM = '22222222-2222-4222-8222-222222222222';
const CUMBERLAND = '33333333-3333-4333-8333-333333333333';
const FILE = '44444444-4444-4444-8444-444444444444';

const lookups: ChronologyLookups = {
  staff: { [ALEX]: 'Alex Officer', [SAM]: 'Sam Supervisor' },
  organisations: { [CUMBERLAND]: 'Cumberland Council' },
  attachments: { [FILE]: { fileName: 'form.pdf', href: '/staff/referrals/ABCDEFGH/attachments/' + FILE } },
};

let nextId = 1;
function event(over: Partial<CaseEventRow>): CaseEventRow {
  return {
    id: nextId++,
    kind: 'note',
    authorKind: 'staff',
    authorId: ALEX,
    authorName: 'Alex Officer',
    body: null,
    data: {},
    correctsId: null,
    correctedBy: [],
    createdAt: new Date('2027-03-02T14:05:00Z'),
    ...over,
  };
}

const view = (events: CaseEventRow[], canWork = true) =>
  chronologyView(events, lookups, { kind: 'referral', reference: 'ABCDEFGH', canWork });

describe('chronology view model', () => {
  it('puts each kind of entry into words from its known facts', () => {
    const titles = view([
      event({ kind: 'received', authorKind: 'system', authorId: null, authorName: null, data: { source: 'online' } }),
      event({ kind: 'received', data: { source: 'email' } }),
      event({ kind: 'assigned', data: { from: null, to: ALEX, taken: true } }),
      event({ kind: 'assigned', data: { from: ALEX, to: SAM } }),
      event({ kind: 'assigned', data: { from: null, to: SAM } }),
      event({ kind: 'status', data: { from: 'new', to: 'in_triage' } }),
      event({ kind: 'status', data: { from: 'in_triage', to: 'awaiting_information', onHoldUntil: '2027-03-03' } }),
      event({ kind: 'status', data: { from: 'decided', to: 'in_triage', reopened: true } }),
      event({ kind: 'note', body: 'Hello' }),
      event({ kind: 'referrer_answer', authorKind: 'referrer', authorId: null, authorName: null }),
      event({ kind: 'decision', data: { outcome: 'channel', decisionId: 'x' } }),
      event({ kind: 'approval', authorId: SAM, authorName: 'Sam Supervisor' }),
      event({ kind: 'approval_returned', authorId: SAM, authorName: 'Sam Supervisor' }),
      event({ kind: 'handover', data: { organisationId: CUMBERLAND } }),
      event({ kind: 'attachment', data: { attachmentId: FILE } }),
    ]).map((e) => e.title);
    expect(titles).toEqual([
      'Received through the online form',
      'Received by e-mail',
      'Taken from the queue by Alex Officer',
      'Reassigned from Alex Officer to Sam Supervisor',
      'Assigned to Sam Supervisor',
      'Moved from New to In triage',
      'Moved from In triage to Waiting for information until 3 March 2027',
      'Reopened: moved from Decided to In triage',
      'Note',
      'Reply from the referrer',
      'Decision recorded: referred to Channel',
      'Approved by Sam Supervisor',
      'Returned by Sam Supervisor with comments',
      'Handed over to Cumberland Council',
      'File attached: form.pdf',
    ]);
  });

  it('falls back to the kind and the body for shapes it does not know, never printing data', () => {
    const [a, b, c] = view([
      event({ kind: 'status', data: { weird: { nested: 'secret-value' } }, body: 'Because.' }),
      event({ kind: 'handover', data: { organisationId: 'not-known' } }),
      event({ kind: 'decision', data: { outcome: '<script>' } }),
    ]);
    expect(a!.title).toBe('Status changed');
    expect(a!.body).toBe('Because.');
    expect(JSON.stringify([a, b, c])).not.toContain('secret-value');
    expect(b!.title).toBe('Handed over');
    expect(c!.title).toBe('Decision recorded');
  });

  it('says who wrote an entry', () => {
    const [staff, referrer, system, unnamed] = view([
      event({}),
      event({ authorKind: 'referrer', authorId: null, authorName: null }),
      event({ authorKind: 'system', authorId: null, authorName: null }),
      event({ authorName: null }),
    ]);
    expect([staff!.author, referrer!.author, system!.author, unnamed!.author]).toEqual([
      'Alex Officer',
      'The referrer',
      'The system',
      'A member of staff',
    ]);
  });

  it('links a corrected entry to its correction and back', () => {
    const original = event({ body: 'Tuesday', createdAt: new Date('2027-03-02T14:05:00Z') });
    const correction = event({
      kind: 'correction',
      body: 'Wednesday',
      correctsId: original.id,
      createdAt: new Date('2027-03-04T09:00:00Z'),
    });
    original.correctedBy = [correction.id];
    const [o, c] = view([original, correction]);
    expect(o!.correctedBy).toEqual([
      { text: 'Corrected: see the entry of 4 March 2027 at 9:00am', href: `#entry-${correction.id}` },
    ]);
    expect(c!.title).toBe('Correction of the entry of 2 March 2027 at 2:05pm');
    expect(c!.corrects).toEqual({
      text: 'See the entry it corrects (2 March 2027 at 2:05pm)',
      href: `#entry-${original.id}`,
    });
    expect(o!.correctHref).toBe(`/staff/referrals/ABCDEFGH/chronology/${original.id}/correct`);
    expect(view([original], false)[0]!.correctHref).toBeUndefined();
  });

  it('splits bodies into paragraphs and lines', () => {
    expect(paragraphsOf('a\nb\n\n\nc')).toEqual([['a', 'b'], ['c']]);
    expect(paragraphsOf(null)).toEqual([]);
  });

  it('validates notes and corrections', () => {
    expect(parseEntryText({ note: '  A note\r\n ' }, 'note')).toEqual({ ok: true, value: 'A note' });
    expect(parseEntryText({ note: '' }, 'note')).toMatchObject({ ok: false, error: 'Enter the note' });
    expect(parseEntryText({ note: ['a', 'b'] }, 'note')).toMatchObject({ ok: false, error: 'Enter the note' });
    expect(parseEntryText({}, 'correction')).toMatchObject({ ok: false, error: 'Enter the correction' });
    expect(parseEntryText({ correction: 'x'.repeat(10_001) }, 'correction')).toMatchObject({
      ok: false,
      error: 'The correction must be 10,000 characters or fewer',
    });
    expect(parseEntryText(undefined, 'note').ok).toBe(false);
  });

  it('writes sizes, days and attachment rows as people read them', () => {
    expect(sizeText(10 * 1024 * 1024)).toBe('10 MB');
    expect(sizeText(2048)).toBe('2 KB');
    expect(sizeText(12)).toBe('12 bytes');
    expect(dayText('2027-03-03')).toBe('3 March 2027');
    expect(dayText('nonsense')).toBe('');
    expect(
      attachmentRows(
        [
          {
            id: FILE,
            role: 'original_email',
            fileName: 'mail.eml',
            mediaType: 'message/rfc822',
            sizeBytes: 3000,
            createdAt: new Date('2027-03-02T14:05:00Z'),
            uploadedByName: 'Alex Officer',
          },
        ],
        'ABCDEFGH',
      ),
    ).toEqual([
      {
        href: `/staff/referrals/ABCDEFGH/attachments/${FILE}`,
        fileName: 'mail.eml',
        kind: 'The original e-mail (E-mail)',
        size: '3 KB',
        added: '2 March 2027 at 2:05pm by Alex Officer',
      },
    ]);
  });
});
