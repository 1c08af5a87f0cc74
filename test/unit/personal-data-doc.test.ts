import { beforeAll, describe, expect, it } from 'vitest';
import {
  DATA_SUBJECTS,
  STORES,
  TABLES,
  classifiedColumns,
  inventoryGaps,
  type TableRule,
} from '../../src/db/personal-data.js';
import { currentPersonalDataDoc, renderPersonalDataDoc } from '../../scripts/personal-data-doc.js';

describe('personal-data inventory', () => {
  let rendered: string;
  beforeAll(async () => {
    rendered = await renderPersonalDataDoc();
  });

  it('docs/personal-data.md is what the inventory renders (run `npm run docs:personal-data` after changing it)', () => {
    expect(currentPersonalDataDoc()).toBe(rendered);
  });

  it('the document shows every column under its table, and every store', () => {
    const doc = rendered;
    for (const c of classifiedColumns()) {
      const section = doc.split(`\n### ${c.table}\n`)[1]?.split('\n#')[0] ?? '';
      expect(section, `${c.table}.${c.column}`).toMatch(new RegExp(`\\| \`${c.column}\` +\\|`));
    }
    for (const name of Object.keys(STORES)) expect(doc).toMatch(new RegExp(`\\| ${name} +\\|`));
  });

  it('is consistent: no one\'s data is "none" category and the reverse, and every subject is a known one', () => {
    const stores = Object.entries(STORES).map(([name, s]) => ({ table: name, column: '', ...s }));
    for (const c of [...classifiedColumns(), ...stores]) {
      const where = `${c.table}.${c.column}`;
      for (const s of c.subjects) expect(DATA_SUBJECTS, where).toContain(s);
      expect(c.subjects.includes('none'), where).toBe(c.category === 'none');
      if (c.subjects.includes('none')) expect(c.subjects, where).toHaveLength(1);
      // A column about someone is either shown to them or says why not.
      if (c.category !== 'none' && c.access.show !== 'shown') expect(c.access.reason.length, where).toBeGreaterThan(10);
      if (c.erasure.action === 'keep') expect(c.erasure.reason.length, where).toBeGreaterThan(5);
    }
  });

  it('an append-only table whose rows are erased says which guard refuses the DELETE today', () => {
    for (const [name, t] of Object.entries(TABLES) as [string, TableRule][])
      if (['case_events', 'attachments', 'assessments', 'explanations', 'decisions'].includes(name))
        expect(t.deleteRefusedBy, name).toBeTruthy();
  });

  it('the classification check reports an unknown column and a vanished one', () => {
    const all = classifiedColumns().map(({ table, column }) => ({ table, column }));
    expect(inventoryGaps(all)).toEqual({ unclassified: [], missing: [] });
    const changed = [
      ...all.filter((c) => !(c.table === 'outbox' && c.column === 'last_error')),
      { table: 'outbox', column: 'cc' },
    ];
    expect(inventoryGaps(changed)).toEqual({ unclassified: ['outbox.cc'], missing: ['outbox.last_error'] });
  });
});
