import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { runChild } from './child.js';

/**
 * Our application, built exactly as src/server.ts builds it (minus logging and the e-mail worker), on the PostgreSQL
 * database the orchestrator created. Configuration comes from the environment the orchestrator passes.
 */
const config = loadConfig({
  ...process.env,
  DATA_DIR: mkdtempSync(path.join(tmpdir(), 'prevent-bench-')),
  LOG_LEVEL: 'silent',
});
const database = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize });
const app = await buildApp({ config, database, logger: false });
await app.ready();

await runChild({
  listen: async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    return (app.server.address() as AddressInfo).port;
  },
  close: async () => {
    await app.close();
    await database.close();
  },
});
