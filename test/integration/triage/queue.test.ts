import { describe, expect, it } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import { engines } from '../../helpers/engines.js';
import { useTestApp } from '../../helpers/app.js';
import { createStaff, staffCookie, type TestStaff } from '../../helpers/staff.js';
import { ago, assignReferral, createAdvice, createReferral } from '../../helpers/cases.js';
import { accessLog, adviceRequests, caseEvents, outbox, referrals } from '../../../src/db/schema/index.js';
import { queryRows } from '../../../src/db/sql.js';
import { londonDate } from '../../../src/lib/dates.js';
import { takeReferral, WorkflowError } from '../../../src/features/triage/workflow.js';
import { workingDaysBetween } from '../../../src/features/triage/queue/view-model.js';

/**
 * The triage queue, taking and assigning work, the workload view, reopening and answering advice requests, through the
 * real app on both engines.
 */
describe.each(engines)('the triage queue (%s)', (engine) => {
  const t = useTestApp(engine);
  const db = () => t.database.db;

  /** A signed-in member of staff over inject: keeps the cookies and the last page's CSRF token. */
  async function as(staff: TestStaff) {
    const cookies = new Map<string, string>();
    const [name, value] = (await staffCookie(t.app, db(), staff)).split(/=(.*)/s) as [string, string];
    cookies.set(name, value);
    let token = '';
    const send = async (method: 'GET' | 'POST', url: string, payload?: string) => {
      const res = await t.app.inject({
        method,
        url,
        headers: {
          cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(payload !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(payload !== undefined ? { payload } : {}),
      });
      for (const c of [res.cookies].flat()) cookies.set(c.name, c.value);
      const found = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
      if (found) token = found;
      return res;
    };
    return {
      staff,
      get: (url: string) => send('GET', url),
      async post(url: string, fields: Record<string, string> = {}) {
        if (!token) await send('GET', '/staff');
        return send('POST', url, new URLSearchParams({ _csrf: token, ...fields }).toString());
      },
    };
  }

  const officer = (name = 'Olive Officer') => createStaff(db(), { roles: ['prevent_officer'], displayName: name });
  const supervisor = (name = 'Sam Supervisor') =>
    createStaff(db(), { roles: ['prevent_supervisor'], displayName: name });

  /** The queue's references, in order, from the table. */
  const references = (body: string) =>
    [...body.matchAll(/<a class="govuk-link" href="\/staff\/(?:referrals|advice)\/([A-Z0-9]{8})">/g)].map((m) => m[1]);

  const status = async (id: string) =>
    (await db().select({ s: referrals.status }).from(referrals).where(eq(referrals.id, id)))[0]!.s;

  it('lists open referrals and unanswered advice by target date, without names, and logs each page seen', async () => {
    const me = await as(await officer());
    const old = await createReferral(db(), { receivedAt: ago(60) });
    const recent = await createReferral(db(), {});
    const decided = await createReferral(db(), { receivedAt: ago(30) });
    const advice = await createAdvice(db(), { receivedAt: ago(10) });
    const answered = await createAdvice(db(), { receivedAt: ago(20) });
    await db()
      .update(adviceRequests)
      .set({ status: 'answered', answeredAt: new Date(), answeredBy: me.staff.id })
      .where(eq(adviceRequests.id, answered.id));
    // A decided referral: through the states (a decision that took effect is needed to reach "decided").
    await makeDecided(decided.id, me.staff.id);

    const res = await me.get('/staff/triage');
    expect(res.statusCode).toBe(200);
    expect(references(res.body)).toEqual([old.reference, advice.reference, recent.reference]);
    expect(res.body).not.toContain('Robin Testperson');
    expect(res.body).not.toContain('Casey Referrer');
    expect(res.body).not.toContain('Drew Asker');
    expect(res.body).toContain('Showing 1 to 3 of 3');
    // The old referral is long past its 5-working-day target: an "Overdue" tag with the working days over.
    const [{ due }] = (await queryRows<{ due: string }>(
      db(),
      sql`select to_char(due_on, 'YYYY-MM-DD') as due from referrals where id = ${old.id}`,
    )) as [{ due: string }];
    const holidays = (
      await queryRows<{ d: string }>(db(), sql`select to_char(day, 'YYYY-MM-DD') as d from bank_holidays`)
    ).map((r) => r.d);
    const over = workingDaysBetween(due, londonDate(new Date()), holidays);
    expect(over).toBeGreaterThan(30);
    const oldRow = rowOf(res.body, old.reference);
    expect(oldRow).toContain('>Overdue</strong>');
    expect(oldRow).toContain(`${over} working days over`);
    expect(rowOf(res.body, recent.reference)).not.toContain('Overdue');
    expect(rowOf(res.body, recent.reference)).toMatch(/working days? left|Due today/);
    expect(rowOf(res.body, old.reference)).toContain('Not assigned');

    const log = await db()
      .select()
      .from(accessLog)
      .where(and(eq(accessLog.recordType, 'triage_queue'), eq(accessLog.actorId, me.staff.id)));
    expect(log).toHaveLength(1);
    expect(log[0]!.action).toBe('consultation');
    expect(log[0]!.detail).toMatchObject({ page: 1, shown: 3, total: 3, filters: {} });
  });

  async function makeDecided(referralId: string, staffId: string) {
    await db().execute(sql`update referrals set status = 'in_triage' where id = ${referralId}`);
    await db().execute(
      sql`insert into decisions (referral_id, outcome, rationale, made_by, approval, requires_approval)
          values (${referralId}, 'police_led', 'Police lead the work on this case.', ${staffId}, 'not_required', false)`,
    );
    const [d] = await queryRows<{ approval: string }>(
      db(),
      sql`select approval from decisions where referral_id = ${referralId}`,
    );
    if (d!.approval === 'pending') {
      const other = await supervisor('Approving Supervisor');
      await db().execute(
        sql`update decisions set approval = 'approved', reviewed_by = ${other.id}, reviewed_at = now()
            where referral_id = ${referralId}`,
      );
    }
    await db().execute(sql`update referrals set status = 'decided' where id = ${referralId}`);
  }

  function rowOf(body: string, reference: string): string {
    const rows = body.split('<tr class="govuk-table__row">');
    return rows.find((r) => r.includes(`>${reference}</a>`)) ?? '';
  }

  it('filters by state, officer (someone, mine, not assigned), age, type of concern and type', async () => {
    const me = await officer('Mia Mine');
    const other = await officer('Otto Other');
    const client = await as(me);
    const overdueMine = await createReferral(db(), { receivedAt: ago(40), concernTypeCode: await concernCode() });
    await assignReferral(db(), overdueMine.id, me.id);
    await db().execute(sql`update referrals set status = 'in_triage' where id = ${overdueMine.id}`);
    const newUnassigned = await createReferral(db(), {});
    const others = await createReferral(db(), { receivedAt: ago(2) });
    await assignReferral(db(), others.id, other.id);
    const advice = await createAdvice(db(), {});

    const refs = async (query: string) => references((await client.get(`/staff/triage?${query}`)).body);
    expect(await refs('state=in_triage')).toEqual([overdueMine.reference]);
    expect((await refs('state=new')).sort()).toEqual(
      [newUnassigned.reference, others.reference, advice.reference].sort(),
    );
    expect(await refs('officer=mine')).toEqual([overdueMine.reference]);
    expect(await refs(`officer=${other.id}`)).toEqual([others.reference]);
    expect((await refs('officer=none')).sort()).toEqual([newUnassigned.reference, advice.reference].sort());
    expect(await refs('age=overdue')).toEqual([overdueMine.reference]);
    expect(await refs('age=soon')).not.toContain(overdueMine.reference);
    expect(await refs(`concern=${await concernCode()}`)).toEqual([overdueMine.reference]);
    expect(await refs('type=advice')).toEqual([advice.reference]);
    expect(await refs('type=referral')).not.toContain(advice.reference);
    expect(await refs('type=advice&state=in_triage')).toEqual([]);
    // The filters are kept in the form and written to the access log (codes only).
    const page = await client.get('/staff/triage?state=in_triage&officer=mine');
    expect(page.body).toMatch(/<option value="in_triage" selected>/);
    expect(page.body).toMatch(/<option value="mine" selected>/);
    const last = await db()
      .select()
      .from(accessLog)
      .where(eq(accessLog.recordType, 'triage_queue'))
      .orderBy(asc(accessLog.id));
    expect(last.at(-1)!.detail).toMatchObject({ filters: { state: 'in_triage', officer: 'mine' }, total: 1 });
    // Rubbish in the query string counts as "all"; a bad page number is a 404.
    expect((await client.get('/staff/triage?state=%3Cscript%3E&officer=x')).statusCode).toBe(200);
    expect((await client.get('/staff/triage?page=0')).statusCode).toBe(404);
  });

  async function concernCode(): Promise<string> {
    const [row] = await queryRows<{ code: string }>(db(), sql`select code from concern_types order by sort limit 1`);
    return row!.code;
  }

  it('pages 50 at a time with the filters kept in the links', async () => {
    const client = await as(await officer());
    for (let i = 0; i < 55; i++) await createReferral(db(), { receivedAt: ago(i) });
    const first = await client.get('/staff/triage?type=referral');
    expect(references(first.body)).toHaveLength(50);
    expect(first.body).toContain('href="/staff/triage?type=referral&amp;page=2"');
    const second = await client.get('/staff/triage?type=referral&page=2');
    expect(references(second.body)).toHaveLength(5);
    expect(second.body).toContain('Showing 51 to 55 of 55');
    const beyond = await client.get('/staff/triage?type=referral&page=9');
    expect(beyond.statusCode).toBe(303);
    expect(beyond.headers.location).toBe('/staff/triage?type=referral&page=2');
  });

  it('lets an officer take a referral and an advice request from the queue', async () => {
    const me = await as(await officer());
    const referral = await createReferral(db(), {});
    const advice = await createAdvice(db(), {});
    const queue = await me.get('/staff/triage');
    expect(rowOf(queue.body, referral.reference)).toContain(`action="/staff/referrals/${referral.reference}/take"`);

    // A POST without the form's own field (a stray request) changes nothing.
    const stray = await me.post(`/staff/referrals/${referral.reference}/take`);
    expect(stray.statusCode).toBe(303);
    expect(await status(referral.id)).toBe('new');

    const taken = await me.post(`/staff/referrals/${referral.reference}/take`, { confirm: 'take' });
    expect(taken.statusCode).toBe(303);
    expect(taken.headers.location).toBe(`/staff/referrals/${referral.reference}`);
    expect(await status(referral.id)).toBe('in_triage');
    const takenAdvice = await me.post(`/staff/advice/${advice.reference}/take`, { confirm: 'take' });
    expect(takenAdvice.headers.location).toBe(`/staff/advice/${advice.reference}`);
    const [a] = await db().select().from(adviceRequests).where(eq(adviceRequests.id, advice.id));
    expect(a!.assignedOfficerId).toBe(me.staff.id);
    const events = await db().select().from(caseEvents).orderBy(asc(caseEvents.id));
    expect(events.map((e) => e.kind)).toEqual(['assigned', 'status', 'assigned']);
    const row = rowOf((await me.get('/staff/triage')).body, referral.reference);
    expect(row).toContain(me.staff.displayName);
    expect(row).not.toContain('/take"');
  });

  it('lets only one of two officers who take the same referral at once have it', async () => {
    const one = await as(await officer('First Officer'));
    const two = await as(await officer('Second Officer'));
    const referral = await createReferral(db(), {});
    await one.get('/staff/triage');
    await two.get('/staff/triage');
    const results = await Promise.all([
      one.post(`/staff/referrals/${referral.reference}/take`, { confirm: 'take' }),
      two.post(`/staff/referrals/${referral.reference}/take`, { confirm: 'take' }),
    ]);
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes[0]).toBe(303);
    // The loser either saw it taken before the policy ran (403) or lost inside the transaction (409, a message).
    expect([403, 409]).toContain(codes[1]);
    expect(await db().select().from(caseEvents).where(eq(caseEvents.kind, 'assigned'))).toHaveLength(1);

    // The service itself, twice at once: one wins, the other is told it was already taken.
    const other = await createReferral(db(), {});
    const outcomes = await Promise.allSettled([
      takeReferral(db(), one.staff.id, other.id),
      takeReferral(db(), two.staff.id, other.id),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(WorkflowError);
    expect((lost.reason as WorkflowError).code).toBe('already_assigned');
  });

  // PostgreSQL only: PGlite has one connection, so a request can never find the row taken while it waits for it.
  if (engine === 'postgres')
    it('answers a friendly message, not an error, when someone takes the referral while the request is under way', async () => {
      const one = await as(await officer('First Officer'));
      const two = await as(await officer('Second Officer'));
      const winner = await officer('Quick Officer');
      const referral = await createReferral(db(), {});
      await one.get('/staff/triage');
      await two.get('/staff/triage');
      let pending: Promise<Awaited<ReturnType<typeof one.post>>[]> | undefined;
      // Hold the referral's row: both requests pass the policy (it is unassigned) and wait for the lock in the
      // service; meanwhile someone else takes it.
      await db().transaction(async (tx) => {
        await tx.execute(sql`select id from referrals where id = ${referral.id} for update`);
        pending = Promise.all([
          one.post(`/staff/referrals/${referral.reference}/take`, { confirm: 'take' }),
          two.post(`/staff/referrals/${referral.reference}/take`, { confirm: 'take' }),
        ]);
        for (let i = 0; i < 200; i++) {
          const [w] = await queryRows<{ n: number | string }>(
            db(),
            sql`select count(*) as n from pg_stat_activity
                 where datname = current_database() and wait_event_type = 'Lock'`,
          );
          if (Number(w!.n) >= 2) break;
          await new Promise((r) => setTimeout(r, 25));
        }
        await tx.execute(sql`update referrals set assigned_officer_id = ${winner.id} where id = ${referral.id}`);
      });
      const results = await pending!;
      for (const res of results) {
        expect(res.statusCode).toBe(409);
        expect(res.body).toContain('This referral has already been taken by another officer');
        expect(res.body).toContain('Quick Officer took it just before you');
        expect(res.body).toContain('href="/staff/triage"');
      }
      const [r] = await db().select().from(referrals).where(eq(referrals.id, referral.id));
      expect(r!.assignedOfficerId).toBe(winner.id);
    });

  it('refuses to take a referral someone already has (the policy), saying who has it, with no change', async () => {
    const mine = await officer();
    const referral = await createReferral(db(), {});
    await assignReferral(db(), referral.id, mine.id);
    const late = await as(await officer('Late Officer'));
    const res = await late.post(`/staff/referrals/${referral.reference}/take`, { confirm: 'take' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('This referral has already been taken by another officer');
    expect(res.body).toContain(`It is assigned to ${mine.displayName}.`);
    expect(res.body).toContain('ask a supervisor to reassign it');
    const [r] = await db().select().from(referrals).where(eq(referrals.id, referral.id));
    expect(r!.assignedOfficerId).toBe(mine.id);
    // Taking one's own case again (another tab) says so, and changes nothing either.
    const again = await (await as(mine)).post(`/staff/referrals/${referral.reference}/take`, { confirm: 'take' });
    expect(again.statusCode).toBe(403);
    expect(again.body).toContain('You have already taken this referral');
    expect(again.body).toContain(`href="/staff/referrals/${referral.reference}"`);
    // Someone outside the Prevent team gets the generic refusal, which names nobody.
    const council = await as(await createStaff(db(), { roles: ['channel_coordinator'], organisation: 'cumberland' }));
    const outsider = await council.post(`/staff/referrals/${referral.reference}/take`, { confirm: 'take' });
    expect(outsider.statusCode).toBe(403);
    expect(outsider.body).not.toContain(mine.displayName);
    expect(outsider.body).toContain('You do not have permission to see this page');
  });

  it('lets a supervisor assign, and reassign only with a reason, then shows a banner on the queue', async () => {
    const boss = await as(await supervisor());
    const first = await officer('Fran First');
    const second = await officer('Sid Second');
    const referral = await createReferral(db(), {});
    const form = await boss.get(`/staff/referrals/${referral.reference}/assign`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Fran First');

    const missing = await boss.post(`/staff/referrals/${referral.reference}/assign`, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Select the officer to assign it to');
    expect(missing.body).toContain('href="#officer"');

    const done = await boss.post(`/staff/referrals/${referral.reference}/assign`, { officer: first.id });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/staff/triage?done=assigned&ref=${referral.reference}`);
    expect(await status(referral.id)).toBe('in_triage');
    const banner = await boss.get(done.headers.location as string);
    expect(banner.body).toContain('govuk-notification-banner--success');
    expect(banner.body).toContain(`Referral ${referral.reference} is now assigned to Fran First.`);

    const noReason = await boss.post(`/staff/referrals/${referral.reference}/assign`, { officer: second.id });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Enter why you are moving it from the officer who has it now');
    let [r] = await db().select().from(referrals).where(eq(referrals.id, referral.id));
    expect(r!.assignedOfficerId).toBe(first.id);

    const withReason = await boss.post(`/staff/referrals/${referral.reference}/assign`, {
      officer: second.id,
      reason: 'Fran is on leave for two weeks',
    });
    expect(withReason.statusCode).toBe(303);
    [r] = await db().select().from(referrals).where(eq(referrals.id, referral.id));
    expect(r!.assignedOfficerId).toBe(second.id);
    const assigned = await db()
      .select()
      .from(caseEvents)
      .where(eq(caseEvents.kind, 'assigned'))
      .orderBy(asc(caseEvents.id));
    expect(assigned.map((e) => e.body)).toEqual([null, 'Fran is on leave for two weeks']);

    // Someone outside the team cannot be chosen, even by a hand-made form.
    const outsider = await createStaff(db(), { roles: ['analyst'] });
    const bad = await boss.post(`/staff/referrals/${referral.reference}/assign`, {
      officer: outsider.id,
      reason: 'anything at all',
    });
    expect(bad.statusCode).toBe(400);

    // Advice requests too.
    const advice = await createAdvice(db(), {});
    const adviceDone = await boss.post(`/staff/advice/${advice.reference}/assign`, { officer: first.id });
    expect(adviceDone.headers.location).toBe(`/staff/triage?done=advice-assigned&ref=${advice.reference}`);
    const [a] = await db().select().from(adviceRequests).where(eq(adviceRequests.id, advice.id));
    expect(a!.assignedOfficerId).toBe(first.id);

    // Officers may not assign.
    const plain = await as(first);
    expect((await plain.get(`/staff/referrals/${referral.reference}/assign`)).statusCode).toBe(403);
  });

  it('counts the workload per officer by state, with overdue, oldest target, unassigned and totals', async () => {
    const boss = await as(await supervisor('Sue Boss'));
    const a = await officer('Alex Able');
    const b = await officer('Bea Busy');
    const r1 = await createReferral(db(), { receivedAt: ago(40) });
    const r2 = await createReferral(db(), {});
    const r3 = await createReferral(db(), {});
    await createReferral(db(), { receivedAt: ago(30) });
    for (const [r, who] of [
      [r1, a],
      [r2, a],
      [r3, b],
    ] as const) {
      await assignReferral(db(), r.id, who.id);
      await db().execute(sql`update referrals set status = 'in_triage' where id = ${r.id}`);
    }
    await db().execute(sql`update referrals set status = 'awaiting_information' where id = ${r2.id}`);
    await createAdvice(db(), { assignedOfficerId: b.id });

    const res = await boss.get('/staff/triage/workload');
    expect(res.statusCode).toBe(200);
    const cells = (name: string) => {
      const row = res.body
        .split('<tr class="govuk-table__row">')
        .slice(1)
        .find((r) => r.includes(`>${name}</`))!;
      return [...row.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').trim());
    };
    // Officer, New, In triage, Awaiting information, Awaiting approval, Open, Overdue, Oldest target, Advice.
    expect(cells('Alex Able').slice(1, 7)).toEqual(['0', '1', '1', '0', '2', '1']);
    expect(cells('Alex Able')[7]).toMatch(/\(overdue\)$/);
    expect(cells('Bea Busy').slice(1, 7)).toEqual(['0', '1', '0', '0', '1', '0']);
    expect(cells('Bea Busy')[8]).toBe('1');
    expect(cells('Not assigned').slice(1, 7)).toEqual(['1', '0', '0', '0', '1', '1']);
    expect(cells('Total').slice(1, 9)).toEqual(['1', '2', '1', '0', '4', '2', cells('Alex Able')[7], '1']);
    expect(cells('Sue Boss').slice(1, 7)).toEqual(['0', '0', '0', '0', '0', '0']);
    expect((await (await as(a)).get('/staff/triage/workload')).statusCode).toBe(403);
  });

  it('reopens a decided referral only with a reason of 10 characters or more', async () => {
    const me = await officer();
    const client = await as(me);
    const referral = await createReferral(db(), { assignedOfficerId: me.id });
    const notYet = await client.get(`/staff/referrals/${referral.reference}/reopen`);
    expect(notYet.body).toContain('Only a decided referral can be reopened');
    await makeDecided(referral.id, me.id);
    const form = await client.get(`/staff/referrals/${referral.reference}/reopen`);
    expect(form.body).toContain('Why are you reopening it?');
    const short = await client.post(`/staff/referrals/${referral.reference}/reopen`, { reason: 'too short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('must be 10 characters or more');
    expect(await status(referral.id)).toBe('decided');
    const done = await client.post(`/staff/referrals/${referral.reference}/reopen`, {
      reason: 'The school sent new information today.',
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/staff/triage?done=reopened&ref=${referral.reference}`);
    expect(await status(referral.id)).toBe('in_triage');
    const [event] = await db()
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.referralId, referral.id), eq(caseEvents.kind, 'status')))
      .orderBy(asc(caseEvents.id))
      .then((rows) => rows.slice(-1));
    expect(event!.body).toBe('The school sent new information today.');
    expect(event!.data).toMatchObject({ from: 'decided', to: 'in_triage', reopened: true });
  });

  it('sends an e-mailed advice reply through the outbox, refusing one that holds the asker’s details', async () => {
    const me = await as(await officer());
    const advice = await createAdvice(db(), {
      source: 'email',
      askerName: 'Drew Asker',
      askerEmail: 'drew.asker@example.org',
      askerPhone: '01632 960 002',
    });
    const page = await me.get(`/staff/advice/${advice.reference}/reply`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('E-mail is not secure');

    const empty = await me.post(`/staff/advice/${advice.reference}/reply`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Select how you answered');

    for (const [reply, what] of [
      ['Dear Drew, thank you for asking.', 'name'],
      ['We replied to drew.asker@EXAMPLE.org already.', 'e-mail address'],
      ['Call us back on 01632 960002 if you are worried.', 'phone number'],
      ['Thanks for asking. Call +44 1632 960 002.', 'phone number'],
    ] as const) {
      const refused = await me.post(`/staff/advice/${advice.reference}/reply`, { channel: 'email', reply });
      expect(refused.statusCode, reply).toBe(400);
      expect(refused.body).toContain(`Take out the asker’s ${what}`);
    }
    expect(await db().$count(outbox)).toBe(0);

    const text =
      'Thank you for asking. It is right to be concerned: please call us on our team number to talk it over.';
    const sent = await me.post(`/staff/advice/${advice.reference}/reply`, { channel: 'email', reply: text });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`/staff/triage?done=answered&ref=${advice.reference}`);
    const [mail] = await db().select().from(outbox);
    expect(mail!.recipient).toBe('drew.asker@example.org');
    expect(mail!.template).toBe('advice-reply');
    expect(mail!.subject).toBe(`Our reply to your request for advice: ${advice.reference}`);
    expect(mail!.textBody).toContain(text);
    expect(mail!.textBody).not.toContain('Drew');
    const [a] = await db().select().from(adviceRequests).where(eq(adviceRequests.id, advice.id));
    expect(a!.status).toBe('answered');
    expect(a!.answeredBy).toBe(me.staff.id);
    expect(a!.answeredAt).toBeInstanceOf(Date);
    const [event] = await db().select().from(caseEvents).where(eq(caseEvents.kind, 'advice_reply'));
    expect(event!.body).toBe(text);
    expect(event!.data).toMatchObject({ channel: 'email', outboxId: mail!.id });
    const [disclosure] = await db().select().from(accessLog).where(eq(accessLog.action, 'disclosure'));
    expect(disclosure!.reference).toBe(advice.reference);
    expect(disclosure!.recipients).toEqual(['asker']);

    // Answered: off the queue, and a second reply is refused. Then it can be closed.
    expect(references((await me.get('/staff/triage')).body)).not.toContain(advice.reference);
    const again = await me.post(`/staff/advice/${advice.reference}/reply`, { channel: 'email', reply: text });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('already been answered');
    expect(await db().$count(outbox)).toBe(1);
    const closed = await me.post(`/staff/advice/${advice.reference}/close`);
    expect(closed.headers.location).toBe(`/staff/triage?done=closed&ref=${advice.reference}`);
    const [c] = await db().select().from(adviceRequests).where(eq(adviceRequests.id, advice.id));
    expect(c!.status).toBe('closed');
  });

  it('records a reply given by phone with its summary, sending nothing', async () => {
    const me = await as(await officer());
    const advice = await createAdvice(db(), {}); // phone only
    const page = await me.get(`/staff/advice/${advice.reference}/reply`);
    expect(page.body).toContain('Summary of the advice you gave by phone');
    const empty = await me.post(`/staff/advice/${advice.reference}/reply`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter a summary of the advice you gave by phone');
    // A close before an answer is refused.
    const early = await me.post(`/staff/advice/${advice.reference}/close`);
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('Answer this advice request before you close it');
    const done = await me.post(`/staff/advice/${advice.reference}/reply`, {
      reply: 'Talked through the signs to look for and the Act Early line with Drew.',
    });
    expect(done.statusCode).toBe(303);
    expect(await db().$count(outbox)).toBe(0);
    const [event] = await db().select().from(caseEvents).where(eq(caseEvents.kind, 'advice_reply'));
    expect(event!.data).toMatchObject({ channel: 'phone' });
    const [a] = await db().select().from(adviceRequests).where(eq(adviceRequests.id, advice.id));
    expect(a!.status).toBe('answered');
  });
});
