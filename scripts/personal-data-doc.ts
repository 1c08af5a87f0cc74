/**
 * Writes docs/personal-data.md from the inventory in src/db/personal-data.ts (`npm run docs:personal-data`). The unit
 * test test/unit/personal-data-doc.test.ts renders it again and fails when the file differs, so the document cannot
 * drift from the code: change the inventory, then run this.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import {
  STORES,
  TABLES,
  classifiedColumns,
  type DataCategory,
  type DataSubject,
  type Erasure,
  type SubjectAccess,
  type TableRule,
} from '../src/db/personal-data.js';

export const DOC_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'personal-data.md');

const SUBJECT: Record<DataSubject, string> = {
  'referred-person': 'referred person',
  referrer: 'referrer',
  staff: 'staff',
  'partner-contact': 'partner contact',
  none: 'none',
};
const CATEGORY: Record<DataCategory, string> = {
  none: 'none',
  personal: 'personal',
  'special-or-criminal': '**special or criminal**',
};

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const subjects = (s: readonly DataSubject[]) => s.map((x) => SUBJECT[x]).join(', ');

function access(a: SubjectAccess): string {
  const label = { shown: 'shown', 'third-parties-withheld': 'shown, third parties withheld', 'not-shown': 'not shown' };
  return a.reason ? `${label[a.show]}: ${a.reason}` : label[a.show];
}

function erasure(e: Erasure): string {
  const label = { 'delete-row': 'delete the row', null: 'set to null', anonymise: 'anonymise', keep: 'keep' };
  return e.reason ? `${label[e.action]}: ${e.reason}` : label[e.action];
}

function tableSection(name: string, t: TableRule): string[] {
  const rows = classifiedColumns({ [name]: t });
  return [
    `### ${name}`,
    '',
    `${t.holds[0]!.toUpperCase()}${t.holds.slice(1)}. Erasure of a row: ${erasure(t.erasure)}.` +
      (t.deleteRefusedBy ? ` The database refuses a DELETE today: ${t.deleteRefusedBy}.` : ''),
    '',
    '| column | whose | category | subject access | erasure | note |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((c) =>
      [
        '',
        `\`${c.column}\``,
        subjects(c.subjects),
        CATEGORY[c.category],
        cell(access(c.access)),
        cell(c.erasure === t.erasure ? 'as the row' : erasure(c.erasure)),
        cell(c.note ?? ''),
        '',
      ].join(' | '),
    ),
    '',
  ];
}

/** The document, formatted as prettier would (so that `prettier --check` and the drift test agree). */
export async function renderPersonalDataDoc(): Promise<string> {
  const tables = Object.entries(TABLES) as [string, TableRule][];
  const columns = classifiedColumns();
  const count = (category: DataCategory) => columns.filter((c) => c.category === category).length;
  const lines = [
    '# Personal-data inventory',
    '',
    '<!-- Generated from src/db/personal-data.ts by `npm run docs:personal-data`: do not edit by hand. -->',
    '',
    'Every table and column of the database (public schema, after all migrations), the other schemas and the files the',
    'service writes: whose data it is, its category, what a subject access request shows of it and what erasure does to',
    'it. The TypeScript in `src/db/personal-data.ts` is the source; an integration test fails when a column of the',
    'database is not in it (or it names a column that is gone), and a unit test fails when this file differs from it.',
    '',
    `${tables.length} tables, ${columns.length} columns: ${count('special-or-criminal')} special or criminal, ` +
      `${count('personal')} personal, ${count('none')} none.`,
    '',
    '## How to read it',
    '',
    '- **Whose**: the referred person (or the person an advice request is about), the referrer (or advice asker), a',
    '  member of staff (of any organisation with accounts), a partner contact (a named person at an agency outside the',
    '  service), or none.',
    '- **Category**: police processing is under DPA 2018 Part 3. _Special or criminal_ is sensitive processing',
    "  (s.35(8): religion, political opinions, health, ethnicity, sex life) or what is said about a person's risk of",
    '  being drawn into terrorism or of offending. That someone was referred at all is itself sensitive: every column',
    '  about the referred person is at least personal.',
    "- **Subject access** (s.45) is what a request by the column's own data subject shows. Every _shown_ is a default",
    '  the data protection officer may still restrict case by case under s.45(4) (an investigation, prevention of',
    "  crime, public or national security, other people's rights); the referrer is never named to the referred person,",
    '  as the privacy notice promises.',
    '- **Erasure** (s.47) is what happens when the record is erased: at the end of its retention period (no further',
    '  action: 3 years; other referrals: reviewed after 6 years; unsent forms: 24 hours; see `config/site.json`) or when',
    '  a request is upheld. The access log is kept for its own retention period under s.62 and holds references and ids,',
    '  never the erased data.',
    '',
    '## Tables',
    '',
    ...tables.flatMap(([name, t]) => tableSection(name, t)),
    '## Outside the tables',
    '',
    '| store | where | holds | whose | category | subject access | erasure |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...Object.entries(STORES).map(([name, s]) =>
      [
        '',
        name,
        cell(s.where),
        cell(s.holds + (s.note ? ` (${s.note})` : '')),
        subjects(s.subjects),
        CATEGORY[s.category],
        cell(access(s.access)),
        cell(erasure(s.erasure)),
        '',
      ].join(' | '),
    ),
    '',
  ];
  const options = await resolveConfig(DOC_PATH);
  return format(lines.join('\n'), { ...options, filepath: DOC_PATH });
}

/** The document on disk, or '' when there is none. */
export function currentPersonalDataDoc(): string {
  try {
    return readFileSync(DOC_PATH, 'utf8');
  } catch {
    return '';
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = await renderPersonalDataDoc();
  writeFileSync(DOC_PATH, text);
  console.log(`wrote ${path.relative(process.cwd(), DOC_PATH)}`);
}
