import type { Logger } from './logger';

/**
 * Wraps the work of a timer, socket event or other entry point so that a throw (or a rejected
 * promise) is logged as `<what> failed` and goes no further: one failure never stops the relay,
 * and the next tick or event runs as usual.
 */
export function guarded<A extends unknown[]>(
  log: Logger,
  what: string,
  fn: (...args: A) => unknown,
): (...args: A) => void {
  return (...args: A) => {
    try {
      const r = fn(...args);
      if (r instanceof Promise) r.catch((err: unknown) => log.error({ err }, `${what} failed`));
    } catch (err) {
      log.error({ err }, `${what} failed`);
    }
  };
}
