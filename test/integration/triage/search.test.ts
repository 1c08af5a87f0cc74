import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../../src/db/schema/index.js';
import { accessLog } from '../../../src/db/schema/index.js';
import { buildApp } from '../../../src/app.js';
import { createLogger } from '../../../src/lib/logger.js';
import { engines } from '../../helpers/engines.js';
import { testConfig, useTestApp } from '../../helpers/app.js';
import { createStaff, organisationId, staffCookie } from '../../helpers/staff.js';
import {
  ago,
  assignReferral,
  createAdvice,
  createPersonReferral,
  createReferral,
  shareCase,
} from '../../helpers/cases.js';

/** Staff search through HTTP on both engines: what each kind of search finds and how it ranks, who sees what, the log. */
describe.each(engines)('staff search (%s)', (engine) => {
  const t = useTestApp(engine);
  const db = () => t.database.db;

  async function signedIn(opts: { roles: Role[]; organisation?: string }) {
    const staff = await createStaff(db(), opts);
    return { staff, cookie: await staffCookie(t.app, db(), staff) };
  }

  /** Fetches the form (its CSRF cookie and token) and posts a search from it. */
  async function search(cookie: string, fields: Record<string, string>, app: FastifyInstance = t.app) {
    const form = await app.inject({ method: 'GET', url: '/staff/search', headers: { cookie } });
    expect(form.statusCode).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const csrf = form.cookies.filter((c) => c.name === 'prevent_csrf').map((c) => `${c.name}=${c.value}`);
    return app.inject({
      method: 'POST',
      url: '/staff/search',
      headers: { cookie: [cookie, ...csrf].join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
    });
  }

  /** The references in the results table, in order. */
  const shown = (body: string) =>
    [...body.matchAll(/<tr class="govuk-table__row" id="result-([2-9A-HJKMNP-Z]{8})"/g)].map((m) => m[1]);
  const row = (body: string, reference: string) => {
    const start = body.indexOf(`id="result-${reference}"`);
    expect(start, `${reference} is shown`).toBeGreaterThan(-1);
    return body.slice(start, body.indexOf('</tr>', start));
  };

  /** Several people with similar names, dates and places. */
  async function people() {
    const khan = await createPersonReferral(db(), {
      personFullName: 'Mohammed Khan',
      personDob: '2006-04-12',
      personPostcode: 'CA2 5AB',
      receivedAt: ago(30),
    });
    const muhammad = await createPersonReferral(db(), {
      personFullName: 'Muhammad Khan',
      personDob: '2007-01-03',
      personPostcode: 'LA9 4QR',
      receivedAt: ago(20),
    });
    const swapped = await createPersonReferral(db(), {
      personFullName: 'Mohamed Kahn',
      personDob: '2006-12-04',
      personPostcode: 'CA2 7XY',
      receivedAt: ago(10),
    });
    const petrov = await createPersonReferral(db(), {
      personFullName: 'Aleksandr Petrov',
      personOtherNames: 'Sasha Volkov',
      personDob: '2009-01-30',
      personPostcode: 'CA11 0AB',
      receivedAt: ago(40),
    });
    const robinson = await createPersonReferral(db(), {
      personFullName: 'Daniel Robinson',
      personDob: '2008-05-05',
      personPostcode: 'CA1 2CD',
      receivedAt: ago(50),
    });
    const alias = await createPersonReferral(db(), {
      personFullName: 'Ali Hassan',
      personOtherNames: 'Mohammed Khan',
      personDob: '2005-02-02',
      receivedAt: ago(60),
    });
    await db().execute(
      // Distinct concerns: the default text would match every referral.
      sql.raw(`update referrals set concern_text = case reference
        when '${khan.reference}' then 'Has been sharing extremist videos with classmates.'
        when '${petrov.reference}' then 'Drew swastikas in exercise books and threatened a teacher.'
        else 'Spends long hours on forums talking about a coming war.' end`),
    );
    return { khan, muhammad, swapped, petrov, robinson, alias };
  }

  it('finds by name: the same name first, sound-alikes and spellings next, other names with their reason', async () => {
    const p = await people();
    const { cookie } = await signedIn({ roles: ['prevent_officer'] });
    const res = await search(cookie, { name: 'Mohammed Khan' });
    expect(res.statusCode).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    const order = shown(res.body);
    expect(order[0]).toBe(p.khan.reference);
    expect(order).toEqual(expect.arrayContaining([p.muhammad.reference, p.swapped.reference, p.alias.reference]));
    expect(order).not.toContain(p.petrov.reference);
    expect(order).not.toContain(p.robinson.reference);
    expect(row(res.body, p.khan.reference)).toContain('<li>Same name</li>');
    expect(row(res.body, p.muhammad.reference)).toContain('<li>Similar name</li>');
    expect(row(res.body, p.alias.reference)).toContain('<li>Other name</li>');
    expect(row(res.body, p.alias.reference)).toContain('Ali Hassan (other names: Mohammed Khan)');
    expect(row(res.body, p.khan.reference)).toContain('12 April 2006');
    expect(row(res.body, p.khan.reference)).toContain('>CA2<');
    expect(row(res.body, p.khan.reference)).not.toContain('5AB');
    expect(row(res.body, p.khan.reference)).toContain('Referral: new');

    // A transliteration: Alexander is Aleksandr.
    const translit = await search(cookie, { name: 'alexander petrov' });
    expect(shown(translit.body)).toEqual([p.petrov.reference]);
    expect(row(translit.body, p.petrov.reference)).toContain('<li>Similar name</li>');
    // An other name alone.
    const other = await search(cookie, { name: 'Sasha Volkov' });
    expect(shown(other.body)).toEqual([p.petrov.reference]);
    expect(row(other.body, p.petrov.reference)).toContain('<li>Other name</li>');
  });

  it('finds by name and date of birth, with a typo the sounds miss, and by date of birth or close', async () => {
    const p = await people();
    const { cookie } = await signedIn({ roles: ['prevent_supervisor'] });
    // "Rovinson" does not sound like Robinson to Double Metaphone; the spelling is close and the date the same.
    const typo = await search(cookie, {
      name: 'Daniel Rovinson',
      'dob-day': '5',
      'dob-month': '5',
      'dob-year': '2008',
    });
    expect(shown(typo.body)).toEqual([p.robinson.reference]);
    expect(row(typo.body, p.robinson.reference)).toMatch(/Similar name[\s\S]*Same date of birth/);

    const both = await search(cookie, { name: 'Muhamad Khan', 'dob-day': '12', 'dob-month': '04', 'dob-year': '2006' });
    expect(shown(both.body)).toEqual([p.khan.reference]);

    const exact = await search(cookie, { 'dob-day': '12', 'dob-month': '4', 'dob-year': '2006' });
    expect(shown(exact.body)).toEqual([p.khan.reference]);
    expect(row(exact.body, p.khan.reference)).toContain('<li>Same date of birth</li>');

    const close = await search(cookie, { 'dob-day': '12', 'dob-month': '4', 'dob-year': '2006', dobClose: 'yes' });
    expect(shown(close.body)).toEqual([p.khan.reference, p.swapped.reference]);
    expect(row(close.body, p.swapped.reference)).toContain('<li>Similar date of birth</li>');
    expect(close.body).toMatch(/name="dobClose"[^>]*value="yes" checked/);
  });

  it('finds by postcode (full, sector, district), by words in the concern or question, and by reference', async () => {
    const p = await people();
    const advice = await createAdvice(db(), { question: 'My son draws swastikas on his homework, what should I do?' });
    const { cookie } = await signedIn({ roles: ['prevent_officer'] });

    const full = await search(cookie, { postcode: 'ca25ab' });
    expect(shown(full.body)).toEqual([p.khan.reference]);
    expect(row(full.body, p.khan.reference)).toContain('<li>Postcode</li>');
    const sector = await search(cookie, { postcode: 'CA2 7' });
    expect(shown(sector.body)).toEqual([p.swapped.reference]);
    const district = await search(cookie, { postcode: 'CA1' });
    // CA1, not CA11 or CA2.
    expect(shown(district.body)).toEqual([p.robinson.reference]);
    const districtName = await search(cookie, { postcode: 'ca2', name: 'Mohammed Khan' });
    expect(shown(districtName.body)).toEqual([p.khan.reference, p.swapped.reference]);

    const words = await search(cookie, { text: 'swastika' });
    expect(shown(words.body).sort()).toEqual([p.petrov.reference, advice.reference].sort());
    expect(row(words.body, p.petrov.reference)).toContain('<li>Words in the concern</li>');
    expect(row(words.body, advice.reference)).toContain('<li>Words in the question</li>');
    expect(row(words.body, advice.reference)).toContain('Advice request: new');
    expect(row(words.body, advice.reference)).toContain(`href="/staff/advice/${advice.reference}"`);
    const phrase = await search(cookie, { text: '"sharing extremist videos"' });
    expect(shown(phrase.body)).toEqual([p.khan.reference]);
    // Advice requests have no person's details: a name never finds one.
    const nameAndWords = await search(cookie, { text: 'swastikas', name: 'Aleksandr Petrov' });
    expect(shown(nameAndWords.body)).toEqual([p.petrov.reference]);

    const byReference = await search(cookie, { reference: p.robinson.reference.toLowerCase() });
    expect(shown(byReference.body)).toEqual([p.robinson.reference]);
    expect(row(byReference.body, p.robinson.reference)).toContain('<li>Reference</li>');
    expect(row(byReference.body, p.robinson.reference)).toContain(`href="/staff/referrals/${p.robinson.reference}"`);
    const adviceReference = await search(cookie, { reference: advice.reference });
    expect(shown(adviceReference.body)).toEqual([advice.reference]);

    const none = await search(cookie, { name: 'Zebedee Quarrington' });
    expect(none.statusCode).toBe(200);
    expect(shown(none.body)).toEqual([]);
    expect(none.body).toContain('No referrals or advice requests match your search.');
  });

  it('shows only what the searcher may open: intake and own cases, others with a reason note, shared ones for councils', async () => {
    const officer = await signedIn({ roles: ['prevent_officer'] });
    const other = await createStaff(db(), { roles: ['prevent_officer'] });
    const intake = await createPersonReferral(db(), { personFullName: 'Jordan Whitfield', receivedAt: ago(3) });
    const own = await createPersonReferral(db(), { personFullName: 'Jordan Whitfield', receivedAt: ago(2) });
    const theirs = await createPersonReferral(db(), { personFullName: 'Jordan Whitfield', receivedAt: ago(1) });
    await assignReferral(db(), own.id, officer.staff.id);
    await assignReferral(db(), theirs.id, other.id);
    const cumberland = await organisationId(db(), 'cumberland');
    const westmorland = await organisationId(db(), 'westmorland-furness');
    await shareCase(db(), own.id, cumberland, 'council');
    await shareCase(db(), theirs.id, westmorland, 'council');
    const ended = await createReferral(db(), { personFullName: 'Jordan Whitfield' });
    await shareCase(db(), ended.id, cumberland, 'council', { ended: true });
    const advice = await createAdvice(db(), { question: 'Jordan Whitfield is worrying me' });

    const res = await search(officer.cookie, { name: 'Jordan Whitfield' });
    expect(shown(res.body).sort()).toEqual([intake.reference, own.reference, theirs.reference, ended.reference].sort());
    const note = 'You will be asked for a reason to open this';
    expect(row(res.body, theirs.reference)).toContain(note);
    expect(row(res.body, theirs.reference)).toContain(`href="/staff/referrals/${theirs.reference}"`);
    expect(row(res.body, own.reference)).not.toContain(note);
    expect(row(res.body, intake.reference)).not.toContain(note);

    const coordinator = await signedIn({ roles: ['channel_coordinator'], organisation: 'cumberland' });
    const council = await search(coordinator.cookie, { name: 'Jordan Whitfield' });
    expect(council.statusCode).toBe(200);
    expect(shown(council.body)).toEqual([own.reference]);
    const councilWords = await search(coordinator.cookie, { text: 'worrying' });
    expect(shown(councilWords.body)).toEqual([]);
    expect(advice.reference).toBeTruthy();

    for (const roles of [['analyst'], ['engagement_officer'], ['dpo']] as Role[][]) {
      const refused = await signedIn({ roles });
      const page = await t.app.inject({ method: 'GET', url: '/staff/search', headers: { cookie: refused.cookie } });
      expect(page.statusCode, roles.join()).toBe(403);
      expect(page.body).not.toContain('name="name"');
    }
  });

  it('logs every search once with its terms, the result count and the references shown', async () => {
    const p = await people();
    const { staff, cookie } = await signedIn({ roles: ['prevent_officer'] });
    const before = await db().select().from(accessLog);
    const res = await search(cookie, {
      name: 'Mohammed Khan',
      'dob-day': '12',
      'dob-month': '4',
      'dob-year': '2006',
      dobClose: 'yes',
      postcode: 'ca2',
    });
    expect(res.statusCode).toBe(200);
    const entries = (await db().select().from(accessLog).orderBy(asc(accessLog.id))).slice(before.length);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'consultation',
      recordType: 'search',
      recordId: null,
      reference: null,
      actorType: 'staff',
      actorId: staff.id,
      organisation: 'cumbria-police-prevent',
      channel: 'staff-web',
    });
    expect(entries[0]!.detail).toMatchObject({
      route: '/staff/search',
      terms: { name: 'Mohammed Khan', dateOfBirth: '2006-04-12', dateOfBirthOrClose: true, postcode: 'CA2' },
      resultCount: 2,
      shownReferences: [p.khan.reference, p.swapped.reference],
    });
    // The form alone, and a form with errors, search nothing and log nothing.
    await search(cookie, {});
    expect(await db().select().from(accessLog)).toHaveLength(before.length + 1);
  });

  it('asks for at least one thing, and explains each field that cannot be searched', async () => {
    const { cookie } = await signedIn({ roles: ['prevent_officer'] });
    const empty = await search(cookie, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('<title>Error: ');
    expect(empty.body).toContain('govuk-error-summary');
    expect(empty.body).toContain('href="#reference">Enter at least one thing to search for');
    expect(empty.body).not.toContain('id="results"');

    const bad = await search(cookie, {
      reference: 'ABC',
      name: '!!!',
      'dob-day': '31',
      'dob-month': '2',
      'dob-year': '2007',
      postcode: 'C',
      text: 'the and',
    });
    expect(bad.statusCode).toBe(400);
    const summary = bad.body.slice(
      bad.body.indexOf('govuk-error-summary'),
      bad.body.indexOf('</ul>', bad.body.indexOf('govuk-error-summary')),
    );
    expect([...summary.matchAll(/href="#([a-z-]+)"/gi)].map((m) => m[1])).toEqual([
      'reference',
      'name',
      'dob-day',
      'postcode',
    ]);
    expect(bad.body).toContain('Date of birth must be a real date');
    expect(bad.body).toContain('value="ABC"');

    const stopWords = await search(cookie, { text: 'the and' });
    expect(stopWords.statusCode).toBe(400);
    expect(stopWords.body).toContain('href="#text"');
  });

  it('keeps search terms out of every URL and Location header: the results come straight from the POST', async () => {
    const p = await people();
    const { cookie } = await signedIn({ roles: ['prevent_officer'] });
    const form = await t.app.inject({ method: 'GET', url: '/staff/search', headers: { cookie } });
    expect(form.body).toMatch(/<form method="post" action="\/staff\/search"/);
    const res = await search(cookie, { name: 'Mohammed Khan', postcode: 'CA2 5AB', text: 'extremist videos' });
    expect(res.statusCode).toBe(200);
    expect(res.headers.location).toBeUndefined();
    const urls = [...res.body.matchAll(/(?:href|action|src)="([^"]*)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) expect(url).not.toMatch(/mohammed|khan|ca2|5ab|extremist|videos/i);
    expect(urls).toContain(`/staff/referrals/${p.khan.reference}`);
    // Signed out: the sign-in redirect keeps no terms either.
    const signedOut = await t.app.inject({
      method: 'POST',
      url: '/staff/search',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=Mohammed+Khan',
    });
    expect(signedOut.statusCode).toBeGreaterThanOrEqual(300);
    expect(String(signedOut.headers.location ?? '')).not.toMatch(/mohammed|khan/i);
  });
});

/** The application log, captured: a search for a distinctive name must leave no trace of it there. */
describe.each(engines.slice(0, 1))('staff search logs on %s', (engine) => {
  const t = useTestApp(engine);
  let app: FastifyInstance;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    app = await buildApp({ config: testConfig(), database: t.database, logger: createLogger('trace', sink) });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('never contain the search terms', async () => {
    const db = t.database.db;
    await createPersonReferral(db, { personFullName: 'Quillon Zarathustra-Vexley', personPostcode: 'CA9 3QZ' });
    const staff = await createStaff(db, { roles: ['prevent_officer'] });
    const cookie = await staffCookie(app, db, staff);
    const form = await app.inject({ method: 'GET', url: '/staff/search', headers: { cookie } });
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const csrf = form.cookies.filter((c) => c.name === 'prevent_csrf').map((c) => `${c.name}=${c.value}`);
    const res = await app.inject({
      method: 'POST',
      url: '/staff/search',
      headers: { cookie: [cookie, ...csrf].join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: token,
        name: 'Quillon Zarathustra-Vexley',
        postcode: 'CA9 3QZ',
        text: 'xylophonist',
      }).toString(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Quillon Zarathustra-Vexley');
    const log = lines.join('');
    expect(log).toContain('"path":"/staff/search"');
    expect(log).toContain('"method":"POST"');
    expect(log).not.toMatch(/quillon|zarathustra|vexley|3QZ|xylophonist/i);
  });
});
