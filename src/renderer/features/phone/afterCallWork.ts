/**
 * After-call work: from hang-up until the wrap-up is saved the agent is in after-call work (no new
 * work is routed to them). With a limit, when the time is up the wrap-up is saved with what the
 * form holds and the agent is available again, as contact centers configure it (Amazon Connect's
 * ACW timeout). One timer for the wrap-up shown; it restarts for the next one in line.
 */
export class AfterCallWork {
  private startedAt: number | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly o: {
      /** Seconds allowed; 0 for no limit. Read at each start (the account can change). */
      limitSec: () => number;
      /** Called once when the time is up. */
      onExpired: () => void;
      now?: () => number;
      setInterval?: (f: () => void, ms: number) => ReturnType<typeof setInterval>;
      clearInterval?: (t: ReturnType<typeof setInterval>) => void;
    },
  ) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** A wrap-up is now on screen (its clock starts now). */
  start(): void {
    this.stop();
    this.startedAt = this.now();
    const limit = this.o.limitSec();
    if (limit <= 0) return;
    const tick = () => {
      if (this.startedAt !== null && this.now() - this.startedAt >= limit * 1000) {
        this.stop();
        this.o.onExpired();
      }
    };
    this.timer = (this.o.setInterval ?? setInterval)(tick, 1000);
  }

  /** The wrap-up was saved (or there is none). */
  stop(): void {
    if (this.timer !== null) (this.o.clearInterval ?? clearInterval)(this.timer);
    this.timer = null;
    this.startedAt = null;
  }

  /** When the current wrap-up's clock started, or null. */
  since(): number | null {
    return this.startedAt;
  }
}
