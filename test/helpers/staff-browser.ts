import type { Browser, Page } from 'playwright-core';
import type { Role } from '../../src/db/schema/index.js';
import { newPage, type Server } from './browser.js';
import { createStaff, staffCookieValue, type TestStaff } from './staff.js';

/**
 * A browser page signed in as a member of staff (the session made directly in the database; the sign-in journey has
 * its own browser tests). Pass `staff` to sign in someone already made, or `roles` (and optionally `organisation`,
 * `displayName`) to make a new person. The one helper for every browser test that needs a member of staff.
 */
export async function signedInStaffPage(
  browser: Browser,
  server: Pick<Server, 'app' | 'database' | 'baseURL'>,
  opts: {
    js?: boolean;
    staff?: TestStaff;
    roles?: Role[];
    organisation?: string;
    displayName?: string;
  },
): Promise<{ page: Page; staff: TestStaff }> {
  const staff =
    opts.staff ??
    (await createStaff(server.database.db, {
      roles: opts.roles ?? [],
      ...(opts.organisation ? { organisation: opts.organisation } : {}),
      ...(opts.displayName ? { displayName: opts.displayName } : {}),
    }));
  const page = await newPage(browser, server.baseURL, { js: opts.js ?? true });
  await page.context().addCookies([
    {
      name: 'prevent_staff',
      value: await staffCookieValue(server.app, server.database.db, staff),
      domain: new URL(server.baseURL).hostname,
      path: '/staff',
      httpOnly: true,
      sameSite: 'Lax',
    },
  ]);
  return { page, staff };
}
