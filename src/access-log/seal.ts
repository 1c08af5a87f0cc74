import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { accessLogSeal } from '../db/schema/index.js';
import { queryRows } from '../db/sql.js';
import { CANONICAL_COLUMNS, GENESIS_HASH, canonicalText, chainHash, type CanonicalRow } from './canonical.js';

/** The advisory lock every sealer takes for its transaction, so that two sealers never interleave their seals. */
export const SEAL_LOCK_KEY = 727_274_062;

export interface SealOptions {
  /** Log rows sealed per transaction (default 1000). */
  batch?: number;
  /** Stop after this many transactions even if rows remain (default: until none remain). */
  maxBatches?: number;
  /**
   * Look for late-committed rows through the whole log (a full anti-join), not only among the rows written in the last
   * `recentSeconds`. The sealing job does this when it starts and then every half hour; the command line always does.
   */
  full?: boolean;
  /** How far back the quick search looks for rows that committed after later rows were sealed (default 1 hour). */
  recentSeconds?: number;
}

/**
 * Appends one seal per access-log row not sealed yet, in the order found (chain order = seal order), and returns how
 * many it sealed. Each batch is one transaction under a transaction-level advisory lock: it reads the last seal after
 * taking the lock, so concurrent sealers (two server processes) take turns and the chain stays unbroken.
 *
 * The log itself is never touched: writers only insert, with no hashing and no serialisation on the hot path.
 */
export async function sealPending(db: Db, opts: SealOptions = {}): Promise<number> {
  const batch = Math.max(1, Math.min(opts.batch ?? 1000, 10_000));
  const maxBatches = opts.maxBatches ?? Number.POSITIVE_INFINITY;
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await sealBatch(db, batch, opts.full === true, opts.recentSeconds ?? 3600);
    total += n;
    if (n < batch) break;
  }
  return total;
}

async function sealBatch(db: Db, batch: number, full: boolean, recentSeconds: number): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEAL_LOCK_KEY})`);
    // Read after the lock: a sealer that held it before us has committed, and READ COMMITTED sees its seals.
    const [last] = await queryRows<{ seq: string; hash: string; high: string }>(
      tx,
      sql`select s.seq::text as seq, s.hash, (select max(log_id) from access_log_seal)::text as high
          from access_log_seal s order by s.seq desc limit 1`,
    );
    const high = last ? last.high : '0';
    const candidates = full
      ? sql`select l.id from access_log l
            where not exists (select 1 from access_log_seal s where s.log_id = l.id)
            order by l.id limit ${batch}`
      : // Rows after the last one sealed (an index range), and rows written recently that committed after later rows
        // were sealed (an index range on the time). Never a scan of the whole log.
        sql`select c.id from (
              (select l.id from access_log l where l.id > ${high}::bigint order by l.id limit ${batch})
              union all
              (select l.id from access_log l
               where l.id <= ${high}::bigint and l.occurred_at > now() - make_interval(secs => ${recentSeconds})
                 and not exists (select 1 from access_log_seal s where s.log_id = l.id)
               order by l.id limit ${batch})
            ) c order by c.id limit ${batch}`;
    const rows = await queryRows<CanonicalRow>(
      tx,
      sql`select ${CANONICAL_COLUMNS} from access_log l where l.id in (${candidates}) order by l.id`,
    );
    if (rows.length === 0) return 0;
    let seq = last ? Number(last.seq) : 0;
    let hash = last ? last.hash : GENESIS_HASH;
    const seals = rows.map((row) => {
      seq += 1;
      hash = chainHash(hash, canonicalText(row));
      return { seq, logId: Number(row.c_id), hash };
    });
    await tx.insert(accessLogSeal).values(seals);
    return seals.length;
  });
}

export interface ChainStatus {
  /** The last seal: its number, hash (the anchor to record elsewhere) and time; null if nothing is sealed yet. */
  last: { seq: number; logId: number; hash: string; sealedAt: Date } | null;
  /** Log rows not sealed yet, and when the oldest of them was written. */
  unsealed: number;
  oldestUnsealedAt: Date | null;
}

/** Where the chain stands (for the data protection officer's page and the command line). */
export async function chainStatus(db: Db): Promise<ChainStatus> {
  const [last] = await queryRows<{ seq: string; log_id: string; hash: string; sealed_at: string }>(
    db,
    // Ordered by the table's column (s.seq), not by the text of the same name in the select list.
    sql`select s.seq::text as seq, s.log_id::text as log_id, s.hash,
          to_char(s.sealed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sealed_at
        from access_log_seal s order by s.seq desc limit 1`,
  );
  const [pending] = await queryRows<{ n: string; oldest: string | null }>(
    db,
    sql`select count(*)::text as n,
          to_char(min(l.occurred_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as oldest
        from access_log l where not exists (select 1 from access_log_seal s where s.log_id = l.id)`,
  );
  return {
    last: last
      ? { seq: Number(last.seq), logId: Number(last.log_id), hash: last.hash, sealedAt: new Date(last.sealed_at) }
      : null,
    unsealed: Number(pending?.n ?? 0),
    oldestUnsealedAt: pending?.oldest ? new Date(pending.oldest) : null,
  };
}
