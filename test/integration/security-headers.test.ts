import { describe, expect, it } from 'vitest';
import { engines } from '../helpers/engines.js';
import { useTestApp } from '../helpers/app.js';

describe.each(engines.slice(0, 1))('security headers on %s', (engine) => {
  const t = useTestApp(engine, { reset: false });

  it.each(['/', '/what-is-prevent', '/refer', '/refer/immediate-danger', '/no-such-page', '/assets/build/app.css'])(
    '%s carries a strict policy',
    async (url) => {
      const res = await t.app.inject({ url });
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
      expect((await t.app.inject({ url })).headers['cache-control'], url).toBe('no-store');
    }
  });
});
