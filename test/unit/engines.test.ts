import { describe, expect, it } from 'vitest';
import { engineSettingsProblem } from '../helpers/engines.js';

// The global set-up refuses a run whose engine settings would test less than they claim (test/helpers/global-setup.ts).
describe('which database engines a test run may use', () => {
  it('accepts both engines, by default or named, in CI and outside it', () => {
    for (const CI of [undefined, 'true']) {
      expect(engineSettingsProblem({ CI })).toBeNull();
      expect(engineSettingsProblem({ CI, TEST_ENGINES: 'pglite,postgres' })).toBeNull();
      expect(engineSettingsProblem({ CI, TEST_ENGINES: ' postgres , pglite ' })).toBeNull();
    }
  });

  it('lets one engine run while working, outside CI', () => {
    expect(engineSettingsProblem({ TEST_ENGINES: 'pglite' })).toBeNull();
    expect(engineSettingsProblem({ TEST_ENGINES: 'postgres' })).toBeNull();
    expect(engineSettingsProblem({ CI: 'false', TEST_ENGINES: 'pglite' })).toBeNull();
  });

  it('fails a CI run on fewer than two engines', () => {
    for (const CI of ['true', '1', 'yes']) {
      expect(engineSettingsProblem({ CI, TEST_ENGINES: 'pglite' })).toMatch(/CI must run .* both engines/);
      expect(engineSettingsProblem({ CI, TEST_ENGINES: 'postgres' })).toMatch(/CI must run .* both engines/);
    }
  });

  it('fails any run that names an unknown engine or none', () => {
    expect(engineSettingsProblem({ TEST_ENGINES: 'pglite,postgress' })).toMatch(/unknown engine \(postgress\)/);
    expect(engineSettingsProblem({ TEST_ENGINES: '' })).toMatch(/no engine/);
    expect(engineSettingsProblem({ CI: 'true', TEST_ENGINES: 'sqlite' })).toMatch(/unknown engine/);
  });
});
