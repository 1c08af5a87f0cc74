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
