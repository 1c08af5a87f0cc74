import type { Db } from '../../db/client.js';
import {
  isEarlier,
  measureEarlierReferrals,
  type LinkOfPair,
  type ProbeReferral,
  type ReferralPerson,
} from './queries.js';
import { SHOW_FROM, scoreCandidate, type Band } from './score.js';

/**
 * Possible earlier referrals of the same person (ADR 0016): the database finds and measures candidates (queries.ts),
 * score.ts weighs them, and this module ranks what an officer is shown. Nothing is merged or decided here: a link
 * exists only when an officer confirms it.
 */

export interface EarlierReferralCandidate extends ReferralPerson {
  /** Received before the referral being checked (links are stored from the later to the earlier). */
  earlier: boolean;
  score: number;
  band: Band;
  reasons: string[];
  link: LinkOfPair | null;
}

export interface EarlierReferrals {
  probe: ProbeReferral;
  candidates: EarlierReferralCandidate[];
}

/**
 * The referral and its possible other referrals of the same person, best first, each with a score (0–100), a band and
 * the reasons; those already decided are included with the decision. Null when the referral does not exist.
 */
export async function findEarlierReferralsWithProbe(
  db: Db,
  referralId: string,
  opts: { limit?: number } = {},
): Promise<EarlierReferrals | null> {
  const limit = opts.limit ?? 10;
  const measured = await measureEarlierReferrals(db, referralId);
  if (!measured) return null;
  const { probe, probeFacts } = measured;
  const candidates: EarlierReferralCandidate[] = [];
  for (const c of measured.candidates) {
    const m = scoreCandidate(probeFacts, c.facts, c.similarity);
    if (m.score < SHOW_FROM && !c.link) continue;
    candidates.push({ ...c.person, earlier: isEarlier(c.person, probe), ...m, link: c.link });
  }
  // Decided ones first (confirmed, then rejected), then by score, then the oldest first.
  const rank = (c: EarlierReferralCandidate) => (c.link?.status === 'confirmed' ? 0 : c.link ? 1 : 2);
  candidates.sort(
    (a, b) =>
      b.score - a.score || a.receivedAt.getTime() - b.receivedAt.getTime() || a.reference.localeCompare(b.reference),
  );
  const undecided = candidates.filter((c) => !c.link).slice(0, limit);
  const decided = candidates.filter((c) => c.link).sort((a, b) => rank(a) - rank(b));
  return { probe, candidates: [...decided, ...undecided] };
}

/**
 * Other referrals that may be of the same person as this one, ranked (score, band, reasons), at most `limit` not yet
 * decided, plus every one an officer has already confirmed or rejected (with the decision). Only ranks: never links.
 */
export async function findEarlierReferrals(
  db: Db,
  referralId: string,
  opts: { limit?: number } = {},
): Promise<EarlierReferralCandidate[]> {
  return (await findEarlierReferralsWithProbe(db, referralId, opts))?.candidates ?? [];
}
