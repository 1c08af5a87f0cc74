import { describe, expect, it } from 'vitest';
import { engines } from '../helpers/engines.js';
import { useTestApp } from '../helpers/app.js';
import { FormClient } from '../helpers/client.js';
import { publicReferral } from '../helpers/journeys.js';

describe.each(engines.slice(0, 1))('Back links on %s', (engine) => {
  const t = useTestApp(engine, { reset: false });

  const backHref = (html: string) => /<a href="([^"]+)" class="govuk-back-link">/.exec(html)?.[1];

  it('every question page links back to the page before it on the path, and check answers to the last one', async () => {
    const client = new FormClient(t.app);
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
