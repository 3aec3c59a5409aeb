import { describe, expect, it } from 'vitest';
import { Summary } from './metrics';
import { TokenBucket } from './rateLimit';

describe('relay/rateLimit', () => {
  it('allows a burst, then refills at the configured rate', () => {
    let t = 0;
    const b = new TokenBucket(2, 3, () => t);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    t = 500;
    expect([b.take(), b.take()]).toEqual([true, false]);
    t = 10_000;
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
  });
});

describe('relay/metrics', () => {
  it('summarizes recent samples', () => {
    const s = new Summary(4);
    for (const v of [100, 1, 2, 3, 4]) s.observe(v);
    expect(s.count).toBe(5);
    expect(s.sum).toBe(110);
    expect(s.quantile(0.99)).toBe(4);
  });
});
