import { and, eq, exists, isNull, not, or, sql, type SQL } from 'drizzle-orm';
import { QueryBuilder, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { caseShares } from '../db/schema/index.js';

/**
 * The list twins' machinery. A case policy decides one case (`decide(policy, principal, scope)`); its twin says the same
 * thing of a whole table at once, as a Drizzle condition a list's query puts in its WHERE clause. Each twin is written
 * beside its rule (`cases.ts`, `handovers.ts`) as the same grounds in the same order: "allow these rows", "these rows
 * after a reason". test/integration/policies/list-twins.test.ts holds each twin to its rule over every kind of case.
 */

/** The columns of a case table (referrals or advice requests, or an alias of either) that the twins read. */
export interface CaseRows {
  id: AnyPgColumn;
  assignedOfficerId: AnyPgColumn;
}

/** What a twin selects in one table: the rows the person may see, and among them those that open only after a reason. */
export interface RowAccess {
  /** The rows the policy allows, with or without a reason (a WHERE condition). */
  where: SQL;
  /** True for the rows of `where` that the person may open only after giving a reason; false for the others. */
  reason: SQL;
}

/** A policy's twin for both case tables; null: the policy allows this person no row of that table. */
export interface CaseListAccess {
  referrals: RowAccess | null;
  advice: RowAccess | null;
}

/** One ground of a rule: the rows it covers ('all': every row of the table), and what it allows for them. */
export interface Ground {
  rows: SQL | 'all';
  outcome: 'allow' | 'reason';
}

const TRUE = sql`true`;
const FALSE = sql`false`;
const rowsOf = (g: Ground): SQL => (g.rows === 'all' ? TRUE : g.rows);
const anyOf = (grounds: Ground[]): SQL =>
  grounds.some((g) => g.rows === 'all') ? TRUE : (or(...grounds.map(rowsOf)) ?? FALSE);

/**
 * The grounds of a rule as a twin, as `best()` picks among decisions: a row is seen when any ground covers it, and needs
 * a reason when a "reason" ground covers it and no "allow" ground does. No ground: null (the list asks for no row).
 */
export function rowAccess(grounds: Ground[]): RowAccess | null {
  if (!grounds.length) return null;
  const allows = grounds.filter((g) => g.outcome === 'allow');
  const reasons = grounds.filter((g) => g.outcome === 'reason');
  let reason = FALSE;
  if (reasons.length && !allows.some((g) => g.rows === 'all')) {
    reason = allows.length ? and(anyOf(reasons), not(anyOf(allows)))! : anyOf(reasons);
  }
  return { where: anyOf(grounds), reason: sql`coalesce(${reason}, false)` };
}

const qb = new QueryBuilder();

/** The referral is currently shared with the organisation for that purpose (a council's hand-over, or a panel). */
export function sharedWith(r: CaseRows, organisationId: string, purpose: 'council' | 'panel'): SQL {
  return exists(
    qb
      .select({ one: sql`1` })
      .from(caseShares)
      .where(
        and(
          eq(caseShares.referralId, r.id),
          eq(caseShares.organisationId, organisationId),
          eq(caseShares.purpose, purpose),
          isNull(caseShares.endedAt),
        ),
      ),
  );
}
