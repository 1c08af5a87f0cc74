import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { engines, openTestDatabase } from '../helpers/engines.js';
import { testApp } from '../helpers/app.js';
import { FormClient } from '../helpers/client.js';
import { publicReferral } from '../helpers/journeys.js';
import type { Database } from '../../src/db/client.js';

describe.each(engines.slice(0, 1))('Back links on %s', (engine) => {
  let database: Database;
  let app: FastifyInstance;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    ({ app } = await testApp(database));
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const backHref = (html: string) => /<a href="([^"]+)" class="govuk-back-link">/.exec(html)?.[1];

  it('every question page links back to the page before it on the path, and check answers to the last one', async () => {
    const client = new FormClient(app);
    await client.get('/refer');
    let page = await client.follow(await client.post('/refer/start'));
    expect(backHref(page.body)).toBe('/refer');
    let previous = page.url;
    while (page.url !== '/refer/check-answers') {
      const slug = page.url.slice('/refer/'.length);
      page = await client.follow(await client.post(`/refer/${slug}`, publicReferral[slug]!));
      expect(backHref(page.body), page.url).toBe(previous);
      previous = page.url;
    }
    const changing = await client.get('/refer/concern?change=1');
    expect(backHref(changing.body)).toBe('/refer/check-answers');
  });
});
