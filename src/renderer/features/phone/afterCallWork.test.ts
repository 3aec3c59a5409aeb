import { describe, expect, it } from 'vitest';
import { AfterCallWork } from './afterCallWork';

function harness(limit: number) {
  let now = 1_000_000;
  let tick: (() => void) | null = null;
  let expired = 0;
  const acw = new AfterCallWork({
    limitSec: () => limit,
    onExpired: () => expired++,
    now: () => now,
    setInterval: (f) => {
      tick = f;
      return 1 as unknown as ReturnType<typeof setInterval>;
    },
    clearInterval: () => (tick = null),
  });
  return {
    acw,
    advance: (ms: number) => {
      now += ms;
      tick?.();
    },
    expired: () => expired,
    ticking: () => tick !== null,
  };
}

describe('renderer/phone/AfterCallWork', () => {
  it('expires once when the limit is reached, not before', () => {
    const h = harness(30);
    h.acw.start();
    h.advance(29_000);
    expect(h.expired()).toBe(0);
    h.advance(1_000);
    expect(h.expired()).toBe(1);
    h.advance(60_000);
    expect(h.expired()).toBe(1);
    expect(h.acw.since()).toBeNull();
  });

  it('a saved wrap-up stops the clock; the next one starts its own', () => {
    const h = harness(30);
    h.acw.start();
    h.advance(20_000);
    h.acw.stop();
    expect(h.ticking()).toBe(false);
    h.acw.start();
    h.advance(20_000);
    expect(h.expired()).toBe(0);
    h.advance(10_000);
    expect(h.expired()).toBe(1);
  });

  it('no limit: the clock shows time spent but never expires', () => {
    const h = harness(0);
    h.acw.start();
    expect(h.acw.since()).not.toBeNull();
    expect(h.ticking()).toBe(false);
    h.advance(3_600_000);
    expect(h.expired()).toBe(0);
  });
});
