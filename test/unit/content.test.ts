import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSite, rootDir } from '../../src/config.js';
import { loadContentPages } from '../../src/features/site/content.js';

const site = loadSite();

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'content-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('content pages', () => {
  it('every page in content/pages loads, with GOV.UK classes and the configured numbers filled in', () => {
    const pages = loadContentPages(path.join(rootDir, 'content', 'pages'), site);
    expect(pages.length).toBeGreaterThanOrEqual(13);
    for (const p of pages) {
      expect(p.html).not.toContain('{{');
      expect(p.html).not.toMatch(/<h1/);
      expect(p.html).toContain('class="govuk-body"');
    }
    const urgent = pages.find((p) => p.slug === 'urgent-help')!;
    expect(urgent.html).toContain(site.helplines.emergency.number);
    expect(urgent.html).toContain(site.helplines.antiTerroristHotline.number);
    expect(urgent.html).toContain(site.helplines.actEarly.number);
  });

  it('orders pages, converts Markdown and drops raw HTML', () => {
    const dir = folderWith({
      'b.md':
        '---\ntitle: B\ndescription: d\norder: 2\n---\n## Heading\n\n- one\n- two\n\n<script>alert(1)</script>\n\n[link](/x)',
      'a.md': '---\ntitle: A\ndescription: d\norder: 1\n---\nCall {{ site.helplines.emergency.number }}.',
    });
    const [a, b] = loadContentPages(dir, site);
    expect(a!.slug).toBe('a');
    expect(a!.html).toBe('<p class="govuk-body">Call 999.</p>\n');
    expect(b!.html).toContain('<h2 class="govuk-heading-m">Heading</h2>');
    expect(b!.html).toContain('<ul class="govuk-list govuk-list--bullet"><li>one</li><li>two</li></ul>');
    expect(b!.html).toContain('<a class="govuk-link" href="/x">link</a>');
    expect(b!.html).not.toContain('<script>');
  });

  it('refuses a misspelt placeholder or missing front matter, naming the file', () => {
    expect(() =>
      loadContentPages(
        folderWith({ 'x.md': '---\ntitle: X\ndescription: d\norder: 1\n---\n{{ site.helplines.emergncy.number }}' }),
        site,
      ),
    ).toThrow(/x\.md/);
    expect(() => loadContentPages(folderWith({ 'y.md': 'no front matter' }), site)).toThrow(
      /y\.md: front matter missing/,
    );
    expect(() => loadContentPages(folderWith({ 'z.md': '---\ntitle: Z\n---\nbody' }), site)).toThrow(
      /z\.md: front matter invalid/,
    );
  });
});
