import type { Db } from '../client.js';
import { accessLog, type AccessAction } from '../schema.js';

export interface AccessEntry {
  action: AccessAction;
  recordType: string;
  recordId?: string | null;
  reference?: string | null;
  actorType: 'public' | 'staff' | 'system';
  actorId?: string | null;
  organisation?: string | null;
  channel?: string | null;
  justification?: string | null;
  recipients?: string[] | null;
  /** What was done, never the personal data itself (field names, counts, never values). */
  detail?: Record<string, unknown>;
}

/** Appends to the DPA 2018 s.62 log, in the caller's transaction so that the log and the change stand or fall together. */
export async function appendAccessLog(db: Db, entry: AccessEntry): Promise<void> {
  await db.insert(accessLog).values({ ...entry, detail: entry.detail ?? {} });
}
