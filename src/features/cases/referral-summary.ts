import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { referrals } from '../../db/schema/index.js';
import type { Site } from '../../config.js';
import { route, type Journey } from '../../forms/journey.js';
import type { Values } from '../../forms/fields.js';
import { plainSections } from '../../forms/answers.js';
import { renderReferralSummaryPdf, type ReferralSummary } from './referral-summary-pdf.js';

const SOURCES: Record<string, string> = { online: 'Online form', email: 'Email', phone: 'Telephone', post: 'Post' };

/**
 * The team's summary of a submitted referral, built from the answers saved with it (and the questions as they were
 * asked), so it reads like the check-your-answers page the referrer saw.
 */
export function referralSummary(journey: Journey, row: typeof referrals.$inferSelect): ReferralSummary {
  const snapshot = row.answers as { values?: Values };
  const values = snapshot.values ?? {};
  const everyPage = [...journey.pages.keys()];
  const { pages } = route(journey, { values, completed: everyPage });
  return {
    reference: row.reference,
    receivedAt: row.receivedAt,
    source: SOURCES[row.source] ?? row.source,
    sections: plainSections(pages, values),
  };
}

/**
 * Renders the PDF summary of one referral, or undefined when there is none. The caller (a staff route, with its access
 * policy and its "consultation" log entry) decides who may have it.
 */
export async function referralSummaryPdf(
  db: Db,
  journey: Journey,
  site: Site,
  reference: string,
): Promise<Buffer | undefined> {
  const [row] = await db.select().from(referrals).where(eq(referrals.reference, reference));
  if (!row) return undefined;
  return renderReferralSummaryPdf(referralSummary(journey, row), site);
}
