import type { Logger } from '../core/logger';

/**
 * One line of routing's asynchronous work (loads, writes, reads for frames), run in the order
 * asked: a step starts only when the one before it is over, so an assignment being written is
 * never overtaken by a later effect of the engine. A step that fails is logged and the line goes on.
 */
export function createSteps(log: Logger) {
  let tail: Promise<void> = Promise.resolve();
  return {
    run(what: string, step: () => Promise<void> | void): void {
      tail = tail.then(step).catch((err: unknown) => log.error({ err }, `routing: ${what} failed`));
    },
    /** Resolves once every step asked so far is over. */
    idle: (): Promise<void> => tail,
  };
}

export type Steps = ReturnType<typeof createSteps>;
