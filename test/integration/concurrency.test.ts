import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { engines } from '../helpers/engines.js';
import { useTestApp } from '../helpers/app.js';
import { FormClient } from '../helpers/client.js';
import { createReferral } from '../helpers/cases.js';
import { DRAFT_COOKIE, draftAnswers, draftCookieValue, insertDraft, journeyFor } from '../helpers/drafts.js';
import { anonymousReferral, professionalReferral, publicReferral } from '../helpers/journeys.js';
import { createStaff, staffCookie } from '../helpers/staff.js';
import { queryRows } from '../../src/db/sql.js';

/**
 * Many requests at once through the real app, checking that nothing is lost or doubled. On PostgreSQL they really run
 * side by side (the app's pool has 10 connections, and the rows are locked as in production); the embedded engine has
 * one connection and runs them one after another, so the same checks hold trivially there. This is the PostgreSQL
 * check of concurrency now that the browser journeys run on the embedded engine alone (see test/helpers/engines.ts).
 */
const PEOPLE = 20;

describe.each(engines)('concurrent requests (%s)', (engine) => {
  const t = useTestApp(engine);
  const db = () => t.database.db;
  const count = async (q: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(db(), q))[0]!.n;

  it(`${PEOPLE} people send their referral at once, some of them twice: one referral each, none lost`, async () => {
    const journey = await journeyFor(db(), 'referral');
    const people = await Promise.all(
      Array.from({ length: PEOPLE }, async (_, i) => {
        const marker = `Concurrent Person ${i}`;
        const base = [publicReferral, professionalReferral, anonymousReferral][i % 3]!;
        const answers = { ...base, 'person-name': { personFullName: marker, personOtherNames: '' } };
        const draftId = await insertDraft(db(), 'referral', draftAnswers(journey, answers));
        const client = new FormClient(t.app);
        client.setCookie(DRAFT_COOKIE, draftCookieValue('referral', draftId, t.app.signCookie.bind(t.app)));
        const check = await client.get('/refer/check-answers');
        expect(check.status).toBe(200);
        expect(check.body).toContain(marker);
        return { marker, draftId, client, clicks: i % 2 === 0 ? 2 : 1 };
      }),
    );

    // Everyone presses Send at the same moment; every other person presses it twice.
    const sends = await Promise.all(
      people.flatMap((p) => Array.from({ length: p.clicks }, () => p.client.post('/refer/check-answers'))),
    );
    for (const res of sends) expect([res.status, res.location]).toEqual([303, '/refer/confirmation']);

    // Each is shown one reference, and it is the referral made from their own draft.
    const rows = await queryRows<{ reference: string; draft_id: string; person_full_name: string }>(
      db(),
      sql`select reference, draft_id, person_full_name from referrals`,
    );
    expect(rows).toHaveLength(PEOPLE);
    for (const p of people) {
      const confirmation = await p.client.get('/refer/confirmation');
      expect(confirmation.status).toBe(200);
      const shown = /class="app-reference">([2-9A-HJKMNP-Z]{8})</.exec(confirmation.body)?.[1];
      const mine = rows.filter((r) => r.draft_id === p.draftId);
      expect(mine, p.marker).toHaveLength(1);
      expect(mine[0]).toMatchObject({ reference: shown, person_full_name: p.marker });
    }
    // No reference was issued for a send that lost the race, and each referral has its one log entry.
    expect(await count(sql`select count(*)::int as n from case_references where kind = 'referral'`)).toBe(PEOPLE);
    expect(
      await count(
        sql`select count(*)::int as n from access_log where action = 'collection' and record_type = 'referral'`,
      ),
    ).toBe(PEOPLE);
    expect(await count(sql`select count(*)::int as n from drafts where submitted_reference is not null`)).toBe(PEOPLE);
  });

  it(`${PEOPLE} officers take the same referral at once: one has it, the others are told, one assignment recorded`, async () => {
    const referral = await createReferral(db());
    const officers = await Promise.all(
      Array.from({ length: PEOPLE }, async (_, i) => {
        const staff = await createStaff(db(), { roles: ['prevent_officer'], displayName: `Officer ${i}` });
        const client = new FormClient(t.app);
        const [name, value] = (await staffCookie(t.app, db(), staff)).split(/=(.*)/s) as [string, string];
        client.setCookie(name, value);
        // The page with the "Take" button (its CSRF token).
        expect((await client.get(`/staff/referrals/${referral.reference}`)).status).toBe(200);
        return { staff, client };
      }),
    );

    const takes = await Promise.all(
      officers.map((o) => o.client.post(`/staff/referrals/${referral.reference}/take`, { confirm: 'take' })),
    );

    const winners = takes.flatMap((res, i) => (res.status === 303 ? [officers[i]!] : []));
    expect(winners).toHaveLength(1);
    expect(takes[officers.indexOf(winners[0]!)]!.location).toBe(`/staff/referrals/${referral.reference}`);
    // The others lost before the policy ran (403: already assigned) or inside the transaction (409): both say so.
    for (const res of takes.filter((r) => r.status !== 303)) {
      expect([403, 409]).toContain(res.status);
      expect(res.body).toContain(winners[0]!.staff.displayName);
    }
    const [row] = await queryRows<{ assigned_officer_id: string; status: string }>(
      db(),
      sql`select assigned_officer_id, status from referrals where id = ${referral.id}`,
    );
    expect(row).toEqual({ assigned_officer_id: winners[0]!.staff.id, status: 'in_triage' });
    expect(
      await count(
        sql`select count(*)::int as n from case_events where referral_id = ${referral.id} and kind = 'assigned'`,
      ),
    ).toBe(1);
    expect(
      await count(
        sql`select count(*)::int as n from case_events where referral_id = ${referral.id} and kind = 'status'`,
      ),
    ).toBe(1);
  });
});
