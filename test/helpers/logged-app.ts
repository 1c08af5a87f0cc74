import { Writable } from 'node:stream';
import { afterAll, beforeAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../src/db/client.js';
import { buildApp } from '../../src/app.js';
import { createLogger } from '../../src/lib/logger.js';
import { testConfig } from './app.js';
import { openTestDatabase, type Engine } from './engines.js';

export interface LoggedApp {
  readonly app: FastifyInstance;
  readonly database: Database;
  /** Every log line the app wrote at trace level, as written (empty it to start afresh). */
  readonly lines: string[];
}

/**
 * The app built as production builds it (`buildApp`), on its own database, with its logger writing to `lines`: for
 * tests of what the logs hold. Opened once for the `describe` block and closed after it.
 */
export function useLoggedApp(engine: Engine): LoggedApp {
  let database: Database | undefined;
  let app: FastifyInstance | undefined;
  const lines: string[] = [];
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    app = await buildApp({ config: testConfig(), database, logger: createLogger('trace', sink) });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });
  return {
    get app() {
      if (!app) throw new Error('the app is built in beforeAll');
      return app;
    },
    get database() {
      if (!database) throw new Error('the database is opened in beforeAll');
      return database;
    },
    lines,
  };
}
