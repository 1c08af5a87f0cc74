import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { engines, openTestDatabase } from '../helpers/engines.js';
import { testApp } from '../helpers/app.js';
import type { Database } from '../../src/db/client.js';

describe.each(engines.slice(0, 1))('security headers on %s', (engine) => {
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

  it.each(['/', '/what-is-prevent', '/refer', '/refer/immediate-danger', '/no-such-page', '/assets/build/app.css'])(
    '%s carries a strict policy',
    async (url) => {
      const res = await app.inject({ url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
    },
  );

  it('pages that may show answers are never stored', async () => {
    for (const url of ['/refer', '/advice', '/refer/immediate-danger', '/refer/check-answers']) {
      expect((await app.inject({ url })).headers['cache-control'], url).toBe('no-store');
    }
  });
});
