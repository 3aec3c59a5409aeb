import { describe, expect, it } from 'vitest';
import { compareVersions, parseVersion } from './version';

describe('shared/updates/version', () => {
  it('orders versions by semver precedence', () => {
    const sorted = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.10.0',
      '2.0.0',
    ];
    for (let i = 1; i < sorted.length; i++)
      expect(compareVersions(sorted[i - 1]!, sorted[i]!), sorted[i]).toBeLessThan(0);
    expect(compareVersions('v1.2.3', '1.2.3')).toBe(0);
    expect(compareVersions('1.2.3+build.5', '1.2.3')).toBe(0);
  });

  it('rejects what is not a version', () => {
    expect(parseVersion('1.2')).toBeNull();
    expect(parseVersion('1.2.3; rm -rf /')).toBeNull();
    expect(() => compareVersions('x', '1.0.0')).toThrow(/not a semantic version/);
  });
});
