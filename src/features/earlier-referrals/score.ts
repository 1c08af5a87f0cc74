/**
 * Scoring of a possible earlier referral of the same person (ADR 0016). Pure functions: the database finds the
 * candidates and computes the name keys, sound codes and trigram similarities (src/features/earlier-referrals/queries.ts);
 * this module weighs them and says why, in words an officer can check. It only ranks: nothing here decides anything.
 */
import type { PersonFacts } from './queries.js';

export type { PersonFacts };

/** What the database measured between the two. */
export interface PairSimilarity {
  /** pg_trgm similarity of the two full-name keys. */
  name: number;
  /** pg_trgm similarity of the first lines of the address (0 when either is missing). */
  address: number;
}

export type Band = 'strong' | 'possible' | 'weak';

export interface MatchScore {
  /** 0 to 100. */
  score: number;
  band: Band;
  reasons: string[];
}

/** Below this a candidate is not shown at all. */
export const SHOW_FROM = 25;
export const STRONG_FROM = 70;
export const POSSIBLE_FROM = 45;

const WEIGHTS = { name: 0.55, dob: 0.3, place: 0.15 } as const;

export function bandOf(score: number): Band {
  if (score >= STRONG_FROM) return 'strong';
  if (score >= POSSIBLE_FROM) return 'possible';
  return 'weak';
}

// ---------------------------------------------------------------------------------------------------------------------
// Names

/** pg_trgm's trigrams of one word: padded with two spaces in front and one behind. */
export function wordTrigrams(word: string): Set<string> {
  const padded = `  ${word} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

/** pg_trgm's similarity of two single words (shared trigrams over all trigrams). */
export function wordSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const ta = wordTrigrams(a);
  const tb = wordTrigrams(b);
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / (ta.size + tb.size - shared);
}

type TokenHow = 'same' | 'sound' | 'spelling' | 'initial';
interface TokenMatch {
  p: number;
  c: number;
  q: number;
  how: TokenHow;
}

function codesOf(sounds: readonly string[], i: number): string[] {
  return (sounds[i] ?? '').split('/').filter((c) => c.length > 0);
}

/** How well one word matches another: the same, sounds alike (Double Metaphone), spelt alike (trigrams), an initial. */
export function tokenMatch(
  a: string,
  b: string,
  aCodes: readonly string[],
  bCodes: readonly string[],
): { q: number; how: TokenHow } | null {
  if (a === b) return { q: 1, how: 'same' };
  if (a.length === 1 || b.length === 1) {
    return a[0] === b[0] ? { q: 0.5, how: 'initial' } : null;
  }
  const spelling = wordSimilarity(a, b);
  const sound = aCodes.some((c) => bCodes.includes(c)) ? 0.85 : 0;
  if (sound === 0 && spelling < 0.45) return null;
  return sound >= spelling ? { q: sound, how: 'sound' } : { q: spelling, how: 'spelling' };
}

/** Lines up the words of two names, best pairs first, each word used once. */
function alignTokens(
  p: readonly string[],
  pSounds: readonly string[],
  c: readonly string[],
  cSounds: readonly string[],
): TokenMatch[] {
  const pairs: TokenMatch[] = [];
  for (let i = 0; i < p.length; i++)
    for (let j = 0; j < c.length; j++) {
      const m = tokenMatch(p[i]!, c[j]!, codesOf(pSounds, i), codesOf(cSounds, j));
      if (m) pairs.push({ p: i, c: j, ...m });
    }
  // Best first; among equals, the pair in the same position (so "Ali Ali" lines up in order).
  pairs.sort((x, y) => y.q - x.q || Math.abs(x.p - x.c) - Math.abs(y.p - y.c));
  const usedP = new Set<number>();
  const usedC = new Set<number>();
  const chosen: TokenMatch[] = [];
  for (const m of pairs) {
    if (usedP.has(m.p) || usedC.has(m.c)) continue;
    usedP.add(m.p);
    usedC.add(m.c);
    chosen.push(m);
  }
  return chosen;
}

export interface NameComparison {
  /** 0 to 1. */
  score: number;
  reasons: string[];
}

const tokensOf = (key: string) => (key ? key.split(' ') : []);

/**
 * Compares the full names word by word (so that the order, hyphens and spelling variants matter less), takes the
 * better of that and the database's trigram similarity, and also tries each name against the other's other names.
 */
export function compareNames(probe: PersonFacts, cand: PersonFacts, trigramSimilarity: number): NameComparison {
  const p = tokensOf(probe.nameKey);
  const c = tokensOf(cand.nameKey);
  const reasons: string[] = [];
  if (p.length === 0 || c.length === 0) return { score: 0, reasons };

  const matches = alignTokens(p, probe.tokenSounds, c, cand.tokenSounds);
  const total = matches.reduce((s, m) => s + m.q, 0);
  const small = Math.min(p.length, c.length);
  const large = Math.max(p.length, c.length);
  const tokenScore = 0.5 * (total / small) + 0.5 * (total / large);
  let score = Math.max(tokenScore, trigramSimilarity);

  const allSmallMatched = matches.length === small && matches.every((m) => m.q >= 0.5);
  const exact = probe.nameKey === cand.nameKey;
  const sameWords = !exact && p.length === c.length && [...p].sort().join(' ') === [...c].sort().join(' ');
  const swapped =
    !exact &&
    p.length >= 2 &&
    c.length >= 2 &&
    matches.some((m) => m.p === 0 && m.c === c.length - 1 && m.q >= 0.7) &&
    matches.some((m) => m.p === p.length - 1 && m.c === 0 && m.q >= 0.7);
  const bySound = matches.filter((m) => m.how === 'sound');
  const longer = allSmallMatched && large > small && small >= 1;

  if (exact) reasons.push(`Same name: ${cand.fullName}`);
  else if (sameWords || swapped) reasons.push(`Names in the other order: ${cand.fullName}`);
  if (!exact && bySound.length > 0 && score >= 0.5) {
    const words = bySound.map((m) => `${c[m.c]} / ${p[m.p]}`).join(', ');
    reasons.push(`Sounds like the same name (${words}): ${cand.fullName}`);
  }
  if (!exact && longer && score >= 0.5)
    reasons.push(`Part of a longer or double-barrelled name matches: ${cand.fullName}`);
  if (reasons.length === 0 && score >= 0.4) reasons.push(`Similar name: ${cand.fullName}`);

  // Other names ("also known as"), both ways: every word of one name found among the other's other names.
  const theirs = aliasScore(p, probe.tokenSounds, tokensOf(cand.otherNamesKey), cand.otherTokenSounds);
  const ours = aliasScore(c, cand.tokenSounds, tokensOf(probe.otherNamesKey), probe.otherTokenSounds);
  const alias = Math.max(theirs, ours);
  if (alias >= 0.6 && alias > score - 0.05) {
    reasons.push(
      theirs >= ours
        ? `Other name matches: ${cand.otherNames ?? ''}`
        : `Matches this referral’s other name: ${cand.fullName}`,
    );
  }
  score = Math.max(score, alias);
  return { score: Math.min(1, score), reasons };
}

/** How much of `name` is found among `pool` (someone's other names, possibly several): the share of its words matched. */
function aliasScore(
  name: readonly string[],
  nameSounds: readonly string[],
  pool: readonly string[],
  poolSounds: readonly string[],
): number {
  if (name.length === 0 || pool.length === 0) return 0;
  const matches = alignTokens(name, nameSounds, pool, poolSounds);
  return (0.95 * matches.reduce((s, m) => s + m.q, 0)) / name.length;
}

// ---------------------------------------------------------------------------------------------------------------------
// Dates of birth and ages

export type DobRelation =
  'same' | 'day-month-swapped' | 'one-digit' | 'digits-transposed' | 'same-year-month' | 'same-year' | 'different';

/** How two dates of birth (YYYY-MM-DD) relate, typing slips included. */
export function compareDob(a: string, b: string): DobRelation {
  if (a === b) return 'same';
  const [ay, am, ad] = a.split('-');
  const [by, bm, bd] = b.split('-');
  if (ay === by && am === bd && ad === bm) return 'day-month-swapped';
  const da = a.replace(/-/g, '');
  const db = b.replace(/-/g, '');
  const diff: number[] = [];
  for (let i = 0; i < da.length; i++) if (da[i] !== db[i]) diff.push(i);
  if (diff.length === 1) return 'one-digit';
  if (diff.length === 2 && diff[1] === diff[0]! + 1 && da[diff[0]!] === db[diff[1]!] && da[diff[1]!] === db[diff[0]!])
    return 'digits-transposed';
  if (ay === by && am === bm) return 'same-year-month';
  if (ay === by) return 'same-year';
  return 'different';
}

/** Whole years between a date of birth and a day. */
export function ageOn(dob: string, on: Date): number {
  const [y, m, d] = dob.split('-').map(Number) as [number, number, number];
  const onY = on.getUTCFullYear();
  const before = on.getUTCMonth() + 1 < m || (on.getUTCMonth() + 1 === m && on.getUTCDate() < d);
  return onY - y - (before ? 1 : 0);
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

interface Part {
  value: number;
  reason?: string;
}

export function compareBirth(probe: PersonFacts, cand: PersonFacts): Part {
  if (probe.dob && cand.dob) {
    switch (compareDob(probe.dob, cand.dob)) {
      case 'same':
        return { value: 1, reason: 'Same date of birth' };
      case 'day-month-swapped':
        return { value: 0.75, reason: 'Date of birth with the day and month swapped' };
      case 'one-digit':
        return { value: 0.7, reason: 'Date of birth one digit different' };
      case 'digits-transposed':
        return { value: 0.65, reason: 'Date of birth with two digits swapped' };
      case 'same-year-month':
        return { value: 0.4, reason: 'Same month and year of birth' };
      case 'same-year':
        return { value: 0.1 };
      default:
        return { value: -0.5 };
    }
  }
  // One date of birth and one approximate age: does the age fit the date at the time it was given?
  const withDob = probe.dob ? probe : cand.dob ? cand : null;
  const withAge = withDob === probe ? cand : probe;
  if (withDob?.dob && withAge.ageApprox !== null) {
    const fits = Math.abs(ageOn(withDob.dob, withAge.receivedAt) - withAge.ageApprox) <= 2;
    return fits ? { value: 0.3, reason: 'Approximate age fits the date of birth' } : { value: -0.3 };
  }
  if (probe.ageApprox !== null && cand.ageApprox !== null) {
    const years = (probe.receivedAt.getTime() - cand.receivedAt.getTime()) / YEAR_MS;
    const fits = Math.abs(probe.ageApprox - (cand.ageApprox + years)) <= 2;
    return fits ? { value: 0.2, reason: 'Similar approximate age' } : { value: -0.2 };
  }
  return { value: 0 };
}

// ---------------------------------------------------------------------------------------------------------------------
// Places

/** The outward code of a postcode key ('CA11AB' → 'CA1'). */
export function outwardCode(key: string): string {
  return key.length > 3 ? key.slice(0, -3) : key;
}

export function comparePlace(probe: PersonFacts, cand: PersonFacts, addressSimilarity: number): Part {
  const pc = probe.postcodeKey;
  const cc = cand.postcodeKey;
  if (pc && cc && pc === cc) return { value: 1, reason: 'Same postcode' };
  if (pc && cc && outwardCode(pc) === outwardCode(cc)) {
    if (addressSimilarity >= 0.5)
      return { value: 0.8, reason: `Same postcode district (${outwardCode(cc)}) and similar address` };
    return { value: 0.2, reason: `Same postcode district (${outwardCode(cc)})` };
  }
  if (addressSimilarity >= 0.6 && !(pc && cc)) return { value: 0.6, reason: 'Similar address' };
  return { value: 0 };
}

// ---------------------------------------------------------------------------------------------------------------------

/** The score of one candidate (0–100), its band and the reasons, name first. */
export function scoreCandidate(probe: PersonFacts, cand: PersonFacts, sim: PairSimilarity): MatchScore {
  const name = compareNames(probe, cand, sim.name);
  const birth = compareBirth(probe, cand);
  const place = comparePlace(probe, cand, sim.address);
  const raw = WEIGHTS.name * name.score + WEIGHTS.dob * birth.value + WEIGHTS.place * place.value;
  const score = Math.max(0, Math.min(100, Math.round(raw * 100)));
  const reasons = [...name.reasons];
  if (birth.reason) reasons.push(birth.reason);
  if (place.reason) reasons.push(place.reason);
  return { score, band: bandOf(score), reasons };
}
