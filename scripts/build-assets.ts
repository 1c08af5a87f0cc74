/**
 * Builds the stylesheet (our branding on govuk-frontend, no GDS Transport) and copies govuk-frontend's script.
 * Runs before `npm start` and `npm test`; quick, and skipped when the outputs are newer than their sources.
 */
import { copyFileSync, mkdirSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { compileAsync, NodePackageImporter } from 'sass';
import { loadSite, rootDir } from '../src/config.js';

const out = path.join(rootDir, 'public', 'build');
const govukDist = path.join(rootDir, 'node_modules', 'govuk-frontend', 'dist', 'govuk');
const scssDir = path.join(rootDir, 'src', 'assets');
const cssOut = path.join(out, 'app.css');

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

mkdirSync(out, { recursive: true });
const sources = readdirSync(scssDir)
  .filter((f) => f.endsWith('.scss'))
  .map((f) => mtime(path.join(scssDir, f)));
const siteFile = process.env.SITE_CONFIG
  ? path.resolve(process.env.SITE_CONFIG)
  : path.join(rootDir, 'config', 'site.json');
const newestSource = Math.max(...sources, mtime(path.join(govukDist, 'index.scss')), mtime(siteFile));
const site = loadSite(siteFile);
if (mtime(cssOut) < newestSource || process.argv.includes('--force')) {
  const result = await compileAsync(path.join(scssDir, 'app.scss'), {
    importers: [
      // `@use "site:brand"` gives the stylesheet the brand colour from config/site.json (one place for it).
      {
        canonicalize: (url: string) => (url === 'site:brand' ? new URL('site:brand') : null),
        load: () => ({ contents: `$colour: ${site.brandColour};`, syntax: 'scss' as const }),
      },
      new NodePackageImporter(),
    ],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
  });
  writeFileSync(cssOut, result.css);
  console.log(`built ${path.relative(rootDir, cssOut)} (${result.css.length} bytes)`);
}
copyFileSync(path.join(govukDist, 'govuk-frontend.min.js'), path.join(out, 'govuk-frontend.min.js'));
