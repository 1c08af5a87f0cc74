export interface HomeSection {
  heading: string;
  text: string;
  links: { href: string; text: string }[];
}

/** The home page's sections for the sections a person's roles open (see `homeSections` in the policies). */
export function staffHomeSections(
  sections: string[],
  counts: { referrals: number; advice: number } | undefined,
): HomeSection[] {
  const out: HomeSection[] = [];
  for (const s of sections) {
    switch (s) {
      case 'intake':
        out.push({
          heading: 'New referrals and advice requests',
          text: counts
            ? `${plural(counts.referrals, 'new referral')} and ${plural(counts.advice, 'new advice request')} waiting.`
            : 'Referrals and advice requests waiting for the Prevent team.',
          links: [{ href: '/staff/intake', text: 'Open the intake list' }],
        });
        break;
      case 'channel':
        out.push({
          heading: 'Channel cases for your council',
          text: 'Cases handed over to your council by the Prevent team will appear here.',
          links: [],
        });
        break;
      case 'panel':
        out.push({
          heading: 'Channel panel',
          text: 'Cases brought to a Channel panel your agency sits on will appear here.',
          links: [],
        });
        break;
      case 'engagement':
        out.push({
          heading: 'Community engagement',
          text: 'Engagement work records will appear here.',
          links: [],
        });
        break;
      case 'figures':
        out.push({
          heading: 'Figures',
          text: 'Figures in the Home Office categories, without names, will appear here.',
          links: [],
        });
        break;
      case 'audit':
        out.push({
          heading: 'Access log',
          text: 'Every collection, view, change, disclosure, link and erasure of personal data, with who, when and why.',
          links: [
            { href: '/staff/audit', text: 'Search the access log' },
            { href: '/staff/audit/person', text: 'Every access to one person’s records' },
          ],
        });
        break;
      case 'admin':
        out.push({
          heading: 'Accounts',
          text: 'Staff accounts, roles and sessions.',
          links: [{ href: '/staff/admin/users', text: 'Manage accounts' }],
        });
        break;
      case 'postcodes':
        out.push({
          heading: 'Postcodes and councils',
          text: 'The table that suggests the responsible council from a person’s postcode for Channel.',
          links: [{ href: '/staff/admin/postcodes', text: 'Manage the postcode-to-council table' }],
        });
        break;
    }
  }
  return out;
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-GB')} ${noun}${n === 1 ? '' : 's'}`;
}
