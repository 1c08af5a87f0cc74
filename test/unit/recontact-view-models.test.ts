import { describe, expect, it } from 'vitest';
import {
  addInformationStatus,
  brokenLinkPage,
  paragraphs,
  parseAnswerBody,
  parseRecontactBody,
  requestRows,
  type RequestRowInput,
} from '../../src/features/triage/recontact/view-model.js';
import { loadSite } from '../../src/config.js';
import { hashToken, newToken, recontactEmail, TOKEN_PATTERN } from '../../src/features/triage/recontact/service.js';

const site = loadSite();
const now = new Date('2026-03-10T12:00:00Z');

describe('the referrer link', () => {
  it('is 32 random bytes in base64url, and only its SHA-256 is kept', () => {
    const a = newToken();
    const b = newToken();
    expect(a.token).toMatch(TOKEN_PATTERN);
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).toBe(hashToken(a.token));
    expect(a.token).not.toBe(b.token);
  });

  it('the e-mail holds the reference, the link, the expiry and a phone number, and no question', () => {
    const mail = recontactEmail(site, 'ABCD2345', 'https://x.test/referral-update/tok', '24 March 2026 at 12:00pm');
    expect(mail.subject).toBe('The Prevent team would like more information: ABCD2345');
    expect(mail.text).toContain('https://x.test/referral-update/tok');
    expect(mail.text).toContain('stops working on 24 March 2026 at 12:00pm');
    expect(mail.text).toContain(`call ${site.nonEmergencyNumber}`);
  });

  it('pages for links that do not work: 404 for unknown, 410 for the others, each with a way to phone', () => {
    expect(brokenLinkPage('unknown', site).status).toBe(404);
    for (const state of ['expired', 'used', 'withdrawn'] as const) {
      const page = brokenLinkPage(state, site);
      expect(page.status).toBe(410);
      expect(page.paragraphs.join(' ')).toContain(site.nonEmergencyNumber);
    }
    expect(brokenLinkPage('expired', site).title).toBe('This link has expired');
    expect(brokenLinkPage('used', site).title).toBe('This link has already been used');
  });
});

describe('the answer form', () => {
  it('needs an answer of at most 5,000 characters', () => {
    expect(parseAnswerBody({ answer: '  ' })).toMatchObject({
      ok: false,
      errors: { answer: 'Enter the information you want to give us' },
    });
    expect(parseAnswerBody({ answer: 'x'.repeat(5001) })).toMatchObject({
      ok: false,
      errors: { answer: 'What you tell us must be 5,000 characters or fewer' },
    });
    expect(parseAnswerBody({ answer: ' Yes\r\nthanks ' })).toMatchObject({ ok: true, value: 'Yes\nthanks' });
    expect(parseAnswerBody(undefined).ok).toBe(false);
    expect(parseAnswerBody({ answer: ['a', 'b'] }).ok).toBe(false);
  });

  it('splits a question into paragraphs', () => {
    expect(paragraphs('One\n\nTwo\nThree ')).toEqual(['One', 'Two', 'Three']);
    expect(paragraphs(null)).toEqual([]);
  });
});

describe('the officer’s request', () => {
  it('needs a question and a hold date after today and within a year', () => {
    const body = (q: string, d: string, m: string, y: string) => ({
      question: q,
      'hold-day': d,
      'hold-month': m,
      'hold-year': y,
    });
    expect(parseRecontactBody(body('Which school?', '24', '3', '2026'), now)).toMatchObject({
      ok: true,
      value: { question: 'Which school?', holdUntil: '2026-03-24' },
    });
    expect(parseRecontactBody(body('', '10', '3', '2026'), now)).toMatchObject({
      ok: false,
      errors: {
        question: 'Enter what you need to know from the referrer',
        hold: 'The date the referral is on hold until must be after today',
      },
    });
    expect(parseRecontactBody(body('Q', '', '3', ''), now)).toMatchObject({
      errors: { hold: 'The date the referral is on hold until must include a day and year' },
    });
    expect(parseRecontactBody(body('Q', '1', '1', '2028'), now)).toMatchObject({
      errors: { hold: 'The date the referral is on hold until must be within a year' },
    });
    expect(parseRecontactBody(body('Q', '30', '2', '2026'), now)).toMatchObject({
      errors: { hold: 'The date the referral is on hold until must be a real date' },
    });
    expect(parseRecontactBody(body('Q'.repeat(2001), '24', '3', '2026'), now)).toMatchObject({
      errors: { question: 'What you need to know must be 2,000 characters or fewer' },
    });
  });

  it('lists questions with their status; the add-information link is described apart', () => {
    const base = { createdAt: new Date('2026-03-01T09:00:00Z'), usedAt: null, withdrawnAt: null };
    const requests: RequestRowInput[] = [
      { ...base, id: 'q1', purpose: 'question', question: 'A', expiresAt: new Date('2026-03-15T09:00:00Z') },
      { ...base, id: 'q2', purpose: 'question', question: 'B', expiresAt: new Date('2026-03-09T09:00:00Z') },
      {
        ...base,
        id: 'q3',
        purpose: 'question',
        question: 'C',
        expiresAt: new Date('2026-03-15T09:00:00Z'),
        usedAt: now,
      },
      {
        ...base,
        id: 'q4',
        purpose: 'question',
        question: 'D',
        expiresAt: new Date('2026-03-15T09:00:00Z'),
        withdrawnAt: now,
      },
      { ...base, id: 'a1', purpose: 'add_information', question: null, expiresAt: new Date('2026-05-30T09:00:00Z') },
    ];
    expect(requestRows(requests, now).map((r) => [r.id, r.status.text, r.pending])).toEqual([
      ['q1', 'Waiting for an answer', true],
      ['q2', 'Expired', false],
      ['q3', 'Answered', false],
      ['q4', 'Withdrawn', false],
    ]);
    expect(addInformationStatus(requests, now)).toBe(
      'The referrer can add information with the link in their acknowledgement until 30 May 2026 at 10:00am.',
    );
    expect(addInformationStatus([], now)).toBeUndefined();
  });
});
