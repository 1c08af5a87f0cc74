import { alias } from 'drizzle-orm/pg-core';
import { adviceRequests, referrals } from './schema/index.js';

/**
 * The case tables under the short names the lists' SQL gives them (`referrals r`, `advice_requests a`). A policy's list
 * twin (src/policies) built on these drops straight into such a query: `listAccess(policy, principal, CASE_ALIASES)`.
 */
export const CASE_ALIASES = { referrals: alias(referrals, 'r'), advice: alias(adviceRequests, 'a') };
