import type { FastifyInstance } from 'fastify';
import { installStaffArea, type StaffDeps } from './registry.js';
import { homeRoutes } from './home.js';
import { signInRoutes } from './sign-in.js';
import { ssoRoutes } from './sso.js';
import { accountRoutes } from './account.js';
import { adminRoutes } from './admin.js';
import { casesRoutes } from './cases.js';
import { auditRoutes } from './audit.js';
import { earlierReferralsRoutes } from './earlier-referrals.js';
import { postcodeRoutes } from './postcodes.js';
import { recontactRoutes } from './recontact.js';
import { assessmentRoutes } from './assessment.js';
import { searchRoutes } from './search.js';
import { triageQueueRoutes } from './triage-queue.js';
import { decisionRoutes } from './decision.js';
import { handoverRoutes } from './handover.js';
import { chronologyRoutes } from './chronology.js';
import { attachmentRoutes } from './attachments.js';
import { emailIntakeRoutes } from './email-intake.js';
import { triageSettingsRoutes } from './triage-settings.js';

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
