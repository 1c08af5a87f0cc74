import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootDir } from '../../src/config.js';

/**
 * The import rules of ADR 0019 (feature folders), checked on every relative import under src/:
 * - the kernel (everything outside src/features but the composition roots) never imports a feature;
 * - nothing imports a composition root (server.ts, app.ts, jobs/worker.ts) but server.ts;
 * - inside a feature, imports run routes → view models → services → queries: a service never imports a view model
 *   or routes, a queries module imports only other queries modules and the kernel, a view model never imports routes.
 */

type Layer = 'root' | 'kernel' | 'routes' | 'view-model' | 'service' | 'queries';

const SRC = path.join(rootDir, 'src');
const ROOTS = new Set(['server.ts', 'app.ts', 'jobs/worker.ts']);

export function layerOf(file: string): Layer {
  if (!file.startsWith('features/')) return ROOTS.has(file) ? 'root' : 'kernel';
  const base = path.basename(file);
  if (/(^|-)routes\.ts$/.test(base)) return 'routes';
  if (/(^|\/)view-models?(\/|\.ts$)/.test(file)) return 'view-model';
  if (/(^|\/)queries(\/|\.ts$)/.test(file)) return 'queries';
  return 'service';
}

/** Why an import from `from` to `to` (paths relative to src/) breaks a rule, or null. */
export function brokenRule(from: string, to: string): string | null {
  const a = layerOf(from);
  const b = layerOf(to);
  if (b === 'root' && from !== 'server.ts') return 'imports a composition root';
  if (a === 'kernel' && to.startsWith('features/')) return 'the kernel imports a feature';
  if (a === 'root' || a === 'kernel' || b === 'kernel') return null;
  if (a === 'service' && (b === 'view-model' || b === 'routes')) return `a service imports ${b}`;
  if (a === 'queries' && b !== 'queries') return `a queries module imports a ${b}`;
  if (a === 'view-model' && b === 'routes') return 'a view model imports routes';
  return null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [path.relative(SRC, full)] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(SRC, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)) {
    found.push(path.normalize(path.join(path.dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
  }
  return found;
}

/**
 * "One way to reach the database": raw SQL (`sql\``, the raw-row helpers of src/db/sql.ts, `.execute(`) and Drizzle's
 * builder on a database handle (`db.select(…)`, `tx.update(…)`, `db.query.…`) appear only in queries modules and in
 * the kernel's database modules. Services keep the transaction boundaries (`db.transaction(…)` is allowed anywhere) and
 * the rules, and call query functions that take the handle first.
 */
const DB_MODULES = new Set([
  'access-log/queries.ts',
  'outbox/queries.ts',
  'staff/sessions.ts',
  'staff/users.ts',
  'policies/case-scope.ts',
  // The access_reasons table's two queries (read, record), as sessions.ts is the staff_sessions table's.
  'staff/access-reasons.ts',
  // The policies' list twins: each rule beside the SQL condition selecting the cases it allows (ADR 0015).
  'policies/rows.ts',
  'policies/cases.ts',
  'policies/handovers.ts',
]);

/**
 * Files still reaching the database directly, each with its reason. Every entry is work left: remove it when the
 * file's SQL has moved to its queries module.
 */
const NOT_MOVED = 'not moved yet: SQL still inline in the service';
export const SQL_EXCEPTIONS: Record<string, string> = {
  'access-log/seal.ts': NOT_MOVED,
  'access-log/verify.ts': NOT_MOVED,
  'features/audit/person.ts': NOT_MOVED,
  'features/cases/referral-summary.ts': NOT_MOVED,
  'features/staff-auth/oidc-accounts.ts': NOT_MOVED,
  'features/triage/assessment/checks.ts': NOT_MOVED,
  'features/triage/assessment/service.ts': NOT_MOVED,
  'features/triage/attachments/service.ts': NOT_MOVED,
  'features/triage/case-events.ts': NOT_MOVED,
  'features/triage/chronology/service.ts': NOT_MOVED,
  'features/triage/decision/explanation.ts': NOT_MOVED,
  'features/triage/email-intake/service.ts': NOT_MOVED,
  'features/triage/handover/service.ts': NOT_MOVED,
  'features/triage/queue/advice-reply.ts': NOT_MOVED,
  'features/triage/queue/service.ts': NOT_MOVED,
  'features/triage/recontact/service.ts': NOT_MOVED,
  'features/triage/settings/service.ts': NOT_MOVED,
  'features/triage/workflow.ts': NOT_MOVED,
};

const SQL_PATTERNS: [RegExp, string][] = [
  [/\bsql`/, 'raw SQL (sql`…`)'],
  [/\b(queryRows|preparedRows|sqlRows|preparedSqlRows)\b/, 'a raw-row helper'],
  [/\.execute\(/, '.execute('],
  [
    /\b\w*(?:db|Db|tx|Tx)\s*\.\s*(?:select|selectDistinct|insert|update|delete|execute|query)\b/,
    "Drizzle's builder on a database handle",
  ],
  [/^\s*\.(?:select|selectDistinct|insert|update|delete)\(/m, "Drizzle's builder on a database handle"],
];

export function mayHoldSql(file: string): boolean {
  return file.startsWith('db/') || DB_MODULES.has(file) || layerOf(file) === 'queries';
}

/** What database access the text holds (reasons), for a file that may not hold any. */
export function sqlFound(text: string): string[] {
  return SQL_PATTERNS.filter(([re]) => re.test(text)).map(([, why]) => why);
}

describe('import rules', () => {
  it('hold for every import under src/', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(100);
    const broken = files.flatMap((f) =>
      importsOf(f)
        .map((to) => ({ to, why: brokenRule(f, to) }))
        .filter((x) => x.why)
        .map((x) => `${f} → ${x.to}: ${x.why}`),
    );
    expect(broken).toEqual([]);
  });

  it('are broken by each kind of upward import (the check can fail)', () => {
    expect(brokenRule('db/client.ts', 'features/triage/queue/service.ts')).toMatch(/kernel imports a feature/);
    expect(brokenRule('features/triage/decision/service.ts', 'features/triage/decision/view-model.ts')).toMatch(
      /service imports view-model/,
    );
    expect(brokenRule('features/earlier-referrals/queries.ts', 'features/earlier-referrals/score.ts')).toMatch(
      /queries module imports a service/,
    );
    expect(brokenRule('features/admin/view-model.ts', 'features/admin/routes.ts')).toMatch(/view model imports routes/);
    expect(brokenRule('features/admin/service.ts', 'app.ts')).toMatch(/composition root/);
    expect(brokenRule('features/triage/decision/routes.ts', 'features/triage/decision/queries.ts')).toBeNull();
    expect(brokenRule('features/cases/view-models/intake.ts', 'features/cases/queries/intake.ts')).toBeNull();
  });
});

describe('database access', () => {
  it('is only in queries modules and the kernel database modules (or a listed exception)', () => {
    const found = sourceFiles(SRC)
      .filter((f) => !mayHoldSql(f) && !(f in SQL_EXCEPTIONS))
      .map((f) => ({ f, why: sqlFound(readFileSync(path.join(SRC, f), 'utf8')) }))
      .filter((x) => x.why.length)
      .map((x) => `${x.f}: ${[...new Set(x.why)].join(', ')}`);
    expect(found).toEqual([]);
  });

  it('lists no exception that is not needed', () => {
    const unneeded = Object.keys(SQL_EXCEPTIONS).filter(
      (f) => mayHoldSql(f) || sqlFound(readFileSync(path.join(SRC, f), 'utf8')).length === 0,
    );
    expect(unneeded).toEqual([]);
  });

  it('is recognised in each form (the check can fail)', () => {
    expect(sqlFound('await queryRows<{ id: string }>(db, q)')).not.toEqual([]);
    expect(sqlFound('const q = sql`select 1`;')).not.toEqual([]);
    expect(sqlFound('await database.db.execute(q)')).not.toEqual([]);
    expect(sqlFound('const rows = await tx.select().from(referrals)')).not.toEqual([]);
    expect(sqlFound('const [row] = await db\n    .update(referrals)\n    .set({})')).not.toEqual([]);
    expect(sqlFound('return db.query.referrals.findFirst()')).not.toEqual([]);
    expect(sqlFound('await db.transaction((tx) => recordDecision(tx, input))')).toEqual([]);
    expect(sqlFound("createHash('sha256').update(value).digest('hex'); cache.delete(key)")).toEqual([]);
    expect(mayHoldSql('features/triage/decision/queries.ts')).toBe(true);
    expect(mayHoldSql('features/cases/queries/intake.ts')).toBe(true);
    expect(mayHoldSql('staff/sessions.ts')).toBe(true);
    expect(mayHoldSql('features/triage/decision/service.ts')).toBe(false);
    expect(mayHoldSql('access-log/seal.ts')).toBe(false);
  });
});
