import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { openTestDatabase, resetDatabase, type Engine } from './engines.js';

export function testConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig(
    {
      NODE_ENV: 'test',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'prevent-data-')),
      COOKIE_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      RATE_LIMIT_PUBLIC_POST: '100000',
      LOG_LEVEL: 'silent',
      ...env,
    },
    overrides,
  );
}

/** The application exactly as production builds it, on the given database. */
export async function testApp(
  database: Database,
  opts: { config?: Config; notify?: (ids: string[]) => Promise<void> } = {},
): Promise<{ app: FastifyInstance; config: Config }> {
  const config = opts.config ?? testConfig();
  const app = await buildApp({ config, database, logger: false, notify: opts.notify });
  await app.ready();
  return { app, config };
}

export interface AppFixture {
  readonly app: FastifyInstance;
  readonly database: Database;
}

/**
 * For a describe block: opens the engine's test database and builds the app before its tests, closes both after, and
 * (unless `reset: false`) empties the case tables before each test.
 */
export function useTestApp(engine: Engine, opts: { reset?: boolean } = {}): AppFixture {
  let app: FastifyInstance | undefined;
  let database: Database | undefined;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    ({ app } = await testApp(database));
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });
  if (opts.reset !== false) beforeEach(() => resetDatabase(database!));
  return {
    get app() {
      return app!;
    },
    get database() {
      return database!;
    },
  };
}
