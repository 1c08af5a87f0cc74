import { describe, expect, it } from 'vitest';
import { CASE_ALIASES } from '../../src/db/case-aliases.js';
import type { Role } from '../../src/db/schema/index.js';
import { listAccess, type Principal } from '../../src/policies/index.js';
import { personalDataInReply } from '../../src/features/triage/queue/advice-reply.js';
import {
  queueQuery,
  type QueueFilters,
  type QueueItem,
  type WorkloadRow,
} from '../../src/features/triage/queue/service.js';
import {
  ageAgainstTarget,
  filterSelects,
  parseAssignBody,
  parseQueueQuery,
  parseReopenBody,
  parseReplyBody,
  queueBanner,
  queueCountText,
  queueFilters,
  queueHref,
  queuePagination,
  queueTable,
  workingDaysBetween,
  workloadTable,
} from '../../src/features/triage/queue/view-model.js';

// England and Wales, late 2026 and early 2027.
const HOLIDAYS = ['2026-12-25', '2026-12-28', '2027-01-01'];
const OFFICER = '7d9f1a2e-3b4c-4d5e-8f60-718293a4b5c6';

describe('working days', () => {
  it('counts weekdays after the first date up to the second, skipping bank holidays', () => {
    expect(workingDaysBetween('2026-11-23', '2026-11-27', [])).toBe(4); // Monday → Friday
    expect(workingDaysBetween('2026-11-27', '2026-11-30', [])).toBe(1); // Friday → Monday
    expect(workingDaysBetween('2026-11-28', '2026-11-29', [])).toBe(0); // Saturday → Sunday
    expect(workingDaysBetween('2026-11-27', '2026-11-27', [])).toBe(0);
    expect(workingDaysBetween('2026-11-30', '2026-11-23', [])).toBe(0);
    expect(workingDaysBetween('2026-12-24', '2026-12-29', HOLIDAYS)).toBe(1); // Christmas and the substitute day
    expect(workingDaysBetween('2026-12-24', '2027-01-04', HOLIDAYS)).toBe(4);
    // A holiday on a weekend is not taken off twice.
    expect(workingDaysBetween('2026-11-27', '2026-11-30', ['2026-11-28'])).toBe(1);
  });

  it('agrees with counting day by day over a long span', () => {
    let count = 0;
    const start = Date.UTC(2024, 0, 1);
    for (let d = 1; d <= 800; d++) {
      const day = new Date(start + d * 86_400_000);
      const ymd = day.toISOString().slice(0, 10);
      const dow = day.getUTCDay();
      if (dow !== 0 && dow !== 6 && !HOLIDAYS.includes(ymd)) count++;
      expect(workingDaysBetween('2024-01-01', ymd, HOLIDAYS), ymd).toBe(count);
    }
  });

  it('says how a case stands against its target date', () => {
    expect(ageAgainstTarget('2026-11-20', '2026-11-26', [])).toEqual({
      overdue: true,
      workingDays: 4,
      text: '4 working days over',
    });
    expect(ageAgainstTarget('2026-11-25', '2026-11-26', []).text).toBe('1 working day over');
    expect(ageAgainstTarget('2026-11-27', '2026-11-28', [])).toMatchObject({ overdue: true, workingDays: 0 });
    expect(ageAgainstTarget('2026-11-26', '2026-11-26', [])).toEqual({
      overdue: false,
      workingDays: 0,
      text: 'Due today',
    });
    expect(ageAgainstTarget('2026-12-01', '2026-11-26', []).text).toBe('3 working days left');
  });
});

describe('the queue’s filters', () => {
  it('reads the query string, treating unknown values as "all" and refusing a bad page', () => {
    expect(parseQueueQuery({})).toEqual({
      page: 1,
      form: { state: '', officer: '', age: '', concern: '', type: '' },
    });
    expect(
      parseQueueQuery({
        state: 'in_triage',
        officer: OFFICER.toUpperCase(),
        age: 'soon',
        concern: 'extreme_right',
        type: 'advice',
        page: '3',
      }),
    ).toEqual({
      page: 3,
      form: { state: 'in_triage', officer: OFFICER, age: 'soon', concern: 'extreme_right', type: 'advice' },
    });
    expect(parseQueueQuery({ state: 'decided', officer: 'bob', age: '<x>', concern: 'A B', type: 'x' })!.form).toEqual({
      state: '',
      officer: '',
      age: '',
      concern: '',
      type: '',
    });
    expect(parseQueueQuery({ page: '0' })).toBeUndefined();
    expect(parseQueueQuery({ page: '1e3' })).toBeUndefined();
  });

  it('turns "Mine" into the signed-in officer and keeps the filters in links', () => {
    const form = { state: '', officer: 'mine', age: 'overdue', concern: '', type: '' };
    expect(queueFilters(form, OFFICER)).toEqual({
      state: undefined,
      officer: { kind: 'officer', id: OFFICER },
      age: 'overdue',
      concern: undefined,
      type: undefined,
    });
    expect(queueHref(form, 2)).toBe('/staff/triage?officer=mine&age=overdue&page=2');
    const pages = queuePagination(form, 2, 9)!;
    expect(pages.previous!.href).toBe('/staff/triage?officer=mine&age=overdue');
    expect(pages.items.map((i) => ('number' in i ? i.number : '…'))).toEqual(['1', '2', '3', '…', '9']);
    expect(queuePagination(form, 1, 1)).toBeUndefined();
  });

  it('offers the officers, "Mine" and "Not assigned", with the chosen ones selected', () => {
    const selects = filterSelects(
      { state: 'new', officer: 'none', age: '', concern: '', type: '' },
      [{ id: OFFICER, displayName: 'Olive Officer' }],
      [{ code: 'islamist', label: 'Islamist' }],
    );
    expect(selects.officer.map((o) => o.text)).toEqual(['Anyone', 'Mine', 'Not assigned', 'Olive Officer']);
    expect(selects.officer.find((o) => o.selected)!.value).toBe('none');
    expect(selects.state.find((o) => o.selected)!.text).toBe('New');
    expect(selects.concern.map((o) => o.value)).toEqual(['', 'islamist']);
  });
});

describe('the queue query', () => {
  const person = (roles: Role[]): Principal => ({
    userId: OFFICER,
    email: 'o@example.test',
    displayName: 'O',
    organisationId: '00000000-0000-4000-8000-000000000002',
    organisationCode: 'cumbria-police-prevent',
    organisationName: 'Prevent',
    organisationKind: 'police_prevent',
    roles: new Set(roles),
    sessionIdHash: 'x',
  });
  const TEAM = listAccess('triage.queue', person(['prevent_officer']), CASE_ALIASES);

  it('reads nothing for someone the triage.queue policy shows no case', () => {
    const none = listAccess('triage.queue', person(['analyst']), CASE_ALIASES);
    expect(queueQuery({}, '2026-11-26', { reach: 50, perPage: 50, offset: 0 }, none)).toBeNull();
  });

  const combos: QueueFilters[] = [];
  for (const state of [undefined, 'new', 'in_triage'] as const)
    for (const officer of [undefined, { kind: 'none' as const }, { kind: 'officer' as const, id: OFFICER }])
      for (const age of [undefined, 'overdue', 'soon'] as const)
        for (const concern of [undefined, 'islamist'])
          for (const type of [undefined, 'referral', 'advice'] as const)
            combos.push({ state, officer, age, concern, type });

  it('uses every parameter it passes, and one text always comes with the same parameters', () => {
    const seen = new Map<string, string>();
    for (const f of combos) {
      const built = queueQuery(f, '2026-11-26', { reach: 100, perPage: 50, offset: 50 }, TEAM);
      if (!built) {
        // Only when no side can match: advice requests have no concern type and no state but "new".
        expect(f.type === 'advice' && (f.concern !== undefined || (f.state ?? 'new') !== 'new')).toBe(true);
        continue;
      }
      const used = new Set([...built.text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
      expect([...used].sort((a, b) => a - b)).toEqual(built.values.map((_, i) => i + 1));
      const kinds = built.values.map((v) => typeof v).join(',');
      if (seen.has(built.text)) expect(seen.get(built.text)).toBe(kinds);
      seen.set(built.text, kinds);
    }
  });

  it('leaves advice requests out when filtering by type of concern or a referral-only state', () => {
    expect(
      queueQuery({ concern: 'islamist' }, '2026-11-26', { reach: 50, perPage: 50, offset: 0 }, TEAM)!.text,
    ).not.toContain('advice_requests');
    expect(
      queueQuery({ state: 'in_triage' }, '2026-11-26', { reach: 50, perPage: 50, offset: 0 }, TEAM)!.text,
    ).not.toContain('advice_requests');
    expect(
      queueQuery({ type: 'advice' }, '2026-11-26', { reach: 50, perPage: 50, offset: 0 }, TEAM)!.text,
    ).not.toContain('from referrals');
  });
});

describe('the queue table', () => {
  const items: QueueItem[] = [
    {
      kind: 'referral',
      reference: 'ABCD2345',
      status: 'in_triage',
      officerId: OFFICER,
      officerName: 'Olive <Officer>',
      receivedAt: new Date('2026-11-02T10:00:00Z'),
      dueOn: '2026-11-09',
    },
    {
      kind: 'advice',
      reference: 'EFGH6789',
      status: 'new',
      officerId: null,
      officerName: null,
      receivedAt: new Date('2026-11-25T10:00:00Z'),
      dueOn: '2026-12-02',
    },
  ];

  it('shows reference links, readable states, officers, dates and an Overdue tag with working days', () => {
    const table = queueTable(items, '2026-11-26', HOLIDAYS, { canAssign: false });
    expect(table.head.map((h) => h.text ?? 'actions')).toEqual([
      'Reference',
      'Type',
      'State',
      'Officer',
      'Received',
      'Target date',
      'Against target',
      'actions',
    ]);
    const [overdue, advice] = table.rows;
    expect(overdue![0]!.html).toBe('<a class="govuk-link" href="/staff/referrals/ABCD2345">ABCD2345</a>');
    expect(overdue!.slice(1, 6).map((c) => c.text)).toEqual([
      'Referral',
      'In triage',
      'Olive <Officer>',
      '2 November 2026',
      '9 November 2026',
    ]);
    expect(overdue![6]!.html).toBe('<strong class="govuk-tag govuk-tag--red">Overdue</strong> 13 working days over');
    expect(advice!.slice(1, 4).map((c) => c.text)).toEqual(['Advice request', 'New', 'Not assigned']);
    expect(advice![6]!.html).toBe('4 working days left');
    expect(table.actions).toEqual([
      { label: 'referral ABCD2345' },
      { label: 'advice request EFGH6789', takeUrl: '/staff/advice/EFGH6789/take' },
    ]);
    const forSupervisor = queueTable(items, '2026-11-26', HOLIDAYS, { canAssign: true });
    expect(forSupervisor.actions.map((a) => a.assign)).toEqual([
      { href: '/staff/referrals/ABCD2345/assign', text: 'Reassign' },
      { href: '/staff/advice/EFGH6789/assign', text: 'Assign' },
    ]);
  });

  it('counts what is shown, and says "more than" past the cap', () => {
    expect(queueCountText(123, 2, 50, false)).toBe('Showing 51 to 100 of 123');
    expect(queueCountText(5000, 1, 50, false, true)).toBe(
      'Showing 1 to 50 of more than 5,000. Use the filters to find what you need.',
    );
    expect(queueCountText(0, 1, 0, true)).toBe('Nothing matches these filters.');
    expect(queueCountText(0, 1, 0, false)).toContain('Nothing is waiting');
  });

  it('shows a banner only for a known action and a well-formed reference', () => {
    expect(queueBanner({ done: 'assigned', ref: 'ABCD2345' }, 'Olive Officer')).toBe(
      'Referral ABCD2345 is now assigned to Olive Officer.',
    );
    expect(queueBanner({ done: 'closed', ref: 'EFGH6789' }, null)).toBe('Advice request EFGH6789 has been closed.');
    expect(queueBanner({ done: 'assigned', ref: '<script>' }, null)).toBeUndefined();
    expect(queueBanner({ done: 'other', ref: 'ABCD2345' }, null)).toBeUndefined();
  });
});

describe('the workload table', () => {
  it('has a row per officer, officers who left, the unassigned and the totals', () => {
    const rows: WorkloadRow[] = [
      { officerId: OFFICER, status: 'in_triage', count: 3, overdue: 1, oldestDue: '2026-11-20' },
      { officerId: OFFICER, status: 'awaiting_information', count: 1, overdue: 0, oldestDue: '2026-11-30' },
      { officerId: 'gone', status: 'in_triage', count: 2, overdue: 2, oldestDue: '2026-11-01' },
      { officerId: null, status: 'new', count: 5, overdue: 0, oldestDue: '2026-11-27' },
    ];
    const table = workloadTable(
      rows,
      new Map<string | null, number>([
        [null, 2],
        [OFFICER, 1],
      ]),
      [
        { id: OFFICER, displayName: 'Olive Officer' },
        { id: 'idle', displayName: 'Ida Idle' },
      ],
      new Map([['gone', 'Gus Gone']]),
      '2026-11-26',
    );
    const text = (row: { text?: string; html?: string }[]) => row.map((c) => c.text ?? c.html!.replace(/<[^>]+>/g, ''));
    expect(table.rows.map(text)).toEqual([
      ['Olive Officer', '0', '3', '1', '0', '4', '1', '20 November 2026 (overdue)', '1'],
      ['Ida Idle', '0', '0', '0', '0', '0', '0', '–', '0'],
      ['Gus Gone (no longer in the team)', '0', '2', '0', '0', '2', '2', '1 November 2026 (overdue)', '0'],
      ['Not assigned', '5', '0', '0', '0', '5', '0', '27 November 2026', '2'],
      ['Total', '5', '5', '1', '0', '11', '3', '1 November 2026 (overdue)', '3'],
    ]);
  });
});

describe('the forms', () => {
  it('assigns to someone in the team, with a reason needed only when moving from another officer', () => {
    const ids = [OFFICER, 'other'];
    expect(parseAssignBody({}, { officerIds: ids, currentOfficerId: null })).toMatchObject({
      ok: false,
      errors: { officer: 'Select the officer to assign it to' },
    });
    expect(parseAssignBody({ officer: 'x' }, { officerIds: ids, currentOfficerId: null })).toMatchObject({
      ok: false,
      errors: { officer: expect.stringContaining('no longer in the Prevent team') },
    });
    expect(parseAssignBody({ officer: OFFICER }, { officerIds: ids, currentOfficerId: null })).toEqual({
      ok: true,
      officerId: OFFICER,
      reason: null,
    });
    expect(
      parseAssignBody({ officer: OFFICER, reason: '  ' }, { officerIds: ids, currentOfficerId: 'other' }),
    ).toMatchObject({ ok: false, errors: { reason: 'Enter why you are moving it from the officer who has it now' } });
    expect(
      parseAssignBody({ officer: OFFICER, reason: ' On leave ' }, { officerIds: ids, currentOfficerId: 'other' }),
    ).toEqual({ ok: true, officerId: OFFICER, reason: 'On leave' });
  });

  it('needs a reason of at least 10 characters to reopen', () => {
    expect(parseReopenBody({})).toMatchObject({ ok: false, error: 'Enter why you are reopening this referral' });
    expect(parseReopenBody({ reason: ' short ' })).toMatchObject({ ok: false, error: expect.stringContaining('10') });
    expect(parseReopenBody({ reason: 'New information came in.' })).toEqual({
      ok: true,
      reason: 'New information came in.',
    });
  });

  it('refuses an e-mailed reply that holds the asker’s name, e-mail address or phone number', () => {
    const asker = { name: 'Drew Young', email: 'drew.y@example.org', phone: '+44 (0)1632 960 002' };
    const check = (text: string) => personalDataInReply(text, asker);
    expect(check('Thank you for asking. Many young people say things online they do not mean.')).toEqual([]);
    expect(check('Dear Drew Young, thanks.')).toEqual(['name']);
    expect(check('Hello Drew,')).toEqual(['name']);
    expect(check('We wrote to DREW.Y@example.org')).toEqual(['email']);
    expect(check('Call 01632 960002')).toEqual(['phone']);
    expect(check('Call 01632-960-002, Drew')).toEqual(['phone', 'name']);
    expect(check('Our line is 0800 789 321.')).toEqual([]);

    const personal = (text: string) => personalDataInReply(text, asker);
    expect(parseReplyBody({ reply: 'Hello Drew' }, ['email'], personal)).toMatchObject({
      ok: false,
      errors: { reply: expect.stringContaining('Take out the asker’s name') },
    });
    // A phone summary stays inside the service: names may be written there.
    expect(parseReplyBody({ reply: 'Told Drew about Act Early.' }, ['phone'], personal)).toEqual({
      ok: true,
      channel: 'phone',
      text: 'Told Drew about Act Early.',
    });
    expect(parseReplyBody({ reply: 'x' }, ['email', 'phone'], personal)).toMatchObject({
      ok: false,
      errors: { channel: 'Select how you answered' },
    });
    expect(parseReplyBody({ channel: 'email', reply: '' }, ['email', 'phone'], personal)).toMatchObject({
      ok: false,
      errors: { reply: 'Enter your reply' },
    });
  });
});
