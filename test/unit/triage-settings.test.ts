import { describe, expect, it } from 'vitest';
import { coverageWarning, parseHolidayForm, parseTargetForm } from '../../src/features/triage/settings/view-model.js';

describe('the triage target form', () => {
  it('takes a whole number of working days from 1 to 60', () => {
    expect(parseTargetForm({ workingDays: ' 7 ' })).toEqual({ ok: true, value: 7 });
    expect(parseTargetForm({ workingDays: '1' })).toEqual({ ok: true, value: 1 });
    expect(parseTargetForm({ workingDays: '60' })).toEqual({ ok: true, value: 60 });
  });

  it('refuses nothing, words, fractions, signs and numbers out of range, keeping what was typed', () => {
    const error = (v: unknown) => {
      const r = parseTargetForm({ workingDays: v });
      return r.ok ? undefined : r.errors.workingDays;
    };
    expect(error('')).toBe('Enter the target in working days');
    expect(error(undefined)).toBe('Enter the target in working days');
    expect(error(['5', '6'])).toBe('Enter the target in working days');
    for (const v of ['five', '2.5', '-3', '+3', '1e1', '0x5'])
      expect(error(v)).toBe('The target must be a whole number of working days, like 5');
    expect(error('0')).toBe('The target must be between 1 and 60 working days');
    expect(error('61')).toBe('The target must be between 1 and 60 working days');
    const kept = parseTargetForm({ workingDays: 'ten' });
    expect(kept.ok ? undefined : kept.values).toEqual({ workingDays: 'ten' });
  });
});

describe('the bank holiday form', () => {
  const today = '2026-11-26';
  const form = (day: string, month: string, year: string, name = 'Christmas Day') => ({
    'day-day': day,
    'day-month': month,
    'day-year': year,
    name,
  });

  it('takes a real date from today on, and a name with its spaces tidied', () => {
    expect(parseHolidayForm(form('25', '12', '2029', '  Christmas   Day '), today)).toEqual({
      ok: true,
      value: { day: '2029-12-25', name: 'Christmas Day' },
    });
    expect(parseHolidayForm(form('26', '11', '2026'), today).ok).toBe(true);
  });

  it('refuses a missing, unreal or past date and a missing or long name', () => {
    const errors = (body: Record<string, string>) => {
      const r = parseHolidayForm(body, today);
      return r.ok ? {} : r.errors;
    };
    expect(errors(form('', '', '', ''))).toEqual({
      day: 'Enter the date of the bank holiday',
      name: 'Enter the name of the bank holiday, like Christmas Day',
    });
    expect(errors(form('31', '2', '2029')).day).toBe('The date of the bank holiday must be a real date');
    expect(errors(form('1', '', '2029')).day).toBe('The date of the bank holiday must be a real date');
    expect(errors(form('25', '12', '29')).day).toBe('The date of the bank holiday must be a real date');
    expect(errors(form('25', '11', '2026')).day).toBe('The date of the bank holiday must be today or in the future');
    expect(errors(form('25', '12', '2029', 'x'.repeat(101))).name).toBe('The name must be 100 characters or fewer');
  });
});

describe('the warning when bank holidays run out', () => {
  const now = new Date('2026-11-26T12:00:00Z');

  it('is quiet while the list reaches a year ahead', () => {
    expect(coverageWarning('2028-12-26', now)).toBeUndefined();
    expect(coverageWarning('2027-11-26', now)).toBeUndefined();
  });

  it('says up to when the list goes, or that it is empty', () => {
    expect(coverageWarning('2027-08-30', now)).toContain('Bank holidays are listed only up to 30 August 2027');
    expect(coverageWarning(null, now)).toContain('No bank holidays are listed');
  });
});
