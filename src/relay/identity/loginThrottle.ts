/** Limits of the sign-in throttle; see `resolveLoginThrottle` for the defaults. */
export type LoginThrottleOptions = {
  /** Failed sign-ins allowed for one account from one source address per window. Default 10. */
  maxFailures: number;
  /** Failed sign-ins allowed from one source address, whatever the accounts, per window. Default 50. */
  maxFailuresPerSource: number;
  /** How long a failure counts, from the first one of a window. Default 15 min. */
  windowMs: number;
  /** Most (source, account) and source entries kept; the oldest go first past it. Default 10,000 each. */
  maxTracked: number;
};

/** Fills the sign-in throttle's defaults and checks the numbers. */
export function resolveLoginThrottle(o: Partial<LoginThrottleOptions> = {}): LoginThrottleOptions {
  const r = {
    maxFailures: o.maxFailures ?? 10,
    maxFailuresPerSource: o.maxFailuresPerSource ?? 50,
    windowMs: o.windowMs ?? 15 * 60_000,
    maxTracked: o.maxTracked ?? 10_000,
  };
  for (const [k, v] of Object.entries(r))
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`Relay option loginThrottle.${k} must be a whole number ≥ 1.`);
  return r;
}

type Window = { count: number; since: number };

/** Why a sign-in is refused before its password is checked, and for how long. */
export type ThrottleVerdict = { scope: 'account' | 'source'; retryAfterMs: number };

/**
 * Password-guessing throttle keyed by source address AND account, plus one per source: a stranger
 * at another address cannot lock a colleague out (their failures count against their own
 * address), and one address trying many accounts is stopped by its own count. Memory is bounded:
 * windows expire, and past `maxTracked` the oldest entries are dropped. In memory only: a restart
 * forgives, which is acceptable for a throttle.
 */
export class LoginThrottle {
  private readonly pairs = new Map<string, Window>();
  private readonly sources = new Map<string, Window>();

  constructor(
    private readonly o: LoginThrottleOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a sign-in for `account` from `source` is refused now, and until when. */
  check(source: string, account: string): ThrottleVerdict | null {
    const t = this.now();
    const bySource = this.live(this.sources, source, t);
    if (bySource && bySource.count >= this.o.maxFailuresPerSource)
      return { scope: 'source', retryAfterMs: bySource.since + this.o.windowMs - t };
    const pair = this.live(this.pairs, key(source, account), t);
    if (pair && pair.count >= this.o.maxFailures)
      return { scope: 'account', retryAfterMs: pair.since + this.o.windowMs - t };
    return null;
  }

  /** Counts one failed sign-in. */
  fail(source: string, account: string): void {
    const t = this.now();
    this.bump(this.pairs, key(source, account), t);
    this.bump(this.sources, source, t);
  }

  /** A right password from this source clears that account's count there (not the source's). */
  succeed(source: string, account: string): void {
    this.pairs.delete(key(source, account));
  }

  /** Entries held now (for tests and metrics). */
  size(): { pairs: number; sources: number } {
    return { pairs: this.pairs.size, sources: this.sources.size };
  }

  private live(map: Map<string, Window>, k: string, t: number): Window | null {
    const w = map.get(k);
    if (!w) return null;
    if (t - w.since < this.o.windowMs) return w;
    map.delete(k);
    return null;
  }

  private bump(map: Map<string, Window>, k: string, t: number): void {
    const w = this.live(map, k, t);
    if (w) w.count += 1;
    // A new window goes to the end, so the map stays ordered by window start.
    else map.set(k, { count: 1, since: t });
    this.prune(map, t);
  }

  /** Drops expired windows from the front (oldest first), then the oldest past the cap. */
  private prune(map: Map<string, Window>, t: number): void {
    for (const [k, w] of map) {
      if (t - w.since < this.o.windowMs && map.size <= this.o.maxTracked) break;
      map.delete(k);
    }
  }
}

const key = (source: string, account: string) => `${source}\n${account}`;
