/** A token bucket: `burst` frames at once, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is back (0 when one is there now). */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
  }
}

/** A rate: `perSecond` on average, `burst` at once. */
export type Rate = { perSecond: number; burst: number };

/**
 * One token bucket per key (a source address). Memory is bounded: past `maxKeys` the key used
 * least recently is forgotten (it starts again with a full bucket). [maxKeys=10000]
 */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(
    private readonly rate: Rate,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes a token for `key`: 0 when allowed, else the milliseconds until a token is back. */
  take(key: string): number {
    let b = this.buckets.get(key);
    if (b)
      this.buckets.delete(key); // re-inserted below: the Map's order is least recently used first
    else b = new TokenBucket(this.rate.perSecond, this.rate.burst, this.now);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    return b.take() ? 0 : Math.max(1, b.waitMs());
  }
}
