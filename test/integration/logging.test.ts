import { describe, expect, it } from 'vitest';
import { engines } from '../helpers/engines.js';
import { FormClient } from '../helpers/client.js';
import { completeJourney, publicReferral } from '../helpers/journeys.js';
import { useLoggedApp } from '../helpers/logged-app.js';

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
