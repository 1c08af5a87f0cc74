import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/client.js';
import { ping } from '../db/sql.js';

/** Liveness and readiness for the platform: no personal data, no details of the failure. */
export function healthRoutes(app: FastifyInstance, database: Database): void {
  app.get('/health/live', (_req, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));
  app.get('/health/ready', async (_req, reply) => {
    try {
      await ping(database.db);
      return reply.header('cache-control', 'no-store').send({ status: 'ok', database: database.kind });
    } catch {
      return reply.code(503).header('cache-control', 'no-store').send({ status: 'unavailable' });
    }
  });
}
