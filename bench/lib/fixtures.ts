import { sign } from '@fastify/cookie';
import pg from 'pg';
import { FormClient } from '../../test/helpers/client.js';
import { publicReferral } from '../../test/helpers/journeys.js';

/** Drops and creates the benchmark's own database (never the test or production ones). */
export async function recreateDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A tiny cookie jar for the orchestrator's own set-up requests. */
export class Session {
  readonly cookies = new Map<string, string>();
  token = '';

  constructor(private readonly base: string) {}

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = { cookie: this.header() };
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ _csrf: this.token, ...form }).toString();
    }
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const buf = Buffer.from(await res.arrayBuffer());
    const token = /name="_csrf" value="([^"]+)"/.exec(buf.toString('utf8'))?.[1];
    if (token) this.token = token;
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? undefined,
      location: res.headers.get('location') ?? undefined,
      body: buf,
    };
  }
}

/** Walks the referral journey over HTTP, answering as a member of the public, and stops at check-your-answers. */
export async function walkToCheckAnswers(base: string): Promise<FormClient> {
  const client = new FormClient(base);
  await client.get('/refer');
  let page = await client.follow(await client.post('/refer/start'));
  for (let i = 0; i < 40 && page.url !== '/refer/check-answers'; i++) {
    const slug = page.url.slice('/refer/'.length);
    const fields = publicReferral[slug];
    if (!fields) throw new Error(`no answers for page ${slug}`);
    const res = await client.post(`/refer/${slug}`, fields);
    if (res.status !== 303) throw new Error(`page ${slug} answered ${res.status}`);
    page = await client.follow(res);
  }
  if (page.url !== '/refer/check-answers') throw new Error(`journey ended at ${page.url}`);
  return client;
}

/** Inserts `count` referral drafts with the given answers, live for a day; returns their ids in order. */
export async function insertDrafts(databaseUrl: string, count: number, answers: unknown): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ids: string[] = [];
    for (let done = 0; done < count; done += 10_000) {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO drafts (id, kind, answers, expires_at)
         SELECT gen_random_uuid(), 'referral', $1::jsonb, now() + interval '24 hours' FROM generate_series(1, $2)
         RETURNING id`,
        [JSON.stringify(answers), Math.min(10_000, count - done)],
      );
      ids.push(...rows.map((r) => r.id));
    }
    await client.query('VACUUM ANALYZE drafts');
    return ids;
  } finally {
    await client.end();
  }
}

/** The `prevent_draft` cookie our app would set for this draft (see src/features/intake/draft-cookie.ts). */
export function draftCookie(id: string, secret: string): string {
  return `prevent_draft=${sign(`referral:${id}`, secret)}`;
}

/** Runs one query on the benchmark database and returns its rows. */
export async function query<T extends pg.QueryResultRow>(databaseUrl: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** `count` realistic-enough referrals received by e-mail over the last 60 days, unassigned; returns their references. */
export async function insertReferrals(databaseUrl: string, count: number): Promise<string[]> {
  const references = new Set<string>();
  while (references.size < count) {
    let r = '';
    for (let i = 0; i < 8; i++) r += REFERENCE_ALPHABET[Math.floor(Math.random() * REFERENCE_ALPHABET.length)];
    references.add(r);
  }
  const list = [...references];
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `WITH refs AS (SELECT unnest($1::text[]) AS reference, generate_subscripts($1::text[], 1) AS n),
       issued AS (INSERT INTO case_references (reference, kind) SELECT reference, 'referral' FROM refs RETURNING reference)
       INSERT INTO referrals (reference, source, received_at, person_full_name, person_dob, person_address_known,
         person_postcode, concern_text, concern_violence, person_aware, referrer_type, referrer_anonymous,
         referrer_name, referrer_email, answers)
       SELECT r.reference, 'email', now() - (r.n % 60) * interval '1 day' - (r.n % 1440) * interval '1 minute',
         'Person ' || r.n, date '2008-01-01' + (r.n % 3000), true, 'CA1 1AA',
         'Concern text for benchmark referral ' || r.n || repeat(' with some detail', 20), 'no', 'unknown',
         'public', false, 'Referrer ' || r.n, 'referrer' || r.n || '@example.test', '{"version":1}'::jsonb
       FROM refs r JOIN issued USING (reference)`,
      [list],
    );
    await client.query('VACUUM ANALYZE referrals');
    return list;
  } finally {
    await client.end();
  }
}

/** A Prevent officer with a signed-in session, made directly in the database; returns the `prevent_staff` cookie. */
export async function insertStaffSession(databaseUrl: string, secret: string): Promise<string> {
  const { createHash, randomBytes } = await import('node:crypto');
  const rawId = randomBytes(32).toString('base64url');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO staff_users (email, display_name, organisation_id)
       SELECT 'bench.officer@example.test', 'Bench Officer', id FROM organisations WHERE code = 'cumbria-police-prevent'
       RETURNING id`,
    );
    const userId = rows[0]!.id;
    await client.query(`INSERT INTO staff_roles (user_id, role) VALUES ($1, 'prevent_officer')`, [userId]);
    await client.query(
      `INSERT INTO staff_sessions (id_hash, user_id, stage, method, expires_at)
       VALUES ($1, $2, 'signed_in', 'password', now() + interval '12 hours')`,
      [createHash('sha256').update(rawId).digest('hex'), userId],
    );
    return `prevent_staff=${sign(rawId, secret)}`;
  } finally {
    await client.end();
  }
}
