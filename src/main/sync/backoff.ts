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
