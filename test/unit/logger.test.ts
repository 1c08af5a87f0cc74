import { describe, expect, it } from 'vitest';
import { safeError } from '../../src/lib/logger.js';

describe('safeError', () => {
  it('keeps the kind, codes and stack frames of an error but never its message', () => {
    const cause = Object.assign(new Error('new row violates check constraint'), {
      code: '23514',
      constraint: 'referrals_age_range',
    });
    const err = new Error('Failed query: insert into referrals ... params: Jamie Example,alex@example.org', { cause });
    const logged = JSON.stringify(safeError(err));
    expect(logged).not.toContain('Jamie');
    expect(logged).not.toContain('alex@example.org');
    expect(logged).toContain('23514');
    expect(logged).toContain('referrals_age_range');
    expect(logged).toContain('logger.test.ts');
  });

  it('copes with things that are not errors', () => {
    expect(safeError('text with alex@example.org')).toEqual({ chain: [{ type: 'string' }] });
    expect(safeError(undefined)).toEqual({ chain: [] });
  });
});
