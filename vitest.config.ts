import { defineConfig } from 'vitest/config';

// One id per `vitest` run, so that concurrent runs never share a PostgreSQL test database.
process.env.TEST_RUN_ID ??= `${process.pid}`;

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
    sequence: { concurrent: false },
  },
});
