import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/sql.js';
import { CANONICAL_COLUMNS, GENESIS_HASH, canonicalText, chainHash, type CanonicalRow } from './canonical.js';

/**
 * What verification can find wrong:
 * - `edited`: the log row sealed at `seq` is not what was sealed (changed after sealing, or the seal re-pointed at
 *   another row);
 * - `seal-changed`: the hash stored in seal `seq` was altered (the next seal still links to the original hash, so the
 *   log row itself is intact);
 * - `deleted`: the log row sealed at `seq` no longer exists;
 * - `missing-seals`: seals `fromSeq` to `toSeq` are missing (removed, or the chain does not start at 1);
 * - `unsealed`: log row `logId` has waited longer than the grace period for its seal.
 */
export type ChainProblem =
  | { kind: 'edited'; seq: number; logId: number }
  | { kind: 'seal-changed'; seq: number; logId: number }
  | { kind: 'deleted'; seq: number; logId: number }
  | { kind: 'missing-seals'; fromSeq: number; toSeq: number }
  | { kind: 'unsealed'; logId: number };

export interface VerifyOptions {
  /** Log rows may wait this long for their seal before they count as a problem (default 300 seconds). */
  unsealedGraceSeconds?: number;
  /** Seals read per query (default 5000): the chain is walked in batches, never loaded whole. */
  batch?: number;
  /** Problems kept in the result (default 100); all of them are counted. */
  maxProblems?: number;
}

export interface VerifyResult {
  ok: boolean;
  /** Seals checked. */
  checked: number;
  /** The last seal's number (0 if nothing is sealed yet). */
  lastSeq: number;
  /**
   * The hash stored in the last seal. Recorded outside the database now and then, it proves later that nothing up to
   * that seal was rewritten, even by someone able to rewrite both the log and the seals.
   */
  anchor: string | null;
  problems: ChainProblem[];
  /** Every problem found (`problems` keeps the first `maxProblems`). */
  problemCount: number;
  /** Log rows not sealed yet, however recent. */
  unsealed: number;
  unsealedGraceSeconds: number;
}

interface SealRow extends CanonicalRow {
  seq: string;
  log_id: string;
  hash: string;
  present: boolean;
}

/**
 * Recomputes the whole chain from the log rows as they are now. Each seal's hash is checked against the previous seal's
 * stored hash, so one changed row is reported once and the rest of the chain is still checked; a mismatch whose next
 * seal links to the recomputed hash instead means the seal itself was altered.
 */
export async function verifyChain(db: Db, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const batch = Math.max(1, opts.batch ?? 5000);
  const maxProblems = opts.maxProblems ?? 100;
  const grace = opts.unsealedGraceSeconds ?? 300;
  const problems: ChainProblem[] = [];
  let problemCount = 0;
  const report = (p: ChainProblem) => {
    problemCount++;
    if (problems.length < maxProblems) problems.push(p);
  };

  let expectedSeq = 1;
  let storedPrev = GENESIS_HASH;
  /** When seal n did not match: the hash it should have had, and its problem, decided when seal n + 1 is read. */
  let pending: { recomputed: string; problem: { kind: 'edited'; seq: number; logId: number } } | undefined;
  let checked = 0;
  let lastSeq = 0;
  let anchor: string | null = null;
  let after = 0;

  for (;;) {
    const rows = await queryRows<SealRow>(
      db,
      sql`select s.seq::text as seq, s.log_id::text as log_id, s.hash, (l.id is not null) as present, ${CANONICAL_COLUMNS}
          from access_log_seal s left join access_log l on l.id = s.log_id
          where s.seq > ${after}::bigint order by s.seq limit ${batch}`,
    );
    for (const row of rows) {
      const seq = Number(row.seq);
      const logId = Number(row.log_id);
      checked++;
      lastSeq = seq;
      anchor = row.hash;
      after = seq;
      if (seq !== expectedSeq) {
        // Seals are missing before this one: its link cannot be checked (the previous hash is gone).
        if (pending) report(pending.problem);
        pending = undefined;
        report({ kind: 'missing-seals', fromSeq: expectedSeq, toSeq: seq - 1 });
        expectedSeq = seq + 1;
        storedPrev = row.hash;
        if (!isPresent(row.present)) report({ kind: 'deleted', seq, logId });
        continue;
      }
      expectedSeq = seq + 1;
      if (!isPresent(row.present)) {
        if (pending) report(pending.problem);
        pending = undefined;
        report({ kind: 'deleted', seq, logId });
        storedPrev = row.hash;
        continue;
      }
      const canonical = canonicalText(row);
      const expected = chainHash(storedPrev, canonical);
      if (pending) {
        // The previous seal did not match. If this one links to what the previous hash should have been, the
        // previous seal's hash was altered, not its row.
        const viaRecomputed = chainHash(pending.recomputed, canonical);
        if (expected !== row.hash && viaRecomputed === row.hash) {
          report({ kind: 'seal-changed', seq: pending.problem.seq, logId: pending.problem.logId });
          pending = undefined;
          storedPrev = row.hash;
          continue;
        }
        report(pending.problem);
        pending = undefined;
      }
      if (expected !== row.hash) pending = { recomputed: expected, problem: { kind: 'edited', seq, logId } };
      storedPrev = row.hash;
    }
    if (rows.length < batch) break;
  }
  if (pending) report(pending.problem);

  const [counts] = await queryRows<{ total: string; overdue: string }>(
    db,
    sql`select count(*)::text as total,
          count(*) filter (where l.occurred_at < now() - make_interval(secs => ${grace}))::text as overdue
        from access_log l where not exists (select 1 from access_log_seal s where s.log_id = l.id)`,
  );
  const overdue = Number(counts?.overdue ?? 0);
  if (overdue > 0) {
    const room = Math.max(0, maxProblems - problems.length);
    const ids =
      room === 0
        ? []
        : await queryRows<{ id: string }>(
            db,
            sql`select l.id::text as id from access_log l
                where l.occurred_at < now() - make_interval(secs => ${grace})
                  and not exists (select 1 from access_log_seal s where s.log_id = l.id)
                order by l.id limit ${room}`,
          );
    for (const { id } of ids) problems.push({ kind: 'unsealed', logId: Number(id) });
    problemCount += overdue;
  }

  return {
    ok: problemCount === 0,
    checked,
    lastSeq,
    anchor,
    problems,
    problemCount,
    unsealed: Number(counts?.total ?? 0),
    unsealedGraceSeconds: grace,
  };
}

/** PGlite and node-postgres both answer booleans as booleans; be strict anyway. */
function isPresent(value: unknown): boolean {
  return value === true || value === 't';
}

/** One problem in plain words, with ids and numbers only (never what the log row says). */
export function describeProblem(p: ChainProblem, graceSeconds?: number): string {
  switch (p.kind) {
    case 'edited':
      return `Seal ${p.seq}: log entry ${p.logId} does not match its seal (changed after it was sealed, or the seal before it was rewritten).`;
    case 'seal-changed':
      return `Seal ${p.seq}: the seal itself was altered (log entry ${p.logId} is as it was sealed).`;
    case 'deleted':
      return `Seal ${p.seq}: log entry ${p.logId} has been deleted.`;
    case 'missing-seals':
      return p.fromSeq === p.toSeq ? `Seal ${p.fromSeq} is missing.` : `Seals ${p.fromSeq} to ${p.toSeq} are missing.`;
    case 'unsealed':
      return `Log entry ${p.logId} has not been sealed${graceSeconds === undefined ? '' : ` within ${graceSeconds} seconds`}.`;
  }
}
