import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import nunjucks from 'nunjucks';
import { listenHttp, runChild } from './child.js';

/**
 * The common peer stack, untuned: Express 5 + Nunjucks (nunjucks.configure defaults, so the built-in `trim` filter that
 * govuk-frontend's macros call) + govuk-frontend 6, rendering the same pages as ours on every request. It does less
 * than ours per request (no database, no signed cookies, no CSRF check, no security headers), which favours it.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const site = JSON.parse(readFileSync(path.join(root, 'config', 'site.json'), 'utf8')) as Record<string, unknown>;

const app = express();
const env = nunjucks.configure(
  [path.join(here, '..', 'peer', 'views'), path.join(root, 'node_modules/govuk-frontend/dist')],
  {
    autoescape: true,
    express: app,
  },
);
env.addGlobal('site', site);
app.set('view engine', 'njk');

const NAV = [
  { href: '/what-is-prevent', text: 'What Prevent is' },
  { href: '/refer', text: 'Make a referral' },
  { href: '/advice', text: 'Ask for advice' },
  { href: '/urgent-help', text: 'Get help now' },
];
const navigation = (active: string) => NAV.map((n) => ({ ...n, active: n.href === active }));

/** The information page's text, as ours renders it (sent by the orchestrator, so both serve the same content). */
let info = { title: '', description: '', bodyHtml: '' };

app.get('/what-is-prevent', (_req, res) => {
  res.render('info.njk', {
    pageTitle: info.title,
    metaDescription: info.description,
    bodyHtml: info.bodyHtml,
    navigation: navigation('/what-is-prevent'),
  });
});

const question = (res: express.Response, extra: Record<string, unknown>) =>
  res.set('cache-control', 'no-store').render('question.njk', {
    pageTitle: 'Is anyone in immediate danger?',
    navigation: navigation('/refer'),
    csrfToken: randomBytes(27).toString('base64url'),
    expiresAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
    ...extra,
  });

app.get('/refer/immediate-danger', (_req, res) => question(res, {}));

app.post('/refer/immediate-danger', express.urlencoded({ extended: false }), (req, res) => {
  const value = (req.body as Record<string, unknown> | undefined)?.immediateDanger;
  if (value === 'no') return res.redirect(303, '/refer/about-you');
  if (value === 'yes') return res.redirect(303, '/refer/call-999');
  res.status(400);
  return question(res, { errors: { immediateDanger: 'Select yes if anyone is in immediate danger' } });
});

const server = createServer(app);
await runChild({
  listen: () => listenHttp(server),
  close: () => new Promise((resolve) => server.close(() => resolve())),
  handlers: {
    content(msg) {
      info = msg.info as typeof info;
    },
  },
});
