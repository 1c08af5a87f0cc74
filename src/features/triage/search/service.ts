import type { Db } from '../../../db/client.js';
import { findCases, searchKeys, SEARCH_TABLES, type SearchHit, type SearchTerms } from './queries.js';
import { listAccess, type Principal } from '../../../policies/index.js';

/**
 * Staff search: finds the referrals and advice requests that meet every term given among those the searcher may open
 * (the `staff.search` policy's list twin, which is `case.view`'s, applied in the query; cases that open only after a
 * reason come back marked), ranks them best first and says why each matched. Logging the search (the s.62 record with
 * its terms) is the route's job, through the registry.
 */

/** Results shown at most (more: the page asks to narrow the search). */
export const SHOW_AT_MOST = 50;

export type Reason =
  | 'Reference'
  | 'Same name'
  | 'Similar name'
  | 'Other name'
  | 'Same date of birth'
  | 'Similar date of birth'
  | 'Postcode'
  | 'Words in the concern'
  | 'Words in the question';

export interface SearchResult extends SearchHit {
  /** 'reason': the searcher will be asked why before the case opens. */
  access: 'allow' | 'reason';
  score: number;
  reasons: Reason[];
}

export type SearchOutcome =
  { ok: true; results: SearchResult[]; resultCount: number; more: boolean } | { ok: false; problem: 'text-no-words' };

/** The score (higher first) and the reasons in words. Pure: unit-tested. */
export function scoreHit(hit: SearchHit): { score: number; reasons: Reason[] } {
  const m = hit.match;
  const reasons: Reason[] = [];
  let score = 0;
  if (m.reference) {
    reasons.push('Reference');
    score += 100;
  }
  const similar = m.sameSound || m.nameSimilarity >= 0.4;
  const full = m.sameName ? 1 : similar ? 0.5 + 0.4 * m.nameSimilarity : 0.2 * m.nameSimilarity;
  const other = m.otherNameSimilarity * 0.85;
  if (m.sameName) reasons.push('Same name');
  else if (similar) reasons.push('Similar name');
  if (m.otherNameSimilarity >= 0.6) reasons.push('Other name');
  score += 40 * Math.max(full, other);
  if (m.sameDob) {
    reasons.push('Same date of birth');
    score += 30;
  } else if (m.closeDob) {
    reasons.push('Similar date of birth');
    score += 18;
  }
  if (m.postcode) {
    reasons.push('Postcode');
    score += 15;
  }
  if (m.text) {
    reasons.push(hit.recordType === 'advice' ? 'Words in the question' : 'Words in the concern');
    score += 10 + Math.min(10, m.textRank * 100);
  }
  return { score, reasons };
}

/** Best first; equal scores: the most recently received first, then by reference (a stable order). */
export function rank(results: SearchResult[]): SearchResult[] {
  return [...results].sort(
    (a, b) =>
      b.score - a.score || b.receivedAt.getTime() - a.receivedAt.getTime() || a.reference.localeCompare(b.reference),
  );
}

export async function searchCases(db: Db, principal: Principal, terms: SearchTerms): Promise<SearchOutcome> {
  const keys = await searchKeys(db, terms);
  if (terms.text && !keys.textHasWords) return { ok: false, problem: 'text-no-words' };
  const found = await findCases(db, terms, keys, listAccess('staff.search', principal, SEARCH_TABLES));
  const ranked = rank(found.hits.map((hit) => ({ ...hit, ...scoreHit(hit) })));
  return {
    ok: true,
    results: ranked.slice(0, SHOW_AT_MOST),
    resultCount: ranked.length,
    more: ranked.length > SHOW_AT_MOST || found.capped,
  };
}
