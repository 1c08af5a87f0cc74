/**
 * `node --import tsx bench/render.ts`: template rendering alone, in one process, no HTTP and no database. Renders the
 * first question page with our Nunjucks environment (src/views/nunjucks.ts) and the peer stack's page with a default
 * one (the built-in `trim`), and prints the CPU time per render (steadier than wall time on a busy machine). Shows how much of a question page's cost is Nunjucks.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { loadSite, rootDir } from '../src/config.js';
import { referralJourney } from '../src/forms/referral/index.js';
import { questionViewModel } from '../src/features/intake/view-models/question.js';
import { createViewEnvironment } from '../src/views/nunjucks.js';
import { navigation } from '../src/views/render.js';

const site = loadSite();
const journey = referralJourney({ concernTypes: [], sectors: [], site });
const page = journey.pages.get('immediate-danger')!;
const ours = createViewEnvironment(site);
const peer = new nunjucks.Environment(
  new nunjucks.FileSystemLoader([
    path.join(path.dirname(fileURLToPath(import.meta.url)), 'peer', 'views'),
    path.join(rootDir, 'node_modules', 'govuk-frontend', 'dist'),
  ]),
  { autoescape: true },
);
peer.addGlobal('site', site);

const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
const cases: [string, () => string][] = [
  [
    'ours: journeys/question.njk (immediate-danger)',
    () => {
      const vm = questionViewModel(journey, page, {}, {}, { backLink: '/refer', change: false });
      return ours.render('intake/views/question.njk', {
        navigation: navigation('/refer'),
        kind: 'referral',
        basePath: '/refer',
        activeNav: '/refer',
        csrfToken: 'x'.repeat(52),
        vm,
        pageTitle: vm.pageTitle,
        expiresAt,
        returnTo: 'immediate-danger',
      });
    },
  ],
  [
    'peer: question.njk (default environment)',
    () =>
      peer.render('question.njk', {
        pageTitle: 'Is anyone in immediate danger?',
        navigation: navigation('/refer'),
        csrfToken: 'x'.repeat(36),
        expiresAt,
      }),
  ],
  [
    'ours: pages/content.njk (rendered once at start-up in the app)',
    () =>
      ours.render('site/views/content.njk', {
        pageTitle: 'What Prevent is',
        bodyHtml: '<p class="govuk-body">Text</p>'.repeat(30),
        navigation: navigation('/what-is-prevent'),
      }),
  ],
];

const seconds = Number(process.env.RENDER_SECONDS ?? 3);
for (const [name, render] of cases) {
  const size = render().length;
  for (let i = 0; i < 200; i++) render();
  let n = 0;
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const end = start + BigInt(seconds * 1e9);
  while (process.hrtime.bigint() < end) {
    render();
    n++;
  }
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6 / n;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / n;
  console.log(`${cpuMs.toFixed(3)} ms CPU (${wallMs.toFixed(3)} ms wall) per render, ${size} characters: ${name}`);
}
