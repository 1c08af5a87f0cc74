import type { FastifyInstance } from 'fastify';
import { installStaffArea, type StaffDeps } from '../staff/registry.js';
import { homeRoutes } from './staff-home/routes.js';
import { signInRoutes } from './staff-auth/sign-in-routes.js';
import { ssoRoutes } from './staff-auth/sso-routes.js';
import { accountRoutes } from './staff-auth/account-routes.js';
import { adminRoutes } from './admin/routes.js';
import { casesRoutes } from './cases/routes.js';
import { auditRoutes } from './audit/routes.js';
import { earlierReferralsRoutes } from './earlier-referrals/routes.js';
import { postcodeRoutes } from './postcodes/routes.js';
import { recontactRoutes } from './triage/recontact/routes.js';
import { assessmentRoutes } from './triage/assessment/routes.js';
import { searchRoutes } from './triage/search/routes.js';
import { triageQueueRoutes } from './triage/queue/routes.js';
import { decisionRoutes } from './triage/decision/routes.js';
import { handoverRoutes } from './triage/handover/routes.js';
import { chronologyRoutes } from './triage/chronology/routes.js';
import { attachmentRoutes } from './triage/attachments/routes.js';
import { emailIntakeRoutes } from './triage/email-intake/routes.js';
import { triageSettingsRoutes } from './triage/settings/routes.js';

/** The back office under /staff: every route goes through `staffRoute`, which checks its policy first. */
export async function registerStaffRoutes(app: FastifyInstance, deps: StaffDeps): Promise<void> {
  installStaffArea(app, deps);
  homeRoutes(app, deps);
  signInRoutes(app, deps);
  await ssoRoutes(app, deps);
  accountRoutes(app, deps);
  adminRoutes(app, deps);
  casesRoutes(app, deps);
  auditRoutes(app, deps);
  earlierReferralsRoutes(app, deps);
  postcodeRoutes(app, deps);
  recontactRoutes(app, deps);
  assessmentRoutes(app, deps);
  searchRoutes(app, deps);
  triageQueueRoutes(app, deps);
  decisionRoutes(app, deps);
  triageSettingsRoutes(app, deps);
  handoverRoutes(app, deps);
  chronologyRoutes(app, deps);
  await attachmentRoutes(app, deps);
  await emailIntakeRoutes(app, deps);
}
