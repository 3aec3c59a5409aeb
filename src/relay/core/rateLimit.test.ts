import { describe, expect, it } from 'vitest';
import { Summary } from './metrics';
import { KeyedBuckets, TokenBucket } from './rateLimit';

describe('relay/core/rateLimit', () => {
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

describe('relay/core/rateLimit KeyedBuckets', () => {
  it('gives each key its own bucket and says how long to wait', () => {
    let t = 0;
    const k = new KeyedBuckets({ perSecond: 1, burst: 2 }, () => t);
    expect([k.take('a'), k.take('a'), k.take('b')]).toEqual([0, 0, 0]);
    expect(k.take('a')).toBe(1000);
    t = 1000;
    expect(k.take('a')).toBe(0);
  });

  it('forgets the least recently used key past its size, so memory stays bounded', () => {
    const k = new KeyedBuckets({ perSecond: 0.001, burst: 1 }, () => 0, 2);
    k.take('a');
    k.take('b');
    k.take('a'); // a is used again: b is now the oldest
    k.take('c'); // b goes
    expect(k.take('b')).toBe(0); // a fresh bucket (and a goes in turn)
    expect(k.take('c')).toBeGreaterThan(0); // c was kept: still spent
  });
});

describe('relay/core/metrics', () => {
  it('summarizes recent samples', () => {
    const s = new Summary(4);
    for (const v of [100, 1, 2, 3, 4]) s.observe(v);
    expect(s.count).toBe(5);
    expect(s.sum).toBe(110);
    expect(s.quantile(0.99)).toBe(4);
  });
});
