import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eq, sql } from 'drizzle-orm';
import { engines, runsRandomInput } from '../helpers/engines.js';
import { useTestApp } from '../helpers/app.js';
import { FormClient, type Response } from '../helpers/client.js';
import {
  adviceRequest,
  completeJourney,
  professionalReferral,
  publicReferral,
  type Answers,
} from '../helpers/journeys.js';
import { adviceRequests, referrals } from '../../src/db/schema/index.js';
import { loadSite } from '../../src/config.js';
import { activeFields, allFields, cleanText, type Field } from '../../src/forms/fields.js';
import { answerPage, type Journey, type QuestionPage } from '../../src/forms/journey.js';
import { referralJourney } from '../../src/forms/referral/index.js';
import { adviceJourney } from '../../src/forms/advice/index.js';
import { escapeHtml } from '../../src/lib/html.js';

// ---------------------------------------------------------------------------------------------------------------
// The attacks. Strings go into form fields; the transport attacks are whole request bodies.
// ---------------------------------------------------------------------------------------------------------------

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const DROP = "'; DROP TABLE referrals; --";
const OR = "' OR '1'='1";
const CONTROLS = 'a\u0000b\u0001c\u0007d\u0008e\u000bf\u000cg\u001b[2Jh\u007fi\r\nj\u0000'.repeat(20) + 'end';
const NULS = '\u0000'.repeat(500) + 'x' + '\u0000'.repeat(500);
const ONE_MB = 'A'.repeat(1024 * 1024);
const STRING_ATTACKS: [string, string][] = [
  ['script tag', SCRIPT],
  ['attribute break-out', IMG],
  ['SQL drop', DROP],
  ['SQL or', OR],
  ['control characters', CONTROLS],
  ['NULs', NULS],
];
/** Percent-encodings that are not UTF-8: a bad continuation byte, an encoded surrogate, a byte that never occurs. */
const MALFORMED_UTF8 = ['%C3%28', '%ED%A0%80', '%FF', '%C0%AF', '%F4%90%80%80', '%E2%82'];

const ERROR_TITLES = [
  'Page not found',
  'What you sent was too long',
  'Sorry, we could not save that',
  'Sorry, we could not read what you sent',
  'Too many attempts',
];
/** A page of the site has its heading (a question's may be its label or legend) inside <main>. */
const PAGE_H1 = /<main[\s\S]*<h1 class="govuk-/;

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function expectNothingRaw(body: string): void {
  expect(body).not.toContain('<script>alert(1)');
  expect(body).not.toContain('<img src=x');
  expect(body).not.toContain('"><img');
  expect(body).not.toMatch(RAW_CONTROL);
}

/** A clear HTML page: the error summary of a question page, or one of the error pages, or a page of the journey. */
function expectClearPage(res: Response): void {
  expect(res.status, res.body.slice(0, 300)).toBeLessThan(500);
  expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
  expect(res.body).toMatch(/^<!DOCTYPE html>/i);
  expectNothingRaw(res.body);
  if (res.status === 400 && res.body.includes('govuk-error-summary')) {
    expect(res.body).toContain('There is a problem');
    expect(res.body).toMatch(/<title>Error: /);
    const links = [...res.body.matchAll(/<li>\s*<a href="#([^"]+)">\s*([^<]+?)\s*<\/a>/g)];
    expect(links.length).toBeGreaterThan(0);
    for (const [, id, text] of links) {
      expect(res.body, `error link #${id} has no target`).toContain(`id="${id}"`);
      expect(text!.length).toBeGreaterThan(5);
    }
  } else if (res.status >= 400) {
    const h1 = /<h1 class="govuk-heading-l">([^<]+)<\/h1>/.exec(res.body)?.[1];
    expect(ERROR_TITLES, `status ${res.status}`).toContain(h1);
  } else {
    expect(res.status).toBe(200);
    expect(res.body).toMatch(PAGE_H1);
  }
}

/** A redirect within the site, or a clear page; a redirect is followed, and must land on a clear page too. */
async function expectHandled(client: FormClient, res: Response): Promise<void> {
  expect(res.status, res.body.slice(0, 300)).toBeLessThan(500);
  if (res.status === 303 || res.status === 302) {
    expect(res.location).toMatch(/^\/((refer|advice)(\/[a-z0-9-]{1,40})?)?$/);
    expectClearPage(await client.follow(res));
    return;
  }
  expectClearPage(res);
}

// ---------------------------------------------------------------------------------------------------------------
// Bodies built from a page's fields.
// ---------------------------------------------------------------------------------------------------------------

type FormBody = Record<string, string | string[]>;

function inputNames(field: Field): string[] {
  return field.kind === 'date' ? ['day', 'month', 'year'].map((p) => `${field.name}-${p}`) : [field.name];
}

/** The attack in every field of the page, choices included. */
function everywhere(page: QuestionPage, attack: string): FormBody {
  const body: FormBody = {};
  for (const f of allFields(page.fields))
    for (const n of inputNames(f)) body[n] = f.kind === 'checkboxes' ? [attack] : attack;
  return body;
}

/** Real choices, and the attack in every field a person types into (conditionals included). */
function inTyped(page: QuestionPage, legit: FormBody, attack: string): FormBody {
  const body: FormBody = { ...legit };
  for (const f of allFields(page.fields)) {
    if (f.kind === 'text' || f.kind === 'textarea' || f.kind === 'date')
      for (const n of inputNames(f)) body[n] = attack;
  }
  return body;
}

/** Fields whose typed value is shown again when the page is refused (so the attack must appear, escaped). */
function echoes(page: QuestionPage, body: FormBody): boolean {
  const { values } = answerPage(page, body);
  return activeFields(page.fields, values).some((f) => f.kind === 'text' || f.kind === 'textarea');
}

function firstTyped(page: QuestionPage): Field | undefined {
  return allFields(page.fields).find((f) => f.kind === 'text' || f.kind === 'textarea');
}

const enc = encodeURIComponent;

/** Posts a form with the given CSRF token (not the last page's: after a redirect to the confirmation there is none). */
function send(client: FormClient, url: string, body: FormBody, token: string | undefined): Promise<Response> {
  const params = new URLSearchParams();
  if (token !== undefined) params.append('_csrf', token);
  for (const [k, v] of Object.entries(body)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  return client.request('POST', url, params.toString());
}
const urlencoded = (pairs: [string, string][]) => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');

// ---------------------------------------------------------------------------------------------------------------
// The journeys' shapes (field names do not depend on reference data) and how to reach each page legitimately.
// ---------------------------------------------------------------------------------------------------------------

const shapeCtx = { concernTypes: [], sectors: [], site: loadSite() };
const JOURNEYS: Record<'/refer' | '/advice', Journey> = {
  '/refer': referralJourney(shapeCtx),
  '/advice': adviceJourney(shapeCtx),
};

function fixtureFor(basePath: '/refer' | '/advice', slug: string): Answers {
  if (basePath === '/advice') return adviceRequest;
  return publicReferral[slug] ? publicReferral : professionalReferral;
}

const QUESTION_PAGES = (Object.keys(JOURNEYS) as ('/refer' | '/advice')[]).flatMap((basePath) =>
  [...JOURNEYS[basePath].pages.keys()].map((slug) => ({ basePath, slug })),
);

/** Starts a journey and answers each page with the fixture (following redirects without loading each page) until
 * the wanted page is open; then loads it, as a browser would. */
async function reach(client: FormClient, basePath: string, fixture: Answers, slug: string): Promise<void> {
  await client.get(basePath);
  const token = client.csrfToken();
  let location = (await send(client, `${basePath}/start`, {}, token)).location;
  for (let i = 0; i < 40 && location !== `${basePath}/${slug}`; i++) {
    const current = location!.slice(basePath.length + 1);
    const answers = fixture[current];
    if (!answers) throw new Error(`no answers for ${current} on the way to ${slug}`);
    const res = await send(client, `${basePath}/${current}`, answers, token);
    expect(res.status, current).toBe(303);
    location = res.location;
  }
  expect(location).toBe(`${basePath}/${slug}`);
  expect((await client.get(location!)).status).toBe(200);
}

// ---------------------------------------------------------------------------------------------------------------

describe.each(engines)('hostile input on %s', (engine) => {
  const t = useTestApp(engine);

  const count = async (table: typeof referrals | typeof adviceRequests) => {
    const [row] = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(table);
    return row!.n;
  };

  /** The body-level attacks every POST route gets, whatever its fields. */
  async function transportAttacks(
    client: FormClient,
    url: string,
    fields: string[],
    legit: FormBody,
    token: string,
  ): Promise<void> {
    const first = fields[0] ?? 'anything';
    const raw = (payload: string, type = 'application/x-www-form-urlencoded') =>
      client.request('POST', url, payload, type);

    // Malformed UTF-8 in percent-encoding: a different sequence in each field, then all of them in every field and a key.
    const rotating = fields.map((f, i) => `${enc(f)}=${MALFORMED_UTF8[i % 6]}x${MALFORMED_UTF8[(i + 1) % 6]}`);
    await expectHandled(client, await raw([`_csrf=${enc(token)}`, ...rotating].join('&')));
    const all = MALFORMED_UTF8.join('');
    const everyField = fields.map((f) => `${enc(f)}=${all}`);
    await expectHandled(client, await raw([`_csrf=${enc(token)}`, ...everyField, `${all}=${all}`].join('&')));
    // A body over the 2 MB limit: a clear 413 page.
    const huge = await raw(`_csrf=${enc(token)}&${enc(first)}=${'A'.repeat(2.5 * 1024 * 1024)}`);
    expect(huge.status).toBe(413);
    expectClearPage(huge);
    expect(huge.body).toContain('What you sent was too long');
    // 10,000 fields (50 times the most we read), the token first so the parser's cut is what is tested.
    const many = Array.from({ length: 10000 }, (_, i) => `f${i}=${i}`).join('&');
    const legitPairs = Object.entries(legit).flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]),
    );
    await expectHandled(client, await raw(`_csrf=${enc(token)}&${urlencoded(legitPairs)}&${many}`));
    await expectHandled(client, await raw(`_csrf=${enc(token)}&${many}&${urlencoded(fields.map((f) => [f, SCRIPT]))}`));
    // Nested brackets, and keys that pollute prototypes in naive parsers.
    const nested = `a${'[b]'.repeat(2000)}`;
    const pollution = [
      [nested, '1'],
      ['__proto__', 'x'],
      ['__proto__[polluted]', 'yes'],
      ['constructor[prototype][polluted]', 'yes'],
      ['constructor', 'x'],
      ['toString', 'x'],
      ['hasOwnProperty', 'x'],
      [`${first}[__proto__]`, 'x'],
    ] as [string, string][];
    await expectHandled(client, await raw(`_csrf=${enc(token)}&${urlencoded(pollution)}`));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    // Every field repeated, with different values.
    await expectHandled(
      client,
      await send(client, url, Object.fromEntries(fields.map((f) => [f, ['yes', 'no', SCRIPT]])), token),
    );
    // JSON, as JSON (read by Fastify's JSON parser, so it must be as safe as a form) and mislabelled as a form.
    const json = JSON.stringify({
      _csrf: token,
      ...Object.fromEntries(fields.map((f) => [f, { $ne: null, nested: [SCRIPT] }])),
    });
    await expectHandled(client, await raw(json, 'application/json'));
    await expectHandled(
      client,
      await raw(JSON.stringify({ _csrf: token, [first]: 'a\ud800b', x: [1, 2, { y: null }] }), 'application/json'),
    );
    await expectHandled(
      client,
      await raw(`{"_csrf": "${token}", "__proto__": {"polluted": "yes"}}`, 'application/json'),
    );
    await expectHandled(client, await raw('{"_csrf": ', 'application/json'));
    await expectHandled(client, await raw('[1, 2, 3]', 'application/json'));
    await expectHandled(client, await raw(json));
    // Multipart, and other types nobody should send to a form.
    const boundary = '----hostile';
    const multipart = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="_csrf"',
      '',
      token,
      `--${boundary}`,
      `Content-Disposition: form-data; name="${first}"; filename="x.html"`,
      'Content-Type: text/html',
      '',
      SCRIPT,
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const mp = await raw(multipart, `multipart/form-data; boundary=${boundary}`);
    expect(mp.status).toBe(415);
    expectClearPage(mp);
    expectClearPage(await raw('<?xml version="1.0"?><x/>', 'application/xml'));
    await expectHandled(client, await raw(`_csrf=${token}`, 'text/plain'));
    // No CSRF token, or a forged one: the 403 page.
    for (const res of [await send(client, url, legit, undefined), await send(client, url, legit, 'forged')]) {
      expect(res.status).toBe(403);
      expectClearPage(res);
      expect(res.body).toContain('Sorry, we could not save that');
    }
  }

  it.each(QUESTION_PAGES)(
    '$basePath/$slug: every attack gets a clear page, never a 5xx',
    async ({ basePath, slug }) => {
      const journey = JOURNEYS[basePath];
      const page = journey.pages.get(slug)!;
      const fixture = fixtureFor(basePath, slug);
      const legit = fixture[slug]!;
      const url = `${basePath}/${slug}`;
      const client = new FormClient(t.app);
      await reach(client, basePath, fixture, slug);
      const token = client.csrfToken();
      const before = { referrals: await count(referrals), advice: await count(adviceRequests) };

      for (const [what, attack] of STRING_ATTACKS) {
        const variants: [string, FormBody][] = [['everywhere', everywhere(page, attack)]];
        if (firstTyped(page)) variants.push(['typed fields', inTyped(page, legit, attack)]);
        for (const [variant, body] of variants) {
          const res = await send(client, url, body, token);
          await expectHandled(client, res);
          if (res.status === 400 && echoes(page, body) && (attack === SCRIPT || attack === IMG)) {
            expect(res.body, `${what} in ${variant} is shown back escaped`).toContain(escapeHtml(attack));
          }
          if (res.status === 400 && echoes(page, body) && attack === CONTROLS) {
            expect(res.body, 'control characters are shown back cleaned').toContain('abcdefg[2Jhi\nj');
          }
        }
      }

      // A 1 MB answer in the first box a person types into (the other answers real): refused with the length message.
      const typed = firstTyped(page);
      const shown = typed && activeFields(page.fields, answerPage(page, legit).values).includes(typed);
      const firstInput = allFields(page.fields).flatMap(inputNames)[0]!;
      const mega = await send(client, url, { ...legit, [shown ? typed.name : firstInput]: ONE_MB }, token);
      expect(mega.status).toBe(400);
      expectClearPage(mega);
      if (shown) expect(mega.body).toMatch(/must be [\d,]+ characters or fewer/);

      await transportAttacks(client, url, allFields(page.fields).flatMap(inputNames), legit, token);
      // A hostile query string on the form's address.
      await expectHandled(client, await send(client, `${url}?change=%FF%00&change[]=1&__proto__[x]=1`, legit, token));

      if (slug === 'person-dob') {
        const dob = (day: string, month: string, year: string) =>
          send(
            client,
            url,
            { personDobKnown: 'yes', 'personDob-day': day, 'personDob-month': month, 'personDob-year': year },
            token,
          );
        const nextYear = String(new Date().getUTCFullYear() + 1);
        for (const [d, m, y, message] of [
          ['31', '02', '2000', 'Their date of birth must be a real date'],
          ['29', '02', '2001', 'Their date of birth must be a real date'],
          ['1', '1', nextYear, 'Their date of birth must be today or in the past'],
          ['1', '1', '1899', 'Their date of birth must be after 1900'],
          ['', '3', '2009', 'Their date of birth must include a day'],
          ['14', '', '', 'Their date of birth must include a month and year'],
          ['1e1', '0x1', '２０００', 'Their date of birth must be a real date'],
        ]) {
          const res = await dob(d!, m!, y!);
          expect(res.status, `${d}/${m}/${y}`).toBe(400);
          expectClearPage(res);
          expect(res.body).toContain(message);
          expect(res.body).toContain('href="#personDob-day"');
        }
        expect((await dob('29', '02', '2000')).status).toBe(303);
      }

      // Nothing the attacks did was submitted, and the page still works for a real answer.
      expect({ referrals: await count(referrals), advice: await count(adviceRequests) }).toEqual(before);
      const ok = await send(client, url, legit, token);
      expect(ok.status, ok.body.match(/govuk-error-summary__list[\s\S]*?<\/ul>/)?.[0]).toBe(303);
    },
  );

  it.each(['/refer', '/advice'] as const)(
    '%s: start, start-again, keep-alive, delete, check-answers and unknown pages survive every attack',
    async (basePath) => {
      const fixture = basePath === '/refer' ? publicReferral : adviceRequest;
      const journey = JOURNEYS[basePath];
      const table = basePath === '/refer' ? referrals : adviceRequests;
      const client = new FormClient(t.app);
      await client.get(basePath);
      const token = client.csrfToken();
      const hostileFields = (attack: string): FormBody => ({
        returnTo: attack,
        [journey.firstSlug]: attack,
        x: attack,
      });

      for (const route of ['start', 'start-again', 'keep-alive']) {
        for (const [, attack] of STRING_ATTACKS) {
          const res = await send(client, `${basePath}/${route}`, hostileFields(attack), token);
          expect(res.status, route).toBe(303);
          // keep-alive sends people back to the page they came from: never anywhere an attacker chose.
          expect(res.location).toMatch(new RegExp(`^${basePath}/[a-z0-9-]{1,40}$`));
          await expectHandled(client, res);
        }
        await transportAttacks(client, `${basePath}/${route}`, ['returnTo', 'x'], { returnTo: '../../evil' }, token);
      }
      for (const returnTo of [
        '//evil.example/',
        'https://evil.example',
        '..%2F..%2Fadmin',
        'check-answers\r\nSet-Cookie: x=1',
      ]) {
        const keep = await send(client, `${basePath}/keep-alive`, { returnTo }, token);
        expect(keep.status).toBe(303);
        expect(keep.location).toMatch(new RegExp(`^${basePath}/[a-z0-9-]+$`));
      }

      // Unknown pages, the stop page (GET only) and hostile slugs: the 404 page, with nothing echoed.
      for (const slug of ['call-999', 'nonexistent', enc(SCRIPT), enc(IMG), '%00', enc(DROP)]) {
        const res = await send(client, `${basePath}/${slug}`, { x: SCRIPT }, token);
        expect(res.status, slug).toBe(404);
        expectClearPage(res);
      }
      // Addresses Fastify refuses before routing (not UTF-8; a slug over maxParamLength): our HTML page, via the
      // `frameworkErrors` option, never Fastify's JSON and never the address echoed.
      for (const slug of ['%FF', '%C3%28', `${enc(SCRIPT)}%FF`, 'a'.repeat(5000)]) {
        const res = await send(client, `${basePath}/${slug}`, { x: SCRIPT }, token);
        expect([400, 414], slug.slice(0, 20)).toContain(res.status);
        expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
        expectClearPage(res);
      }

      // Check your answers: what fails before the handler (no or a forged token, too large, unreadable) sends nothing.
      await reach(client, basePath, fixture, 'check-answers');
      const check = `${basePath}/check-answers`;
      const refused = [
        await send(client, check, {}, undefined),
        await send(client, check, {}, 'forged'),
        await client.request('POST', check, `_csrf=${enc(token)}&x=${'A'.repeat(2.5 * 1024 * 1024)}`),
        await client.request('POST', check, `--b\r\n\r\n--b--`, 'multipart/form-data; boundary=b'),
        await client.request('POST', check, '{"_csrf": ', 'application/json'),
        await client.request('POST', check, `{"_csrf": "${token}", "__proto__": {}}`, 'application/json'),
      ];
      for (const res of refused) {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expectClearPage(res);
      }
      expect(await count(table)).toBe(0);
      // The rest carry a valid token: the first sends the answers, the others find them already sent.
      await transportAttacks(client, check, ['x'], {}, token);
      for (const [, attack] of STRING_ATTACKS) {
        const res = await send(client, check, { x: attack, _csrf2: attack }, token);
        expect(res.status).toBe(303);
        expect(res.location).toBe(`${basePath}/confirmation`);
        await expectHandled(client, res);
      }
      expect(await count(table)).toBe(1);

      // Delete: hostile bodies, then the real thing.
      await transportAttacks(client, `${basePath}/delete`, ['x'], {}, token);
      for (const [, attack] of STRING_ATTACKS) {
        const res = await send(client, `${basePath}/delete`, { x: attack }, token);
        expect(res.status).toBe(303);
        expect(res.location).toBe('/');
      }
      expect(await count(table)).toBe(1);
    },
  );

  it('stored text is kept exactly (less control characters) and always shown escaped', async () => {
    const concern = `${SCRIPT}\u0000\u0007 & "quotes" & ${IMG}\r\nline 2 ${DROP}`;
    const answers: Answers = {
      ...publicReferral,
      'person-name': { personFullName: IMG, personOtherNames: OR },
      concern: { concernText: concern, concernSince: DROP },
      'your-details': { referrerName: `<b>Alex</b>\u0000`, referrerRelationship: SCRIPT },
    };
    const client = new FormClient(t.app);
    await client.get('/refer');
    let page = await client.follow(await client.post('/refer/start'));
    while (page.url !== '/refer/check-answers') {
      const slug = page.url.slice('/refer/'.length);
      const res = await client.post(`/refer/${slug}`, answers[slug]!);
      expect(res.status, slug).toBe(303);
      page = await client.follow(res);
    }
    // Check your answers shows every answer escaped, line breaks kept.
    expectClearPage(page);
    expect(page.body).toContain(escapeHtml(IMG));
    expect(page.body).toContain(escapeHtml(OR));
    expect(page.body).toContain(
      `${escapeHtml(SCRIPT)} &amp; &quot;quotes&quot; &amp; ${escapeHtml(IMG)}<br>line 2 ${escapeHtml(DROP)}`,
    );
    expect(page.body).toContain('&lt;b&gt;Alex&lt;/b&gt;');
    // So does each page when it is opened again to change the answer.
    for (const slug of ['person-name', 'concern', 'your-details']) {
      const again = await client.get(`/refer/${slug}?change=1`);
      expectClearPage(again);
    }
    const concernPage = await client.get('/refer/concern?change=1');
    expect(concernPage.body).toContain(escapeHtml(cleanText(concern).trim()));
    await client.get('/refer/check-answers');
    const confirmation = await client.follow(await client.post('/refer/check-answers'));
    expect(confirmation.url).toBe('/refer/confirmation');
    expectClearPage(confirmation);
    const reference = /class="app-reference">([A-Z0-9]{8})</.exec(confirmation.body)![1]!;

    const [row] = await t.database.db.select().from(referrals).where(eq(referrals.reference, reference));
    expect(row).toMatchObject({
      personFullName: IMG,
      personOtherNames: OR,
      concernText: `${SCRIPT} & "quotes" & ${IMG}\nline 2 ${DROP}`,
      concernSince: DROP,
      referrerName: '<b>Alex</b>',
      referrerRelationship: SCRIPT,
    });
    // The snapshot of answers holds the same text, and the table the SQL was aimed at is still there.
    expect((row!.answers as { values: Record<string, unknown> }).values.concernText).toBe(row!.concernText);
    expect(await count(referrals)).toBe(1);
  });

  it('the advice journey stores hostile text exactly too', async () => {
    const reference = await completeJourney(new FormClient(t.app), '/advice', {
      ...adviceRequest,
      question: { adviceQuestion: `${SCRIPT}\r\n${NULS}${OR}` },
      'about-you': { askerName: IMG, askerType: 'professional', askerOrganisation: DROP },
    });
    const [row] = await t.database.db.select().from(adviceRequests).where(eq(adviceRequests.reference, reference));
    expect(row).toMatchObject({ question: `${SCRIPT}\nx${OR}`, askerName: IMG, askerOrganisation: DROP });
  });

  it('property: random form bodies posted to question pages never cause a 5xx', async () => {
    const client = new FormClient(t.app);
    await reach(client, '/refer', publicReferral, 'person-dob');
    const token = client.csrfToken();
    const names = ['personDobKnown', 'personDob-day', 'personDob-month', 'personDob-year', 'personAgeApprox', '_csrf'];
    const key = fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 20 }));
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 50 }),
      fc.constantFrom('yes', 'no', '31', '2', '2000', token, ''),
      fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
    );
    const slugs = ['immediate-danger', 'about-you', 'person-name', 'person-dob'];
    // The random runs on the embedded engine; on PostgreSQL each page's worst values only (see `runsRandomInput`): a
    // NUL, a lone surrogate and 50,000 characters in every field.
    const random = runsRandomInput(engine);
    const worst = ['\u0000', '\ud800', 'A'.repeat(50_000)];
    const examples = slugs.flatMap((slug) =>
      worst.map((w): [string, Record<string, string>, boolean] => [
        slug,
        Object.fromEntries(names.filter((n) => n !== '_csrf').map((n) => [n, w])),
        true,
      ]),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...slugs),
        fc.dictionary(key, value, { maxKeys: 12 }),
        fc.boolean(),
        async (slug, fields, withToken) => {
          const body: FormBody = {};
          for (const [k, v] of Object.entries(fields)) body[k] = v;
          if (withToken) body._csrf = token;
          const res = await client.post(`/refer/${slug}`, body, { csrf: false });
          expect(res.status).toBeLessThan(500);
          expect([303, 400, 403]).toContain(res.status);
          if (res.status !== 303) expectClearPage(res);
        },
      ),
      { numRuns: examples.length + (random ? 60 : 0), examples },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.string({
          unit: fc.constantFrom('%', 'F', 'f', '0', '8', 'C', '&', '=', '[', ']', 'a', '+', '\u0000', 'é'),
          maxLength: 60,
        }),
        async (raw) => {
          const res = await client.request('POST', '/refer/person-dob', `_csrf=${enc(token)}&${raw}`);
          expect(res.status).toBeLessThan(500);
          if (res.status !== 303) expectClearPage(res);
        },
      ),
      {
        numRuns: worst.length + (random ? 60 : 0),
        examples: worst.map((w): [string] => [`personDobKnown=yes&${w}=${w}`]),
      },
    );
  });
});
