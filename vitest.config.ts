import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// One id per `vitest` run, so that concurrent runs never share a PostgreSQL test database.
process.env.TEST_RUN_ID ??= `${process.pid}`;

/** What every project shares (a project does not inherit the root's test options unless it extends them). */
const shared = {
  pool: 'forks',
  testTimeout: 60_000,
  hookTimeout: 120_000,
  sequence: { concurrent: false },
} as const;

/**
 * The suite in three projects (docs/testing.md):
 * - unit: pure functions and templates, all files of a worker in one module graph (no isolation: nothing to reset);
 * - integration (with the durability tests): each file isolated, as some mock a module (vi.mock) or change state of
 *   their own; each opens its own database on each engine;
 * - e2e: Chromium against the app, files not isolated, so that a worker launches one Chromium and lends it to every
 *   file it runs (test/helpers/browser.ts), with its cache of pages axe already found clean.
 * The global setup (the migrated PGlite snapshot, dropping the PostgreSQL test databases) runs once, from the root.
 */
const projects: TestProjectInlineConfiguration[] = [
  { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false } },
  {
    test: {
      ...shared,
      name: 'integration',
      include: ['test/integration/**/*.test.ts', 'test/durability/**/*.test.ts'],
    },
  },
  // A journey walks some twenty pages, each checked by axe with JavaScript on or off: about 45 s on a loaded 2-core
  // machine, so 60 s was too close (two journeys timed out in a CI run). The time is not what these tests check.
  {
    test: { ...shared, name: 'e2e', include: ['test/e2e/**/*.test.ts'], isolate: false, testTimeout: 120_000 },
  },
];

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    fileParallelism: true,
    maxWorkers: 2,
    projects,
  },
});
