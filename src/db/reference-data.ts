import { asc, eq } from 'drizzle-orm';
import type { Db } from './client.js';
import { concernTypes, referrerSectors } from './schema/index.js';
import type { ReferenceItem } from '../forms/context.js';

export async function activeConcernTypes(db: Db): Promise<ReferenceItem[]> {
  return db
    .select({ code: concernTypes.code, label: concernTypes.label })
    .from(concernTypes)
    .where(eq(concernTypes.active, true))
    .orderBy(asc(concernTypes.sort), asc(concernTypes.label));
}

export async function activeSectors(db: Db): Promise<ReferenceItem[]> {
  return db
    .select({ code: referrerSectors.code, label: referrerSectors.label })
    .from(referrerSectors)
    .where(eq(referrerSectors.active, true))
    .orderBy(asc(referrerSectors.sort), asc(referrerSectors.label));
}
