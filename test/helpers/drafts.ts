import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { fastifyCookie } from '@fastify/cookie';
import { loadSite } from '../../src/config.js';
import type { Db } from '../../src/db/client.js';
import { activeConcernTypes, activeSectors } from '../../src/db/reference-data.js';
import { drafts } from '../../src/db/schema/index.js';
import { DRAFT_COOKIE } from '../../src/features/intake/draft-cookie.js';
import { adviceJourney } from '../../src/forms/advice/index.js';
import { answerPage, applyAnswers, CHECK, type DraftAnswers, type Journey } from '../../src/forms/journey.js';
import { referralJourney } from '../../src/forms/referral/index.js';
import type { Answers } from './journeys.js';

/**
 * A factory for drafts: real draft rows, as a person's browser leaves them at "Check your answers", inserted directly
 * (as test/helpers/cases.ts does for cases) instead of posting every page over HTTP. The answers go through the
 * journey's own pages, in the order the journey leads, each validated as its route validates it (`answerPage`) and
 * recorded as its route records it (`applyAnswers`), so a draft made here is exactly what the pages would have saved.
 * Used where many people must be at "Check your answers" at once (the durability test's 210 clients).
 */

/** The journey as the app builds it (reference data from this database, the site's configuration). */
export async function journeyFor(db: Db, kind: 'referral' | 'advice'): Promise<Journey> {
  const ctx = { concernTypes: await activeConcernTypes(db), sectors: await activeSectors(db), site: loadSite() };
  return kind === 'referral' ? referralJourney(ctx) : adviceJourney(ctx);
}

/** The draft's answers after answering each page the journey leads to with `answers` (form fields, by page). */
export function draftAnswers(journey: Journey, answers: Answers): DraftAnswers {
  let draft: DraftAnswers = { values: {}, completed: [] };
  let slug = journey.firstSlug;
  for (let step = 0; slug !== CHECK; step++) {
    const page = journey.pages.get(slug);
    if (!page || step > journey.pages.size) throw new Error(`the answers do not lead to check-your-answers (${slug})`);
    const fields = answers[slug];
    if (!fields) throw new Error(`no answers for page ${slug}`);
    const { values, errors } = answerPage(page, fields);
    if (Object.keys(errors).length > 0) throw new Error(`page ${slug} refused the answers: ${JSON.stringify(errors)}`);
    draft = applyAnswers(page, draft, values);
    slug = page.next(draft.values);
  }
  return draft;
}

/** Inserts one draft (not submitted, live for a day) and returns its id. */
export async function insertDraft(db: Db, kind: 'referral' | 'advice', answers: DraftAnswers): Promise<string> {
  const id = randomUUID();
  await db.insert(drafts).values({ id, kind, answers, expiresAt: sql`now() + interval '1 day'` });
  return id;
}

/**
 * The `prevent_draft` cookie's value that points a browser at this draft, signed with the app's cookie secret (or its
 * `signCookie`, for an app in the test's own process).
 */
export function draftCookieValue(
  kind: 'referral' | 'advice',
  id: string,
  secret: string | ((value: string) => string),
): string {
  const value = `${kind}:${id}`;
  return typeof secret === 'string' ? fastifyCookie.sign(value, secret) : secret(value);
}

export { DRAFT_COOKIE };
