import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Marked, type Tokens } from 'marked';
import nunjucks from 'nunjucks';
import type { Site } from '../../config.js';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** A public information page, written by non-developers as Markdown in `content/pages/`. */
export interface ContentPage {
  slug: string;
  title: string;
  description: string;
  order: number;
  html: string;
}

const frontMatter = z.object({
  title: z.string().min(1),
  description: z.string().min(1),
  order: z.number().int(),
});

/** Markdown → HTML with GOV.UK Frontend's typography classes. Content is trusted (ours), but raw HTML is still refused. */
function govukMarked(): Marked {
  const marked = new Marked({ gfm: true, breaks: false });
  marked.use({
    renderer: {
      heading({ tokens, depth }: Tokens.Heading) {
        const size = depth <= 2 ? 'm' : 's';
        return `<h${depth} class="govuk-heading-${size}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
      },
      paragraph({ tokens }: Tokens.Paragraph) {
        return `<p class="govuk-body">${this.parser.parseInline(tokens)}</p>\n`;
      },
      list(token: Tokens.List) {
        const tag = token.ordered ? 'ol' : 'ul';
        const cls = token.ordered ? 'govuk-list govuk-list--number' : 'govuk-list govuk-list--bullet';
        const items = token.items.map(
          (item) => `<li>${this.parser.parse(item.tokens).replace(/^<p class="govuk-body">|<\/p>\n?$/g, '')}</li>`,
        );
        return `<${tag} class="${cls}">${items.join('')}</${tag}>\n`;
      },
      link({ href, title, tokens }: Tokens.Link) {
        const text = this.parser.parseInline(tokens);
        const rel = /^https?:\/\//.test(href) ? ' rel="noreferrer"' : '';
        const t = title ? ` title="${title}"` : '';
        return `<a class="govuk-link" href="${href}"${t}${rel}>${text}</a>`;
      },
      html() {
        return '';
      },
      hr() {
        return '<hr class="govuk-section-break govuk-section-break--l govuk-section-break--visible">\n';
      },
      strong({ tokens }: Tokens.Strong) {
        return `<strong>${this.parser.parseInline(tokens)}</strong>`;
      },
    },
  });
  return marked;
}

/**
 * Reads every page: placeholders (`{{ site.… }}`) are filled by Nunjucks first, then the Markdown is converted. A
 * misspelt placeholder stops start-up (it would otherwise print nothing where a phone number should be).
 */
export function loadContentPages(dir: string, site: Site): ContentPage[] {
  const env = new nunjucks.Environment(null, { autoescape: true, throwOnUndefined: true });
  env.addGlobal('site', site);
  const marked = govukMarked();
  const pages: ContentPage[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
    const raw = readFileSync(path.join(dir, file), 'utf8');
    const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(raw.replace(/\r\n/g, '\n'));
    if (!match) throw new Error(`${file}: front matter missing`);
    const meta = frontMatter.safeParse(parseYaml(match[1]!));
    if (!meta.success) throw new Error(`${file}: front matter invalid: ${z.prettifyError(meta.error)}`);
    let body: string;
    try {
      body = env.renderString(match[2]!, {});
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
    }
    pages.push({ slug: file.replace(/\.md$/, ''), ...meta.data, html: marked.parse(body, { async: false }) });
  }
  return pages.sort((a, b) => a.order - b.order);
}
