/**
 * Builds the stylesheet (our branding on govuk-frontend, no GDS Transport) and copies govuk-frontend's script.
 * Runs before `npm start` and `npm test`; quick, and skipped when the outputs are newer than their sources.
 */
import { copyFileSync, mkdirSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { compileAsync, NodePackageImporter } from 'sass';
import { rootDir } from '../src/config.js';

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
const newestSource = Math.max(...sources, mtime(path.join(govukDist, 'index.scss')));
if (mtime(cssOut) < newestSource || process.argv.includes('--force')) {
  const result = await compileAsync(path.join(scssDir, 'app.scss'), {
    importers: [new NodePackageImporter()],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
  });
  writeFileSync(cssOut, result.css);
  console.log(`built ${path.relative(rootDir, cssOut)} (${result.css.length} bytes)`);
}
copyFileSync(path.join(govukDist, 'govuk-frontend.min.js'), path.join(out, 'govuk-frontend.min.js'));
