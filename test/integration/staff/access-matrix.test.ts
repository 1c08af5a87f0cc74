import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { engines } from '../../helpers/engines.js';
import { useTestApp } from '../../helpers/app.js';
import { createStaff, organisationId, staffCookie, type TestStaff } from '../../helpers/staff.js';
import { insertAdvice } from '../../helpers/cases.js';
import {
  fill,
  placedReferral,
  TARGETS,
  validForm,
  VIEW_TARGETS,
  type Placement,
  type Target,
  type TargetWorld,
} from '../../helpers/routeTargets.js';
import { multipart } from '../triage/upload-helpers.js';
import { listCouncils } from '../../../src/features/postcodes/queries.js';
import { referrals, type Role } from '../../../src/db/schema/index.js';
import { POLICIES, type PolicyName } from '../../../src/policies/index.js';
import type { StaffRouteEntry } from '../../../src/staff/registry.js';
import { eq } from 'drizzle-orm';

/**
 * The access matrix: every staff route × every role × own case / another officer's case / another council's case / a
 * case not brought to your panel / a case waiting in the intake queue, asserting allow, "give a reason first" or refuse.
 * The expectations are written out here by hand, independently of src/policies, so a wrong rule fails this test.
 *
 * An allowed request is a real use of the route: it must get a page (2xx) or a redirect onwards (3xx). Each route with a
 * target in test/helpers/routeTargets.ts (every POST, and the GETs at the same URL or naming an attachment or a letter)
 * gets, for every call, a new case in the state it needs, placed as the kind of case says (who has it, whom it is
 * shared with), the ids its URL names and the form its page sends (multipart for the uploads). Other GETs share one
 * set of cases.
 *
 * The intake column where the route needs a referral someone has taken (a decision, an approval, an explanation, a
 * hand-over, a re-contact request, reopening): no referral in the intake queue is in that state. A person the rules
 * refuse on intake referrals gets a referral waiting in the queue (and is refused by the rule, as they would be). A
 * person the rules allow on intake referrals (the supervisor, who may work on any referral; the Prevent team, who may
 * open any referral in the queue, for the explanation letter) gets a referral in the state the route needs, taken by
 * the one INTAKE_STAND_IN names, so the scope the request exercises is that one, stated in the failure message:
 *   - case.work and triage.approve: taken by another officer (the supervisor's power over any officer's referral);
 *   - case.view (the explanation letter): taken by the person themself (their own referral).
 */

type Outcome = 'allow' | 'reason' | 'deny';
type Actor =
  'officer' | 'supervisor' | 'coordinator' | 'panel' | 'engagement' | 'analyst' | 'dpo' | 'administrator' | 'no role';

const ACTORS: { actor: Actor; roles: Role[]; organisation: string }[] = [
  { actor: 'officer', roles: ['prevent_officer'], organisation: 'cumbria-police-prevent' },
  { actor: 'supervisor', roles: ['prevent_supervisor'], organisation: 'cumbria-police-prevent' },
  { actor: 'coordinator', roles: ['channel_coordinator'], organisation: 'cumberland' },
  { actor: 'panel', roles: ['panel_member'], organisation: 'probation-cumbria' },
  { actor: 'engagement', roles: ['engagement_officer'], organisation: 'cumbria-police-prevent' },
  { actor: 'analyst', roles: ['analyst'], organisation: 'cumbria-police-prevent' },
  { actor: 'dpo', roles: ['dpo'], organisation: 'cumbria-police-prevent' },
  { actor: 'administrator', roles: ['administrator'], organisation: 'cumbria-police-prevent' },
  { actor: 'no role', roles: [], organisation: 'cumbria-police-prevent' },
];

/**
 * The cases. OWN: assigned to the officer, handed over to Cumberland (the coordinator's council) and brought to a panel
 * Probation (the panel member's agency) sits on. OTHER_OFFICER: assigned to another officer, not shared. OTHER_COUNCIL:
 * another officer's, handed to Westmorland and Furness and brought to a panel the NHS trust sits on. INTAKE: unassigned.
 */
type CaseKey = 'own' | 'otherOfficer' | 'otherCouncil' | 'intake' | 'advice';
const CASES: CaseKey[] = ['own', 'otherOfficer', 'otherCouncil', 'intake'];

const CASE_VIEW: Record<Actor, Record<CaseKey, Outcome>> = {
  officer: { own: 'allow', otherOfficer: 'reason', otherCouncil: 'reason', intake: 'allow', advice: 'allow' },
  supervisor: { own: 'reason', otherOfficer: 'reason', otherCouncil: 'reason', intake: 'allow', advice: 'allow' },
  coordinator: { own: 'allow', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
  panel: { own: 'allow', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
  engagement: { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
  analyst: { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
  dpo: { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
  administrator: { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
  'no role': { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
};

/** Earlier referrals of the same person (check and link): the Prevent team as for case.view, never anyone else. */
const CASE_LINK: Record<Actor, Record<CaseKey, Outcome>> = {
  officer: { own: 'allow', otherOfficer: 'reason', otherCouncil: 'reason', intake: 'allow', advice: 'deny' },
  supervisor: { own: 'reason', otherOfficer: 'reason', otherCouncil: 'reason', intake: 'allow', advice: 'deny' },
  coordinator: { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
  panel: { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
  engagement: { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
  analyst: { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
  dpo: { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
  administrator: { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
  'no role': { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
};

const NOBODY: Record<CaseKey, Outcome> = {
  own: 'deny',
  otherOfficer: 'deny',
  otherCouncil: 'deny',
  intake: 'deny',
  advice: 'deny',
};

/**
 * Working on a referral in triage: the officer it is assigned to and any Prevent supervisor; a referral in the intake
 * queue must be taken first; advice requests: the Prevent team.
 */
const CASE_WORK: Record<Actor, Record<CaseKey, Outcome>> = {
  officer: { own: 'allow', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'allow' },
  supervisor: { own: 'allow', otherOfficer: 'allow', otherCouncil: 'allow', intake: 'allow', advice: 'allow' },
  coordinator: NOBODY,
  panel: NOBODY,
  engagement: NOBODY,
  analyst: NOBODY,
  dpo: NOBODY,
  administrator: NOBODY,
  'no role': NOBODY,
};

/** Taking a case from the intake queue: the Prevent team, only while nobody has it. */
const CASE_TAKE: Record<Actor, Record<CaseKey, Outcome>> = {
  officer: { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'allow', advice: 'allow' },
  supervisor: { own: 'deny', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'allow', advice: 'allow' },
  coordinator: NOBODY,
  panel: NOBODY,
  engagement: NOBODY,
  analyst: NOBODY,
  dpo: NOBODY,
  administrator: NOBODY,
  'no role': NOBODY,
};

/** Answering a hand-over: the coordinators of the council it was handed to (OWN went to Cumberland). */
const HANDOVER_ANSWER: Record<Actor, Record<CaseKey, Outcome>> = {
  officer: NOBODY,
  supervisor: NOBODY,
  coordinator: { own: 'allow', otherOfficer: 'deny', otherCouncil: 'deny', intake: 'deny', advice: 'deny' },
  panel: NOBODY,
  engagement: NOBODY,
  analyst: NOBODY,
  dpo: NOBODY,
  administrator: NOBODY,
  'no role': NOBODY,
};

const CASE_POLICIES = {
  'case.view': CASE_VIEW,
  'case.link': CASE_LINK,
  'case.work': CASE_WORK,
  'case.take': CASE_TAKE,
  'handover.answer': HANDOVER_ANSWER,
} satisfies Partial<Record<PolicyName, Record<Actor, Record<CaseKey, Outcome>>>>;
type CasePolicy = keyof typeof CASE_POLICIES;
const isCasePolicy = (p: PolicyName): p is CasePolicy => Object.hasOwn(CASE_POLICIES, p);

const everyone = (o: Outcome) => Object.fromEntries(ACTORS.map((a) => [a.actor, o])) as Record<Actor, Outcome>;
const only = (...actors: Actor[]) =>
  Object.fromEntries(ACTORS.map((a) => [a.actor, actors.includes(a.actor) ? 'allow' : 'deny'])) as Record<
    Actor,
    Outcome
  >;

/** Policies that are not about a case: who may use them. Every policy in src/policies must appear here or in CASE_VIEW. */
const EXPECTED: Record<Exclude<PolicyName, CasePolicy>, Record<Actor, Outcome>> = {
  'public.signIn': everyone('allow'),
  'staff.home': everyone('allow'),
  'account.self': everyone('allow'),
  'intake.list': only('officer', 'supervisor'),
  'audit.read': only('dpo'),
  'audit.export': only('dpo'),
  'admin.manage': only('administrator'),
  'reference.postcodes': only('supervisor', 'administrator'),
  'triage.queue': only('officer', 'supervisor'),
  'triage.assign': only('supervisor'),
  'triage.approve': only('supervisor'),
  'triage.templates': only('supervisor'),
  'triage.settings': only('supervisor'),
  'staff.search': only('officer', 'supervisor', 'coordinator', 'panel'),
  'handover.list': only('coordinator'),
};

/** Who has taken the referral standing in for an intake referral in a state only a taken referral can be in. */
const INTAKE_STAND_IN: Partial<Record<PolicyName, 'otherOfficer' | 'actor'>> = {
  'case.work': 'otherOfficer',
  'triage.approve': 'otherOfficer',
  'case.view': 'actor',
};

interface Fixture {
  staff: Record<Actor, TestStaff>;
  otherOfficer: TestStaff;
  target: TestStaff;
  references: Record<CaseKey, string>;
  places: Record<Exclude<CaseKey, 'advice'>, Placement>;
  /** What the targets use: a supervisor of its own (approving decisions), the other officer, the target account. */
  world: TargetWorld;
}

/** The target for a route, if it has one (a GET uses the POST's at the same URL). */
function targetFor(route: StaffRouteEntry): Target | undefined {
  if (route.method === 'POST') return TARGETS.find((x) => x.route === route.url);
  return VIEW_TARGETS.find((x) => x.route === route.url) ?? TARGETS.find((x) => x.route === route.url);
}

let bodies = 0;

describe.each(engines)('the access matrix (%s)', (engine) => {
  const t = useTestApp(engine);

  async function fixture(): Promise<Fixture> {
    const db = t.database.db;
    const staff = {} as Record<Actor, TestStaff>;
    for (const a of ACTORS) staff[a.actor] = await createStaff(db, { roles: a.roles, organisation: a.organisation });
    const otherOfficer = await createStaff(db, { roles: ['prevent_officer'] });
    const target = await createStaff(db, { roles: ['analyst'] });
    const approver = await createStaff(db, { roles: ['prevent_supervisor'] });
    const [cumberland, westmorland, probation, nhs] = await Promise.all(
      ['cumberland', 'westmorland-furness', 'probation-cumbria', 'nhs-north-cumbria'].map((c) => organisationId(db, c)),
    );
    const places: Fixture['places'] = {
      own: {
        officer: staff.officer.id,
        shares: [
          { organisationId: cumberland!, purpose: 'council' },
          { organisationId: probation!, purpose: 'panel' },
        ],
      },
      otherOfficer: { officer: otherOfficer.id, shares: [] },
      otherCouncil: {
        officer: otherOfficer.id,
        shares: [
          { organisationId: westmorland!, purpose: 'council' },
          { organisationId: nhs!, purpose: 'panel' },
        ],
      },
      intake: { officer: null, shares: [] },
    };
    const world: TargetWorld = {
      db,
      supervisor: approver,
      officer: otherOfficer,
      withPassword: { ...target, password: '' },
      account: target,
      councilIds: (await listCouncils(db, { activeOnly: true })).map((c) => c.id),
    };
    const f: Fixture = { staff, otherOfficer, target, references: {} as Record<CaseKey, string>, places, world };
    f.references = await freshCases(f);
    const [check] = await db.select().from(referrals).where(eq(referrals.reference, f.references.own));
    expect(check!.assignedOfficerId).toBe(staff.officer.id);
    return f;
  }

  /** The five kinds of case, for the GET routes without a target (they change nothing: one set for all). */
  async function freshCases(f: Pick<Fixture, 'places' | 'world'>): Promise<Record<CaseKey, string>> {
    const refs = {} as Record<CaseKey, string>;
    for (const key of CASES)
      refs[key] = (await placedReferral(f.world, f.places[key as Exclude<CaseKey, 'advice'>])).reference;
    refs.advice = (await insertAdvice(t.database.db, {})).reference;
    return refs;
  }

  /** A fresh signed-in session (a POST such as sign-out must not spoil the next request) and a CSRF token for it. */
  async function session(staff: TestStaff): Promise<{ cookie: string; csrf: string }> {
    const cookie = await staffCookie(t.app, t.database.db, staff);
    const home = await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie } });
    expect(home.statusCode).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)?.[1];
    expect(csrf).toBeTruthy();
    const csrfCookies = [home.cookies].flat().filter((c) => c.name === 'prevent_csrf');
    return { cookie: [cookie, ...csrfCookies.map((c) => `${c.name}=${c.value}`)].join('; '), csrf: csrf! };
  }

  function urlFor(route: StaffRouteEntry, f: Fixture, key: CaseKey): string {
    return route.url
      .replace(':reference', f.references[key])
      .replace(':id', f.target.id)
      .replace(':token', 'x'.repeat(43));
  }

  /**
   * What the answer means. Allowed is a page (2xx) or a redirect onwards (3xx) and nothing else: any other answer (a 404
   * for a case in the wrong state, a 400 for a form refused, a 500) is reported with its status, so a route the fixture
   * cannot really use fails here instead of passing as allowed.
   */
  function outcomeOf(
    res: LightMyRequestResponse,
    route: StaffRouteEntry,
  ): Outcome | 'signed-out' | `answered ${number}` {
    if (res.statusCode === 403) return 'deny';
    const location = String(res.headers.location ?? '');
    if (res.statusCode === 303 && /\/reason$/.test(location) && !route.asksReason) return 'reason';
    if (res.statusCode === 303 && location.startsWith('/staff/sign-in')) return 'signed-out';
    if (res.statusCode >= 200 && res.statusCode < 400) return 'allow';
    return `answered ${res.statusCode}`;
  }

  /** A request with the form the route's page sends (the target's, with the person's CSRF token), or no form. */
  async function call(
    route: StaffRouteEntry,
    url: string,
    who?: { cookie: string; csrf: string },
    use?: { target: Target; world: TargetWorld },
  ) {
    if (route.method === 'POST' && use && who) {
      const { target, world } = use;
      const n = ++bodies;
      const fields: [string, string][] = [
        ['_csrf', who.csrf],
        ...validForm(await target.form(world))
          .filter(([k]) => k !== target.upload?.field)
          .map(([k, v]): [string, string] => [k, fill(v, n)]),
      ];
      if (target.upload) {
        const { field, fileName, type, data } = target.upload;
        const { payload, headers } = multipart(Object.fromEntries(fields), {
          field,
          filename: fileName,
          type,
          data: data(),
        });
        return t.app.inject({ method: 'POST', url, payload, headers: { ...headers, cookie: who.cookie } });
      }
      return t.app.inject({
        method: 'POST',
        url,
        payload: new URLSearchParams(fields).toString(),
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
    }
    return t.app.inject({
      method: route.method as 'GET' | 'POST',
      url,
      headers: {
        ...(who ? { cookie: who.cookie } : {}),
        ...(route.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(route.method === 'POST' ? { payload: `_csrf=${encodeURIComponent(who?.csrf ?? '')}` } : {}),
    });
  }

  it('names an expectation for every policy in src/policies', () => {
    const named = new Set([...Object.keys(EXPECTED), ...Object.keys(CASE_POLICIES)]);
    expect([...named].sort()).toEqual(Object.keys(POLICIES).sort());
  });

  it('every route under /staff is in the table with a policy', () => {
    const routes = t.app.staffRouteTable;
    expect(routes.length).toBeGreaterThan(3);
    for (const r of routes) expect(Object.keys(POLICIES)).toContain(r.policy);
    const printed = t.app.printRoutes({ commonPrefix: false });
    expect(printed).toContain('staff');
  });

  it('refuses every signed-in route to someone signed out (sent to sign in)', async () => {
    const f = await fixture();
    for (const route of t.app.staffRouteTable.filter((r) => r.session === 'signed_in')) {
      const res = await call(route, urlFor(route, f, 'own'));
      if (route.method === 'POST') {
        // Without a session there is no CSRF secret either: refused one way or the other, never served.
        expect([303, 403], `${route.method} ${route.url}`).toContain(res.statusCode);
        if (res.statusCode === 303) expect(String(res.headers.location)).toMatch(/^\/staff\/sign-in/);
      } else {
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(303);
        expect(String(res.headers.location)).toMatch(/^\/staff\/sign-in/);
      }
    }
  });

  // One test per role (each within the time limit on a busy machine); together they walk the whole table.
  it.each(ACTORS.map((a) => a.actor))(
    'allows, asks a reason or refuses each route for a %s and each kind of case, as written above',
    async (actor) => {
      const f = await fixture();
      const failures: string[] = [];
      let checked = 0;
      const routes = t.app.staffRouteTable.filter((r) => r.session === 'signed_in');
      // GETs change nothing: they share a session until a POST has run. A POST may sign out (everywhere, ending the
      // shared session too) or change its case (take it): a new session for each, and (from its target) a new case.
      let reader: { cookie: string; csrf: string } | undefined;
      for (const route of routes) {
        const keys: CaseKey[] = !route.hasScope ? ['own'] : route.url.startsWith('/staff/advice/') ? ['advice'] : CASES;
        const target = targetFor(route);
        for (const key of keys) {
          const post = route.method !== 'GET';
          const who = post ? await session(f.staff[actor]) : (reader ??= await session(f.staff[actor]));
          if (post) reader = undefined;
          let expected: Outcome;
          if (isCasePolicy(route.policy)) {
            expected = CASE_POLICIES[route.policy][actor][key];
            if (expected === 'reason' && route.asksReason) expected = 'allow';
          } else {
            expected = EXPECTED[route.policy][actor];
          }
          // Where the case sits; for the intake column of a route that needs a taken referral, see INTAKE_STAND_IN.
          let place: Placement = key === 'advice' ? { officer: null, shares: [] } : f.places[key];
          let scope = key as string;
          const standIn = INTAKE_STAND_IN[route.policy];
          if (key === 'intake' && target?.needsTaken && expected === 'allow' && standIn) {
            place = { officer: standIn === 'actor' ? f.staff[actor].id : f.otherOfficer.id, shares: [] };
            scope = `intake, stood in for by a referral taken by ${standIn === 'actor' ? 'the person' : 'another officer'}`;
          }
          const url = target ? await target.url(f.world, place, f.staff[actor].id) : urlFor(route, f, key);
          const res = await call(route, url, who, target && { target, world: f.world });
          const got = outcomeOf(res, route);
          checked++;
          if (got !== expected)
            failures.push(`${actor} ${route.method} ${route.url} [${scope}]: expected ${expected}, got ${got}`);
        }
      }
      expect(failures).toEqual([]);
      expect(checked).toBeGreaterThan(routes.length);
    },
  );

  it('writes no access-log entry when it refuses', async () => {
    const f = await fixture();
    const before = await t.database.db.$count((await import('../../../src/db/schema/index.js')).accessLog);
    const who = await session(f.staff.analyst);
    for (const route of t.app.staffRouteTable.filter((r) => r.hasScope && r.method === 'GET')) {
      const res = await call(route, urlFor(route, f, route.url.startsWith('/staff/advice/') ? 'advice' : 'own'), who);
      expect(res.statusCode).toBe(403);
    }
    const after = await t.database.db.$count((await import('../../../src/db/schema/index.js')).accessLog);
    expect(after).toBe(before);
  });

  it('answers 404 for a case that does not exist, to everyone', async () => {
    const f = await fixture();
    const who = await session(f.staff.officer);
    for (const route of t.app.staffRouteTable.filter((r) => r.hasScope && r.method === 'GET')) {
      const res = await call(route, route.url.replace(':reference', 'ZZZZZZZZ').replace(':id', randomUUID()), who);
      expect(res.statusCode, route.url).toBe(404);
    }
  });
});
