import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/sql.js';
import { appendAccessLog } from '../../access-log/queries.js';

/**
 * Possible earlier referrals of the same person, and the officer's decisions about them (ADR 0016). The database finds
 * candidates through indexes (trigram similarity of the name keys, sound codes of the words, the same date of birth,
 * the same postcode) and measures them; src/features/earlier-referrals/score.ts weighs them. Nothing is merged or decided here:
 * a link exists only when an officer confirms it.
 */

/** How much of the probe's name must appear within someone's other names. */
const WORD_THRESHOLD = 0.6;
/** How many rows each way of finding candidates may bring (the best by similarity first, where that means something). */
const PER_BRANCH = 25;

/** One person as a referral describes them, with the keys the database computed (see migration 0008). */
export interface PersonFacts {
  fullName: string;
  otherNames: string | null;
  /** prevent_name_key(full name): lower case, no accents or punctuation, single spaces. */
  nameKey: string;
  /** prevent_name_key(other names) ('' when none). */
  otherNamesKey: string;
  /** prevent_name_token_sounds(full name): 'PRIMARY/ALTERNATIVE' Double Metaphone codes, one per word of nameKey. */
  tokenSounds: readonly string[];
  /** The same for the other names, one per word of otherNamesKey. */
  otherTokenSounds: readonly string[];
  /** YYYY-MM-DD. */
  dob: string | null;
  ageApprox: number | null;
  receivedAt: Date;
  /** prevent_postcode_key: upper case, no spaces. */
  postcodeKey: string | null;
}

export type LinkStatus = 'confirmed' | 'rejected';

export interface ReferralPerson {
  id: string;
  reference: string;
  receivedAt: Date;
  fullName: string;
  otherNames: string | null;
  dob: string | null;
  ageApprox: number | null;
  postcode: string | null;
  addressLine1: string | null;
  town: string | null;
}

export interface ProbeReferral extends ReferralPerson {
  isRepeat: boolean;
}

export interface LinkOfPair {
  status: LinkStatus;
  note: string | null;
  decidedAt: Date;
}

/** A possible earlier referral as the database measured it, before it is weighed (service.ts, score.ts). */
export interface MeasuredCandidate {
  person: ReferralPerson;
  facts: PersonFacts;
  /** Trigram similarity of the name keys and of the first address lines (0 when the probe has no address). */
  similarity: { name: number; address: number };
  /** The officer's decision about this pair, if any. */
  link: LinkOfPair | null;
}

interface PersonRow {
  id: string;
  reference: string;
  received_at: Date | string;
  person_full_name: string;
  person_other_names: string | null;
  dob: string | null;
  person_age_approx: number | null;
  person_postcode: string | null;
  person_address_line1: string | null;
  person_town: string | null;
  name_key: string;
  other_key: string;
  token_sounds: string[] | string;
  other_token_sounds: string[] | string;
  postcode_key: string | null;
}

interface ProbeRow extends PersonRow {
  is_repeat: boolean;
  address_key: string;
}

interface CandidateRow extends PersonRow {
  name_sim: number | string;
  address_sim: number | string;
  link_status: LinkStatus | null;
  link_note: string | null;
  link_decided_at: Date | string | null;
}

const PERSON_COLUMNS = sql`r.id::text as id, r.reference, r.received_at, r.person_full_name, r.person_other_names,
  r.person_dob::text as dob, r.person_age_approx, r.person_postcode, r.person_address_line1, r.person_town,
  public.prevent_name_key(r.person_full_name) as name_key, public.prevent_name_key(r.person_other_names) as other_key,
  public.prevent_name_token_sounds(r.person_full_name) as token_sounds,
  public.prevent_name_token_sounds(r.person_other_names) as other_token_sounds,
  public.prevent_postcode_key(r.person_postcode) as postcode_key`;

/** A text[] as either driver returns it (node-postgres and PGlite parse arrays; a literal string just in case). */
function textArray(value: string[] | string | null): string[] {
  if (!value) return [];
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',').map((v) => v.replace(/^"|"$/g, '')) : [];
}

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

function personOf(row: PersonRow): ReferralPerson {
  return {
    id: row.id,
    reference: row.reference,
    receivedAt: asDate(row.received_at),
    fullName: row.person_full_name,
    otherNames: row.person_other_names,
    dob: row.dob,
    ageApprox: row.person_age_approx === null ? null : Number(row.person_age_approx),
    postcode: row.person_postcode,
    addressLine1: row.person_address_line1,
    town: row.person_town,
  };
}

function factsOf(row: PersonRow): PersonFacts {
  return {
    fullName: row.person_full_name,
    otherNames: row.person_other_names,
    nameKey: row.name_key,
    otherNamesKey: row.other_key,
    tokenSounds: textArray(row.token_sounds),
    otherTokenSounds: textArray(row.other_token_sounds),
    dob: row.dob,
    ageApprox: row.person_age_approx === null ? null : Number(row.person_age_approx),
    receivedAt: asDate(row.received_at),
    postcodeKey: row.postcode_key,
  };
}

const textArrayParam = (values: readonly string[]): SQL =>
  values.length
    ? sql`array[${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )}]::text[]`
    : sql`'{}'::text[]`;

/** The other names as separate names ("Mo Khan, Mohammed Ali" → two), as people write them. */
export function splitOtherNames(otherNames: string | null): string[] {
  if (!otherNames) return [];
  return otherNames
    .split(/[,;/\n]|\s+(?:or|aka|a\.k\.a\.)\s+/i)
    .map((s) => s.trim())
    .filter((s) => s.length > 1)
    .slice(0, 3);
}

/** The referral being checked, with its keys; null when there is none. */
async function loadProbe(db: Db, referralId: string): Promise<ProbeRow | null> {
  const [row] = await queryRows<ProbeRow>(
    db,
    sql`select ${PERSON_COLUMNS}, r.is_repeat,
          coalesce(public.prevent_name_key(r.person_address_line1), '') as address_key
        from referrals r where r.id = ${referralId}::uuid`,
  );
  return row ?? null;
}

/**
 * The name "pairs" to look up (see prevent_name_pair in migration 0008): the sound of the first and last words, with
 * their alternative codes too, and for longer names the first with the last but one and the second with the last
 * (double-barrelled and middle names). Computed here from the words' codes exactly as the database computes its own.
 */
export function namePairs(nameKey: string, tokenSounds: readonly string[]): string[] {
  const words = nameKey ? nameKey.split(' ') : [];
  const usable: { primary: string; alt: string }[] = [];
  words.forEach((word, i) => {
    const [primary = '', alt = ''] = (tokenSounds[i] ?? '').split('/');
    if (word.length > 1 && primary) usable.push({ primary, alt: alt || primary });
  });
  if (usable.length === 0) return [];
  const pair = (a: string, b: string) => (a === b ? a : a < b ? `${a} ${b}` : `${b} ${a}`);
  const first = usable[0]!;
  const last = usable[usable.length - 1]!;
  if (usable.length === 1) return [...new Set([first.primary, first.alt])];
  const out = new Set<string>();
  for (const a of [first.primary, first.alt]) for (const b of [last.primary, last.alt]) out.add(pair(a, b));
  if (usable.length >= 3) {
    out.add(pair(first.primary, usable[usable.length - 2]!.primary));
    out.add(pair(usable[1]!.primary, last.primary));
  }
  return [...out].slice(0, 8);
}

/** Dates a date of birth may have been mistyped as: day and month swapped, one digit changed, two digits swapped. */
export function dobVariants(dob: string, today = new Date()): string[] {
  const out = new Set<string>([dob]);
  const valid = (s: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && d <= today && s >= '1900-01-01';
  };
  const [y, m, d] = dob.split('-');
  const swapped = `${y}-${d}-${m}`;
  if (valid(swapped)) out.add(swapped);
  const digits = dob.replace(/-/g, '');
  const asDob = (x: string) => `${x.slice(0, 4)}-${x.slice(4, 6)}-${x.slice(6, 8)}`;
  for (let i = 0; i < 8; i++) {
    for (let v = 0; v <= 9; v++) {
      const x = asDob(digits.slice(0, i) + String(v) + digits.slice(i + 1));
      if (valid(x)) out.add(x);
    }
    if (i < 7) {
      const x = asDob(digits.slice(0, i) + digits[i + 1]! + digits[i]! + digits.slice(i + 2));
      if (valid(x)) out.add(x);
    }
  }
  return [...out];
}

const dateArrayParam = (values: readonly string[]): SQL =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::date[]`;

/**
 * The union of every way of finding a candidate, each through an index and bringing at most PER_BRANCH rows: the same
 * name sound (first and last words, any order) with a date of birth that is the same or a typing slip away, or with no
 * date of birth; our name among someone's other names; our other names as someone's name; the same date of birth
 * (closest names first); the same postcode; and whatever an officer has already decided about this referral.
 */
function candidateIds(probe: ProbeRow): SQL {
  const id = sql`${probe.id}::uuid`;
  const branches: SQL[] = [];
  const pairs = namePairs(probe.name_key, textArray(probe.token_sounds));
  const pairMatch = pairs.length
    ? sql`public.prevent_name_pair(r.person_full_name) = any(${textArrayParam(pairs)})`
    : null;
  if (pairMatch && probe.dob) {
    // One index probe per (pair, date): the planner, left to itself, scans every row of a common name's pair and
    // filters the dates (thousands of rows for a common name in a million referrals).
    branches.push(sql`(select r.id from unnest(${textArrayParam(pairs)}) as p(pair)
        cross join unnest(${dateArrayParam(dobVariants(probe.dob))}) as d(dob)
        join referrals r on public.prevent_name_pair(r.person_full_name) = p.pair and r.person_dob = d.dob
        where r.id <> ${id}
        limit ${PER_BRANCH})`);
  }
  if (pairMatch) {
    branches.push(sql`(select r.id from referrals r
        where ${pairMatch} and ${probe.dob ? sql`r.person_dob is null` : sql`true`} and r.id <> ${id}
        limit ${PER_BRANCH})`);
  }
  if (probe.name_key) {
    // Our name among someone's other names.
    branches.push(sql`(select r.id from referrals r
        where r.person_other_names is not null
          and public.prevent_name_key(r.person_other_names) %> ${probe.name_key} and r.id <> ${id}
        limit ${PER_BRANCH})`);
  }
  // Our other names as someone's name.
  for (const alias of splitOtherNames(probe.person_other_names)) {
    branches.push(sql`(select r.id from referrals r
        where public.prevent_name_pair(r.person_full_name) = public.prevent_name_pair(${alias}) and r.id <> ${id}
        limit ${PER_BRANCH})`);
  }
  if (probe.dob) {
    const [y, m, d] = probe.dob.split('-');
    const dates = [probe.dob];
    if (m !== d && Number(d) <= 12) dates.push(`${y}-${d}-${m}`);
    branches.push(sql`(select r.id from referrals r
        where r.person_dob is not null and r.person_dob = any(${dateArrayParam(dates)}) and r.id <> ${id}
        order by similarity(lower(r.person_full_name), ${probe.person_full_name.toLowerCase()}) desc
        limit ${PER_BRANCH})`);
  }
  if (probe.postcode_key) {
    branches.push(sql`(select r.id from referrals r
        where r.person_postcode is not null and public.prevent_postcode_key(r.person_postcode) = ${probe.postcode_key}
          and r.id <> ${id}
        limit ${PER_BRANCH})`);
  }
  branches.push(sql`(select l.earlier_referral_id from referral_links l where l.referral_id = ${id})`);
  branches.push(sql`(select l.referral_id from referral_links l where l.earlier_referral_id = ${id})`);
  return sql.join(branches, sql` union `);
}

/**
 * The referral being checked and its candidates, found through the indexes and measured (name and address similarity,
 * the officer's earlier decisions), in one transaction. Null when the referral does not exist. Nothing is weighed here.
 */
export async function measureEarlierReferrals(
  db: Db,
  referralId: string,
): Promise<{ probe: ProbeReferral; probeFacts: PersonFacts; candidates: MeasuredCandidate[] } | null> {
  return db.transaction(async (tx) => {
    // For this transaction only: how much of our name must appear in someone's other names (the trigram index).
    await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', ${String(WORD_THRESHOLD)}, true)`);
    const probeRow = await loadProbe(tx as unknown as Db, referralId);
    if (!probeRow) return null;
    const rows = await queryRows<CandidateRow>(
      tx as unknown as Db,
      sql`with c as (${candidateIds(probeRow)})
          select ${PERSON_COLUMNS},
            similarity(public.prevent_name_key(r.person_full_name), ${probeRow.name_key}) as name_sim,
            case when ${probeRow.address_key} <> '' and r.person_address_line1 is not null
              then similarity(public.prevent_name_key(r.person_address_line1), ${probeRow.address_key}) else 0 end
              as address_sim,
            l.status as link_status, l.note as link_note, l.decided_at as link_decided_at
          from c join referrals r on r.id = c.id
          left join referral_links l
            on (l.referral_id = ${probeRow.id}::uuid and l.earlier_referral_id = r.id)
            or (l.referral_id = r.id and l.earlier_referral_id = ${probeRow.id}::uuid)
          where r.id <> ${probeRow.id}::uuid`,
    );
    return {
      probe: { ...personOf(probeRow), isRepeat: probeRow.is_repeat },
      probeFacts: factsOf(probeRow),
      candidates: rows.map((row) => ({
        person: personOf(row),
        facts: factsOf(row),
        similarity: { name: Number(row.name_sim), address: Number(row.address_sim) },
        link: row.link_status
          ? { status: row.link_status, note: row.link_note, decidedAt: asDate(row.link_decided_at!) }
          : null,
      })),
    };
  });
}

/** Which of two referrals came first (received time, then reference: a stable order for the same minute). */
export function isEarlier(
  a: { receivedAt: Date; reference: string },
  than: { receivedAt: Date; reference: string },
): boolean {
  const d = a.receivedAt.getTime() - than.receivedAt.getTime();
  return d < 0 || (d === 0 && a.reference < than.reference);
}

export interface LinkDecision {
  /** The referral the officer is working on. */
  referralId: string;
  /** The other referral (earlier or later: the link is stored from the later to the earlier). */
  earlierReferralId: string;
  status: LinkStatus;
  note: string | null;
  actor: { userId: string; organisationCode: string };
  /** The reason given to open the referral, if one was needed (the log's justification). */
  justification?: string | null;
}

export type DecideResult =
  { ok: true; linkedReference: string; isRepeat: boolean } | { ok: false; problem: 'not-found' | 'same-referral' };

/**
 * Records an officer's decision, in one transaction: the link (replacing an earlier decision about the same pair), the
 * later referral's "repeat" flag (true while it has a confirmed earlier referral), and the access-log entry: a
 * combination for a confirmation, an alteration for a rejection, naming the other referral by reference only.
 */
export async function decideLink(db: Db, d: LinkDecision): Promise<DecideResult> {
  if (d.referralId === d.earlierReferralId) return { ok: false, problem: 'same-referral' };
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const pair = await queryRows<{ id: string; reference: string; received_at: Date | string }>(
      t,
      sql`select id::text as id, reference, received_at from referrals
          where id in (${d.referralId}::uuid, ${d.earlierReferralId}::uuid) order by id for update`,
    );
    const self = pair.find((r) => r.id === d.referralId);
    const other = pair.find((r) => r.id === d.earlierReferralId);
    if (!self || !other) return { ok: false, problem: 'not-found' } as const;
    const selfFirst = isEarlier(
      { receivedAt: asDate(self.received_at), reference: self.reference },
      { receivedAt: asDate(other.received_at), reference: other.reference },
    );
    const later = selfFirst ? other : self;
    const earlier = selfFirst ? self : other;
    await t.execute(sql`insert into referral_links (referral_id, earlier_referral_id, status, note, decided_by)
        values (${later.id}::uuid, ${earlier.id}::uuid, ${d.status}, ${d.note}, ${d.actor.userId}::uuid)
        on conflict (referral_id, earlier_referral_id) do update
          set status = excluded.status, note = excluded.note, decided_by = excluded.decided_by, decided_at = now()`);
    await t.execute(sql`update referrals set is_repeat = exists (
          select 1 from referral_links l where l.referral_id = ${later.id}::uuid and l.status = 'confirmed')
        where id = ${later.id}::uuid`);
    await appendAccessLog(t, {
      action: d.status === 'confirmed' ? 'combination' : 'alteration',
      recordType: 'referral',
      recordId: self.id,
      reference: self.reference,
      actorType: 'staff',
      actorId: d.actor.userId,
      organisation: d.actor.organisationCode,
      channel: 'staff-web',
      justification: d.justification ?? null,
      detail: { linkedReference: other.reference, status: d.status },
    });
    const [repeat] = await queryRows<{ is_repeat: boolean }>(
      t,
      sql`select is_repeat from referrals where id = ${self.id}::uuid`,
    );
    return { ok: true, linkedReference: other.reference, isRepeat: repeat?.is_repeat === true } as const;
  });
}

export interface LinkedReferral {
  id: string;
  reference: string;
  receivedAt: Date;
  status: string;
  earlier: boolean;
  note: string | null;
  decidedAt: Date;
  decidedBy: string;
}

/** The referrals confirmed as the same person as this one (the history shown together), oldest first. */
export async function confirmedLinks(db: Db, referralId: string): Promise<LinkedReferral[]> {
  const rows = await queryRows<{
    id: string;
    reference: string;
    received_at: Date | string;
    status: string;
    earlier: boolean;
    note: string | null;
    decided_at: Date | string;
    decided_by: string;
  }>(
    db,
    sql`select r.id::text as id, r.reference, r.received_at, r.status, (l.earlier_referral_id = r.id) as earlier,
          l.note, l.decided_at, u.display_name as decided_by
        from referral_links l
        join referrals r on r.id = case when l.referral_id = ${referralId}::uuid then l.earlier_referral_id else l.referral_id end
        join staff_users u on u.id = l.decided_by
        where (l.referral_id = ${referralId}::uuid or l.earlier_referral_id = ${referralId}::uuid) and l.status = 'confirmed'
        order by r.received_at, r.reference`,
  );
  return rows.map((r) => ({
    id: r.id,
    reference: r.reference,
    receivedAt: asDate(r.received_at),
    status: r.status,
    earlier: r.earlier,
    note: r.note,
    decidedAt: asDate(r.decided_at),
    decidedBy: r.decided_by,
  }));
}

/** A referral's id by its reference (the other referral named in a link decision); null if there is none. */
export async function referralIdByReference(db: Db, reference: string): Promise<string | null> {
  if (!/^[2-9A-HJKMNP-Z]{8}$/.test(reference)) return null;
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`select id::text as id from referrals where reference = ${reference}`,
  );
  return row?.id ?? null;
}
