import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type nunjucks from 'nunjucks';
import { rootDir, type Site } from '../../config.js';
import { loadContentPages } from './content.js';
import { navigation, type Render } from '../../views/render.js';

interface PublicDeps {
  env: nunjucks.Environment;
  render: Render;
  site: Site;
  /** The live reference data, so the printable form offers the same choices as the online one. */
  choices: { concernTypes: string[]; sectors: string[] };
}

/**
 * The information pages. Their text lives in `content/pages/*.md`; each page is rendered once at start-up (it has no
 * per-request content: no session, no token) and served from memory, which keeps them as fast as static files.
 */
export function publicRoutes(app: FastifyInstance, deps: PublicDeps): void {
  const { env, site } = deps;
  const pages = loadContentPages(path.join(rootDir, 'content', 'pages'), site);
  const cache = new Map<string, string>();
  const navFor = (href: string) => navigation(href);
  const cards = pages.filter((p) => p.order < 900);

  cache.set(
    '/',
    env.render('site/views/home.njk', {
      pageTitle: 'Prevent in Cumbria',
      metaDescription:
        'Prevent helps people at risk of being drawn into terrorism. Find out what it is, and make a referral or ask for advice.',
      navigation: navFor('/'),
      cards,
    }),
  );
  for (const page of pages) {
    cache.set(
      `/${page.slug}`,
      env.render('site/views/content.njk', {
        pageTitle: page.title,
        metaDescription: page.description,
        bodyHtml: page.html,
        navigation: navFor(`/${page.slug}`),
      }),
    );
  }

  for (const [url, html] of cache) {
    const body = Buffer.from(html, 'utf8'); // encoded once, not on every request
    app.get(url, (_req, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'public, max-age=300').send(body),
    );
  }

  let formPdf: Promise<Buffer> | undefined;
  app.get('/referral-form.pdf', async (_req, reply) => {
    // pdfkit is loaded on first use only (it adds ~15 MB to every process otherwise).
    formPdf ??= import('./referral-form-pdf.js').then((m) => m.renderReferralFormPdf(site, deps.choices));
    const pdf = await formPdf.catch((err: unknown) => {
      formPdf = undefined;
      throw err;
    });
    return reply
      .type('application/pdf')
      .header('content-disposition', 'attachment; filename="prevent-referral-form.pdf"')
      .header('cache-control', 'public, max-age=3600')
      .send(pdf);
  });
}
