import type { FastifyInstance } from 'fastify';
import type { StaffDeps } from './registry.js';

export function casesRoutes(_app: FastifyInstance, _deps: StaffDeps): void {
  // Being written (issue 3).
}
