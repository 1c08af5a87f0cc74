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

/** The `prevent_draft` cookie our app would set for this draft (see src/lib/draft-cookie.ts). */
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
