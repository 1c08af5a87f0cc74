import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../../src/db/client.js';
import { queryRows } from '../../../src/db/sql.js';
import type { Role } from '../../../src/db/schema/index.js';
import { suggestCouncil } from '../../../src/features/postcodes/service.js';
import { useTestApp } from '../../helpers/app.js';
import { FormClient } from '../../helpers/client.js';
import { engines, resetDatabase } from '../../helpers/engines.js';
import { createStaff, organisationId, signedInClient } from '../../helpers/staff.js';

/** A FormClient signed in as this person (session made directly; the sign-in journey has its own tests). */
async function signedIn(app: FastifyInstance, database: Database, staff: { id: string }): Promise<FormClient> {
  const client = await signedInClient(app, database.db, staff);
  expect((await client.get('/staff/account')).status).toBe(200);
  return client;
}

async function row(database: Database, prefix: string) {
  const [r] = await queryRows<{ kind: string; code: string | null; note: string | null; updated_by: string | null }>(
    database.db,
    sql`select p.kind, o.code, p.note, p.updated_by from postcode_councils p
        left join organisations o on o.id = p.organisation_id where p.prefix = ${prefix}`,
  );
  return r;
}

async function alterations(database: Database) {
  return queryRows<{
    action: string;
    record_type: string;
    record_id: string | null;
    actor_id: string;
    detail: unknown;
  }>(database.db, sql`select action, record_type, record_id, actor_id, detail from access_log order by id`);
}

const count = async (database: Database) =>
  Number((await queryRows<{ n: string }>(database.db, sql`select count(*) as n from postcode_councils`))[0]!.n);

const PAGES_GET = [
  '/staff/admin/postcodes',
  '/staff/admin/postcodes?prefix=CA',
  '/staff/admin/postcodes/new',
  '/staff/admin/postcodes/CA1',
  '/staff/admin/postcodes/CA1/delete',
];
const PAGES_POST = [
  '/staff/admin/postcodes/lookup',
  '/staff/admin/postcodes/new',
  '/staff/admin/postcodes/CA1',
  '/staff/admin/postcodes/CA1/delete',
];

describe.each(engines)('the postcode-to-council table (%s)', (engine) => {
  const t = useTestApp(engine);

  describe('suggestCouncil on the seeded table', () => {
    it.each([
      ['CA1 1RE', 'cumberland', 'CA1'], // Carlisle
      ['ca3 8qg', 'cumberland', 'CA3'], // Carlisle, written any old how
      ['CA28 7SJ', 'cumberland', 'CA28'], // Whitehaven
      ['LA18 4AA', 'cumberland', 'LA18'], // Millom: an LA postcode in Cumberland
      ['LA9 4DL', 'westmorland-furness', 'LA9'], // Kendal
      ['LA14 2LD', 'westmorland-furness', 'LA14'], // Barrow-in-Furness
      ['CA11 7QF', 'westmorland-furness', 'CA11'], // Penrith
      ['CA7 4AA', 'cumberland', 'CA7 4'], // Silloth: the sector's row, before the split district's
    ])('%s → %s (from %s)', async (postcode, council, prefix) => {
      const s = await suggestCouncil(t.database.db, postcode);
      expect(s.kind).toBe('council');
      if (s.kind !== 'council') return;
      expect(s.organisation.code).toBe(council);
      expect(s.organisation.id).toBe(await organisationId(t.database.db, council));
      expect(s.prefix).toBe(prefix);
    });

    it.each([
      ['CA4 8AA', 'CA4'],
      ['CA4 9AA', 'CA4'],
      ['CA7 8AA', 'CA7'],
      ['CA12 5AA', 'CA12'],
      ['LA20 6AA', 'LA20'],
      ['CA8 7AA', 'CA8'],
    ])('%s: the officer chooses (split district %s)', async (postcode, prefix) => {
      const s = await suggestCouncil(t.database.db, postcode);
      expect(s.kind).toBe('choose');
      if (s.kind !== 'choose') return;
      expect(s.prefix).toBe(prefix);
      expect(s.options.map((o) => o.code)).toEqual(['cumberland', 'westmorland-furness']);
      expect(s.note).toMatch(/Cumberland|Westmorland and Furness/);
    });

    it('says a district across the county boundary is outside, and an unknown one is not in the table', async () => {
      const outside = await suggestCouncil(t.database.db, 'LA2 8AA');
      expect(outside).toMatchObject({ kind: 'outside', prefix: 'LA2' });
      expect(await suggestCouncil(t.database.db, 'SW1A 2AA')).toEqual({ kind: 'unknown', postcode: 'SW1A 2AA' });
      expect(await suggestCouncil(t.database.db, 'not a postcode')).toEqual({ kind: 'unknown', postcode: null });
      expect(await suggestCouncil(t.database.db, '')).toEqual({ kind: 'unknown', postcode: null });
      expect(await suggestCouncil(t.database.db, null)).toEqual({ kind: 'unknown', postcode: null });
    });

    it('seeds every Cumbrian district it is sure of, and asks for the split ones', async () => {
      const rows = await queryRows<{ prefix: string; kind: string; code: string | null; note: string | null }>(
        t.database.db,
        sql`select p.prefix, p.kind, o.code, p.note from postcode_councils p
            left join organisations o on o.id = p.organisation_id`,
      );
      const by = new Map(rows.map((r) => [r.prefix, r]));
      for (const p of ['CA4', 'CA7', 'CA12', 'CA6', 'CA8', 'CA9', 'LA5', 'LA6', 'LA10', 'LA20'])
        expect(by.get(p)?.kind, p).toBe('choose');
      for (const r of rows.filter((x) => x.kind !== 'council')) expect(r.note, r.prefix).toBeTruthy();
      expect(by.get('LA18')?.code).toBe('cumberland');
      expect(rows.length).toBeGreaterThan(40);
    });

    it('prefers a sector added by staff to its district, and uses an inactive council only as a choice', async () => {
      const db = t.database.db;
      const westmorland = await organisationId(db, 'westmorland-furness');
      await db.execute(
        sql`insert into postcode_councils (prefix, kind, organisation_id, note) values ('CA4 0', 'council', ${westmorland}, 'Hesket')`,
      );
      expect(await suggestCouncil(db, 'CA4 0AA')).toMatchObject({
        kind: 'council',
        prefix: 'CA4 0',
        organisation: { code: 'westmorland-furness' },
      });
      expect(await suggestCouncil(db, 'CA4 8AA')).toMatchObject({ kind: 'choose', prefix: 'CA4' });
      await db.execute(sql`update organisations set active = false where code = 'westmorland-furness'`);
      try {
        const s = await suggestCouncil(db, 'CA4 0AA');
        expect(s.kind).toBe('choose');
        expect(s.kind === 'choose' && s.options.map((o) => o.code)).toEqual(['cumberland']);
      } finally {
        await db.execute(sql`update organisations set active = true where code = 'westmorland-furness'`);
      }
    });

    it('gets the seed back on reset after a test changed the table', async () => {
      await t.database.db.execute(sql`delete from postcode_councils where prefix = 'CA1'`);
      await resetDatabase(t.database);
      expect((await row(t.database, 'CA1'))?.code).toBe('cumberland');
    });
  });

  describe('the pages', () => {
    it('refuses every page to every role but the administrator and the Prevent supervisor', async () => {
      const refused: [Role[], string?][] = [
        [['prevent_officer']],
        [['engagement_officer']],
        [['analyst']],
        [['dpo']],
        [['channel_coordinator'], 'cumberland'],
        [['panel_member'], 'probation-cumbria'],
        [[]],
        // A supervisor's role counts only in the Prevent team.
        [['prevent_supervisor'], 'cumberland'],
      ];
      const before = await count(t.database);
      for (const [roles, organisation] of refused) {
        const staff = await createStaff(t.database.db, { roles, organisation });
        const client = await signedIn(t.app, t.database, staff);
        for (const url of PAGES_GET) {
          const res = await client.get(url);
          expect(res.status, `${roles.join(',')} GET ${url}`).toBe(403);
        }
        await client.get('/staff/account');
        for (const url of PAGES_POST) {
          const res = await client.post(url, { prefix: 'ZZ9', suggestion: 'choose', note: 'x', confirm: 'yes' });
          expect(res.status, `${roles.join(',')} POST ${url}`).toBe(403);
        }
        expect((await client.get('/staff')).body).not.toContain('/staff/admin/postcodes');
      }
      expect(await count(t.database)).toBe(before);
      expect((await row(t.database, 'CA1'))?.code).toBe('cumberland');
      expect(await alterations(t.database)).toEqual([]);
    });

    it.each([
      ['administrator', 'administrator'],
      ['Prevent supervisor', 'prevent_supervisor'],
    ] as const)('lists the table for the %s, with a link from home and the navigation', async (_who, role) => {
      const staff = await createStaff(t.database.db, { roles: [role] });
      const client = await signedIn(t.app, t.database, staff);
      const home = await client.get('/staff');
      expect(home.body).toContain('href="/staff/admin/postcodes"');
      expect(home.body).toContain('Manage the postcode-to-council table');
      const list = await client.get('/staff/admin/postcodes');
      expect(list.status).toBe(200);
      expect(list.body).toContain('<h1 class="govuk-heading-l">Postcodes and councils</h1>');
      expect(list.body).toContain('href="/staff/admin/postcodes/CA7-4"');
      expect(list.body).toContain('Millom (former Copeland)');
      expect(list.body).toContain('(first seed)');
      // Postcode order: CA2 before CA10, LA18 after LA9.
      const order = [...list.body.matchAll(/href="\/staff\/admin\/postcodes\/([A-Z0-9-]+)"/g)].map((x) => x[1]);
      expect(order.indexOf('CA2')).toBeLessThan(order.indexOf('CA10'));
      expect(order.indexOf('LA9')).toBeLessThan(order.indexOf('LA18'));
      // Viewing reference data is not a consultation of personal data: nothing logged.
      expect(await alterations(t.database)).toEqual([]);
    });

    it('filters by prefix, and says so when the filter is not a postcode start', async () => {
      const admin = await createStaff(t.database.db, { roles: ['administrator'] });
      const client = await signedIn(t.app, t.database, admin);
      const la = await client.get('/staff/admin/postcodes?prefix=la1');
      expect(la.status).toBe(200);
      const shown = [...la.body.matchAll(/href="\/staff\/admin\/postcodes\/([A-Z0-9-]+)"/g)].map((x) => x[1]);
      expect(shown).toEqual(['LA10', 'LA11', 'LA12', 'LA13', 'LA14', 'LA15', 'LA16', 'LA17', 'LA18', 'LA19']);
      expect(la.body).toContain('10 rows starting with LA1.');
      expect(la.body).toContain('value="LA1"');
      const bad = await client.get('/staff/admin/postcodes?prefix=%3Cscript%3E');
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('There is a problem');
      expect(bad.body).toContain('href="#prefix"');
      expect(bad.body).toContain('Enter the start of a postcode district, like CA or CA4');
      expect(bad.body).not.toContain('<script>');
    });

    it('looks up a postcode without putting it in the address, and explains each kind of answer', async () => {
      const supervisor = await createStaff(t.database.db, { roles: ['prevent_supervisor'] });
      const client = await signedIn(t.app, t.database, supervisor);
      await client.get('/staff/admin/postcodes');
      const kendal = await client.post('/staff/admin/postcodes/lookup', { postcode: 'la94dl' });
      expect(kendal.status).toBe(200);
      expect(kendal.body).toContain('LA9 4DL: Westmorland and Furness Council');
      const split = await client.post('/staff/admin/postcodes/lookup', { postcode: 'CA4 9AA' });
      expect(split.body).toContain('CA4 9AA: The officer chooses the council');
      expect(split.body).toContain('Councils to choose from: Cumberland Council, Westmorland and Furness Council.');
      const unknown = await client.post('/staff/admin/postcodes/lookup', { postcode: 'SW1A 2AA' });
      expect(unknown.body).toContain('SW1A 2AA: Not in the table');
      const empty = await client.post('/staff/admin/postcodes/lookup', { postcode: '' });
      expect(empty.status).toBe(400);
      expect(empty.body).toContain('Enter a postcode, like CA1 1AA');
      const bad = await client.post('/staff/admin/postcodes/lookup', { postcode: 'Kendal' });
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('href="#postcode"');
      expect(bad.body).toContain('Enter a full postcode, like CA1 1AA, or a district like CA4');
      expect(await alterations(t.database)).toEqual([]);
    });

    it('adds a sector, refuses a bad or taken prefix, and logs the change', async () => {
      const admin = await createStaff(t.database.db, { roles: ['administrator'] });
      const client = await signedIn(t.app, t.database, admin);
      const cumberland = await organisationId(t.database.db, 'cumberland');
      const form = await client.get('/staff/admin/postcodes/new');
      expect(form.status).toBe(200);
      expect(form.body).toContain(`value="${cumberland}"`);

      const empty = await client.post('/staff/admin/postcodes/new', { prefix: '', suggestion: '', note: '' });
      expect(empty.status).toBe(400);
      for (const [href, text] of [
        ['#prefix', 'Enter a postcode district or sector, like CA4 or CA4 9'],
        ['#suggestion', 'Select what the table should suggest for this postcode'],
      ])
        expect(empty.body).toContain(`<a href="${href}">${text}</a>`);

      const bad = await client.post('/staff/admin/postcodes/new', { prefix: 'CA4 99', suggestion: 'choose', note: '' });
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('Enter a postcode district like CA4, or a sector like CA4 9');
      expect(bad.body).toContain('Enter a note saying which councils or areas the postcode covers');
      expect(bad.body).toContain('value="CA4 99"');

      const long = await client.post('/staff/admin/postcodes/new', {
        prefix: 'CA4 8',
        suggestion: 'choose',
        note: 'x'.repeat(501),
      });
      expect(long.status).toBe(400);
      expect(long.body).toContain('The note must be 500 characters or fewer');

      const other = await client.post('/staff/admin/postcodes/new', {
        prefix: 'CA4 8',
        suggestion: '00000000-0000-4000-8000-000000000000',
        note: '',
      });
      expect(other.status).toBe(400);
      expect(other.body).toContain('Select what the table should suggest for this postcode');

      const taken = await client.post('/staff/admin/postcodes/new', { prefix: 'ca4', suggestion: 'choose', note: 'x' });
      expect(taken.status).toBe(400);
      expect(taken.body).toContain('CA4 is already in the table: change it from the list instead');
      expect(await alterations(t.database)).toEqual([]);

      const added = await client.post('/staff/admin/postcodes/new', {
        prefix: ' ca4  8 ',
        suggestion: cumberland,
        note: 'Wetheral and Scotby',
      });
      expect(added.status).toBe(303);
      expect(added.location).toBe('/staff/admin/postcodes?done=added&changed=CA4-8');
      const list = await client.get(added.location!);
      expect(list.body).toContain('CA4 8 added to the table.');
      expect(list.body).toContain(`by ${admin.displayName}`);
      expect(await row(t.database, 'CA4 8')).toEqual({
        kind: 'council',
        code: 'cumberland',
        note: 'Wetheral and Scotby',
        updated_by: admin.id,
      });
      expect(await suggestCouncil(t.database.db, 'CA4 8AA')).toMatchObject({ kind: 'council', prefix: 'CA4 8' });
      expect(await alterations(t.database)).toEqual([
        {
          action: 'alteration',
          record_type: 'postcode_council',
          record_id: null,
          actor_id: admin.id,
          detail: { prefix: 'CA4 8', change: 'added', kind: 'council', council: 'cumberland' },
        },
      ]);
    });

    it('changes a row, with errors shown on the page, and logs the change', async () => {
      const supervisor = await createStaff(t.database.db, { roles: ['prevent_supervisor'] });
      const client = await signedIn(t.app, t.database, supervisor);
      const page = await client.get('/staff/admin/postcodes/ca12');
      expect(page.status).toBe(200);
      expect(page.body).toContain('Change CA12');
      expect(page.body).toMatch(/value="choose" checked/);

      const missing = await client.post('/staff/admin/postcodes/CA12', { suggestion: 'outside', note: '  ' });
      expect(missing.status).toBe(400);
      expect(missing.body).toContain(
        '<a href="#note">Enter a note saying which councils or areas the postcode covers</a>',
      );
      expect(missing.body).toMatch(/value="outside" checked/);
      expect((await row(t.database, 'CA12'))?.kind).toBe('choose');

      const westmorland = await organisationId(t.database.db, 'westmorland-furness');
      const saved = await client.post('/staff/admin/postcodes/CA12', { suggestion: westmorland, note: '' });
      expect(saved.status).toBe(303);
      expect(saved.location).toBe('/staff/admin/postcodes?done=changed&changed=CA12');
      expect((await client.get(saved.location!)).body).toContain('CA12 changed.');
      expect(await row(t.database, 'CA12')).toEqual({
        kind: 'council',
        code: 'westmorland-furness',
        note: null,
        updated_by: supervisor.id,
      });
      expect(await alterations(t.database)).toEqual([
        {
          action: 'alteration',
          record_type: 'postcode_council',
          record_id: null,
          actor_id: supervisor.id,
          detail: {
            prefix: 'CA12',
            change: 'changed',
            before: { kind: 'choose', council: null },
            kind: 'council',
            council: 'westmorland-furness',
          },
        },
      ]);
      expect((await client.get('/staff/admin/postcodes/ZZ9')).status).toBe(404);
      expect((await client.get('/staff/admin/postcodes/not-a-prefix')).status).toBe(404);
    });

    it('removes a row only after confirmation, and logs it', async () => {
      const admin = await createStaff(t.database.db, { roles: ['administrator'] });
      const client = await signedIn(t.app, t.database, admin);
      const confirm = await client.get('/staff/admin/postcodes/CA7-4/delete');
      expect(confirm.status).toBe(200);
      expect(confirm.body).toContain('Remove CA7 4 from the table');
      expect(confirm.body).toContain('Postcodes in CA7 4 will then be looked up by their district.');

      const none = await client.post('/staff/admin/postcodes/CA7-4/delete', {});
      expect(none.status).toBe(400);
      expect(none.body).toContain('<a href="#confirm">Select yes if you want to remove CA7 4</a>');
      const no = await client.post('/staff/admin/postcodes/CA7-4/delete', { confirm: 'no' });
      expect(no.status).toBe(303);
      expect(no.location).toBe('/staff/admin/postcodes/CA7-4');
      expect((await row(t.database, 'CA7 4'))?.code).toBe('cumberland');
      expect(await alterations(t.database)).toEqual([]);

      await client.get('/staff/admin/postcodes/CA7-4/delete');
      const yes = await client.post('/staff/admin/postcodes/CA7-4/delete', { confirm: 'yes' });
      expect(yes.status).toBe(303);
      expect(yes.location).toBe('/staff/admin/postcodes?done=removed&changed=CA7-4');
      expect((await client.get(yes.location!)).body).toContain('CA7 4 removed from the table.');
      expect(await row(t.database, 'CA7 4')).toBeUndefined();
      expect(await suggestCouncil(t.database.db, 'CA7 4AA')).toMatchObject({ kind: 'choose', prefix: 'CA7' });
      expect(await alterations(t.database)).toEqual([
        {
          action: 'alteration',
          record_type: 'postcode_council',
          record_id: null,
          actor_id: admin.id,
          detail: { prefix: 'CA7 4', change: 'removed', before: { kind: 'council', council: 'cumberland' } },
        },
      ]);
      await client.get('/staff/admin/postcodes');
      expect((await client.post('/staff/admin/postcodes/CA7-4/delete', { confirm: 'yes' })).status).toBe(404);
    });
  });
});
