import { describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { engines } from '../../helpers/engines.js';
import { useTestApp } from '../../helpers/app.js';
import { FormClient } from '../../helpers/client.js';
import { createStaff, organisationId, signedInClient, type TestStaff } from '../../helpers/staff.js';
import { createReferral, shareCase } from '../../helpers/cases.js';
import { assessments, caseEvents, informationChecks } from '../../../src/db/schema/index.js';
import { takeReferral } from '../../../src/features/triage/workflow.js';
import { activeFramework } from '../../../src/features/triage/assessment/service.js';
import { londonDate } from '../../../src/lib/dates.js';

const dateFields = (prefix: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
};

describe.each(engines)('information checks and assessments on %s', (engine) => {
  const t = useTestApp(engine);

  function signedIn(staff: TestStaff): Promise<FormClient> {
    return signedInClient(t.app, t.database.db, staff);
  }

  async function setUp() {
    const db = t.database.db;
    const officer = await createStaff(db, { roles: ['prevent_officer'], displayName: 'Olive Officer' });
    const referral = await createReferral(db);
    await takeReferral(db, officer.id, referral.id);
    return { officer, referral, client: await signedIn(officer) };
  }

  const eventsOf = (referralId: string, kind: 'check' | 'assessment') =>
    t.database.db
      .select()
      .from(caseEvents)
      .where(eq(caseEvents.referralId, referralId))
      .orderBy(asc(caseEvents.id))
      .then((rows) => rows.filter((r) => r.kind === kind));

  it('adds a check, records what came back, and writes a check event each time', async () => {
    const { officer, referral, client } = await setUp();
    const url = `/staff/referrals/${referral.reference}/checks`;
    const page = await client.get(url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('No checks have been recorded yet.');
    expect(page.body).toContain('<option value="Police National Computer">');

    const bad = await client.post(url, { source: '', request: '', ...dateFields('asked', '2999-01-01') });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Enter who or which system you asked');
    expect(bad.body).toContain('The date you asked must be today or in the past');
    expect(bad.body.indexOf('href="#source"')).toBeLessThan(bad.body.indexOf('href="#asked-day"'));
    expect(await t.database.db.$count(informationChecks)).toBe(0);

    const today = londonDate(new Date());
    const added = await client.post(url, {
      source: 'Police National Computer',
      request: 'Any records for the person',
      ...dateFields('asked', today),
    });
    expect(added.status).toBe(303);
    expect(added.location).toBe(`${url}?done=added`);
    const [check] = await t.database.db.select().from(informationChecks);
    expect(check).toMatchObject({
      source: 'Police National Computer',
      askedOn: today,
      askedBy: officer.id,
      request: 'Any records for the person',
      outcome: 'pending',
      respondedOn: null,
    });
    const list = await client.get(added.location!);
    expect(list.body).toContain('The check has been added.');
    expect(list.body).toContain('Waiting for a reply');
    expect(list.body).toContain(`${url}/${check!.id}`);

    const form = await client.get(`${url}/${check!.id}`);
    expect(form.status).toBe(200);
    const noOutcome = await client.post(`${url}/${check!.id}`, {
      outcome: '',
      response: '',
      ...dateFields('responded', today),
    });
    expect(noOutcome.status).toBe(400);
    expect(noOutcome.body).toContain('Select what came back');
    const early = await client.post(`${url}/${check!.id}`, {
      outcome: 'information_held',
      ...dateFields('responded', '2000-01-01'),
    });
    expect(early.status).toBe(400);
    expect(early.body).toContain('The date of the reply must be the same as or after the date you asked');

    const answered = await client.post(`${url}/${check!.id}`, {
      outcome: 'information_held',
      response: 'Two intelligence reports from 2025',
      ...dateFields('responded', today),
    });
    expect(answered.status).toBe(303);
    const [after] = await t.database.db.select().from(informationChecks);
    expect(after).toMatchObject({
      outcome: 'information_held',
      response: 'Two intelligence reports from 2025',
      respondedOn: today,
    });
    const events = await eventsOf(referral.id, 'check');
    expect(events.map((e) => [e.authorId, (e.data as { action: string }).action])).toEqual([
      [officer.id, 'asked'],
      [officer.id, 'response'],
    ]);
    expect(events[0]!.body).toBe('Asked Police National Computer: Any records for the person');
    expect(events[1]!.body).toContain('information held');

    // Unknown ids, another referral's check and malformed ids: 404.
    const other = await createReferral(t.database.db);
    await takeReferral(t.database.db, officer.id, other.id);
    expect((await client.get(`/staff/referrals/${other.reference}/checks/${check!.id}`)).status).toBe(404);
    expect((await client.get(`${url}/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await client.get(`${url}/nope`)).status).toBe(404);
  });

  it('a council coordinator the case was handed to sees the checks but cannot add one', async () => {
    const { referral, client } = await setUp();
    expect((await client.get(`/staff/referrals/${referral.reference}/checks`)).body).toContain('Add a check');
    const coordinator = await createStaff(t.database.db, {
      roles: ['channel_coordinator'],
      organisation: 'cumberland',
    });
    const c = await signedIn(coordinator);
    expect((await c.get(`/staff/referrals/${referral.reference}/checks`)).status).toBe(403);
    await shareCase(t.database.db, referral.id, await organisationId(t.database.db, 'cumberland'), 'council');
    const page = await c.get(`/staff/referrals/${referral.reference}/checks`);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('Add a check');
    expect(page.body).not.toContain('name="source"');
    await c.get(`/staff/referrals/${referral.reference}/checks`);
    const post = await c.post(`/staff/referrals/${referral.reference}/checks`, {
      source: 'Education',
      ...dateFields('asked', londonDate(new Date())),
    });
    expect(post.status).toBe(403);
    expect(await t.database.db.$count(informationChecks)).toBe(0);
  });

  it('saves assessments from the active framework, with no score, and compares each with the one before', async () => {
    const { officer, referral, client } = await setUp();
    const framework = (await activeFramework(t.database.db))!;
    expect(framework.code).toBe('vaf');
    const factors = framework.definition.sections.flatMap((s) => s.factors);
    const url = `/staff/referrals/${referral.reference}/assessment`;

    const form = await client.get(url);
    expect(form.status).toBe(200);
    for (const f of factors) expect(form.body).toContain(`name="rating-${f.code}"`);
    for (const r of framework.definition.ratings) expect(form.body).toContain(r.label);
    expect(form.body).toContain('name="free-protective"');
    expect(form.body.toLowerCase()).not.toContain('score');

    const empty = await client.post(url, {});
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('Select a rating for feelings of grievance or injustice');
    expect(empty.body).toContain('Enter a summary of the assessment');
    expect(empty.body).toContain(`href="#rating-${factors[0]!.code}"`);
    expect(empty.body.indexOf('href="#rating-grievance"')).toBeLessThan(empty.body.indexOf('href="#summary"'));
    expect(await t.database.db.$count(assessments)).toBe(0);

    const first: Record<string, string> = { summary: 'Some vulnerability; no intent seen.' };
    for (const f of factors) first[`rating-${f.code}`] = 'no_evidence';
    first['rating-grievance'] = 'some';
    first['rationale-grievance'] = 'Talks about unfairness at school';
    first['section-engagement'] = 'Mostly about belonging';
    first['free-protective'] = 'Close to his aunt';
    // A rating that is not one of the framework's is refused, with the rest of the form kept.
    const wrong = await client.post(url, { ...first, 'rating-threat': 'extreme' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('Select a rating for feeling under threat');
    expect(wrong.body).toContain('Talks about unfairness at school');

    expect((await client.post(url, first)).status).toBe(303);
    const second: Record<string, string> = {
      ...first,
      'rating-grievance': 'significant',
      'rating-threat': 'some',
      summary: 'Grievance has grown.',
    };
    second['rationale-grievance'] = 'Now angry about a specific group';
    delete second['free-protective'];
    // The form starts from the latest assessment.
    const again = await client.get(url);
    expect(again.body).toContain('Talks about unfairness at school');
    const saved = await client.post(url, second);
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/staff/referrals/${referral.reference}/assessments?saved=1`);

    const rows = await t.database.db.select().from(assessments).orderBy(asc(assessments.createdAt));
    expect(rows).toHaveLength(2);
    expect(rows[0]!.previousId).toBeNull();
    expect(rows[1]!.previousId).toBe(rows[0]!.id);
    expect(rows[1]).toMatchObject({ frameworkCode: 'vaf', frameworkVersion: 1, createdBy: officer.id });
    expect(rows[1]!.answers).toMatchObject({
      factors: { grievance: { rating: 'significant', rationale: 'Now angry about a specific group' } },
      sections: { engagement: 'Mostly about belonging' },
      freeText: { protective: '', other: '' },
    });
    expect(JSON.stringify(rows[1]!.answers)).not.toMatch(/score/i);
    const events = await eventsOf(referral.id, 'assessment');
    expect(events.map((e) => [e.body, (e.data as { assessmentId: string }).assessmentId])).toEqual([
      ['Some vulnerability; no intent seen.', rows[0]!.id],
      ['Grievance has grown.', rows[1]!.id],
    ]);

    const history = await client.get(saved.location!);
    expect(history.status).toBe(200);
    const body = history.body;
    expect(body).toContain('The assessment has been saved.');
    expect(body).toContain('This is the first assessment of this referral.');
    const second2 = body.slice(body.indexOf('Assessment 2'));
    expect(second2).toMatch(
      /Feelings of grievance or injustice<\/th>\s*<td class="govuk-table__cell">Some evidence<\/td>\s*<td class="govuk-table__cell">Significant evidence<\/td>/,
    );
    expect(second2).toMatch(
      /Feeling under threat<\/th>\s*<td class="govuk-table__cell">No evidence<\/td>\s*<td class="govuk-table__cell">Some evidence<\/td>/,
    );
    expect(second2).toContain('Feelings of grievance or injustice: rationale');
    expect(second2).toContain('Before: Talks about unfairness at school');
    expect(second2).toContain('Protective factors and strengths');
    expect(second2).toContain('Now: (none)');
    expect(body.indexOf('Assessment 1')).toBeLessThan(body.indexOf('Assessment 2'));
    expect(body.toLowerCase()).not.toContain('score');
  });

  it('only the assigned officer or a supervisor may assess; a colleague is refused', async () => {
    const { referral } = await setUp();
    const colleague = await createStaff(t.database.db, { roles: ['prevent_officer'] });
    const c = await signedIn(colleague);
    expect((await c.get(`/staff/referrals/${referral.reference}/assessment`)).status).toBe(403);
  });
});
