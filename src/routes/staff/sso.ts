import type { FastifyInstance } from 'fastify';
import type { StaffDeps } from './registry.js';

export async function ssoRoutes(_app: FastifyInstance, _deps: StaffDeps): Promise<void> {
  // Being written (issue 3).
}
