import { describe, expect, it } from 'vitest';
import { isInRollout } from './rollout';

// Deterministic install ids (xorshift), formatted as UUIDs, so the test is the same every run.
function* installIds(seed: number, n: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  for (let i = 0; i < n; i++) {
    const hex = Array.from({ length: 4 }, () => next().toString(16).padStart(8, '0')).join('');
    yield `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

describe('shared/updates/rollout', () => {
  it('a 20% rollout reaches about 20% of 10,000 installs (within ±2 points, 5 sigma)', () => {
    const ids = [...installIds(20261123, 10_000)];
    const share = ids.filter((id) => isInRollout(id, 20)).length / ids.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
  });

  it('gives the same install the same answer every time, and widening never drops anyone', () => {
    for (const id of installIds(7, 2_000)) {
      const at20 = isInRollout(id, 20);
      expect(isInRollout(id, 20)).toBe(at20);
      if (at20) expect(isInRollout(id, 50)).toBe(true);
    }
  });

  it('matches electron-updater: last four bytes of the UUID as a fraction of 2^32-1', () => {
    expect(isInRollout('00000000-0000-4000-8000-000000000000', 1)).toBe(true);
    expect(isInRollout('00000000-0000-4000-8000-0000ffffffff', 99.9)).toBe(false);
    expect(isInRollout('00000000-0000-4000-8000-00007fffffff', 50)).toBe(true);
    expect(isInRollout('00000000-0000-4000-8000-000080000000', 50)).toBe(false);
  });

  it('0% pauses, 100% or none reaches everyone', () => {
    expect(isInRollout('00000000-0000-4000-8000-000000000000', 0)).toBe(false);
    expect(isInRollout('ffffffff-ffff-4fff-bfff-ffffffffffff', 100)).toBe(true);
    expect(isInRollout('ffffffff-ffff-4fff-bfff-ffffffffffff', undefined)).toBe(true);
  });
});
