/**
 * Delay before reconnect attempt `attempt` (0-based): exponential backoff with full jitter
 * (AWS architecture blog), so a relay restart is not met by every app at the same instant.
 * Uniform in [0, min(capMs, baseMs * 2^attempt)).
 */
export function fullJitterDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** Reconnect attempts since the last welcome, and the timer of the next attempt. */
export class Backoff {
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: { baseMs: number; capMs: number; random: () => number }) {}

  /** A connection was welcomed: delays start small again. */
  reset(): void {
    this.attempt = 0;
  }

  /** The delay before the next attempt (fullJitterDelay); each call counts one attempt. */
  nextDelay(): number {
    return fullJitterDelay(this.attempt++, this.o.baseMs, this.o.capMs, this.o.random);
  }

  /** Runs `retry` after `delay` ms (cancel() stops it). */
  retryAfter(delay: number, retry: () => void): void {
    this.timer = setTimeout(retry, delay);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
