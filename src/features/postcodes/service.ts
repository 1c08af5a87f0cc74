import type { Db } from '../../db/client.js';
import { findPostcodeCouncils, listCouncils, type CouncilRow, type PostcodeCouncilRow } from './queries.js';

/**
 * Which council is responsible for a person, suggested from their postcode (domain.md §6; docs/adr/0017). Postcode
 * prefixes do not decide the council in Cumbria, so the answer is only ever a suggestion the officer confirms or
 * overrides:
 *
 * - `council`: the table names one council for the postcode's sector or district;
 * - `choose`: the district is split between councils (or the table is not sure): the officer chooses from `options`;
 * - `outside`: the table believes the postcode is outside Cumbria (the officer can still choose a council);
 * - `unknown`: no postcode, a postcode we cannot read, or one not in the table: the officer chooses.
 *
 * Usage: `const s = await suggestCouncil(db, referral.postcode)`, then preselect `s.organisation.id` when
 * `s.kind === 'council'`, otherwise offer `await listCouncils(db, { activeOnly: true })` (or `s.options`).
 */

export interface Council {
  id: string;
  code: string;
  name: string;
}

export type CouncilSuggestion =
  | { kind: 'council'; organisation: Council; prefix: string; note: string | null }
  | { kind: 'choose'; options: Council[]; prefix: string; note: string | null }
  | { kind: 'outside'; prefix: string; note: string | null }
  | { kind: 'unknown'; postcode: string | null };

/** A postcode read leniently: the full postcode when given, its sector when known, and its district. */
export interface ParsedPostcode {
  /** "CA4 9AA" (null when only a sector or district was given). */
  postcode: string | null;
  /** "CA4 9" (null when only a district was given). */
  sector: string | null;
  /** "CA4" */
  district: string;
}

const OUTWARD = '[A-Z]{1,2}[0-9][0-9A-Z]?';
const FULL = new RegExp(`^(${OUTWARD})([0-9])([A-Z]{2})$`);
const SECTOR = new RegExp(`^(${OUTWARD}) ([0-9])$`);
const DISTRICT = new RegExp(`^${OUTWARD}$`);
/** What the table's prefixes look like (the same rule as the database's CHECK). */
export const PREFIX_PATTERN = /^[A-Z]{1,2}[0-9][0-9A-Z]?( [0-9])?$/;

/**
 * Reads a UK postcode leniently: any case, any spaces ("ca49aa", " CA4  9AA "). A full postcode, or a sector with its
 * space ("CA4 9"), or a district alone ("CA4"); anything else is null. The format is checked, not whether the postcode
 * exists.
 */
export function parsePostcode(input: string | null | undefined): ParsedPostcode | null {
  if (typeof input !== 'string') return null;
  const text = input.trim().toUpperCase().replace(/\s+/g, ' ');
  if (!text || text.length > 20) return null;
  const full = FULL.exec(text.replace(/ /g, ''));
  if (full) {
    const [, district, digit, unit] = full;
    return { postcode: `${district} ${digit}${unit}`, sector: `${district} ${digit}`, district: district! };
  }
  const sector = SECTOR.exec(text);
  if (sector) return { postcode: null, sector: text, district: sector[1]! };
  if (DISTRICT.test(text)) return { postcode: null, sector: null, district: text };
  return null;
}

/** A full postcode in its usual form ("CA4 9AA"), or null. */
export function normalisePostcode(input: string | null | undefined): string | null {
  return parsePostcode(input)?.postcode ?? null;
}

/** The table's keys to try, most specific first: the sector, then the district. */
export function lookupKeys(parsed: ParsedPostcode): string[] {
  return parsed.sector ? [parsed.sector, parsed.district] : [parsed.district];
}

/** The row that answers: the sector's when the table has one, otherwise the district's. */
export function pickEntry<T extends { prefix: string }>(keys: readonly string[], rows: readonly T[]): T | undefined {
  for (const key of keys) {
    const row = rows.find((r) => r.prefix === key);
    if (row) return row;
  }
  return undefined;
}

/** Turns the matching row (if any) into the suggestion; `councils` are the active councils to choose from. */
export function suggestionFor(
  row: PostcodeCouncilRow | undefined,
  councils: readonly CouncilRow[],
  postcode: string | null,
): CouncilSuggestion {
  if (!row) return { kind: 'unknown', postcode };
  const options = councils.filter((c) => c.active).map(({ id, code, name }) => ({ id, code, name }));
  switch (row.kind) {
    case 'council':
      if (row.council?.active) {
        const { id, code, name } = row.council;
        return { kind: 'council', organisation: { id, code, name }, prefix: row.prefix, note: row.note };
      }
      // The table names a council that is no longer active: the officer chooses.
      return {
        kind: 'choose',
        options,
        prefix: row.prefix,
        note: `The table names ${row.council?.name ?? 'a council'}, which is no longer active.`,
      };
    case 'choose':
      return { kind: 'choose', options, prefix: row.prefix, note: row.note };
    case 'outside':
      return { kind: 'outside', prefix: row.prefix, note: row.note };
  }
}

/** The council suggested for a postcode (see the top of this file). Never throws on a bad postcode. */
export async function suggestCouncil(db: Db, postcode: string | null | undefined): Promise<CouncilSuggestion> {
  const parsed = parsePostcode(postcode);
  if (!parsed) return { kind: 'unknown', postcode: null };
  const keys = lookupKeys(parsed);
  const row = pickEntry(keys, await findPostcodeCouncils(db, keys));
  const needsOptions = row?.kind === 'choose' || (row?.kind === 'council' && !row.council?.active);
  const councils = needsOptions ? await listCouncils(db, { activeOnly: true }) : [];
  return suggestionFor(row, councils, parsed.postcode ?? parsed.sector ?? parsed.district);
}
