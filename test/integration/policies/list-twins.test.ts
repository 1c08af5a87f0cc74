import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inArray, sql } from 'drizzle-orm';
import { adviceRequests, organisations, referrals, ROLES, type Role } from '../../../src/db/schema/index.js';
import type { Db } from '../../../src/db/client.js';
import {
  decide,
  LIST_TWINS,
  listAccess,
  type CaseScope,
  type ListPolicyName,
  type Principal,
} from '../../../src/policies/index.js';
import { adviceScope, referralScope } from '../../../src/policies/case-scope.js';
import { engines, resetDatabase } from '../../helpers/engines.js';
import { useTestApp } from '../../helpers/app.js';
import { createStaff } from '../../helpers/staff.js';
import { createAdvice, createReferral, shareCase } from '../../helpers/cases.js';

/**
 * The twins cannot drift: for every policy with a list twin and every person (each role alone in each organisation,
 * then any mix of roles, fast-check), the twin's condition run on the database selects exactly the cases that
 * `decide(policy, person, scope)` allows, with the scope loaded as the case pages load it, and marks as needing a
 * reason exactly those the rule answers "reason" for. The cases: referrals in every assignment (nobody, the person,
 * another officer) × council hand-over (none, Cumberland, Cumberland ended, Westmorland and Furness) × panel (none,
 * Probation, Probation ended, the NHS trust, Cumberland), and advice requests in every assignment.
 */

const ORGANISATIONS = [
  'cumbria-police-prevent',
  'cumberland',
  'westmorland-furness',
  'probation-cumbria',
  'nhs-north-cumbria',
];
const POLICIES = Object.keys(LIST_TWINS) as ListPolicyName[];

interface Org {
  id: string;
  code: string;
  name: string;
  kind: Principal['organisationKind'];
}

interface Fixture {
  me: string;
  orgs: Map<string, Org>;
  scopes: CaseScope[];
}

type Seen = string[];

describe.each(engines)('policies and their list twins (%s)', (engine) => {
  const t = useTestApp(engine, { reset: false });
  const db = (): Db => t.database.db;
  let f: Fixture;

  beforeAll(async () => {
    await resetDatabase(t.database);
    const d = db();
    const me = await createStaff(d, { roles: ['prevent_officer'] });
    const other = await createStaff(d, { roles: ['prevent_officer'] });
    const orgRows = await d.select().from(organisations).where(inArray(organisations.code, ORGANISATIONS));
    const orgs = new Map(orgRows.map((o) => [o.code, { id: o.id, code: o.code, name: o.name, kind: o.kind }]));
    const org = (code: string) => orgs.get(code)!.id;
    const scopes: CaseScope[] = [];
    for (const officer of [null, me.id, other.id]) {
      for (const council of [null, 'cumberland', 'cumberland:ended', 'westmorland-furness']) {
        for (const panel of [null, 'probation-cumbria', 'probation-cumbria:ended', 'nhs-north-cumbria', 'cumberland']) {
          const c = await createReferral(d, { assignedOfficerId: officer });
          for (const [share, purpose] of [
            [council, 'council'],
            [panel, 'panel'],
          ] as const) {
            if (!share) continue;
            const [code, ended] = share.split(':');
            await shareCase(d, c.id, org(code!), purpose, { ended: ended === 'ended' });
          }
          scopes.push((await referralScope(d, c.reference))!);
        }
      }
      const a = await createAdvice(d, { assignedOfficerId: officer });
      scopes.push((await adviceScope(d, a.reference))!);
    }
    f = { me: me.id, orgs, scopes };
  });

  function principal(roles: readonly Role[], orgCode: string): Principal {
    const o = f.orgs.get(orgCode)!;
    return {
      userId: f.me,
      email: 'me@example.test',
      displayName: 'Me',
      organisationId: o.id,
      organisationCode: o.code,
      organisationName: o.name,
      organisationKind: o.kind,
      roles: new Set(roles),
      sessionIdHash: 'x'.repeat(64),
    };
  }

  /** What the rule says of each case: `reference:allow` or `reference:reason`, refused cases left out. */
  function byRule(policy: ListPolicyName, p: Principal): Seen {
    const seen: Seen = [];
    for (const scope of f.scopes) {
      const d = decide(policy, p, scope);
      if (d.outcome !== 'deny') seen.push(`${scope.reference}:${d.outcome}`);
    }
    return seen.sort();
  }

  /** What the twin selects from the database, in the same form. */
  async function byTwin(policy: ListPolicyName, p: Principal): Promise<Seen> {
    const access = listAccess(policy, p);
    const seen: Seen = [];
    for (const [table, rows] of [
      [referrals, access.referrals],
      [adviceRequests, access.advice],
    ] as const) {
      if (!rows) continue;
      const found = await db()
        .select({ reference: table.reference, reason: sql<boolean | string>`${rows.reason}` })
        .from(table)
        .where(rows.where);
      for (const r of found) seen.push(`${r.reference}:${r.reason === true || r.reason === 't' ? 'reason' : 'allow'}`);
    }
    return seen.sort();
  }

  async function expectTwins(p: Principal, label: string): Promise<number> {
    let shown = 0;
    for (const policy of POLICIES) {
      const rule = byRule(policy, p);
      expect(await byTwin(policy, p), `${policy} for ${label}`).toEqual(rule);
      shown += rule.length;
    }
    return shown;
  }

  it('has cases of every kind to compare on', () => {
    expect(f.scopes).toHaveLength(3 * 4 * 5 + 3);
    // The fixture reaches every outcome: some cases allowed, some after a reason, some refused.
    const officer = principal(['prevent_officer'], 'cumbria-police-prevent');
    const outcomes = new Set(f.scopes.map((s) => decide('case.view', officer, s).outcome));
    expect([...outcomes].sort()).toEqual(['allow', 'reason']);
    const coordinator = principal(['channel_coordinator'], 'cumberland');
    expect(new Set(f.scopes.map((s) => decide('case.view', coordinator, s).outcome))).toEqual(
      new Set(['allow', 'deny']),
    );
  });

  it('selects what each rule allows, for every role alone and nobody, in every organisation (two councils)', async () => {
    let shown = 0;
    for (const role of [...ROLES, undefined]) {
      for (const code of ORGANISATIONS) {
        shown += await expectTwins(principal(role ? [role] : [], code), `${role ?? 'no role'} of ${code}`);
      }
    }
    expect(shown).toBeGreaterThan(0);
  });

  it('selects what each rule allows for any mix of roles in any organisation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([...ROLES], { minLength: 2 }),
        fc.constantFrom(...ORGANISATIONS),
        async (roles, code) => {
          await expectTwins(principal(roles, code), `${roles.join('+')} of ${code}`);
        },
      ),
      { numRuns: 40 },
    );
  });
});
