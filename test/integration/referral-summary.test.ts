import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { engines } from '../helpers/engines.js';
import { useTestApp } from '../helpers/app.js';
import { FormClient } from '../helpers/client.js';
import { anonymousReferral, completeJourney, publicReferral } from '../helpers/journeys.js';
import { referrals } from '../../src/db/schema/index.js';
import { referralJourney } from '../../src/forms/referral/index.js';
import { activeConcernTypes, activeSectors } from '../../src/db/reference-data.js';
import { referralSummary, referralSummaryPdf } from '../../src/features/cases/referral-summary.js';
import { loadSite } from '../../src/config.js';

describe.each(engines)('referral summary for the team on %s', (engine) => {
  const t = useTestApp(engine);
  const site = loadSite();

  async function journey() {
    return referralJourney({
      concernTypes: await activeConcernTypes(t.database.db),
      sectors: await activeSectors(t.database.db),
      site,
    });
  }

  it('lists every answer the referrer gave, under the sections they saw, and none they did not', async () => {
    const reference = await completeJourney(new FormClient(t.app), '/refer', publicReferral);
    const [row] = await t.database.db.select().from(referrals).where(eq(referrals.reference, reference));
    const summary = referralSummary(await journey(), row!);
    expect(summary.reference).toBe(reference);
    expect(summary.source).toBe('Online form');
    const titles = summary.sections.map((s) => s.title);
    expect(titles).toEqual(['About you', 'About the person', 'Your concern']);
    const all = Object.fromEntries(summary.sections.flatMap((s) => s.rows.map((r) => [r.label, r.value])));
    expect(all['Their full name']).toBe('Jamie Example');
    expect(all['Their date of birth']).toBe('14 March 2009');
    expect(all['Postcode']).toBe('CA1 1AA');
    expect(all['Vulnerabilities or complex needs']).toBe('Mental health needs\nAutism, ADHD or other neurodivergence');
    expect(all['Your email address']).toBe('alex@example.org');
    expect(all).not.toHaveProperty('Your organisation'); // a professional's question, not on this path
  });

  it('renders a PDF, and nothing for an unknown reference', async () => {
    const reference = await completeJourney(new FormClient(t.app), '/refer', anonymousReferral);
    const pdf = await referralSummaryPdf(t.database.db, await journey(), site, reference);
    expect(pdf!.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await referralSummaryPdf(t.database.db, await journey(), site, 'ABCDEFGH')).toBeUndefined();
  });
});
