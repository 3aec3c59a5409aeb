import { describe, expect, it } from 'vitest';
import { LoginThrottle, resolveLoginThrottle } from './loginThrottle';

describe('relay/identity/loginThrottle', () => {
  const make = (o = {}) => {
    let t = 0;
    const clock = { advance: (ms: number) => (t += ms) };
    const th = new LoginThrottle(
      resolveLoginThrottle({ maxFailures: 3, maxFailuresPerSource: 5, ...o }),
      () => t,
    );
    return { th, clock };
  };

  it('locks an account only at the address that guessed, until the window passes', () => {
    const { th, clock } = make();
    for (let i = 0; i < 3; i++) th.fail('10.0.0.9', 'mei@x.cn');
    expect(th.check('10.0.0.9', 'mei@x.cn')).toMatchObject({ scope: 'account' });
    expect(th.check('10.0.0.2', 'mei@x.cn')).toBeNull();
    clock.advance(15 * 60_000);
    expect(th.check('10.0.0.9', 'mei@x.cn')).toBeNull();
  });

  it('stops one address trying many accounts', () => {
    const { th } = make();
    for (let i = 0; i < 5; i++) th.fail('10.0.0.9', `user${i}@x.cn`);
    const v = th.check('10.0.0.9', 'someone-else@x.cn');
    expect(v).toMatchObject({ scope: 'source' });
    expect(v!.retryAfterMs).toBe(15 * 60_000);
    expect(th.check('10.0.0.2', 'someone-else@x.cn')).toBeNull();
  });

  it('a right password clears the account at that address', () => {
    const { th } = make();
    for (let i = 0; i < 2; i++) th.fail('10.0.0.9', 'mei@x.cn');
    th.succeed('10.0.0.9', 'mei@x.cn');
    for (let i = 0; i < 2; i++) th.fail('10.0.0.9', 'mei@x.cn');
    expect(th.check('10.0.0.9', 'mei@x.cn')).toBeNull();
  });

  it('keeps memory bounded: expired entries go, and the oldest past the cap', () => {
    const { th, clock } = make({ maxTracked: 100, maxFailuresPerSource: 1000 });
    for (let i = 0; i < 1000; i++) th.fail(`10.0.${i >> 8}.${i & 255}`, `u${i}@x.cn`);
    expect(th.size().pairs).toBeLessThanOrEqual(100);
    expect(th.size().sources).toBeLessThanOrEqual(100);
    clock.advance(15 * 60_000);
    th.fail('10.9.9.9', 'late@x.cn');
    expect(th.size()).toEqual({ pairs: 1, sources: 1 });
  });

  it('refuses nonsense limits', () => {
    expect(() => resolveLoginThrottle({ maxFailures: 0 })).toThrow(/maxFailures/);
    expect(() => resolveLoginThrottle({ windowMs: Number.NaN })).toThrow(/windowMs/);
  });
});
