import { and, asc, eq, inArray, like, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { organisations, postcodeCouncils, staffUsers } from '../../db/schema/index.js';

/** The postcode-to-council table (reference data staff maintain; see docs/adr/0017-postcode-to-council.md). */

export type PostcodeKind = 'council' | 'choose' | 'outside';

export interface CouncilRow {
  id: string;
  code: string;
  name: string;
  active: boolean;
}

export interface PostcodeCouncilRow {
  /** A postcode district ("CA4") or sector ("CA4 9"). */
  prefix: string;
  kind: PostcodeKind;
  /** The council (kind 'council' only). */
  council: CouncilRow | null;
  note: string | null;
  updatedAt: Date;
  /** Who last changed the row (null: the seed). */
  updatedByName: string | null;
}

const updater = alias(staffUsers, 'updater');

const rowColumns = {
  prefix: postcodeCouncils.prefix,
  kind: postcodeCouncils.kind,
  note: postcodeCouncils.note,
  updatedAt: postcodeCouncils.updatedAt,
  updatedByName: updater.displayName,
  councilId: organisations.id,
  councilCode: organisations.code,
  councilName: organisations.name,
  councilActive: organisations.active,
};

type RawRow = {
  prefix: string;
  kind: PostcodeKind;
  note: string | null;
  updatedAt: Date;
  updatedByName: string | null;
  councilId: string | null;
  councilCode: string | null;
  councilName: string | null;
  councilActive: boolean | null;
};

const toRow = (r: RawRow): PostcodeCouncilRow => ({
  prefix: r.prefix,
  kind: r.kind,
  council:
    r.councilId && r.councilCode && r.councilName
      ? { id: r.councilId, code: r.councilCode, name: r.councilName, active: r.councilActive ?? false }
      : null,
  note: r.note,
  updatedAt: r.updatedAt,
  updatedByName: r.updatedByName,
});

function selectRows(db: Db) {
  return db
    .select(rowColumns)
    .from(postcodeCouncils)
    .leftJoin(organisations, eq(organisations.id, postcodeCouncils.organisationId))
    .leftJoin(updater, eq(updater.id, postcodeCouncils.updatedBy));
}

/**
 * Every row, in postcode order (CA2 before CA10), optionally those whose prefix starts with `startsWith` (upper case,
 * e.g. "CA1" lists CA1, CA1 2, CA10…).
 */
export async function listPostcodeCouncils(db: Db, opts: { startsWith?: string } = {}): Promise<PostcodeCouncilRow[]> {
  const filter = opts.startsWith
    ? or(eq(postcodeCouncils.prefix, opts.startsWith), like(postcodeCouncils.prefix, `${escapeLike(opts.startsWith)}%`))
    : undefined;
  const rows = await selectRows(db).where(filter).orderBy(asc(postcodeCouncils.prefix));
  return rows.map(toRow).sort((a, b) => comparePrefixes(a.prefix, b.prefix));
}

/** The rows for these prefixes (a sector and its district, for a lookup). */
export async function findPostcodeCouncils(db: Db, prefixes: readonly string[]): Promise<PostcodeCouncilRow[]> {
  if (!prefixes.length) return [];
  const rows = await selectRows(db).where(inArray(postcodeCouncils.prefix, [...prefixes]));
  return rows.map(toRow);
}

export async function findPostcodeCouncil(db: Db, prefix: string): Promise<PostcodeCouncilRow | undefined> {
  return (await findPostcodeCouncils(db, [prefix]))[0];
}

export interface PostcodeCouncilChange {
  kind: PostcodeKind;
  organisationId: string | null;
  note: string | null;
  updatedBy: string;
}

/** Adds a row; false if the prefix is already in the table. */
export async function insertPostcodeCouncil(db: Db, prefix: string, change: PostcodeCouncilChange): Promise<boolean> {
  const rows = await db
    .insert(postcodeCouncils)
    .values({ prefix, ...change, updatedAt: new Date() })
    .onConflictDoNothing({ target: postcodeCouncils.prefix })
    .returning({ prefix: postcodeCouncils.prefix });
  return rows.length === 1;
}

/** Changes a row; false if it is not there (any more). */
export async function updatePostcodeCouncil(db: Db, prefix: string, change: PostcodeCouncilChange): Promise<boolean> {
  const rows = await db
    .update(postcodeCouncils)
    .set({ ...change, updatedAt: new Date() })
    .where(eq(postcodeCouncils.prefix, prefix))
    .returning({ prefix: postcodeCouncils.prefix });
  return rows.length === 1;
}

/** Removes a row; false if it was not there. */
export async function deletePostcodeCouncil(db: Db, prefix: string): Promise<boolean> {
  const rows = await db
    .delete(postcodeCouncils)
    .where(eq(postcodeCouncils.prefix, prefix))
    .returning({ prefix: postcodeCouncils.prefix });
  return rows.length === 1;
}

/** The councils (organisations of kind 'council'), by name; the active ones only unless asked. */
export async function listCouncils(db: Db, opts: { activeOnly?: boolean } = {}): Promise<CouncilRow[]> {
  return db
    .select({ id: organisations.id, code: organisations.code, name: organisations.name, active: organisations.active })
    .from(organisations)
    .where(and(eq(organisations.kind, 'council'), opts.activeOnly ? eq(organisations.active, true) : undefined))
    .orderBy(asc(organisations.name));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Postcode order: by area letters, then district number as a number (CA2 before CA10), then the rest. */
export function comparePrefixes(a: string, b: string): number {
  const key = (p: string) => {
    const m = /^([A-Z]{1,2})(\d+)(.*)$/.exec(p);
    return m ? ([m[1]!, Number(m[2]), m[3]!] as const) : ([p, 0, ''] as const);
  };
  const [aa, an, ar] = key(a);
  const [ba, bn, br] = key(b);
  return aa.localeCompare(ba) || an - bn || ar.localeCompare(br);
}
