import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { CASE_ALIASES } from '../../../db/case-aliases.js';
import { queryRows } from '../../../db/sql.js';
import { dobVariants, namePairs } from '../../earlier-referrals/queries.js';
import type { CaseListAccess, RowAccess } from '../../../policies/index.js';

/**
 * Staff search (src/features/triage/search/service.ts): finds referrals and advice requests through indexes. Every field given
 * must match (adding a field narrows the search). Names are matched with the keys of migration 0008 (ADR 0016): the
 * same name after normalising, the same sound (Double Metaphone of the first and last words, any order, through the
 * name-pair index), someone's other names (trigram word similarity, through the GIN index), and, when a date of birth
 * or another field already narrows the rows, trigram similarity of the whole name. Dates of birth exactly, or with the
 * earlier-referral finder's typing slips. Postcodes by their key (full, sector or district). Words in the concern (or an
 * advice request's question) by PostgreSQL full-text search. Nothing here knows who is searching: the service passes
 * the `staff.search` policy's list twin (src/policies/cases.ts), which every branch applies with its other conditions
 * (so the caps count only cases the searcher may see) and which marks the cases that open only after a reason.
 */

/** The case tables as the search's SQL names them (`r`, `a`): the policy's twin is built on these. */
export const SEARCH_TABLES = CASE_ALIASES;

/** Rows each way of finding candidates may bring (more than that: the page asks to narrow the search). */
export const BRANCH_CAP = 60;
/** Trigram similarity of whole names counted as a similar name (only where other fields narrow the rows). */
export const NAME_SIMILARITY = 0.4;
/** How much of the searched name must appear within someone's other names (pg_trgm's default word threshold). */
export const OTHER_NAME_SIMILARITY = 0.6;

export type PostcodeTerm =
  | { kind: 'full'; key: string; outward: string }
  | { kind: 'sector'; key: string; outward: string; sector: string }
  | { kind: 'district'; key: string; outward: string };

/** What to search for, already validated and normalised (src/features/triage/search/view-model.ts). */
export interface SearchTerms {
  /** 8 characters, upper case. */
  reference?: string;
  name?: string;
  /** YYYY-MM-DD. */
  dob?: string;
  /** Also the typing slips of the date (day and month swapped, one digit changed, two digits swapped). */
  dobClose?: boolean;
  postcode?: PostcodeTerm;
  text?: string;
}

/** One referral or advice request found, with what matched. */
export interface SearchHit {
  recordType: 'referral' | 'advice';
  id: string;
  reference: string;
  receivedAt: Date;
  status: string;
  fullName: string | null;
  otherNames: string | null;
  dob: string | null;
  ageApprox: number | null;
  postcode: string | null;
  match: {
    reference: boolean;
    /** The same name after normalising. */
    sameName: boolean;
    /** The same sound (name pair) or a similar spelling (trigram similarity of the name keys, 0–1). */
    sameSound: boolean;
    nameSimilarity: number;
    /** Word similarity of the searched name within the other names (0–1). */
    otherNameSimilarity: number;
    sameDob: boolean;
    closeDob: boolean;
    postcode: boolean;
    /** Full-text rank (0 when no words were searched). */
    textRank: number;
    text: boolean;
  };
}

/** A hit the searcher may open: directly, or after giving a reason (the results mark those). */
export type FoundHit = SearchHit & { access: 'allow' | 'reason' };

export interface SearchFound {
  hits: FoundHit[];
  /** A way of finding candidates brought as many rows as it may: there are probably more than those found. */
  capped: boolean;
}

/** The searched name's keys, and whether the words give a full-text query at all (not only "the", "and"…). */
export interface SearchKeys {
  nameKey: string;
  pairs: string[];
  textHasWords: boolean;
}

export async function searchKeys(db: Db, terms: SearchTerms): Promise<SearchKeys> {
  if (!terms.name && !terms.text) return { nameKey: '', pairs: [], textHasWords: false };
  const [row] = await queryRows<{ key: string | null; sounds: string[] | string | null; words: number | null }>(
    db,
    sql`select ${terms.name ? sql`public.prevent_name_key(${terms.name})` : sql`null::text`} as key,
          ${terms.name ? sql`public.prevent_name_token_sounds(${terms.name})` : sql`null::text[]`} as sounds,
          ${terms.text ? sql`numnode(websearch_to_tsquery('english', ${terms.text}))` : sql`null::int`} as words`,
  );
  const nameKey = row?.key ?? '';
  return {
    nameKey,
    pairs: nameKey ? namePairs(nameKey, textArray(row?.sounds ?? null)) : [],
    textHasWords: Number(row?.words ?? 0) > 0,
  };
}

/** A text[] as either driver returns it. */
function textArray(value: string[] | string | null): string[] {
  if (!value) return [];
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',').map((v) => v.replace(/^"|"$/g, '')) : [];
}

const textArrayParam = (values: readonly string[]): SQL =>
  values.length
    ? sql`array[${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )}]::text[]`
    : sql`'{}'::text[]`;

const dateArrayParam = (values: readonly string[]): SQL =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::date[]`;

/** The dates a date of birth term stands for (itself, or with its typing slips). */
export function searchedDates(terms: SearchTerms, today = new Date()): string[] {
  if (!terms.dob) return [];
  return terms.dobClose ? dobVariants(terms.dob, today) : [terms.dob];
}

const NAME_KEY = sql`public.prevent_name_key(r.person_full_name)`;
const NAME_PAIR = sql`public.prevent_name_pair(r.person_full_name)`;
const OTHER_KEY = sql`public.prevent_name_key(r.person_other_names)`;
const POSTCODE_KEY = sql`public.prevent_postcode_key(r.person_postcode)`;
const CONCERN_TSV = sql`to_tsvector('english', r.concern_text)`;
const QUESTION_TSV = sql`to_tsvector('english', a.question)`;

type Field = 'reference' | 'name' | 'dob' | 'postcode' | 'text';

/** Conditions on one referral row (`r`) for each field searched. */
function referralFilters(terms: SearchTerms, keys: SearchKeys, dates: string[]): Partial<Record<Field, SQL>> {
  const f: Partial<Record<Field, SQL>> = {};
  if (terms.reference) f.reference = sql`r.reference = ${terms.reference}`;
  if (terms.name) {
    const pairs = keys.pairs.length ? sql`${NAME_PAIR} = any(${textArrayParam(keys.pairs)}) or ` : sql``;
    f.name = sql`(${pairs}${NAME_KEY} = ${keys.nameKey}
      or (r.person_other_names is not null and word_similarity(${keys.nameKey}, ${OTHER_KEY}) >= ${OTHER_NAME_SIMILARITY})
      or similarity(${NAME_KEY}, ${keys.nameKey}) >= ${NAME_SIMILARITY})`;
  }
  if (terms.dob) f.dob = sql`r.person_dob = any(${dateArrayParam(dates)})`;
  if (terms.postcode) f.postcode = postcodeFilter(terms.postcode);
  if (terms.text) f.text = sql`${CONCERN_TSV} @@ websearch_to_tsquery('english', ${terms.text})`;
  return f;
}

function postcodeFilter(p: PostcodeTerm): SQL {
  if (p.kind === 'full') return sql`(r.person_postcode is not null and ${POSTCODE_KEY} = ${p.key})`;
  // Every postcode's inward part is three characters (a digit and two letters): the rest is the district.
  const district = sql`left(${POSTCODE_KEY}, -3) = ${p.outward}`;
  // A range on the key first, so that the postcode index finds the rows; the exact test after it.
  const range = sql`${POSTCODE_KEY} >= ${p.outward} and ${POSTCODE_KEY} < ${`${p.outward}~`}`;
  if (p.kind === 'district') return sql`(r.person_postcode is not null and ${range} and ${district})`;
  return sql`(r.person_postcode is not null and ${range} and ${district}
    and substr(${POSTCODE_KEY}, length(${POSTCODE_KEY}) - 2, 1) = ${p.sector})`;
}

const all = (conditions: (SQL | undefined)[]): SQL => {
  const list = conditions.filter((c): c is SQL => c !== undefined);
  return list.length ? sql.join(list, sql` and `) : sql`true`;
};

/**
 * The ways of finding referral candidates, each through an index and bringing at most BRANCH_CAP + 1 rows that meet
 * every other condition. Which index drives depends on the fields given, most selective first: the reference; the name
 * with the date of birth (one probe of the name-pair index per pair and date); the date of birth; a full postcode; the
 * name; the words of the concern; a postcode district or sector.
 */
function referralBranches(terms: SearchTerms, keys: SearchKeys, dates: string[], shared: SQL): SQL[] {
  const f = referralFilters(terms, keys, dates);
  const except = (...fields: Field[]) =>
    all([...(Object.keys(f) as Field[]).filter((k) => !fields.includes(k)).map((k) => f[k]), shared]);
  const limit = sql`limit ${BRANCH_CAP + 1}`;
  const branch = (n: number, body: SQL) => sql`(select r.id, ${n}::int as b ${body} ${limit})`;
  if (terms.reference) return [branch(1, sql`from referrals r where ${f.reference} and ${except('reference')}`)];
  if (terms.name && terms.dob) {
    const rest = except('name', 'dob');
    const out: SQL[] = [];
    if (keys.pairs.length) {
      out.push(
        branch(
          2,
          sql`from unnest(${textArrayParam(keys.pairs)}) as p(pair)
            cross join unnest(${dateArrayParam(dates)}) as d(dob)
            join referrals r on ${NAME_PAIR} = p.pair and r.person_dob = d.dob where ${rest}`,
        ),
      );
    }
    out.push(
      branch(
        3,
        sql`from referrals r where r.person_other_names is not null and ${OTHER_KEY} %> ${keys.nameKey}
          and word_similarity(${keys.nameKey}, ${OTHER_KEY}) >= ${OTHER_NAME_SIMILARITY}
          and r.person_dob = any(${dateArrayParam(dates)}) and ${rest}`,
      ),
    );
    // Similar spellings the sounds miss, among the people born that very day (a few hundred rows in a million); with
    // the typing slips too only when the name has no sound to look up (names in other scripts).
    const sameDay = keys.pairs.length ? [terms.dob!] : dates;
    out.push(
      branch(
        4,
        sql`from referrals r where r.person_dob = any(${dateArrayParam(sameDay)})
          and (${NAME_KEY} = ${keys.nameKey} or similarity(${NAME_KEY}, ${keys.nameKey}) >= ${NAME_SIMILARITY})
          and ${rest}`,
      ),
    );
    return out;
  }
  if (terms.dob) return [branch(5, sql`from referrals r where ${f.dob} and ${except('dob')}`)];
  if (terms.postcode?.kind === 'full') {
    return [branch(6, sql`from referrals r where ${f.postcode} and ${except('postcode')}`)];
  }
  if (terms.name) {
    const rest = except('name');
    const out: SQL[] = [];
    if (keys.pairs.length) {
      // The same name first (a common name's sound brings thousands of rows; these must not be left out)…
      out.push(
        branch(
          7,
          sql`from referrals r where ${NAME_PAIR} = any(${textArrayParam(keys.pairs)}) and ${NAME_KEY} = ${keys.nameKey}
            and ${rest}`,
        ),
      );
      // …then the same sound.
      out.push(branch(8, sql`from referrals r where ${NAME_PAIR} = any(${textArrayParam(keys.pairs)}) and ${rest}`));
    } else {
      out.push(branch(7, sql`from referrals r where ${NAME_KEY} = ${keys.nameKey} and ${rest}`));
    }
    out.push(
      branch(
        9,
        sql`from referrals r where r.person_other_names is not null and ${OTHER_KEY} %> ${keys.nameKey}
          and word_similarity(${keys.nameKey}, ${OTHER_KEY}) >= ${OTHER_NAME_SIMILARITY} and ${rest}`,
      ),
    );
    return out;
  }
  if (terms.text) return [branch(10, sql`from referrals r where ${f.text} and ${except('text')}`)];
  if (terms.postcode) return [branch(11, sql`from referrals r where ${f.postcode} and ${except('postcode')}`)];
  return [];
}

interface ReferralRow {
  id: string;
  reference: string;
  received_at: Date | string;
  status: string;
  person_full_name: string;
  person_other_names: string | null;
  dob: string | null;
  person_age_approx: number | string | null;
  person_postcode: string | null;
  same_name: boolean | null;
  same_sound: boolean | null;
  name_sim: number | string | null;
  other_sim: number | string | null;
  same_dob: boolean | null;
  close_dob: boolean | null;
  text_rank: number | string | null;
  capped: boolean | null;
  needs_reason: boolean | string | null;
}

interface AdviceRow {
  id: string;
  reference: string;
  received_at: Date | string;
  status: string;
  text_rank: number | string | null;
  capped: boolean | null;
  needs_reason: boolean | string | null;
}

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));
const num = (v: number | string | null) => (v === null ? 0 : Number(v));
/** A boolean as either driver returns it. */
const accessOf = (needsReason: boolean | string | null): FoundHit['access'] =>
  needsReason === true || needsReason === 't' ? 'reason' : 'allow';

async function searchReferrals(db: Db, terms: SearchTerms, keys: SearchKeys, access: RowAccess): Promise<SearchFound> {
  const dates = searchedDates(terms);
  const branches = referralBranches(terms, keys, dates, access.where);
  if (!branches.length) return { hits: [], capped: false };
  const name = Boolean(terms.name);
  const rows = await queryRows<ReferralRow>(
    db,
    sql`with c as (${sql.join(branches, sql` union all `)}),
        capped as (select coalesce(max(n), 0) > ${BRANCH_CAP} as capped from (select count(*) as n from c group by b) x)
        select r.id::text as id, r.reference, r.received_at, r.status, r.person_full_name, r.person_other_names,
          r.person_dob::text as dob, r.person_age_approx, r.person_postcode,
          ${name ? sql`${NAME_KEY} = ${keys.nameKey}` : sql`null::boolean`} as same_name,
          ${name && keys.pairs.length ? sql`ids.by_sound or ${NAME_PAIR} = any(${textArrayParam(keys.pairs)})` : sql`null::boolean`} as same_sound,
          ${name ? sql`similarity(${NAME_KEY}, ${keys.nameKey})` : sql`null::real`} as name_sim,
          ${name ? sql`case when r.person_other_names is null then 0 else word_similarity(${keys.nameKey}, ${OTHER_KEY}) end` : sql`null::real`} as other_sim,
          ${terms.dob ? sql`r.person_dob = ${terms.dob}::date` : sql`null::boolean`} as same_dob,
          ${terms.dob ? sql`r.person_dob = any(${dateArrayParam(dates)})` : sql`null::boolean`} as close_dob,
          ${terms.text ? sql`ts_rank(${CONCERN_TSV}, websearch_to_tsquery('english', ${terms.text}))` : sql`null::real`} as text_rank,
          capped.capped, ${access.reason} as needs_reason
        from (select id, bool_or(b in (2, 7, 8)) as by_sound from c group by id) ids
        join referrals r on r.id = ids.id cross join capped`,
  );
  return {
    capped: rows.some((r) => r.capped === true),
    hits: rows.map((r) => ({
      recordType: 'referral' as const,
      id: r.id,
      reference: r.reference,
      access: accessOf(r.needs_reason),
      receivedAt: asDate(r.received_at),
      status: r.status,
      fullName: r.person_full_name,
      otherNames: r.person_other_names,
      dob: r.dob,
      ageApprox: r.person_age_approx === null ? null : Number(r.person_age_approx),
      postcode: r.person_postcode,
      match: {
        reference: Boolean(terms.reference),
        sameName: r.same_name === true,
        sameSound: r.same_sound === true,
        nameSimilarity: num(r.name_sim),
        otherNameSimilarity: num(r.other_sim),
        sameDob: r.same_dob === true,
        closeDob: r.close_dob === true && r.same_dob !== true,
        postcode: Boolean(terms.postcode),
        textRank: num(r.text_rank),
        text: Boolean(terms.text),
      },
    })),
  };
}

/** Advice requests have no person's details: they are found by reference and by the words of the question only. */
async function searchAdvice(db: Db, terms: SearchTerms, access: RowAccess): Promise<SearchFound> {
  if (terms.name || terms.dob || terms.postcode || (!terms.reference && !terms.text))
    return { hits: [], capped: false };
  const conditions: SQL[] = [access.where];
  if (terms.reference) conditions.push(sql`a.reference = ${terms.reference}`);
  if (terms.text) conditions.push(sql`${QUESTION_TSV} @@ websearch_to_tsquery('english', ${terms.text})`);
  const rows = await queryRows<AdviceRow>(
    db,
    sql`with c as (select a.id from advice_requests a where ${sql.join(conditions, sql` and `)} limit ${BRANCH_CAP + 1})
        select a.id::text as id, a.reference, a.received_at, a.status,
          ${terms.text ? sql`ts_rank(${QUESTION_TSV}, websearch_to_tsquery('english', ${terms.text}))` : sql`null::real`} as text_rank,
          (select count(*) from c) > ${BRANCH_CAP} as capped, ${access.reason} as needs_reason
        from c join advice_requests a on a.id = c.id`,
  );
  return {
    capped: rows.some((r) => r.capped === true),
    hits: rows.map((r) => ({
      recordType: 'advice' as const,
      id: r.id,
      reference: r.reference,
      access: accessOf(r.needs_reason),
      receivedAt: asDate(r.received_at),
      status: r.status,
      fullName: null,
      otherNames: null,
      dob: null,
      ageApprox: null,
      postcode: null,
      match: {
        reference: Boolean(terms.reference),
        sameName: false,
        sameSound: false,
        nameSimilarity: 0,
        otherNameSimilarity: 0,
        sameDob: false,
        closeDob: false,
        postcode: false,
        textRank: num(r.text_rank),
        text: Boolean(terms.text),
      },
    })),
  };
}

/**
 * Referrals and advice requests that meet every term, among those the policy's twin (`access`, built on SEARCH_TABLES)
 * lets the searcher see; a table the twin allows nothing of is not searched.
 */
export async function findCases(
  db: Db,
  terms: SearchTerms,
  keys: SearchKeys,
  access: CaseListAccess,
): Promise<SearchFound> {
  const referrals = access.referrals
    ? await searchReferrals(db, terms, keys, access.referrals)
    : { hits: [], capped: false };
  const advice = access.advice ? await searchAdvice(db, terms, access.advice) : { hits: [], capped: false };
  return { hits: [...referrals.hits, ...advice.hits], capped: referrals.capped || advice.capped };
}
