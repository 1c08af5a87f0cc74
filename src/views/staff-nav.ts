import { homeSections, type Principal } from '../policies/index.js';

export interface StaffNavItem {
  href: string;
  text: string;
  active: boolean;
}

const SECTION_LINKS: Record<string, { href: string; text: string }> = {
  intake: { href: '/staff/intake', text: 'New referrals and advice' },
  triage: { href: '/staff/triage', text: 'Triage queue' },
  approvals: { href: '/staff/triage/approvals', text: 'Approvals' },
  channel: { href: '/staff/channel/handovers', text: 'Hand-overs' },
  search: { href: '/staff/search', text: 'Search' },
  audit: { href: '/staff/audit', text: 'Access log' },
  admin: { href: '/staff/admin/users', text: 'Accounts' },
  postcodes: { href: '/staff/admin/postcodes', text: 'Postcodes and councils' },
};

/** Links whose address starts with another link's (the approvals page is under the triage queue's). */
const NESTED = ['/staff/triage/approvals'];

/** The staff service navigation: home, then one link per section the person's roles open, then their account. */
export function staffNavigation(principal: Principal, currentPath: string): StaffNavItem[] {
  const items = [{ href: '/staff', text: 'Home' }];
  for (const section of homeSections(principal)) {
    const link = SECTION_LINKS[section];
    if (link) items.push(link);
    // The Prevent team's triage queue follows its intake list.
    if (section === 'intake') items.push(SECTION_LINKS.triage!);
  }
  items.push({ href: '/staff/account', text: 'Your account' });
  return items.map((item) => ({
    ...item,
    active:
      item.href === '/staff'
        ? currentPath === '/staff'
        : currentPath.startsWith(item.href) &&
          !NESTED.some((n) => n !== item.href && n.startsWith(item.href) && currentPath.startsWith(n)),
  }));
}
