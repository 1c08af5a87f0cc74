import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSite, rootDir } from '../../src/config.js';
import type { IntakeItem } from '../../src/features/cases/queries/intake.js';
import { caseTemplateView, type CaseView } from '../../src/features/cases/view-models/case-view.js';
import { intakeCountText, intakeTable, pagination } from '../../src/features/cases/view-models/intake.js';
import { createViewEnvironment } from '../../src/views/nunjucks.js';
import { navigation } from '../../src/views/render.js';
import { StaffShellRenderer } from '../../src/views/staff-shell.js';

/**
 * The cached staff layout (src/views/staff-shell.ts) must give exactly the HTML of a full Nunjucks render of the same
 * page: every page below is rendered both ways and compared byte for byte.
 */

const env = createViewEnvironment(loadSite());
const NOW = new Date('2026-03-10T12:00:00Z');

const nav = (current: string, admin = false) => [
  { href: '/staff', text: 'Home', active: current === '/staff' },
  { href: '/staff/intake', text: 'New referrals and advice', active: current.startsWith('/staff/intake') },
  ...(admin ? [{ href: '/staff/admin/users', text: 'Accounts', active: current.startsWith('/staff/admin') }] : []),
  { href: '/staff/account', text: 'Your account', active: current.startsWith('/staff/account') },
];

/** What `layoutContext` gives a signed-in page (with awkward characters where people's values go). */
function signedIn(overrides: Record<string, unknown> = {}, who = 'Sam O’Neil & <Co> "x" \\ \'y\'') {
  return {
    navigation: navigation(undefined),
    cspNonce: 'n0nce+/AbC==',
    csrfToken: 'tok-"&<>-1',
    principal: {
      userId: 'u1',
      email: 'sam@example.org',
      displayName: who,
      organisationId: 'o1',
      organisationCode: 'cumbria-police-prevent',
      organisationName: 'Cumbria Police & Prevent',
      organisationKind: 'police_prevent',
      roles: new Set(['prevent_officer']),
      sessionIdHash: 'h',
    },
    staffNav: nav('/staff/intake'),
    session: { idleMinutes: 30, idleEndsAt: '2026-03-10T12:30:00.000Z', absoluteEndsAt: '2026-03-11T00:00:00.000Z' },
    ...overrides,
  };
}

function items(n: number): IntakeItem[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: i % 3 === 0 ? ('advice' as const) : ('referral' as const),
    reference: `ABCD${String(2300 + i)
      .slice(-4)
      .replace(/[01]/g, '2')}`,
    receivedAt: new Date(NOW.getTime() - i * 3_600_000 * 7),
    source: (['online', 'email', 'phone', 'post'] as const)[i % 4]!,
    assignedOfficerName: i % 5 === 0 ? 'Officer <Five> & “Co”' : null,
  }));
}

function intakeContext(page: number, pages: number, n: number, extra: Record<string, unknown> = {}) {
  return signedIn({
    pageTitle: pages > 1 ? `New referrals and advice requests (page ${page} of ${pages})` : 'New referrals',
    countText: intakeCountText(pages * 50, page, n),
    table: intakeTable(items(n), NOW),
    page,
    pages,
    paginationParams: pagination('/staff/intake', page, pages),
    ...extra,
  });
}

const view: CaseView = {
  kind: 'referral',
  reference: 'ABCD2345',
  title: 'Referral ABCD2345',
  facts: [
    { label: 'Reference', value: 'ABCD2345' },
    { label: 'Received', value: '1 March 2026 at 9:05am' },
  ],
  sections: [
    {
      title: 'About the person',
      rows: [
        { label: 'Full name', value: 'Jamie <b>Example</b> & co' },
        { label: 'Home address', value: '1 High St\nCarlisle\n\nCA1 1AA  ' },
      ],
    },
    { title: 'Who made the referral', note: 'Anonymous & <unnamed>', rows: [{ label: 'Referring as', value: 'X' }] },
  ],
};

const pages: [string, string, Record<string, unknown>][] = [
  ['intake, one page', 'cases/views/intake.njk', intakeContext(1, 1, 7)],
  [
    'intake, page 3 of 9, with a back link',
    'cases/views/intake.njk',
    intakeContext(3, 9, 50, { backLink: '/staff?x=1&y="2"' }),
  ],
  ['intake, empty, no session', 'cases/views/intake.njk', intakeContext(1, 1, 0, { session: undefined })],
  [
    'referral view with a reason',
    'cases/views/case.njk',
    signedIn({
      pageTitle: view.title,
      backLink: '/staff/intake',
      view: caseTemplateView(view),
      reason: 'Because',
      pdfHref: '/staff/referrals/ABCD2345/summary.pdf',
    }),
  ],
  [
    'advice view, another navigation',
    'cases/views/case.njk',
    signedIn({
      pageTitle: 'Advice request ABCD2345',
      backLink: '/staff',
      view: caseTemplateView({ ...view, kind: 'advice' }),
      staffNav: nav('/staff', true),
    }),
  ],
  [
    'reason page with errors',
    'cases/views/reason.njk',
    signedIn({
      pageTitle: 'This case is assigned to another officer',
      backLink: '/staff/intake',
      cancelHref: '/staff/intake',
      caseLabel: 'Referral',
      reference: 'ABCD2345',
      officerName: 'Pat & <Pat>',
      formAction: '/staff/referrals/ABCD2345/reason',
      field: { kind: 'textarea', name: 'reason', label: 'Why?', errorName: 'why', maxLength: 500, rows: 4 },
      minLength: 10,
      value: 'short <b>',
      error: 'Too short & <wrong>',
      errorSummary: [
        { text: 'Too short & <wrong>', href: '#reason' },
        { text: 'Second "one"', href: '#other' },
      ],
    }),
  ],
  [
    'error page, no person (sign-in pages)',
    'staff/error.njk',
    {
      navigation: navigation(undefined),
      cspNonce: 'abc',
      csrfToken: 't',
      principal: undefined,
      staffNav: [],
      session: undefined,
      pageTitle: 'Page not found',
      paragraphs: ['Check the reference.'],
    },
  ],
  ['forbidden page', 'staff/error.njk', signedIn({ pageTitle: 'No', paragraphs: ['a', 'b'] })],
  ['a name with nothing to escape', 'staff/error.njk', signedIn({ pageTitle: 'Plain', paragraphs: [] }, 'Plain Name')],
  ['pageTitle missing', 'staff/error.njk', signedIn({ paragraphs: [] })],
];

describe('the cached staff layout', () => {
  it.each(pages)('%s: the same HTML as a full render', (_name, template, context) => {
    const shell = new StaffShellRenderer(env);
    const full = env.render(template, context);
    const fast = shell.render(template, context);
    expect(fast).toBe(full);
    // and again from the cache, with other per-request values
    const again = { ...context, cspNonce: 'other', csrfToken: 'other-token' };
    expect(shell.render(template, again)).toBe(env.render(template, again));
    expect(fast).toContain('<h1');
  });

  it('renders the layout once per navigation and shape, and the page each time', () => {
    const shell = new StaffShellRenderer(env);
    for (let i = 0; i < 5; i++) shell.render('cases/views/intake.njk', intakeContext(1, 1, 3));
    expect(shell.size).toBe(1);
    shell.render('cases/views/intake.njk', intakeContext(1, 1, 3, { staffNav: nav('/staff/account') }));
    shell.render('cases/views/intake.njk', intakeContext(1, 1, 3, { backLink: '/staff' }));
    expect(shell.size).toBe(3);
    // A different person with the same navigation shares the shell, with their own name in it.
    const other = shell.render('cases/views/intake.njk', {
      ...intakeContext(1, 1, 3),
      ...signedIn({}, 'Another Person'),
    });
    expect(shell.size).toBe(3);
    expect(other).toContain('Another Person');
    expect(other).not.toContain('Sam O’Neil');
  });

  it('gives every staff page that extends the layout the same HTML both ways (generic context)', () => {
    const templates: string[] = [];
    const walk = (dir: string, d: string) => {
      for (const f of readdirSync(d)) {
        const p = path.join(d, f);
        if (statSync(p).isDirectory()) walk(dir, p);
        else if (f.endsWith('.njk') && !f.startsWith('_')) templates.push(path.relative(dir, p));
      }
    };
    walk(path.join(rootDir, 'src', 'views'), path.join(rootDir, 'src', 'views', 'staff'));
    walk(path.join(rootDir, 'src', 'features'), path.join(rootDir, 'src', 'features'));
    let compared = 0;
    for (const template of templates) {
      const context = signedIn({ pageTitle: 'A <page>', backLink: '/staff' });
      let full: string;
      try {
        full = env.render(template, context);
      } catch {
        continue; // needs page-specific values (covered above for the busy pages)
      }
      expect(new StaffShellRenderer(env).render(template, context), template).toBe(full);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });

  it('falls back to a full render for a page that overrides another block of the layout', () => {
    const shell = new StaffShellRenderer(env);
    const html = shell.render('staff-home/views/screen-hidden.njk', signedIn());
    expect(html).toBe(env.render('staff-home/views/screen-hidden.njk', signedIn()));
    expect(shell.size).toBe(0);
  });
});
