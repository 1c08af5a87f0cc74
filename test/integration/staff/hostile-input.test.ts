import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { generateSecret } from 'otplib';
import { engines, runsRandomInput } from '../../helpers/engines.js';
import { useTestApp } from '../../helpers/app.js';
import { createStaff, createStaffWithCredentials, staffCookie, type TestStaff } from '../../helpers/staff.js';
import { ANY_TEXT, fill, TARGETS, type Form, type TargetWorld, type Who } from '../../helpers/routeTargets.js';
import { testEml, TINY_PDF, TINY_PNG } from '../triage/upload-helpers.js';
import { listCouncils } from '../../../src/features/postcodes/queries.js';
import { createSession } from '../../../src/staff/sessions.js';
import { STAFF_COOKIE } from '../../../src/staff/registry.js';

/**
 * Property-based hostile input for the staff back office, as test/integration/hostile-input.test.ts does for the public
 * forms: every staff POST route is sent random form bodies (the route's own field names and random ones, with hostile
 * values: strings up to 50,000 characters, control characters and NULs, lone surrogates (sent as a browser sends them,
 * U+FFFD) and percent-encodings that are not UTF-8, HTML, SQL-looking text, repeated keys) by a person who may use it,
 * on a case in the state it needs (made afresh before each run, so that a body that happens to succeed does not change
 * what the next run meets). Before the random bodies, each route gets the form as its page would send it and then each
 * field in turn with one of the sharpest values added (the rest of the form valid), so that hostile text reaches the
 * services and the database, not only the validation. The answer must never be a 5xx, must come (within 10 seconds),
 * and is a redirect within the site or an HTML page (never JSON). The two upload routes also get random multipart
 * bodies (random files, truncated and mangled multipart, broken part headers, bytes that are not multipart at all).
 *
 * Every POST route in the registry is covered: the first test fails if a route is added without a target here. Routes
 * whose handler does not read the body before answering (the state they need cannot be reached, or they take no
 * fields) are still posted to, and noted:
 *   - POST /staff/advice/:reference/reason: the Prevent team opens every advice request without a reason, so the
 *     handler redirects to the case before reading the body (no one is ever asked for a reason there).
 *   - POST /staff/sign-in/sso: answers 404 before reading the body when single sign-on is not configured (as in tests).
 *   - POST /staff/sign-in/recovery-codes: with the authenticator not yet confirmed it redirects to the set-up page;
 *     only `next` is read.
 *   - Routes with no fields (sign-out, keep-alive, advice close, re-contact withdraw, bank holiday removal, the
 *     administrator's account actions other than roles, the chain check): only the CSRF check and the state checks run.
 * Routes that end the session (sign-out, sign-out everywhere) get a new session before each run. Sign-in routes that
 * lock a person out after failed codes get a new person (and a half-finished sign-in) before each run. Each request
 * comes from its own address, so the sign-in and chain-check rate limits (keyed by address) do not stop the bodies
 * reaching the handler.
 */

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const CONTROLS = 'a\u0000b\u0001c\u0007d\u0008e\u000bf\u000cg\u001b[2Jh\u007fi\r\nj';
const ATTACKS = [
  SCRIPT,
  IMG,
  "'; DROP TABLE referrals; --",
  "' OR '1'='1",
  "1' UNION SELECT NULL, version() --",
  '%',
  '_',
  '\\',
  '\\x00',
  '\u0000',
  '\u0000'.repeat(300),
  CONTROLS,
  '\ud800',
  'a\udc00b',
  '\ufeff',
  '\u202eevil',
  '𝕏😀👩‍👩‍👧',
  'e\u0301',
  'ǅ ß İ ﬀ',
  '{{ 7*7 }}',
  '{% raw %}',
  '${7*7}',
  '../../../../etc/passwd',
  '\r\n\r\n',
  '   ',
  '',
  'null',
  'NaN',
  '-1',
  '0',
  '1e309',
  '99999999999999999999',
  '2000-02-30',
  '00000000-0000-0000-0000-000000000000',
  '__proto__',
  '&',
  '=',
  '+',
  '<!--',
  ':(){ :|:& };:',
  'a & b | c ! d <-> e',
  '\'quoted\' "double" `back`',
];

/** What databases, renderers and parsers most often choke on. */
const SHARP = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\u0001\u001b[2J\u007f',
  CONTROLS,
  SCRIPT,
  IMG,
  "' OR '1'='1",
  '\u202e',
  '😀',
  '%00',
];
const SWEEP = ['\u0000', '\ud800', '\u0001\u001b[2J\u007f', ` ${SCRIPT}`, "' OR '1'='1", 'A'.repeat(50_000)];

/** Percent-encodings that are not UTF-8 (or not percent-encodings at all): sent as they are. */
const RAW_PIECES = [
  '%ED%A0%80',
  '%FF',
  '%C0%AF',
  '%00',
  '%E2%82',
  '%F4%90%80%80',
  '%',
  '%zz',
  '+',
  '%25',
  'a',
  '%0D%0A',
];

type Raw = { raw: string };
type Value = string | Raw;
type FieldValue = Value | Value[];

/** Every byte percent-encoded (lone surrogates become U+FFFD, as a browser would send them). */
const enc = (s: string) => Buffer.from(s, 'utf8').toString('hex').replace(/../g, '%$&');
const encValue = (v: Value) => (typeof v === 'string' ? enc(v) : v.raw);

/** The urlencoded body: the CSRF token first, then the pairs (with `{n}` and `{prefix}` filled in). */
function formBody(token: string, pairs: [string, FieldValue][], n = 0): string {
  const parts = [`_csrf=${enc(token)}`];
  for (const [k, v] of pairs)
    for (const one of Array.isArray(v) ? v : [v])
      parts.push(`${enc(k)}=${encValue(typeof one === 'string' ? fill(one, n) : one)}`);
  return parts.join('&');
}

let run = 0;

const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...'<>"\'&;=+%\\/[]{}$`|*?'.split('')) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
);
const hostileString = fc.string({ unit, maxLength: 40 });
const longString = fc
  .tuple(
    fc.constantFrom('A', 'é', '\u0000', '<', '😀', '\ud800', ' ', '\n', 'ab ', "'"),
    fc.integer({ min: 1_000, max: 50_000 }),
  )
  .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));
const rawValue = fc
  .array(fc.constantFrom(...RAW_PIECES), { minLength: 1, maxLength: 12 })
  .map((p): Raw => ({ raw: p.join('') }));

function valueArb(choices: readonly string[]): fc.Arbitrary<Value> {
  const choice = fc.constantFrom('', ...choices);
  return fc.oneof(
    { weight: 4, arbitrary: hostileString },
    { weight: 3, arbitrary: fc.constantFrom(...ATTACKS) },
    { weight: 3, arbitrary: choice },
    { weight: 2, arbitrary: fc.tuple(choice, fc.constantFrom(...ATTACKS)).map(([a, b]) => a + b) },
    { weight: 1, arbitrary: longString },
    { weight: 1, arbitrary: rawValue },
  );
}

type Pair = [string, FieldValue];
const goodValues = (form: Form, field: string) => (form[field]?.length ? form[field] : [ANY_TEXT]);

/**
 * Random bodies: a quarter entirely random (the form's fields and random ones, any values), the rest nearly valid (every
 * field a value the route accepts, then one or two of them made hostile), so that hostile text also reaches the
 * services and the database, not only the validation.
 */
function bodyArb(form: Form): fc.Arbitrary<Pair[]> {
  const fields = Object.keys(form);
  const value = valueArb([...new Set(Object.values(form).flat())]);
  const fieldValue: fc.Arbitrary<FieldValue> = fc.oneof(
    { weight: 5, arbitrary: value },
    { weight: 1, arbitrary: fc.array(value, { minLength: 2, maxLength: 4 }) },
  );
  const first = fields[0] ?? 'x';
  const randomKey = fc.oneof(
    fc.string({ maxLength: 20 }),
    hostileString,
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', `${first}[]`, `${first}[0]`, 'a[b][c]', ''),
  );
  const extras = (max: number) => fc.array(fc.tuple(randomKey, fieldValue), { maxLength: max });
  const random = fc
    .tuple(fc.tuple(...fields.map(() => fc.option(fieldValue, { nil: undefined, freq: 4 }))), extras(4))
    .map(([known, extra]): Pair[] => [
      ...fields.flatMap((f, i): Pair[] => (known[i] === undefined ? [] : [[f, known[i]]])),
      ...extra,
    ]);
  if (!fields.length) return random;
  const mutation = fc.record({
    how: fc.constantFrom('replace', 'append', 'prepend', 'repeat'),
    with: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...SHARP) },
      { weight: 2, arbitrary: value },
      { weight: 1, arbitrary: longString },
    ),
  });
  const nearlyValid = fc
    .tuple(
      fc.tuple(...fields.map((f) => fc.constantFrom(...goodValues(form, f)))),
      fc.oneof(
        { weight: 4, arbitrary: fc.nat({ max: fields.length - 1 }).map((i) => [i]) },
        {
          weight: 1,
          arbitrary: fc.uniqueArray(fc.nat({ max: fields.length - 1 }), {
            minLength: 1,
            maxLength: Math.min(2, fields.length),
          }),
        },
      ),
      fc.tuple(mutation, mutation),
      extras(2),
    )
    .map(([good, which, mutations, extra]): Pair[] => {
      const pairs: Pair[] = fields.map((f, i) => [f, good[i]!]);
      which.forEach((i, n) => {
        const { how, with: h } = mutations[n]!;
        const g = good[i]!;
        const text = typeof h === 'string' ? h : undefined;
        pairs[i]![1] =
          how === 'replace' || text === undefined
            ? h
            : how === 'append'
              ? g + text
              : how === 'prepend'
                ? text + g
                : [g, h];
      });
      return [...pairs, ...extra];
    });
  return fc.oneof({ weight: 1, arbitrary: random }, { weight: 3, arbitrary: nearlyValid });
}

/**
 * Examples run before the random bodies: the form as the page would send it, then each field in turn with each of the
 * sharpest values added to its accepted value (the rest of the form as sent).
 */
function sweep(form: Form): Pair[][] {
  const base: Pair[] = Object.keys(form).map((f) => [f, goodValues(form, f)[0]!]);
  const out = [base];
  base.forEach(([, good], i) => {
    for (const sharp of SWEEP) out.push(base.map((p, j): Pair => (j === i ? [p[0], `${String(good)}${sharp}`] : p)));
  });
  return out;
}

/** The values PostgreSQL must never fail on: a NUL, a lone surrogate, and 50,000 characters. */
const WORST = ['\u0000', '\ud800', 'A'.repeat(50_000)];

/**
 * The deterministic bodies for the engines without random runs: the form as the page would send it, then each of the
 * worst values added to every field's accepted value at once (so that they reach the services and the database).
 */
function worst(form: Form): Pair[][] {
  const base: Pair[] = Object.keys(form).map((f) => [f, goodValues(form, f)[0]!]);
  return [base, ...WORST.map((w) => base.map(([f, good]): Pair => [f, `${String(good)}${w}`]))];
}

// ---------------------------------------------------------------------------------------------------------------
// Who posts (what each route needs, and its form: test/helpers/routeTargets.ts).

/** The hostile-input test's world: the targets' people and ids, and the sessions it posts with. */
interface World extends TargetWorld {
  app: FastifyInstance;
  coordinator: TestStaff;
  dpo: TestStaff;
  administrator: TestStaff;
  /** The CSRF secret's cookie and a token for it (the secret is a cookie of its own, whoever is signed in). */
  csrf: { cookie: string; token: string };
  sessions: Map<Who, string>;
}

let address = 0;
/** A different client address for each request (the sign-in routes' rate limits are per address). */
function nextAddress(): string {
  address++;
  return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
}

/** How long an answer may take: a request that is never answered holds its connection for ever. */
const ANSWER_WITHIN_MS = 10_000;

/** Posts a body; fails (rather than waiting for the test's time limit) if no answer comes. */
async function postRaw(
  w: World,
  session: string | undefined,
  url: string,
  payload: string | Buffer,
  contentType = 'application/x-www-form-urlencoded',
): Promise<LightMyRequestResponse> {
  let timer: NodeJS.Timeout | undefined;
  const answer = w.app.inject({
    method: 'POST',
    url,
    payload,
    remoteAddress: nextAddress(),
    headers: {
      cookie: [session, w.csrf.cookie].filter(Boolean).join('; '),
      'content-type': contentType,
      referer: 'http://localhost/staff/search',
    },
  });
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`POST ${url} (${contentType}) was not answered within ${ANSWER_WITHIN_MS} ms`)),
      ANSWER_WITHIN_MS,
    );
  });
  try {
    return await Promise.race([answer, silence]);
  } finally {
    clearTimeout(timer);
  }
}

/** Never a 5xx; a redirect within the site, or an HTML page of ours (never JSON, never a stack). */
function expectHandled(res: LightMyRequestResponse, what: string): void {
  expect(res.statusCode, `${what} answered ${res.statusCode}: ${res.body.slice(0, 400)}`).toBeLessThan(500);
  if (res.statusCode >= 300 && res.statusCode < 400) {
    expect(String(res.headers.location), what).toMatch(/^\/(?![/\\])/);
    return;
  }
  expect(String(res.headers['content-type']), what).toMatch(/^text\/html/);
  expect(res.body, what).toMatch(/^<!DOCTYPE html>/i);
}

// ---------------------------------------------------------------------------------------------------------------

describe.each(engines)('hostile input to the staff back office (%s)', (engine) => {
  const t = useTestApp(engine);

  async function makeWorld(): Promise<World> {
    const db = t.database.db;
    const supervisor = await createStaff(db, { roles: ['prevent_supervisor', 'prevent_officer'] });
    const officer = await createStaff(db, { roles: ['prevent_officer'] });
    const coordinator = await createStaff(db, { roles: ['channel_coordinator'], organisation: 'cumberland' });
    const dpo = await createStaff(db, { roles: ['dpo'] });
    const administrator = await createStaff(db, { roles: ['administrator'] });
    const withPassword = await createStaffWithCredentials(db, { roles: ['prevent_officer'] });
    const account = await createStaff(db, { roles: ['analyst'] });
    const sessions = new Map<Who, string>();
    const supervisorCookie = await staffCookie(t.app, db, supervisor);
    sessions.set('supervisor', supervisorCookie);
    const home = await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie: supervisorCookie } });
    expect(home.statusCode).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(home.body)?.[1];
    const csrfCookie = [home.cookies].flat().find((c) => c.name === 'prevent_csrf');
    expect(token).toBeTruthy();
    expect(csrfCookie).toBeTruthy();
    return {
      app: t.app,
      db,
      supervisor,
      officer,
      coordinator,
      dpo,
      administrator,
      withPassword,
      account,
      csrf: { cookie: `prevent_csrf=${csrfCookie!.value}`, token: token! },
      sessions,
      councilIds: (await listCouncils(db, { activeOnly: true })).map((c) => c.id),
    };
  }

  /** The session cookie to post with (undefined: nobody signed in). */
  async function sessionFor(w: World, who: Who, fresh: boolean): Promise<string | undefined> {
    if (who === 'anonymous') return undefined;
    if (who === 'second_factor' || who === 'totp_setup') {
      // A new person each time: failed codes lock the person out, and the set-up ends with the authenticator set.
      const person = await createStaff(w.db, {
        roles: ['prevent_officer'],
        totpSecret: who === 'second_factor' ? generateSecret() : null,
      });
      const raw = await createSession(w.db, { userId: person.id, stage: who, method: 'password', absoluteHours: 12 });
      return `${STAFF_COOKIE}=${t.app.signCookie(raw)}`;
    }
    const cached = w.sessions.get(who);
    if (cached && !fresh) return cached;
    const cookie = await staffCookie(t.app, w.db, w[who]);
    if (!fresh) w.sessions.set(who, cookie);
    return cookie;
  }

  it('has a target for every staff POST route', () => {
    const posts = t.app.staffRouteTable.filter((r) => r.method === 'POST').map((r) => r.url);
    expect(posts.length).toBeGreaterThan(40);
    expect([...posts].sort()).toEqual(TARGETS.map((x) => x.route).sort());
  });

  it.each(TARGETS.map((x) => [x.route, x] as const))(
    'property: random form bodies posted to %s never cause a 5xx',
    async (_route, target) => {
      const w = await makeWorld();
      const form = await target.form(w);
      // The random runs on the embedded engine; on PostgreSQL the worst values only (see `runsRandomInput`).
      const random = runsRandomInput(engine);
      const examples = random ? sweep(form) : worst(form);
      await fc.assert(
        fc.asyncProperty(bodyArb(form), async (pairs) => {
          const url = await target.url(w);
          const session = await sessionFor(w, target.who, target.freshSession ?? false);
          const res = await postRaw(w, session, url, formBody(w.csrf.token, pairs, ++run));
          expectHandled(res, `POST ${url}`);
          // The person may use the route: never refused, never sent to sign in (the body reached the handler).
          expect(res.statusCode, `POST ${url}: ${res.body.slice(0, 300)}`).not.toBe(403);
          expect(String(res.headers.location ?? '')).not.toMatch(/^\/staff\/sign-in\?expired=1/);
        }),
        { numRuns: examples.length + (random ? 25 : 0), examples: examples.map((e): [Pair[]] => [e]) },
      );
    },
    180_000,
  );

  // -------------------------------------------------------------------------------------------------------------
  // Uploads: random files and random multipart (or not multipart at all).

  const BOUNDARY = '----hostileBoundary7MA4YWxkTrZu0gW';
  const fileBytes = fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a));
  const EML_HEAD = Buffer.from(
    'From: Sam <sam@school.example>\r\nSubject: Referral\r\nDate: Tue, 24 Nov 2026 09:30:00 +0000\r\n',
  );
  const fileContent = fc.oneof(
    fileBytes,
    fc
      .tuple(
        fc.constantFrom(TINY_PDF.subarray(0, 9), TINY_PNG.subarray(0, 16), EML_HEAD, Buffer.from('PK\u0003\u0004')),
        fileBytes,
      )
      .map(([head, rest]) => Buffer.concat([head, rest])),
    fc.constantFrom(TINY_PDF, TINY_PNG, testEml(), testEml({ pdf: false, body: `${SCRIPT}\u0000` })),
    fc.tuple(fc.constant(testEml()), fc.nat()).map(([eml, n]) => eml.subarray(0, n % eml.length)),
  );
  const headerText = fc.oneof(
    fc.constantFrom(
      'x.pdf',
      'x.png',
      'referral.eml',
      '',
      '../../etc/passwd',
      'a"b.pdf',
      '名前.pdf',
      '\u0000.pdf',
      '.eml',
    ),
    hostileString,
  );

  function multipartArb(fileField: string) {
    const part = (name: string, value: Buffer) =>
      Buffer.concat([
        Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
        value,
        Buffer.from('\r\n'),
      ]);
    const textPart = fc
      .tuple(
        fc.oneof(
          fc.constantFrom(fileField, 'note', '_csrf'),
          // A part's header broken by the name (a bare CR or LF, a quote, an injected header).
          fc.constantFrom('a\rb', 'a\nb', 'x"\r\nX-Injected: 1', 'a"; filename="evil.pdf', '\u0000'),
          hostileString,
        ),
        valueArb([]),
      )
      // Values are kept under 12,000 characters here: a part header with a bare CR or LF followed by a value over
      // about 16 KB leaves the request unanswered (a known, open problem in the multipart parsing). The record of that
      // bug is the `it.fails` test below ("a part header with a bare CR or LF…"), not this cap: when the security issue
      // "request and body timeouts" is fixed, that test starts passing, its `.fails` is removed and this cap goes.
      // The urlencoded forms above get the 50,000-character values.
      .map(([name, value]) =>
        part(name, Buffer.from((typeof value === 'string' ? value : value.raw).slice(0, 12_000), 'utf8')),
      );
    const filePart = fc
      .record({
        field: fc.constantFrom(fileField, fileField, 'other'),
        name: headerText,
        type: headerText,
        data: fileContent,
      })
      .map(({ field, name, type, data }) =>
        Buffer.concat([
          Buffer.from(
            `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`,
          ),
          data,
          Buffer.from('\r\n'),
        ]),
      );
    const wellFormed = (token: string) =>
      fc
        .tuple(fc.array(textPart, { maxLength: 3 }), fc.array(filePart, { minLength: 0, maxLength: 2 }))
        .map(([texts, files]) =>
          Buffer.concat([part('_csrf', Buffer.from(token)), ...texts, ...files, Buffer.from(`--${BOUNDARY}--\r\n`)]),
        );
    return (token: string) =>
      fc.oneof(
        { weight: 4, arbitrary: wellFormed(token) },
        // Cut short anywhere.
        {
          weight: 2,
          arbitrary: fc.tuple(wellFormed(token), fc.nat()).map(([b, n]) => b.subarray(0, n % (b.length + 1))),
        },
        // Random bytes put in anywhere.
        {
          weight: 2,
          arbitrary: fc
            .tuple(wellFormed(token), fc.nat(), fileBytes)
            .map(([b, n, junk]) =>
              Buffer.concat([b.subarray(0, n % (b.length + 1)), junk, b.subarray(n % (b.length + 1))]),
            ),
        },
        // Not multipart at all.
        { weight: 2, arbitrary: fileBytes },
      );
  }

  const contentType = fc.oneof(
    { weight: 6, arbitrary: fc.constant(`multipart/form-data; boundary=${BOUNDARY}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'multipart/form-data',
        'multipart/form-data; boundary=',
        `multipart/form-data; boundary="${BOUNDARY}"; charset=utf-16`,
        `multipart/form-data; boundary=${'x'.repeat(200)}`,
        `multipart/mixed; boundary=${BOUNDARY}`,
        'application/octet-stream',
      ),
    },
  );

  it.each([
    ['/staff/referrals/:reference/attachments', 'file'],
    ['/staff/intake/from-email', 'eml'],
  ] as const)(
    'property: random uploads to %s never cause a 5xx',
    async (route, fileField) => {
      const w = await makeWorld();
      const target = TARGETS.find((x) => x.route === route)!;
      const session = await sessionFor(w, target.who, false);
      const body = multipartArb(fileField)(w.csrf.token);
      const token = w.csrf.token;
      const start = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n`;
      const examples: [Buffer, string][] = [
        // A well-formed upload of a real file.
        [
          Buffer.concat([
            Buffer.from(
              `${start}--${BOUNDARY}\r\nContent-Disposition: form-data; name="${fileField}"; filename="a.eml"\r\n` +
                'Content-Type: message/rfc822\r\n\r\n',
            ),
            fileField === 'eml' ? testEml() : TINY_PDF,
            Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
          ]),
          `multipart/form-data; boundary=${BOUNDARY}`,
        ],
        // Cut short right after a boundary (no closing "--").
        [Buffer.from(`${start}--${BOUNDARY}`), `multipart/form-data; boundary=${BOUNDARY}`],
        // A real file with the worst values in its name and in a text field (see WORST).
        [
          Buffer.concat([
            Buffer.from(
              `${start}--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\n${WORST.join('')}\r\n` +
                `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${fileField}"; filename="${WORST.slice(0, 2).join('')}.eml"\r\n` +
                'Content-Type: message/rfc822\r\n\r\n',
            ),
            fileField === 'eml' ? testEml() : TINY_PDF,
            Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
          ]),
          `multipart/form-data; boundary=${BOUNDARY}`,
        ],
      ];
      // The random runs on the embedded engine; on PostgreSQL the examples only (see `runsRandomInput`).
      const random = runsRandomInput(engine);
      await fc.assert(
        fc.asyncProperty(body, contentType, async (payload, type) => {
          const url = await target.url(w);
          const res = await postRaw(w, session, url, payload, type);
          expectHandled(
            res,
            `POST ${url} (${type}, ${payload.length} bytes: ${JSON.stringify(payload.toString('latin1').slice(0, 600))})`,
          );
        }),
        { numRuns: examples.length + (random ? 40 : 0), examples },
      );
    },
    180_000,
  );

  // KNOWN BUG, recorded as a failing test (never by trimming the input): a multipart part whose header has a bare CR or
  // LF in it, followed by a value over about 16 KB, leaves the request unanswered (the connection is held open for
  // ever). To be fixed by the security issue "request and body timeouts". The request must be refused with a 400 within
  // a few seconds; today no answer comes and the short client timeout below fails the test in ~3 s (not the test's
  // 60 s). When this test starts passing, vitest reports it: remove `.fails`, and the 12,000-character cap in
  // multipartArb above.
  const NO_ANSWER_WITHIN_MS = 3_000;
  it.fails.each([
    ['a bare CR', 'a\rb'],
    ['a bare LF', 'a\nb'],
  ])(
    'answers 400 within a few seconds to a part header with %s before a 20,000-character value (known bug)',
    async (_what, name) => {
      const w = await makeWorld();
      const target = TARGETS.find((x) => x.route === '/staff/referrals/:reference/attachments')!;
      const session = await sessionFor(w, target.who, false);
      const url = await target.url(w);
      const payload = Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${w.csrf.token}\r\n` +
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${'A'.repeat(20_000)}\r\n` +
          `--${BOUNDARY}--\r\n`,
      );
      let timer: NodeJS.Timeout | undefined;
      const answer = w.app.inject({
        method: 'POST',
        url,
        payload,
        remoteAddress: nextAddress(),
        headers: {
          cookie: [session, w.csrf.cookie].filter(Boolean).join('; '),
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
          referer: 'http://localhost/staff/search',
        },
      });
      const silence = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`POST ${url} was not answered within ${NO_ANSWER_WITHIN_MS} ms`)),
          NO_ANSWER_WITHIN_MS,
        );
      });
      try {
        const res = await Promise.race([answer, silence]);
        expect(res.statusCode).toBe(400);
      } finally {
        clearTimeout(timer);
      }
    },
    20_000,
  );
});
