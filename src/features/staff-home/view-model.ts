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
          links: [
            { href: '/staff/intake', text: 'Open the intake list' },
            { href: '/staff/triage', text: 'Open the triage queue' },
            { href: '/staff/intake/from-email', text: 'Record a referral that arrived by e-mail' },
          ],
        });
        break;
      case 'approvals':
        out.push({
          heading: 'Supervision',
          text: 'Threshold decisions waiting for your approval, the team’s workload, the wording of explanations sent to referrers, and the target for decisions.',
          links: [
            { href: '/staff/triage/approvals', text: 'Decisions waiting for approval' },
            { href: '/staff/triage/workload', text: 'Workload per officer' },
            { href: '/staff/triage/templates', text: 'Wording of explanations' },
            { href: '/staff/triage/settings', text: 'Target for decisions and bank holidays' },
          ],
        });
        break;
      case 'search':
        out.push({
          heading: 'Search',
          text: 'Find referrals and advice requests you may see, by reference, name, date of birth, postcode or words in the concern. Every search is recorded with its terms.',
          links: [{ href: '/staff/search', text: 'Search cases' }],
        });
        break;
      case 'channel':
        out.push({
          heading: 'Channel cases for your council',
          text: 'Referrals the Prevent team has handed over to your council, to accept or return.',
          links: [{ href: '/staff/channel/handovers', text: 'Hand-overs waiting for an answer' }],
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
