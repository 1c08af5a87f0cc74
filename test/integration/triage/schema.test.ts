import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../src/db/sql.js';
import { appendCaseEvent, listCaseEvents } from '../../../src/features/triage/case-events.js';
import {
  assignReferral,
  changeState,
  releaseHeldReferrals,
  reopenReferral,
  takeReferral,
  WorkflowError,
} from '../../../src/features/triage/workflow.js';
import { useTestApp } from '../../helpers/app.js';
import { createAdvice, createReferral } from '../../helpers/cases.js';
import { engines, ownerExec } from '../../helpers/engines.js';
import { createStaff } from '../../helpers/staff.js';

/** The triage schema's invariants, enforced by the database itself (migration 0009), on both engines. */
describe.each(engines)('triage invariants in the database (%s)', (engine) => {
  const t = useTestApp(engine);
  const db = () => t.database.db;

  async function status(referralId: string) {
    const [row] = await queryRows<{ status: string; on_hold_until: string | null; due_on: string }>(
      db(),
      sql`select status, on_hold_until, to_char(due_on, 'YYYY-MM-DD') as due_on from referrals where id = ${referralId}`,
    );
    return row!;
  }

  async function refused(statement: Promise<unknown>): Promise<string> {
    try {
      await statement;
    } catch (err) {
      const e = err as { message?: string; cause?: { message?: string } };
      return `${e.message ?? ''} ${e.cause?.message ?? ''}`;
    }
    throw new Error('the database accepted it');
  }

  async function decide(referralId: string, madeBy: string, outcome: string, referredTo: string | null = null) {
    const [row] = await queryRows<{ id: string; approval: string; requires_approval: boolean; on_repeat: boolean }>(
      db(),
      sql`insert into decisions (referral_id, outcome, referred_to, rationale, made_by, approval, requires_approval)
          values (${referralId}, ${outcome}, ${referredTo}, 'Reasons written out in full.', ${madeBy}, 'not_required', false)
          returning id, approval, requires_approval, on_repeat`,
    );
    return row!;
  }

  it('sets the target date in working days from receipt, skipping weekends and bank holidays', async () => {
    // Received Friday 18 December 2026 (London): Mon 21, Tue 22, Wed 23, Thu 24, [25 Christmas, 26–27 weekend,
    // 28 Boxing Day substitute], Tue 29 is the fifth working day.
    const r = await createReferral(db(), { receivedAt: new Date('2026-12-18T10:00:00Z') });
    expect((await status(r.id)).due_on).toBe('2026-12-29');
    // 23:30 UTC on Sunday 28 June is 00:30 on Monday in London (summer time): counted from Monday 29 June, due
    // Monday 6 July.
    const s = await createReferral(db(), { receivedAt: new Date('2026-06-28T23:30:00Z') });
    expect((await status(s.id)).due_on).toBe('2026-07-06');
    // The target is a setting.
    await db().execute(sql`update triage_settings set target_working_days = 2`);
    const u = await createReferral(db(), { receivedAt: new Date('2026-12-18T10:00:00Z') });
    expect((await status(u.id)).due_on).toBe('2026-12-22');
    // Advice requests get theirs the same way (migration 0013), from the setting at the time they arrive.
    const adviceDue = async (id: string) =>
      (
        await queryRows<{ due_on: string }>(
          db(),
          sql`select to_char(due_on, 'YYYY-MM-DD') as due_on from advice_requests where id = ${id}`,
        )
      )[0]!.due_on;
    await db().execute(sql`update triage_settings set target_working_days = 5`);
    expect(await adviceDue((await createAdvice(db(), { receivedAt: new Date('2026-12-18T10:00:00Z') })).id)).toBe(
      '2026-12-29',
    );
    expect(await adviceDue((await createAdvice(db(), { receivedAt: new Date('2026-06-28T23:30:00Z') })).id)).toBe(
      '2026-07-06',
    );
  });

  it('allows only the states and moves of the workflow', async () => {
    const officer = await createStaff(db(), { roles: ['prevent_officer'] });
    const r = await createReferral(db());
    // new → decided, new → awaiting_information: refused by the trigger.
    expect(await refused(db().execute(sql`update referrals set status = 'decided' where id = ${r.id}`))).toMatch(
      /cannot go from new to decided/,
    );
    expect(
      await refused(db().execute(sql`update referrals set status = 'awaiting_information' where id = ${r.id}`)),
    ).toMatch(/cannot go from new/);
    expect(await refused(db().execute(sql`update referrals set status = 'closed' where id = ${r.id}`))).toMatch(
      /cannot go from new to closed|referrals_status/,
    );
    await takeReferral(db(), officer.id, r.id);
    expect((await status(r.id)).status).toBe('in_triage');
    // Awaiting approval needs a pending decision; decided needs one that took effect.
    expect(
      await refused(db().execute(sql`update referrals set status = 'awaiting_approval' where id = ${r.id}`)),
    ).toMatch(/pending decision/);
    expect(await refused(db().execute(sql`update referrals set status = 'decided' where id = ${r.id}`))).toMatch(
      /decision that took effect/,
    );
    // On hold only while awaiting information, and cleared when it leaves that state.
    expect(
      await refused(db().execute(sql`update referrals set on_hold_until = '2030-01-01' where id = ${r.id}`)),
    ).toMatch(/referrals_hold_only_awaiting|check/);
    await db().transaction((tx) =>
      changeState(tx, r.id, {
        from: 'in_triage',
        to: 'awaiting_information',
        author: { kind: 'staff', id: officer.id },
        onHoldUntil: '2030-01-01',
      }),
    );
    expect(await status(r.id)).toMatchObject({ status: 'awaiting_information', on_hold_until: '2030-01-01' });
    await db().transaction((tx) =>
      changeState(tx, r.id, { from: 'awaiting_information', to: 'in_triage', author: { kind: 'referrer' } }),
    );
    expect(await status(r.id)).toMatchObject({ status: 'in_triage', on_hold_until: null });
    // A stale form: the referral is no longer in the state the officer saw.
    await expect(
      db().transaction((tx) =>
        changeState(tx, r.id, { from: 'awaiting_information', to: 'in_triage', author: { kind: 'system' } }),
      ),
    ).rejects.toMatchObject({ code: 'state_changed' });
  });

  it('decides which decisions need approval, and never lets the maker approve their own', async () => {
    const officer = await createStaff(db(), { roles: ['prevent_officer'] });
    const supervisor = await createStaff(db(), { roles: ['prevent_supervisor'] });
    const r = await createReferral(db(), { assignedOfficerId: officer.id });
    // The form claims no approval is needed: the database decides ("does not meet the threshold" needs it).
    const nfa = await decide(r.id, officer.id, 'no_further_action');
    expect(nfa).toMatchObject({ approval: 'pending', requires_approval: true, on_repeat: false });
    // One pending decision at a time.
    expect(await refused(decide(r.id, officer.id, 'signposted', 'Adult social care'))).toMatch(
      /decisions_one_pending|duplicate|unique/,
    );
    // Not by the officer who made it.
    expect(
      await refused(
        db().execute(
          sql`update decisions set approval = 'approved', reviewed_by = ${officer.id}, reviewed_at = now() where id = ${nfa.id}`,
        ),
      ),
    ).toMatch(/decisions_four_eyes|check/);
    // A return needs a comment; an approval by another person is accepted, once.
    expect(
      await refused(
        db().execute(
          sql`update decisions set approval = 'returned', reviewed_by = ${supervisor.id}, reviewed_at = now() where id = ${nfa.id}`,
        ),
      ),
    ).toMatch(/decisions_return_explained|check/);
    await db().execute(
      sql`update decisions set approval = 'approved', reviewed_by = ${supervisor.id}, reviewed_at = now() where id = ${nfa.id}`,
    );
    expect(
      await refused(
        db().execute(sql`update decisions set rationale = 'Something else entirely.' where id = ${nfa.id}`),
      ),
    ).toMatch(/changes only by approving or returning/);
    expect(await refused(db().execute(sql`delete from decisions where id = ${nfa.id}`))).toMatch(
      /never deleted|permission denied/,
    );
    // Signposting needs the service named; police-led on a first referral takes effect at once; on a repeat it waits.
    const s = await createReferral(db());
    expect(await refused(decide(s.id, officer.id, 'signposted'))).toMatch(/decisions_referred_to|check/);
    expect(await decide(s.id, officer.id, 'signposted', "Children's social care")).toMatchObject({
      approval: 'pending',
    });
    const first = await createReferral(db());
    expect(await decide(first.id, officer.id, 'police_led')).toMatchObject({ approval: 'not_required' });
    const repeat = await createReferral(db(), { isRepeat: true });
    expect(await decide(repeat.id, officer.id, 'channel')).toMatchObject({ approval: 'pending', on_repeat: true });
  });

  it('moves a referral to decided only once its decision took effect', async () => {
    const officer = await createStaff(db(), { roles: ['prevent_officer'] });
    const supervisor = await createStaff(db(), { roles: ['prevent_supervisor'] });
    const r = await createReferral(db());
    await takeReferral(db(), officer.id, r.id);
    const d = await decide(r.id, officer.id, 'no_further_action');
    await db().execute(sql`update referrals set status = 'awaiting_approval' where id = ${r.id}`);
    expect(await refused(db().execute(sql`update referrals set status = 'decided' where id = ${r.id}`))).toMatch(
      /decision that took effect/,
    );
    await db().execute(
      sql`update decisions set approval = 'approved', reviewed_by = ${supervisor.id}, reviewed_at = now() where id = ${d.id}`,
    );
    await db().execute(sql`update referrals set status = 'decided' where id = ${r.id}`);
    expect((await status(r.id)).status).toBe('decided');
    // Reopening needs a reason; the chronology keeps every move.
    await expect(reopenReferral(db(), supervisor.id, r.id, 'short')).rejects.toBeInstanceOf(WorkflowError);
    await reopenReferral(db(), supervisor.id, r.id, 'New information from the school about the same concern.');
    expect((await status(r.id)).status).toBe('in_triage');
    const events = await listCaseEvents(db(), { referralId: r.id });
    expect(events.map((e) => [e.kind, e.data.to ?? null])).toEqual([
      ['assigned', officer.id],
      ['status', 'in_triage'],
      ['status', 'in_triage'],
    ]);
    expect(events[2]!.body).toBe('New information from the school about the same concern.');
  });

  it('keeps the chronology append-only, with corrections pointing at an entry of the same case', async () => {
    const officer = await createStaff(db(), { roles: ['prevent_officer'] });
    const r = await createReferral(db());
    const other = await createReferral(db());
    const note = await appendCaseEvent(db(), {
      record: { referralId: r.id },
      kind: 'note',
      author: { kind: 'staff', id: officer.id },
      body: 'Spoke to the school.',
    });
    expect(await refused(db().execute(sql`update case_events set body = 'changed' where id = ${note}`))).toMatch(
      /append-only|permission denied/,
    );
    expect(await refused(db().execute(sql`delete from case_events where id = ${note}`))).toMatch(
      /append-only|permission denied/,
    );
    expect(
      await refused(
        appendCaseEvent(db(), {
          record: { referralId: other.id },
          kind: 'correction',
          author: { kind: 'staff', id: officer.id },
          body: 'Wrong case.',
          correctsId: note,
        }),
      ),
    ).toMatch(/same case/);
    expect(
      await refused(
        appendCaseEvent(db(), {
          record: { referralId: r.id },
          kind: 'note',
          author: { kind: 'referrer' },
          correctsId: note,
        }),
      ),
    ).toMatch(/case_events_correction_points|check/);
    const fix = await appendCaseEvent(db(), {
      record: { referralId: r.id },
      kind: 'correction',
      author: { kind: 'staff', id: officer.id },
      body: 'Spoke to the college, not the school.',
      correctsId: note,
    });
    const events = await listCaseEvents(db(), { referralId: r.id });
    expect(events.map((e) => ({ id: e.id, correctedBy: e.correctedBy, correctsId: e.correctsId }))).toEqual([
      { id: note, correctedBy: [fix], correctsId: null },
      { id: fix, correctedBy: [], correctsId: note },
    ]);
    expect(events[0]!.authorName).toBeTruthy();
  });

  if (engine === 'postgres')
    it('gives the application role no right to change the chronology', async () => {
      const officer = await createStaff(db(), { roles: ['prevent_officer'] });
      const r = await createReferral(db());
      const note = await appendCaseEvent(db(), {
        record: { referralId: r.id },
        kind: 'note',
        author: { kind: 'staff', id: officer.id },
        body: 'A note.',
      });
      // The triggers refuse the owner too; with them disabled, the app's role is still refused by its grants.
      await ownerExec(t.database, 'ALTER TABLE case_events DISABLE TRIGGER case_events_no_update');
      try {
        expect(await refused(db().execute(sql`update case_events set body = 'x' where id = ${note}`))).toMatch(
          /permission denied/,
        );
        expect(await refused(db().execute(sql`delete from attachments`))).toMatch(/permission denied/);
      } finally {
        await ownerExec(t.database, 'ALTER TABLE case_events ENABLE TRIGGER case_events_no_update');
      }
    });

  it('assigns only to active members of the Prevent team, and asks a reason to reassign', async () => {
    const supervisor = await createStaff(db(), { roles: ['prevent_supervisor'] });
    const a = await createStaff(db(), { roles: ['prevent_officer'] });
    const b = await createStaff(db(), { roles: ['prevent_officer'] });
    const coordinator = await createStaff(db(), { roles: ['channel_coordinator'], organisation: 'cumberland' });
    const r = await createReferral(db());
    await expect(assignReferral(db(), supervisor.id, r.id, coordinator.id, null)).rejects.toMatchObject({
      code: 'not_an_officer',
    });
    await assignReferral(db(), supervisor.id, r.id, a.id, null);
    expect((await status(r.id)).status).toBe('in_triage');
    await expect(assignReferral(db(), supervisor.id, r.id, b.id, ' ')).rejects.toMatchObject({
      code: 'reason_required',
    });
    await assignReferral(db(), supervisor.id, r.id, b.id, 'Officer A is on leave for two weeks.');
    await expect(takeReferral(db(), a.id, r.id)).rejects.toMatchObject({ code: 'already_assigned' });
  });

  it('brings referrals back from hold when their date comes', async () => {
    const officer = await createStaff(db(), { roles: ['prevent_officer'] });
    const r = await createReferral(db());
    await takeReferral(db(), officer.id, r.id);
    await db().transaction((tx) =>
      changeState(tx, r.id, {
        from: 'in_triage',
        to: 'awaiting_information',
        author: { kind: 'staff', id: officer.id },
        onHoldUntil: '2026-03-10',
      }),
    );
    expect(await releaseHeldReferrals(db(), '2026-03-09')).toBe(0);
    expect(await releaseHeldReferrals(db(), '2026-03-10')).toBe(1);
    expect((await status(r.id)).status).toBe('in_triage');
    const last = (await listCaseEvents(db(), { referralId: r.id })).at(-1)!;
    expect(last).toMatchObject({ kind: 'status', authorKind: 'system', data: { from: 'awaiting_information' } });
  });
});
