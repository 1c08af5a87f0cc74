import { describe, expect, it } from 'vitest';
import type { Role } from '../../../src/db/schema/index.js';
import { handovers } from '../../../src/db/schema/index.js';
import { engines } from '../../helpers/engines.js';
import { useTestApp } from '../../helpers/app.js';
import { createStaff, organisationId, staffCookie, type TestStaff } from '../../helpers/staff.js';
import { insertAdvice, insertReferral, shareCase } from '../../helpers/cases.js';

/**
 * The list matrix, the access matrix's other half: for every role, what the lists and search SHOW. The intake list, the
 * triage queue, the council's hand-over list and staff search, each over the access matrix's kinds of case: OWN
 * (assigned to the officer, handed over to Cumberland, at a panel Probation sits on), OTHER_OFFICER (another officer's,
 * not shared), OTHER_COUNCIL (another officer's, handed over to Westmorland and Furness, at a panel of the NHS trust),
 * INTAKE (nobody's yet) and an advice request. Written out by hand, independently of src/policies: another officer's
 * case, another council's case and a case not handed over must never appear where the policy forbids them.
 */

type Actor =
  | 'officer'
  | 'supervisor'
  | 'coordinator'
  | 'other council'
  | 'panel'
  | 'engagement'
  | 'analyst'
  | 'dpo'
  | 'administrator'
  | 'no role';
type CaseKey = 'own' | 'otherOfficer' | 'otherCouncil' | 'intake' | 'advice';
const KEYS: CaseKey[] = ['own', 'otherOfficer', 'otherCouncil', 'intake', 'advice'];

const ACTORS: { actor: Actor; roles: Role[]; organisation: string }[] = [
  { actor: 'officer', roles: ['prevent_officer'], organisation: 'cumbria-police-prevent' },
  { actor: 'supervisor', roles: ['prevent_supervisor'], organisation: 'cumbria-police-prevent' },
  { actor: 'coordinator', roles: ['channel_coordinator'], organisation: 'cumberland' },
  { actor: 'other council', roles: ['channel_coordinator'], organisation: 'westmorland-furness' },
  { actor: 'panel', roles: ['panel_member'], organisation: 'probation-cumbria' },
  { actor: 'engagement', roles: ['engagement_officer'], organisation: 'cumbria-police-prevent' },
  { actor: 'analyst', roles: ['analyst'], organisation: 'cumbria-police-prevent' },
  { actor: 'dpo', roles: ['dpo'], organisation: 'cumbria-police-prevent' },
  { actor: 'administrator', roles: ['administrator'], organisation: 'cumbria-police-prevent' },
  { actor: 'no role', roles: [], organisation: 'cumbria-police-prevent' },
];

/** A list: refused to the person, or the cases it shows them ('reason': shown marked, opens after a reason). */
type Shown = 'refused' | Partial<Record<CaseKey, 'shown' | 'reason'>>;
const EVERY_CASE: Shown = {
  own: 'shown',
  otherOfficer: 'shown',
  otherCouncil: 'shown',
  intake: 'shown',
  advice: 'shown',
};
const refusedExcept = (allowed: Partial<Record<Actor, Shown>>): Record<Actor, Shown> =>
  Object.fromEntries(ACTORS.map((a) => [a.actor, allowed[a.actor] ?? 'refused'])) as Record<Actor, Shown>;

/** Every referral here is new and open, so the Prevent team's lists show them all (references, no names). */
const INTAKE_LIST = refusedExcept({ officer: EVERY_CASE, supervisor: EVERY_CASE });
const TRIAGE_QUEUE = refusedExcept({ officer: EVERY_CASE, supervisor: EVERY_CASE });
/** Offered to Cumberland: OWN; to Westmorland and Furness: OTHER_COUNCIL. Each council sees its own only. */
const HANDOVER_LIST = refusedExcept({
  coordinator: { own: 'shown' },
  'other council': { otherCouncil: 'shown' },
});
const SEARCH = refusedExcept({
  officer: { own: 'shown', otherOfficer: 'reason', otherCouncil: 'reason', intake: 'shown', advice: 'shown' },
  supervisor: { own: 'reason', otherOfficer: 'reason', otherCouncil: 'reason', intake: 'shown', advice: 'shown' },
  coordinator: { own: 'shown' },
  'other council': { otherCouncil: 'shown' },
  panel: { own: 'shown' },
});

const REASON_NOTE = 'You will be asked for a reason to open this';

describe.each(engines)('the list matrix (%s)', (engine) => {
  const t = useTestApp(engine);
  const db = () => t.database.db;

  async function fixture() {
    const staff = {} as Record<Actor, TestStaff>;
    for (const a of ACTORS) staff[a.actor] = await createStaff(db(), { roles: a.roles, organisation: a.organisation });
    const otherOfficer = await createStaff(db(), { roles: ['prevent_officer'] });
    const cumberland = await organisationId(db(), 'cumberland');
    const westmorland = await organisationId(db(), 'westmorland-furness');
    const probation = await organisationId(db(), 'probation-cumbria');
    const nhs = await organisationId(db(), 'nhs-north-cumbria');
    const own = await insertReferral(db(), { assignedOfficerId: staff.officer.id });
    const otherOfficerCase = await insertReferral(db(), { assignedOfficerId: otherOfficer.id });
    const otherCouncil = await insertReferral(db(), { assignedOfficerId: otherOfficer.id });
    const intake = await insertReferral(db(), {});
    const advice = await insertAdvice(db(), {});
    await shareCase(db(), own.id, cumberland, 'council');
    await shareCase(db(), own.id, probation, 'panel');
    await shareCase(db(), otherCouncil.id, westmorland, 'council');
    await shareCase(db(), otherCouncil.id, nhs, 'panel');
    await db()
      .insert(handovers)
      .values([
        { referralId: own.id, organisationId: cumberland, createdBy: staff.officer.id },
        { referralId: otherCouncil.id, organisationId: westmorland, createdBy: otherOfficer.id },
      ]);
    const references: Record<CaseKey, string> = {
      own: own.reference,
      otherOfficer: otherOfficerCase.reference,
      otherCouncil: otherCouncil.reference,
      intake: intake.reference,
      advice: advice.reference,
    };
    return { staff, references };
  }

  /** What a page shows of the fixture's cases: each reference present, marked when its row carries the reason note. */
  function shownIn(body: string, references: Record<CaseKey, string>, rowOf?: (ref: string) => string): Shown {
    const shown: Partial<Record<CaseKey, 'shown' | 'reason'>> = {};
    for (const key of KEYS) {
      if (!body.includes(references[key])) continue;
      shown[key] = rowOf?.(references[key]).includes(REASON_NOTE) ? 'reason' : 'shown';
    }
    return shown;
  }

  async function get(cookie: string, url: string) {
    return t.app.inject({ method: 'GET', url, headers: { cookie } });
  }

  /** A list page: refused (403, nothing shown) or what it shows. */
  async function list(cookie: string, url: string, references: Record<CaseKey, string>): Promise<Shown> {
    const res = await get(cookie, url);
    if (res.statusCode === 403) {
      for (const key of KEYS) expect(res.body, `${url} refused but shows ${key}`).not.toContain(references[key]);
      return 'refused';
    }
    expect(res.statusCode, url).toBe(200);
    return shownIn(res.body, references);
  }

  /** Staff search by the name every referral here has, then by a word of the advice request's question, together. */
  async function search(cookie: string, references: Record<CaseKey, string>): Promise<Shown> {
    const form = await get(cookie, '/staff/search');
    if (form.statusCode === 403) return 'refused';
    expect(form.statusCode).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const csrf = form.cookies.filter((c) => c.name === 'prevent_csrf').map((c) => `${c.name}=${c.value}`);
    let bodies = '';
    for (const fields of [{ name: 'Robin Testperson' }, { text: 'nephew' }] as Record<string, string>[]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/staff/search',
        headers: { cookie: [cookie, ...csrf].join('; '), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
      });
      expect(res.statusCode).toBe(200);
      bodies += res.body;
    }
    const rowOf = (reference: string) => {
      const start = bodies.indexOf(`id="result-${reference}"`);
      expect(start, `${reference} is a result row`).toBeGreaterThan(-1);
      return bodies.slice(start, bodies.indexOf('</tr>', start));
    };
    return shownIn(bodies, references, rowOf);
  }

  it.each(ACTORS.map((a) => a.actor))(
    'shows a %s exactly the cases each list and search may show, as written above',
    async (actor) => {
      const f = await fixture();
      const cookie = await staffCookie(t.app, db(), f.staff[actor]);
      expect({
        intake: await list(cookie, '/staff/intake', f.references),
        queue: await list(cookie, '/staff/triage', f.references),
        handovers: await list(cookie, '/staff/channel/handovers', f.references),
        search: await search(cookie, f.references),
      }).toEqual({
        intake: INTAKE_LIST[actor],
        queue: TRIAGE_QUEUE[actor],
        handovers: HANDOVER_LIST[actor],
        search: SEARCH[actor],
      });
    },
  );

  it('never lists a hand-over to a council whose share of the case has ended', async () => {
    const f = await fixture();
    const cumberland = await organisationId(db(), 'cumberland');
    // Offered to Cumberland, but the share with Cumberland has ended: the policy no longer lets Cumberland see it.
    const stale = await insertReferral(db(), {});
    await shareCase(db(), stale.id, cumberland, 'council', { ended: true });
    await db()
      .insert(handovers)
      .values({ referralId: stale.id, organisationId: cumberland, createdBy: f.staff.officer.id });
    const cookie = await staffCookie(t.app, db(), f.staff.coordinator);
    const page = await get(cookie, '/staff/channel/handovers');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(f.references.own);
    expect(page.body).not.toContain(stale.reference);
  });
});
