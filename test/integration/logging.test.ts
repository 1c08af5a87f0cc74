import { describe, expect, it } from 'vitest';
import { engines } from '../helpers/engines.js';
import { FormClient } from '../helpers/client.js';
import { completeJourney, publicReferral } from '../helpers/journeys.js';
import { useLoggedApp } from '../helpers/logged-app.js';
import { loggablePath } from '../../src/lib/logger.js';

describe.each(engines.slice(0, 1))('logs on %s', (engine) => {
  const t = useLoggedApp(engine);
  const lines = t.lines;

  it('hold no personal data: no answers, no e-mail addresses, no IP addresses, no cookies', async () => {
    await completeJourney(new FormClient(t.app), '/refer', publicReferral);
    // The numbers pino and Fastify add (clock, pid, response time) are left out: their digits could spell "2009".
    const log = lines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const { time: _time, pid: _pid, responseTime: _rt, ...rest } = JSON.parse(line) as Record<string, unknown>;
        return JSON.stringify(rest);
      })
      .join('\n');
    expect(lines.length).toBeGreaterThan(20);
    for (const fields of Object.values(publicReferral)) {
      for (const v of Object.values(fields).flat()) {
        if (v.length > 3 && !['male', 'email', 'public', 'not-sure'].includes(v)) expect(log).not.toContain(v);
      }
    }
    expect(log).not.toContain('127.0.0.1');
    expect(log).not.toContain('remoteAddress');
    expect(log).not.toContain('prevent_draft=');
    expect(log).toContain('"path":"/refer/check-answers"');
  });
});

/**
 * Single-use tokens (password-reset links, the referrer's re-contact links) never reach the log: mail link scanners send
 * HEAD, people mistype addresses, and framework refusals log before any route runs. Security review, item 5.
 */
describe.each(engines.slice(0, 1))('single-use tokens in the log on %s', (engine) => {
  const t = useLoggedApp(engine);
  const TOKEN = 'Zq9xTokenValue4f1e2d3c';

  const attempts: [string, string][] = [];
  for (const base of ['/staff/password-reset/', '/referral-update/']) {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH'])
      attempts.push([method, base + TOKEN]);
    attempts.push(['GET', `${base}${TOKEN}/extra/segments`]);
    attempts.push(['GET', `${base}${TOKEN}%zz`]);
    attempts.push(['GET', `${base}${TOKEN}%E0%A4%A`]);
    attempts.push(['GET', `${base}${TOKEN}?x=1`]);
    attempts.push(['GET', `${base.toUpperCase()}${TOKEN}`]);
    attempts.push(['GET', `/${base}${TOKEN}`]);
    attempts.push(['GET', `${base.replace('-', '%2D')}${TOKEN}`]);
    attempts.push(['GET', `${base.slice(0, -1)}%2F${TOKEN}`]);
    attempts.push(['GET', `/nothing/..${base}${TOKEN}`]);
    attempts.push(['GET', `${base}${'x'.repeat(200)}${TOKEN}`]);
  }

  it.each(attempts)('%s %s: the token is not written, whatever the answer', async (method, url) => {
    t.lines.length = 0;
    const res = await t.app.inject({ method: method as 'GET', url });
    expect(res.statusCode).toBeGreaterThanOrEqual(200);
    const log = t.lines.join('');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain(TOKEN.toLowerCase());
  });

  it('covers every route with a :token parameter', () => {
    // printRoutes draws a tree of path parts (4 characters a level): put each route's full path back together.
    const routes: string[] = [];
    const parts: string[] = [];
    for (const line of t.app.printRoutes().split('\n')) {
      const m = /^([\s│├└─]*)(\S+)/.exec(line);
      if (!m) continue;
      const depth = Math.floor(m[1]!.length / 4);
      parts.length = depth;
      parts[depth] = m[2]!;
      const path = parts.join('');
      if (path.includes(':token') && / \(/.test(line)) routes.push(path);
    }
    expect(routes.length).toBeGreaterThanOrEqual(2);
    for (const route of routes) expect(loggablePath(route.replace(':token', TOKEN)), route).not.toContain(TOKEN);
  });

  it('keeps other paths as they are, without their query string', () => {
    expect(loggablePath('/staff/password-reset')).toBe('/staff/password-reset');
    expect(loggablePath('/refer/check-answers?a=b')).toBe('/refer/check-answers');
    expect(loggablePath(`/staff/password-reset/${TOKEN}`)).toBe('/staff/password-reset/[token]');
  });
});
