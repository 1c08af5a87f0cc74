import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AdviceRow, ReferralRecord, ReferralRow } from '../../src/features/cases/queries/cases.js';
import type { IntakeItem } from '../../src/features/cases/queries/intake.js';
import {
  adviceView,
  ageOn,
  caseTemplateView,
  parseReasonBody,
  plainSummarySections,
  referralView,
  summaryRows,
  type CaseView,
} from '../../src/features/cases/view-models/case-view.js';
import {
  ageInDays,
  caseHref,
  intakeCountText,
  intakeTable,
  lastPage,
  pagination,
  parsePage,
} from '../../src/features/cases/view-models/intake.js';
import { loadSite } from '../../src/config.js';
import { createViewEnvironment } from '../../src/views/nunjucks.js';

const NOW = new Date('2026-03-10T12:00:00Z');

function referralRow(overrides: Partial<ReferralRow> = {}): ReferralRow {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    reference: 'ABCD2345',
    draftId: null,
    source: 'email',
    status: 'new',
    receivedAt: new Date('2026-03-01T09:05:00Z'),
    personFullName: 'Jamie Example',
    personOtherNames: null,
    personDob: null,
    personAgeApprox: null,
    personGender: null,
    personAddressKnown: false,
    personAddressLine1: null,
    personAddressLine2: null,
    personTown: null,
    personCounty: null,
    personPostcode: null,
    personOccupation: null,
    personPhone: null,
    personEmail: null,
    concernText: 'Worrying things',
    concernSince: null,
    concernOnline: null,
    concernViolence: 'unknown',
    concernViolenceDetails: null,
    vulnerabilities: [],
    vulnerabilitiesDetails: null,
    otherAgencies: null,
    personAware: 'unknown',
    concernTypeCode: null,
    referrerType: 'public',
    referrerAnonymous: false,
    referrerName: 'Alex Aunt',
    referrerRelationship: 'Aunt',
    referrerOrganisation: null,
    referrerRole: null,
    referrerSectorCode: null,
    referrerDslInformed: null,
    referrerEmail: 'alex@example.org',
    referrerPhone: null,
    referrerContactPreference: 'email',
    answers: {},
    assignedOfficerId: null,
    isRepeat: false,
    stateChangedAt: new Date('2026-03-01T09:05:00Z'),
    onHoldUntil: null,
    dueOn: '2026-03-06',
    ...overrides,
  };
}

function record(overrides: Partial<ReferralRow> = {}, extra: Partial<ReferralRecord> = {}): ReferralRecord {
  return {
    referral: referralRow(overrides),
    concernTypeLabel: null,
    sectorLabel: null,
    assignedOfficerName: null,
    ...extra,
  };
}

/** label → value of a view's section. */
function section(view: CaseView, title: string): Record<string, string> {
  const s = view.sections.find((x) => x.title === title);
  if (!s) throw new Error(`no section ${title}`);
  return Object.fromEntries(s.rows.map((r) => [r.label, r.value]));
}

describe('the intake list view model', () => {
  it('counts whole days since the case arrived, never negative', () => {
    const received = new Date('2026-03-07T13:00:00Z');
    expect(ageInDays(received, new Date('2026-03-07T23:59:00Z'))).toBe(0);
    expect(ageInDays(received, new Date('2026-03-08T12:59:59Z'))).toBe(0);
    expect(ageInDays(received, new Date('2026-03-08T13:00:00Z'))).toBe(1);
    expect(ageInDays(received, new Date('2026-03-17T14:00:00Z'))).toBe(10);
    expect(ageInDays(received, new Date('2026-03-07T12:00:00Z'))).toBe(0); // a clock a little behind
  });

  it('accepts only whole page numbers', () => {
    expect(parsePage(undefined)).toBe(1);
    expect(parsePage('')).toBe(1);
    expect(parsePage('1')).toBe(1);
    expect(parsePage('42')).toBe(42);
    for (const bad of ['0', '-1', '01', '1.5', '1e3', ' 2', 'two', '1234567', ['1', '2'], 3])
      expect(parsePage(bad), String(bad)).toBeUndefined();
    fc.assert(
      fc.property(fc.string(), (s) => {
        const n = parsePage(s);
        return n === undefined || (Number.isInteger(n) && n >= 1 && n <= 999_999);
      }),
    );
  });

  it('works out the last page', () => {
    expect(lastPage(0, 50)).toBe(1);
    expect(lastPage(50, 50)).toBe(1);
    expect(lastPage(51, 50)).toBe(2);
    expect(lastPage(123, 50)).toBe(3);
  });

  it('builds a table of facts only, with links to each case', () => {
    const items: IntakeItem[] = [
      {
        kind: 'referral',
        reference: 'ABCD2345',
        receivedAt: new Date('2026-03-01T09:05:00Z'),
        source: 'online',
        assignedOfficerName: null,
      },
      {
        kind: 'advice',
        reference: 'WXYZ6789',
        receivedAt: new Date('2026-07-01T09:05:00Z'),
        source: 'post',
        assignedOfficerName: 'ignored',
      },
      {
        kind: 'referral',
        reference: 'KMNP2345',
        receivedAt: new Date('2026-03-09T23:30:00Z'),
        source: 'phone',
        assignedOfficerName: 'Morgan <Officer>',
      },
    ];
    const table = intakeTable(items, NOW);
    expect(table.head.map((h) => h.text)).toEqual([
      'Reference',
      'Type',
      'Received',
      'Age in days',
      'Channel',
      'Assigned to',
    ]);
    expect(table.rows[0]).toEqual([
      { html: '<a class="govuk-link app-reference-link" href="/staff/referrals/ABCD2345">ABCD2345</a>' },
      { text: 'Referral' },
      { text: '1 March 2026 at 9:05am' },
      { text: '9', format: 'numeric' },
      { text: 'Online form' },
      { text: 'Unassigned' },
    ]);
    expect(table.rows[1]![0]!.html).toContain('href="/staff/advice/WXYZ6789"');
    expect(table.rows[1]!.slice(1).map((c) => c.text)).toEqual([
      'Advice request',
      '1 July 2026 at 10:05am', // British Summer Time
      '0', // received after "now"
      'Post',
      'Whole team',
    ]);
    expect(table.rows[2]!.map((c) => c.text)).toEqual([
      undefined,
      'Referral',
      '9 March 2026 at 11:30pm',
      '0',
      'Phone',
      'Morgan <Officer>', // text, escaped by the macro
    ]);
    expect(caseHref('advice', 'WXYZ6789')).toBe('/staff/advice/WXYZ6789');
  });

  it('paginates with previous, next, first, last, neighbours and ellipses', () => {
    expect(pagination('/staff/intake', 1, 1)).toBeUndefined();
    expect(pagination('/staff/intake', 1, 2)).toEqual({
      next: { href: '/staff/intake?page=2' },
      items: [
        { number: '1', href: '/staff/intake', current: true },
        { number: '2', href: '/staff/intake?page=2' },
      ],
      landmarkLabel: 'Pages of the intake list',
    });
    const middle = pagination('/staff/intake', 5, 10)!;
    expect(middle.previous).toEqual({ href: '/staff/intake?page=4' });
    expect(middle.next).toEqual({ href: '/staff/intake?page=6' });
    expect(middle.items.map((i) => ('ellipsis' in i ? '…' : i.number))).toEqual(['1', '…', '4', '5', '6', '…', '10']);
    const last = pagination('/staff/intake', 10, 10)!;
    expect(last.next).toBeUndefined();
    expect(last.items.map((i) => ('ellipsis' in i ? '…' : i.number))).toEqual(['1', '…', '9', '10']);
    expect(pagination('/staff/intake', 2, 3)!.items.map((i) => ('ellipsis' in i ? '…' : i.number))).toEqual([
      '1',
      '2',
      '3',
    ]);
  });

  it('says how many are shown and waiting', () => {
    expect(intakeCountText(0, 1, 0)).toMatch(/^Nothing is waiting/);
    expect(intakeCountText(3, 1, 3)).toBe('Showing 1 to 3 of 3 waiting');
    expect(intakeCountText(1234, 2, 50)).toBe('Showing 51 to 100 of 1,234 waiting');
  });
});

describe('the referral view model', () => {
  it('shows the case facts and four sections from the stored columns', () => {
    const view = referralView(
      record(
        {
          status: 'in_triage',
          personDob: '2010-03-11',
          personGender: 'male',
          personAddressKnown: true,
          personAddressLine1: '1 Example Street',
          personTown: 'Carlisle',
          personPostcode: 'CA1 1AA',
          concernViolence: 'yes',
          concernViolenceDetails: 'Talked about a knife',
          vulnerabilities: ['mental-health', 'none-known', 'something-new'],
          concernTypeCode: 'not-sure',
          assignedOfficerId: '00000000-0000-4000-8000-000000000009',
        },
        { concernTypeLabel: 'Not sure', assignedOfficerName: 'Morgan Officer' },
      ),
      NOW,
    );
    expect(view.title).toBe('Referral ABCD2345');
    expect(Object.fromEntries(view.facts.map((r) => [r.label, r.value]))).toEqual({
      Reference: 'ABCD2345',
      Received: '1 March 2026 at 9:05am',
      Status: 'In triage',
      'Assigned to': 'Morgan Officer',
    });
    expect(view.sections.map((s) => s.title)).toEqual([
      'About the person',
      'The concern',
      'Who made the referral',
      'How it arrived',
    ]);
    const person = section(view, 'About the person');
    expect(person['Full name']).toBe('Jamie Example');
    expect(person['Other names']).toBe('Not given');
    expect(person['Date of birth']).toBe('11 March 2010');
    expect(person['Age']).toBe('15'); // 16 only from tomorrow
    expect(person['Gender']).toBe('Male');
    expect(person['Home address']).toBe('1 Example Street\nCarlisle\nCA1 1AA');
    expect(person['Knows about the referral']).toBe('Not known');
    const concern = section(view, 'The concern');
    expect(concern['Threats or interest in violence or weapons']).toBe('Yes');
    expect(concern['Details of threats or violence']).toBe('Talked about a knife');
    expect(concern['Vulnerabilities or complex needs']).toBe('Mental health needs\nNone known\nsomething-new');
    expect(concern['Kind of concern (the referrer’s view)']).toBe('Not sure');
    expect(section(view, 'How it arrived')).toEqual({ Channel: 'E-mail', Received: '1 March 2026 at 9:05am' });
  });

  it('leaves out the details of violence when there were none, and says what is not known', () => {
    const view = referralView(record({ concernViolence: 'no', personAgeApprox: 14 }), NOW);
    const concern = section(view, 'The concern');
    expect(concern).not.toHaveProperty('Details of threats or violence');
    expect(concern['Vulnerabilities or complex needs']).toBe('Not given');
    const person = section(view, 'About the person');
    expect(person['Date of birth']).toBe('Not known');
    expect(person['Age']).toBe('About 14 (the referrer’s estimate)');
    expect(person['Home address']).toBe('Not known to the referrer');
    expect(view.facts.find((f) => f.label === 'Assigned to')?.value).toBe('Unassigned');
  });

  it('says an anonymous referrer cannot be contacted, and shows no contact rows', () => {
    const view = referralView(
      record({ referrerAnonymous: true, referrerName: null, referrerEmail: null, referrerRelationship: null }),
      NOW,
    );
    const who = view.sections.find((s) => s.title === 'Who made the referral')!;
    expect(who.note).toBe('The person who made this referral chose not to give their details. We cannot contact them.');
    expect(who.rows.map((r) => r.label)).toEqual(['Referring as']);
  });

  it('shows a professional referrer’s work details', () => {
    const view = referralView(
      record(
        {
          referrerType: 'professional',
          referrerOrganisation: 'Example Academy',
          referrerRole: 'Head of year',
          referrerSectorCode: 'education',
          referrerDslInformed: 'not_applicable',
          referrerContactPreference: 'either',
          referrerPhone: '01632 960 001',
        },
        { sectorLabel: 'Education' },
      ),
      NOW,
    );
    expect(section(view, 'Who made the referral')).toEqual({
      'Referring as': 'A professional',
      Name: 'Alex Aunt',
      Organisation: 'Example Academy',
      'Job title or role': 'Head of year',
      Sector: 'Education',
      'Told their designated safeguarding lead': 'Their organisation does not have one',
      'Relationship to the person': 'Aunt',
      'Email address': 'alex@example.org',
      'Telephone number': '01632 960 001',
      'How they prefer to be contacted': 'Either',
    });
  });

  it('names the online form’s version for an online referral', () => {
    const view = referralView(record({ source: 'online', answers: { formVersion: 1, values: {} } }), NOW);
    expect(section(view, 'How it arrived')).toMatchObject({ Channel: 'Online form', Form: 'Version 1' });
  });

  it('works out an age in UK dates', () => {
    expect(ageOn('2010-03-11', new Date('2026-03-10T23:30:00Z'))).toBe(15);
    expect(ageOn('2010-03-11', new Date('2026-03-11T00:30:00Z'))).toBe(16);
    // 11pm UTC on 10 June is already 11 June in London (BST).
    expect(ageOn('2010-06-11', new Date('2026-06-10T23:30:00Z'))).toBe(16);
    expect(ageOn('2008-02-29', new Date('2026-02-28T12:00:00Z'))).toBe(17);
    expect(ageOn('2008-02-29', new Date('2026-03-01T12:00:00Z'))).toBe(18);
  });

  it('escapes what people wrote and keeps their line breaks in the summary list', () => {
    const rows = summaryRows([{ label: 'What <happened>', value: '<script>alert(1)</script>\nsecond "line"' }]);
    expect(rows).toEqual([
      {
        key: { text: 'What <happened>' },
        value: { html: '&lt;script&gt;alert(1)&lt;/script&gt;<br>second &quot;line&quot;' },
      },
    ]);
    const html = createViewEnvironment(loadSite()).renderString(
      '{% from "govuk/components/summary-list/macro.njk" import govukSummaryList %}{{ govukSummaryList({ rows: rows }) }}',
      { rows },
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('What &lt;happened&gt;');
  });

  it('gives the PDF the same facts as plain text, the anonymous note included', () => {
    const view = referralView(record({ referrerAnonymous: true, referrerName: null, referrerEmail: null }), NOW);
    const sections = plainSummarySections(view);
    expect(sections.map((s) => s.title)).toEqual([
      'The case',
      'About the person',
      'The concern',
      'Who made the referral',
      'How it arrived',
    ]);
    expect(sections[3]!.rows[0]).toEqual({
      label: 'Note',
      value: 'The person who made this referral chose not to give their details. We cannot contact them.',
    });
    const template = caseTemplateView(view);
    expect(template.facts[0]).toEqual({ key: { text: 'Reference' }, value: { html: 'ABCD2345' } });
  });
});

describe('the advice request view model', () => {
  const row: AdviceRow = {
    id: '00000000-0000-4000-8000-000000000002',
    reference: 'WXYZ6789',
    draftId: null,
    source: 'phone',
    status: 'answered',
    receivedAt: new Date('2026-01-05T16:45:00Z'),
    question: 'Should I refer?',
    aboutPerson: null,
    askerType: 'professional',
    askerName: 'Pat Neighbour',
    askerOrganisation: 'Youth club',
    askerEmail: null,
    askerPhone: '01632 960 002',
    askerContactPreference: 'phone',
    answers: {},
    assignedOfficerId: null,
    answeredAt: new Date('2026-01-06T10:00:00Z'),
    answeredBy: '00000000-0000-4000-8000-000000000009',

    dueOn: '2026-01-12',
  };

  it('shows the question, who asked, how to contact them and how it arrived', () => {
    const view = adviceView(row);
    expect(view.title).toBe('Advice request WXYZ6789');
    expect(Object.fromEntries(view.facts.map((r) => [r.label, r.value]))).toEqual({
      Reference: 'WXYZ6789',
      Received: '5 January 2026 at 4:45pm',
      Status: 'Answered',
    });
    expect(section(view, 'The question')).toEqual({
      'What they would like advice about': 'Should I refer?',
      'About the person': 'Not given',
    });
    expect(section(view, 'Who asked')).toEqual({
      Name: 'Pat Neighbour',
      'Asking as': 'A professional',
      Organisation: 'Youth club',
    });
    expect(section(view, 'How to contact them')).toEqual({
      'Email address': 'Not given',
      'Telephone number': '01632 960 002',
      'How they prefer to be contacted': 'By telephone',
    });
    expect(section(view, 'How it arrived')).toEqual({ Channel: 'Phone', Received: '5 January 2026 at 4:45pm' });
    expect(section(adviceView({ ...row, askerType: 'public' }), 'Who asked')).not.toHaveProperty('Organisation');
  });
});

describe('the reason form', () => {
  it('accepts 10 to 500 characters, trimmed, with control characters removed', () => {
    expect(parseReasonBody({ reason: '  Needed for a custody enquiry \r\n' })).toEqual({
      ok: true,
      reason: 'Needed for a custody enquiry',
    });
    expect(parseReasonBody({ reason: 'x'.repeat(10) })).toEqual({ ok: true, reason: 'x'.repeat(10) });
    expect(parseReasonBody({ reason: 'x'.repeat(500) })).toMatchObject({ ok: true });
    expect(parseReasonBody({ reason: 'ab\u0000cdefghijk' })).toEqual({ ok: true, reason: 'abcdefghijk' });
  });

  it.each([
    [{}, 'Enter why you need to open this case'],
    [{ reason: '' }, 'Enter why you need to open this case'],
    [{ reason: '          ' }, 'Enter why you need to open this case'],
    [{ reason: ['a reason of some length', 'another'] }, 'Enter why you need to open this case'],
    [{ reason: 'too short' }, 'Why you need to open this case must be 10 characters or more'],
    [{ reason: 'x'.repeat(501) }, 'Why you need to open this case must be 500 characters or fewer'],
    [null, 'Enter why you need to open this case'],
  ])('refuses %j with the right message and the error summary', (body, message) => {
    const result = parseReasonBody(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBe(message);
    expect(result.errorSummary).toEqual([{ text: message, href: '#reason' }]);
  });

  it('gives the text back to show again', () => {
    const result = parseReasonBody({ reason: 'too short' });
    expect(result).toMatchObject({ ok: false, value: 'too short' });
  });
});
